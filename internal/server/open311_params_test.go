package server

import (
	"errors"
	"net/url"
	"slices"
	"testing"
	"time"

	"grid110/internal/grid110"
)

// FuzzParseW3CTime checks that a date is refused on its field, or parsed
// to an instant that survives formatting and parsing again.
func FuzzParseW3CTime(f *testing.F) {
	for _, s := range []string{"2026-11-28T08:00:00+08:00", "2026-11-28T00:00:00Z", "2026-11-28T08:00:00 08:00",
		"2026-11-28T08:00+08:00", "2026-11-28T08:00:00.123Z", "2026-11-28", "2026-11", "2026", "yesterday", "",
		"2026-11-28T08:00:00", " 2026", "2026-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseW3CTime(s, "start_date")
		if err != nil {
			var ve *grid110.ValidationError
			if !errors.As(err, &ve) || ve.Field != "start_date" {
				t.Fatalf("parseW3CTime(%q) = %v; want a validation error on start_date", s, err)
			}
			return
		}
		if s == "" {
			if !got.IsZero() {
				t.Fatalf("parseW3CTime(\"\") = %v; want the zero time", got)
			}
			return
		}
		again, err := parseW3CTime(got.Format(time.RFC3339Nano), "start_date")
		if err != nil || !again.Equal(got) {
			t.Fatalf("parseW3CTime(%q) = %v, which reads back as %v, %v", s, got, again, err)
		}
	})
}

// FuzzParseRequestQuery checks that any query string is refused as bad
// input, or gives a filter within the specification's limits: at most
// 1000 requests a page, a window of at most 90 days that ends after it
// starts, and ids that are ids.
func FuzzParseRequestQuery(f *testing.F) {
	for _, s := range []string{"", "service_request_id=1,2,3", "service_request_id=0", "status=open,closed", "status=pending",
		"start_date=2026-11-01T00:00:00Z&end_date=2026-11-28T00:00:00Z", "start_date=2026-01-01&end_date=2026-12-01",
		"end_date=2026-01-01&start_date=2026-02-01", "page=2&page_size=50", "page=0", "page_size=1001", "page=999999999999",
		"service_code=dispute,,public_order&status=closed", "start_date=2026-11-28T08:00:00+08:00"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		q, _ := url.ParseQuery(s) // what Echo does with a broken query: keep what parses
		rq, err := parseRequestQuery(q, now)
		if err != nil {
			if !errors.Is(err, grid110.ErrInvalid) {
				t.Fatalf("parseRequestQuery(%q) = %v; want ErrInvalid", s, err)
			}
			return
		}
		if rq.Limit < 1 || rq.Limit > open311MaxRequests || rq.Page < 1 || rq.Offset != (rq.Page-1)*rq.Limit {
			t.Fatalf("parseRequestQuery(%q): limit %d, page %d, offset %d", s, rq.Limit, rq.Page, rq.Offset)
		}
		if len(rq.IDs) > 0 {
			if len(rq.IDs) > open311MaxRequests || slices.ContainsFunc(rq.IDs, func(id int64) bool { return id <= 0 }) {
				t.Fatalf("parseRequestQuery(%q): ids %v", s, rq.IDs)
			}
			return
		}
		if rq.To.Before(rq.From) || rq.To.Sub(rq.From) > open311Window {
			t.Fatalf("parseRequestQuery(%q): window %v to %v", s, rq.From, rq.To)
		}
		for _, st := range rq.Statuses {
			if _, err := grid110.ParseStatus(string(st)); err != nil {
				t.Fatalf("parseRequestQuery(%q): status %q", s, st)
			}
		}
	})
}

// FuzzSplitFile checks that a path segment splits into a name and a
// format it is made of, or is refused as not found.
func FuzzSplitFile(f *testing.F) {
	for _, s := range []string{"42.json", "dispute.xml", "42", ".json", "1.2.xml", "42.csv", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, format, err := splitFile(s)
		if err != nil {
			if !errors.Is(err, grid110.ErrNotFound) {
				t.Fatalf("splitFile(%q) = %v; want ErrNotFound", s, err)
			}
			return
		}
		if name == "" || (format != formatJSON && format != formatXML) || name+"."+string(format) != s {
			t.Fatalf("splitFile(%q) = %q, %q", s, name, format)
		}
	})
}

func TestOpen311Status(t *testing.T) {
	for ours, want := range map[int]int{400: 400, 401: 403, 403: 403, 404: 404, 405: 400, 409: 400, 422: 400, 429: 429, 500: 500, 503: 503} {
		if got := open311Status(ours); got != want {
			t.Errorf("open311Status(%d) = %d; want %d", ours, got, want)
		}
	}
}

func TestOpen311StatusesOf(t *testing.T) {
	closed := statusesOf([]string{"closed"})
	if !slices.Equal(closed, []grid110.Status{grid110.StatusClosed, grid110.StatusRejected}) {
		t.Errorf("closed = %v; want closed and rejected", closed)
	}
	open := statusesOf([]string{"open"})
	if len(open)+len(closed) != len(grid110.Statuses) || slices.ContainsFunc(open, func(s grid110.Status) bool { return !s.Open() }) {
		t.Errorf("open = %v; want every other state", open)
	}
	if both := statusesOf([]string{"open", "closed"}); both != nil {
		t.Errorf("open,closed = %v; want no filter", both)
	}
}

func TestReporterName(t *testing.T) {
	for _, c := range []struct{ first, last, want string }{
		{"小明", "王", "王小明"}, {"John", "Smith", "John Smith"}, {"", "王", "王"}, {" Ann ", "", "Ann"},
	} {
		if got := reporterName(c.first, c.last); got != c.want {
			t.Errorf("reporterName(%q, %q) = %q; want %q", c.first, c.last, got, c.want)
		}
	}
}
