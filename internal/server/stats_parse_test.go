package server

import (
	"errors"
	"net/url"
	"slices"
	"testing"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// FuzzParseStatsQuery checks that any query string is either refused with a
// validation error naming one of the parameters, or gives a filter the
// store accepts as it stands.
func FuzzParseStatsQuery(f *testing.F) {
	for _, s := range []string{"", "by=grid&grid=2", "by=day&from=2026-11-01&to=2026-11-28", "by=week&from=2026-11-28&to=2026-11-01",
		"category=dispute&status=closed&team=7&format=csv", "by=month&from=1900-01-01", "grid=-1", "format=xml", "by=day&from=2000-01-01",
		"from=2026-11-28T08:00:00%2B08:00", "status=open", "category=Bad", "grid=99999999999999999999"} {
		f.Add(s, "")
	}
	f.Add("", "text/csv")
	f.Add("format=json", "text/csv;q=0.5, application/json")
	fields := []string{"by", "grid", "category", "status", "team", "from", "to", "format"}
	f.Fuzz(func(t *testing.T, raw, accept string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		sq, err := parseStatsQuery(q, accept)
		if err != nil {
			var ve *grid110.ValidationError
			if !errors.As(err, &ve) || !slices.Contains(fields, ve.Field) {
				t.Fatalf("parseStatsQuery(%q) = %v; want a validation error on one of %v", raw, err, fields)
			}
			return
		}
		if err := sq.Filter.Validate(sq.By); err != nil {
			t.Fatalf("parseStatsQuery(%q) = %+v, which the store refuses: %v", raw, sq, err)
		}
		if _, err := postgres.ParseStatsBy(string(sq.By)); err != nil || sq.Filter.GridID < 0 || sq.Filter.TeamID < 0 ||
			(sq.Filter.Category != "" && !categoryCode.MatchString(sq.Filter.Category)) {
			t.Fatalf("parseStatsQuery(%q) = %+v", raw, sq)
		}
		if q.Get("format") == "csv" && !sq.CSV || q.Get("format") == "json" && sq.CSV {
			t.Fatalf("parseStatsQuery(%q) CSV = %v", raw, sq.CSV)
		}
	})
}

func TestAcceptsCSV(t *testing.T) {
	for accept, want := range map[string]bool{
		"": false, "text/csv": true, "application/json": false, "text/html, text/csv;q=0.8": true,
		"text/csv;q=0": false, "*/*": false, "TEXT/CSV": true,
	} {
		if got := acceptsCSV(accept); got != want {
			t.Errorf("acceptsCSV(%q) = %v; want %v", accept, got, want)
		}
	}
}
