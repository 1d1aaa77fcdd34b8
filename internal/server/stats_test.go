package server_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"grid110/internal/grid110"
)

// stats is the JSON of GET /api/v1/stats.
type stats struct {
	By     string `json:"by"`
	Filter struct {
		Grid     int64  `json:"grid"`
		GridCode string `json:"grid_code"`
		Category string `json:"category"`
		From     string `json:"from"`
	} `json:"filter"`
	Rows []struct {
		Key    string     `json:"key"`
		Name   string     `json:"name"`
		GridID int64      `json:"grid_id"`
		Start  *time.Time `json:"start"`
		statsNumbers
	} `json:"rows"`
	Totals statsNumbers `json:"totals"`
}

type statsNumbers struct {
	Reports     int                 `json:"reports"`
	Open        int                 `json:"open"`
	Closed      int                 `json:"closed"`
	Rejected    int                 `json:"rejected"`
	Overdue     int                 `json:"overdue"`
	OnTime      int                 `json:"closed_on_time"`
	ClosureRate *float64            `json:"closure_rate"`
	OnTimeRate  *float64            `json:"on_time_rate"`
	MedianHours map[string]*float64 `json:"median_hours"`
}

// get fetches path with the given headers and returns the response and its body.
func (a *app) get(path string, hdr map[string]string) (*http.Response, string) {
	a.t.Helper()
	req, err := http.NewRequest("GET", a.url+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp, string(b)
}

// readStatsCSV checks the byte order mark and returns the records.
func readStatsCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rest, ok := strings.CutPrefix(body, "\uFEFF")
	if !ok {
		t.Fatalf("CSV starts %q; want a UTF-8 byte order mark", body[:min(len(body), 8)])
	}
	recs, err := csv.NewReader(strings.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	return recs
}

// with returns hdr and k: v.
func with(hdr map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for kk, vv := range hdr {
		out[kk] = vv
	}
	return out
}

func TestStatsJSONAndCSV(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	city := a.account("city", grid110.StaffCommandCity, "350600", "", "")
	var want statsNumbers
	err := a.pool.QueryRow(t.Context(), `SELECT count(*), count(*) FILTER (WHERE status = 'closed'),
		count(*) FILTER (WHERE status = 'rejected') FROM reports`).Scan(&want.Reports, &want.Closed, &want.Rejected)
	if err != nil {
		t.Fatal(err)
	}
	var js stats
	if resp := a.do("GET", "/api/v1/stats?by=category", nil, city, &js); resp.StatusCode != 200 {
		t.Fatalf("stats = %d", resp.StatusCode)
	}
	got := js.Totals
	if js.By != "category" || got.Reports != want.Reports || got.Closed != want.Closed || got.Rejected != want.Rejected ||
		got.Open+got.Closed+got.Rejected != got.Reports {
		t.Errorf("by %q totals %+v; want category with %d reports, %d closed, %d rejected", js.By, got, want.Reports, want.Closed, want.Rejected)
	}
	rate := float64(want.Closed) / float64(want.Reports-want.Rejected)
	if got.ClosureRate == nil || *got.ClosureRate < rate-0.00005 || *got.ClosureRate > rate+0.00005 {
		t.Errorf("closure rate %v; want %.4f", got.ClosureRate, rate)
	}
	sum := 0
	for _, r := range js.Rows {
		sum += r.Reports
	}
	if len(js.Rows) != 10 || sum != want.Reports {
		t.Errorf("%d rows adding up to %d; want the 10 categories adding up to %d", len(js.Rows), sum, want.Reports)
	}
	for _, s := range []string{"filing", "dispatch", "handling", "verification", "closure"} {
		if h := got.MedianHours[s]; h == nil || *h <= 0 {
			t.Errorf("median %s hours = %v; want a positive number", s, h)
		}
	}

	// The same as CSV: a header, the rows and the totals.
	resp, body := a.get("/api/v1/stats?by=category&format=csv", city)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("CSV = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="grid110-stats-by-category.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	recs := readStatsCSV(t, body)
	if len(recs) != len(js.Rows)+2 {
		t.Fatalf("CSV has %d records; want a header, %d rows and the totals", len(recs), len(js.Rows))
	}
	if h := recs[0]; h[0] != "键 (key)" || h[2] != "案件数 (reports)" || h[9] != "结案率 (closure_rate)" ||
		h[11] != "受理时长中位数/小时 (median_hours.filing)" || len(h) != 16 {
		t.Errorf("header %q", h)
	}
	for i, r := range js.Rows {
		if recs[i+1][0] != r.Key || recs[i+1][1] != r.Name || recs[i+1][2] != fmt.Sprint(r.Reports) {
			t.Errorf("CSV row %d = %q; JSON has %s %s %d", i+1, recs[i+1][:3], r.Key, r.Name, r.Reports)
		}
	}
	last := recs[len(recs)-1]
	if last[0] != "total" || last[1] != "合计" || last[2] != fmt.Sprint(want.Reports) || last[9] != fmt.Sprint(*got.ClosureRate) {
		t.Errorf("totals row %q", last)
	}

	// Accept: text/csv asks for CSV too.
	resp, body = a.get("/api/v1/stats?by=status", with(city, "Accept", "text/csv"))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || len(readStatsCSV(t, body)) != 10+2 {
		t.Errorf("Accept: text/csv = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// format=json wins over Accept.
	if resp, _ := a.get("/api/v1/stats?by=status&format=json", with(city, "Accept", "text/csv")); !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("format=json answered %s", resp.Header.Get("Content-Type"))
	}
}

func TestStatsFilterEchoedInFileName(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.admin()
	var district int64
	if err := a.pool.QueryRow(t.Context(), `SELECT id FROM grids WHERE code = '350602'`).Scan(&district); err != nil {
		t.Fatal(err)
	}
	q := fmt.Sprintf("/api/v1/stats?by=month&grid=%d&category=dispute&from=2026-06-01&to=2026-09-01", district)
	var js stats
	if resp := a.do("GET", q, nil, admin, &js); resp.StatusCode != 200 {
		t.Fatalf("stats = %d", resp.StatusCode)
	}
	if js.Filter.Grid != district || js.Filter.GridCode != "350602" || js.Filter.Category != "dispute" ||
		js.Filter.From != "2026-06-01T00:00:00+08:00" {
		t.Errorf("filter %+v", js.Filter)
	}
	if len(js.Rows) != 3 || js.Rows[0].Name != "2026-06" || js.Rows[0].Start.Format(time.RFC3339) != "2026-06-01T00:00:00+08:00" {
		t.Fatalf("rows %+v; want June, July, August 2026 from China midnight", js.Rows)
	}
	resp, body := a.get(q+"&format=csv", admin)
	want := `attachment; filename="grid110-stats-by-month-grid-350602-category-dispute-from-2026-06-01-to-2026-09-01.csv"`
	if cd := resp.Header.Get("Content-Disposition"); cd != want {
		t.Errorf("Content-Disposition %q; want %q", cd, want)
	}
	recs := readStatsCSV(t, body)
	if len(recs) != 3+2 || recs[0][2] != "开始 (start)" || recs[1][2] != "2026-06-01T00:00:00+08:00" {
		t.Errorf("CSV %q", recs)
	}
}

func TestStatsBadParameters(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.admin()
	tests := []struct{ query, field string }{
		{"by=year", "by"},
		{"grid=abc", "grid"},
		{"grid=0", "grid"},
		{"grid=999999", "grid"},
		{"team=-3", "team"},
		{"team=999999", "team"},
		{"category=ufo", "category"},
		{"category=DROP%20TABLE", "category"},
		{"status=lost", "status"},
		{"from=yesterday", "from"},
		{"from=2026-06-01&to=2026-05-01", "to"},
		{"by=day&from=2000-01-01&to=2026-01-01", "from"},
		{"format=xml", "format"},
	}
	for _, tt := range tests {
		var e apiError
		resp := a.do("GET", "/api/v1/stats?"+tt.query, nil, admin, &e)
		if resp.StatusCode != 400 || e.Field != tt.field || e.Error == "" {
			t.Errorf("GET /api/v1/stats?%s = %d %+v; want 400 naming %q", tt.query, resp.StatusCode, e, tt.field)
		}
	}
}

// TestStatsJurisdiction checks that the statistics count only what the
// caller may see: a district command centre its district, nobody without
// signing in.
func TestStatsJurisdiction(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var e apiError
	if resp := a.do("GET", "/api/v1/stats", nil, nil, &e); resp.StatusCode != 401 {
		t.Errorf("anonymous = %d %+v; want 401", resp.StatusCode, e)
	}
	var want int
	err := a.pool.QueryRow(t.Context(), `SELECT count(*) FROM reports
		WHERE grid_id IN (SELECT id FROM grids WHERE path @> ARRAY[(SELECT id FROM grids WHERE code = '350602')])`).Scan(&want)
	if err != nil || want == 0 {
		t.Fatalf("reports in 350602: %d, %v", want, err)
	}
	district := a.account("xiangcheng", grid110.StaffCommandDistrict, "350602", "", "")
	var js stats
	if resp := a.do("GET", "/api/v1/stats?by=grid", nil, district, &js); resp.StatusCode != 200 {
		t.Fatalf("district = %d", resp.StatusCode)
	}
	if js.Totals.Reports != want {
		t.Errorf("the district sees %d reports; want its own %d", js.Totals.Reports, want)
	}
	for _, r := range js.Rows {
		if r.Key != "350602" && r.Reports != 0 {
			t.Errorf("the district sees %d reports in %s %s", r.Reports, r.Key, r.Name)
		}
	}
}
