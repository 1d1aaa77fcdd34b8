package tiles

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"grid110/internal/grid110"
)

// chinaTime is the zone report days are counted in (UTC+8, no daylight saving).
var chinaTime = time.FixedZone("CST", 8*3600)

// DefaultWindow is the time window of a filter without from and to.
const DefaultWindow = 30 * 24 * time.Hour

// Filter selects the reports that the reports, heatmap and grid-stats
// layers count. The roll-ups count by day, so the window is whole days in
// China time: From is the first day and To the day after the last, both
// at midnight CST.
type Filter struct {
	Categories []string // sorted; empty means every category
	Statuses   []string // sorted; empty means every status
	From, To   time.Time
	// FDR asks the hotspots layer for Benjamini-Hochberg corrected bins.
	FDR bool
}

// forLayer keeps the parts of f that layer l uses, so that tiles are
// cached once per distinct answer: only hotspots take fdr, and they count
// every status.
func (f Filter) forLayer(l string) Filter {
	if l == LayerHotspots {
		f.Statuses = nil
	} else {
		f.FDR = false
	}
	return f
}

// key is the filter's canonical form, for the cache and for tile URLs.
func (f Filter) key() string { return f.Query().Encode() }

// Query returns the filter as query parameters, from and to as dates.
func (f Filter) Query() url.Values {
	v := url.Values{}
	if len(f.Categories) > 0 {
		v.Set("category", strings.Join(f.Categories, ","))
	}
	if len(f.Statuses) > 0 {
		v.Set("status", strings.Join(f.Statuses, ","))
	}
	if f.FDR {
		v.Set("fdr", "true")
	}
	v.Set("from", f.From.Format(time.DateOnly))
	v.Set("to", f.To.AddDate(0, 0, -1).Format(time.DateOnly))
	return v
}

// fromDay and toDay are the window as dates for the roll-up queries.
func (f Filter) fromDay() time.Time { return dateOf(f.From) }
func (f Filter) toDay() time.Time   { return dateOf(f.To) }

// dateOf is t's calendar day in China time as a UTC midnight, the form pgx
// sends for a date.
func dateOf(t time.Time) time.Time {
	y, m, d := t.In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseFilter validates the filter parameters category, status, from,
// to and fdr (hotspots only). category and status take one value or a comma-separated list; from
// and to are dates (YYYY-MM-DD, China time) or RFC 3339 times, whose day
// counts; to is inclusive. Without from and to the window is the 30 days
// up to and including today. Errors wrap grid110.ErrInvalid and name the
// parameter.
func (s *Source) ParseFilter(q url.Values) (Filter, error) {
	var f Filter
	cats := s.snap.Load().categories
	for _, c := range splitList(q.Get("category")) {
		if !cats[c] {
			return Filter{}, grid110.Invalid("category", "unknown category %q (GET /api/v1/categories lists them)", c)
		}
		f.Categories = append(f.Categories, c)
	}
	for _, st := range splitList(q.Get("status")) {
		if _, err := grid110.ParseStatus(st); err != nil {
			return Filter{}, err
		}
		f.Statuses = append(f.Statuses, st)
	}
	if v := q.Get("fdr"); v != "" {
		var err error
		if f.FDR, err = strconv.ParseBool(v); err != nil {
			return Filter{}, grid110.Invalid("fdr", "%q is not true or false", v)
		}
	}
	slices.Sort(f.Categories)
	f.Categories = slices.Compact(f.Categories)
	slices.Sort(f.Statuses)
	f.Statuses = slices.Compact(f.Statuses)

	from, err := parseDay(q.Get("from"), "from")
	if err != nil {
		return Filter{}, err
	}
	last, err := parseDay(q.Get("to"), "to")
	if err != nil {
		return Filter{}, err
	}
	today := midnight(s.now())
	switch {
	case from.IsZero() && last.IsZero():
		last = today
		from = today.AddDate(0, 0, -int(DefaultWindow/(24*time.Hour))+1)
	case last.IsZero():
		last = today
	case from.IsZero():
		from = last.AddDate(0, 0, -int(DefaultWindow/(24*time.Hour))+1)
	}
	if last.Before(from) {
		return Filter{}, grid110.Invalid("to", "%s is before from %s", last.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	if last.Sub(from) > 20*365*24*time.Hour {
		return Filter{}, grid110.Invalid("from", "the window may span at most 20 years")
	}
	f.From, f.To = from, last.AddDate(0, 0, 1)
	return f, nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseDay returns midnight (China time) of the day v names; "" gives zero.
func parseDay(v, field string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, chinaTime); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return midnight(t), nil
	}
	return time.Time{}, grid110.Invalid(field, "%q is not a date (2026-11-28) or an RFC 3339 time", v)
}

func midnight(t time.Time) time.Time {
	y, m, d := t.In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, chinaTime)
}
