package server_test

import (
	"testing"
	"time"

	"grid110/internal/grid110"
)

// TestListOverdueReports reads what supervisors need (督办): the demo's open
// cases past their stage deadline, with their stage, deadline, escalations
// and supervising grid, for the city command centre and, within its
// jurisdiction, a district's.
func TestListOverdueReports(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var want, escalated int
	if err := a.pool.QueryRow(t.Context(), `
		SELECT count(*), count(*) FILTER (WHERE escalations > 0) FROM reports WHERE stage_due_at < now()`).Scan(&want, &escalated); err != nil {
		t.Fatal(err)
	}
	if want == 0 || escalated == 0 {
		t.Fatalf("the demo has %d overdue cases, %d escalated; the test needs some", want, escalated)
	}
	var page struct {
		Items []struct {
			ID              int64      `json:"id"`
			Status          string     `json:"status"`
			Stage           string     `json:"stage"`
			StageDueAt      *time.Time `json:"stage_due_at"`
			Overdue         bool       `json:"overdue"`
			Escalations     int        `json:"escalations"`
			SupervisingGrid *gridRef   `json:"supervising_grid"`
		} `json:"items"`
	}
	city := a.account("city", grid110.StaffCommandCity, "350600", "", "")
	if resp := a.do("GET", "/api/v1/reports?overdue=true&limit=500", nil, city, &page); resp.StatusCode != 200 {
		t.Fatalf("GET reports?overdue=true = %d", resp.StatusCode)
	}
	if len(page.Items) != want {
		t.Errorf("overdue reports listed = %d, want %d", len(page.Items), want)
	}
	n := 0
	for _, r := range page.Items {
		if !r.Overdue || r.Stage == "" || r.StageDueAt == nil || !r.StageDueAt.Before(time.Now()) {
			t.Errorf("report %d (%s): stage %q, due %v, overdue %v; want an overdue stage", r.ID, r.Status, r.Stage, r.StageDueAt, r.Overdue)
		}
		if r.Escalations > 0 {
			n++
			if r.SupervisingGrid == nil || r.SupervisingGrid.Level == "community" || r.SupervisingGrid.Level == "compound" {
				t.Errorf("report %d escalated %d times, supervising grid %+v; want township or above", r.ID, r.Escalations, r.SupervisingGrid)
			}
		}
	}
	if n != escalated {
		t.Errorf("escalated reports listed = %d, want %d", n, escalated)
	}
	var inDistrict int
	if err := a.pool.QueryRow(t.Context(), `
		SELECT count(*) FROM reports r JOIN grids g ON g.id = r.grid_id
		WHERE r.stage_due_at < now() AND g.path @> ARRAY[(SELECT id FROM grids WHERE code = '350602')]`).Scan(&inDistrict); err != nil {
		t.Fatal(err)
	}
	district := a.account("xiangcheng", grid110.StaffCommandDistrict, "350602", "", "")
	page.Items = nil
	if resp := a.do("GET", "/api/v1/reports?overdue=true&limit=500", nil, district, &page); resp.StatusCode != 200 || len(page.Items) != inDistrict {
		t.Errorf("GET reports?overdue=true as 芗城区 = %d, %d reports; want 200, %d", resp.StatusCode, len(page.Items), inDistrict)
	}
	var e apiError
	if resp := a.do("GET", "/api/v1/reports?overdue=maybe", nil, city, &e); resp.StatusCode != 400 || e.Field != "overdue" {
		t.Errorf("GET reports?overdue=maybe = %d %+v; want 400 on overdue", resp.StatusCode, e)
	}
}
