package patrol

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/uber/h3-go/v4"

	"grid110/internal/grid110"
	"grid110/internal/hotspot"
)

// Period is the length of one time step of an emerging hot spot analysis.
type Period string

// The periods.
const (
	Day   Period = "day"
	Week  Period = "week"
	Month Period = "month"
)

// DefaultPeriods is the number of periods when a query gives none: ten is
// where the Mann-Kendall normal approximation becomes usable.
const (
	DefaultPeriods = 10
	MaxPeriods     = 120
)

// ParsePeriod checks a period name; the error wraps grid110.ErrInvalid.
func ParsePeriod(s string) (Period, error) {
	switch p := Period(s); p {
	case Day, Week, Month:
		return p, nil
	}
	return "", grid110.Invalid("period", "%q is not day, week or month", s)
}

// step returns the start of the period before the one starting at t.
func (p Period) step(t time.Time) time.Time {
	switch p {
	case Day:
		return t.AddDate(0, 0, -1)
	case Month:
		return t.AddDate(0, -1, 0)
	}
	return t.AddDate(0, 0, -7)
}

// EmergingQuery asks for emerging hot spots: Gi* in each of Periods
// consecutive periods ending at Query.To (Query.From is ignored).
type EmergingQuery struct {
	Query
	Period  Period // default Week
	Periods int    // 2..MaxPeriods, default DefaultPeriods
}

// EmergingCell is one cell's emerging hot spot result.
type EmergingCell struct {
	Cell    h3.Cell
	Count   int64        // reports over all the periods
	Last    hotspot.Stat // Gi* in the final period
	Trend   hotspot.Trend
	Pattern hotspot.Pattern
}

// EmergingResult is the answer to an EmergingQuery.
type EmergingResult struct {
	Query     EmergingQuery // as run
	Starts    []time.Time   // start of each period; the last ends at Query.To
	AreaCells int
	Cells     []EmergingCell // every cell of the study area
}

// Emerging runs an emerging hot spot analysis (hotspot.EmergingHotSpots)
// over the cells of q.Area.
func (s *Service) Emerging(ctx context.Context, q EmergingQuery) (*EmergingResult, error) {
	if q.Period == "" {
		q.Period = Week
	}
	if q.Periods == 0 {
		q.Periods = DefaultPeriods
	}
	if q.Periods < 2 || q.Periods > MaxPeriods {
		return nil, grid110.Invalid("periods", "%d is outside 2..%d", q.Periods, MaxPeriods)
	}
	if q.To.IsZero() {
		q.To = s.now()
	}
	starts := make([]time.Time, q.Periods)
	t := q.To
	for i := q.Periods - 1; i >= 0; i-- {
		t = q.Period.step(t)
		starts[i] = t
	}
	q.From = starts[0]
	if err := q.Query.normalize(s.now()); err != nil {
		return nil, err
	}
	a, err := s.cellArea(ctx, q.Area, q.Res, q.K)
	if err != nil {
		return nil, err
	}
	q.Res = a.res
	rows, err := s.store.CellDayCounts(ctx, a.res, a.cells, q.window())
	if err != nil {
		return nil, err
	}
	n := a.graph.Len()
	periods := make([][]float64, q.Periods)
	for i := range periods {
		periods[i] = make([]float64, n)
	}
	// The roll-ups count China days; a period holds the days on or after
	// the China day its start falls on.
	startDays := make([]time.Time, len(starts))
	for i, st := range starts {
		startDays[i] = chinaDay(st)
	}
	totals := make([]int64, n)
	for _, r := range rows {
		i, ok := a.graph.Index(h3.Cell(r.Cell))
		if !ok {
			continue
		}
		p := sort.Search(len(startDays), func(j int) bool { return startDays[j].After(r.Day) }) - 1
		if p < 0 {
			p = 0 // the first period's partial first day
		}
		periods[p][i] += float64(r.N)
		totals[i] += r.N
	}
	e, err := a.graph.EmergingHotSpots(periods, hotspot.EmergingOptions{FDR: q.FDR})
	if err != nil {
		return nil, fmt.Errorf("emerging hot spots: %w", err)
	}
	out := &EmergingResult{Query: q, Starts: starts, AreaCells: n, Cells: make([]EmergingCell, n)}
	for i, c := range a.graph.IDs() {
		out.Cells[i] = EmergingCell{Cell: c, Count: totals[i], Last: e.Stats[q.Periods-1][i],
			Trend: e.Trends[i], Pattern: e.Patterns[i]}
	}
	return out, nil
}

var chinaTime = time.FixedZone("CST", 8*3600)

// chinaDay returns the calendar day of t in China time as midnight UTC,
// the form in which pgx returns a date.
func chinaDay(t time.Time) time.Time {
	y, m, d := t.In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
