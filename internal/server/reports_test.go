package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

type report struct {
	ID           int64     `json:"id"`
	TrackingCode string    `json:"tracking_code"`
	Status       string    `json:"status"`
	Category     string    `json:"category"`
	Description  string    `json:"description"`
	Priority     int       `json:"priority"`
	Grid         *gridRef  `json:"grid"`
	Chain        []gridRef `json:"chain"`
	DutyTeam     *teamRef  `json:"duty_team"`
	Team         *teamRef  `json:"team"`
	Department   string    `json:"department"`
	DueAt        time.Time `json:"due_at"`
	CreatedAt    time.Time `json:"created_at"`
	Events       []struct {
		Kind string `json:"kind"`
		To   string `json:"to"`
	} `json:"events"`
	ReporterPhone string `json:"reporter_phone"`
}

func TestCreateReportIsIdempotent(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	body := map[string]any{"category": "public_order", "description": "小区门口有人打架", "lon": 117.65, "lat": 24.51,
		"crs": "gcj02", "reporter_name": "王女士", "reporter_phone": "13800000000", "channel": "miniapp"}
	key := map[string]string{"Idempotency-Key": "test-key-1"}
	var first, again report
	resp := a.do("POST", "/api/v1/reports", body, key, &first)
	if resp.StatusCode != 201 || first.ID == 0 || first.Status != "submitted" || len(first.TrackingCode) != 14 {
		t.Fatalf("create = %d %+v", resp.StatusCode, first)
	}
	if first.Grid == nil || first.Grid.Level != "compound" || len(first.Chain) != 5 || first.Chain[1].Name != "芗城区" {
		t.Errorf("grid %+v chain %+v; want a compound in 芗城区", first.Grid, first.Chain)
	}
	if first.DutyTeam == nil || first.Team == nil || first.Team.Kind != "patrol" || first.Department != "public_security" {
		t.Errorf("teams: duty %+v, assigned %+v, department %q; want the \"2\" team, a patrol team and the police", first.DutyTeam, first.Team, first.Department)
	}
	if d := first.DueAt.Sub(first.CreatedAt); d < 11*time.Hour || d > 13*time.Hour {
		t.Errorf("due in %v; want the category's 12 hours", d)
	}
	if first.ReporterPhone != "" {
		t.Errorf("the reporter's phone is in a public reply")
	}
	resp = a.do("POST", "/api/v1/reports", body, key, &again)
	if resp.StatusCode != 201 || again.ID != first.ID || again.TrackingCode != first.TrackingCode || resp.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry = %d id %d (replayed %q); want the same report %d", resp.StatusCode, again.ID, resp.Header.Get("Idempotent-Replayed"), first.ID)
	}
	var n int
	if err := a.pool.QueryRow(t.Context(), `SELECT count(*) FROM reports WHERE idempotency_key = 'test-key-1'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("reports with the key = %d, %v; want 1", n, err)
	}
	body["description"] = "另一件事"
	var e apiError
	if resp := a.do("POST", "/api/v1/reports", body, key, &e); resp.StatusCode != 409 || !strings.Contains(e.Error, "different request") {
		t.Errorf("reused key, different body = %d %+v; want 409", resp.StatusCode, e)
	}
	var got report
	if resp := a.do("GET", fmt.Sprintf("/api/v1/reports/%d", first.ID), nil, nil, nil); resp.StatusCode != 401 {
		t.Errorf("anonymous get = %d; want 401", resp.StatusCode)
	}
	if resp := a.do("GET", fmt.Sprintf("/api/v1/reports/%d", first.ID), nil, a.admin(), &got); resp.StatusCode != 200 {
		t.Fatalf("get = %d", resp.StatusCode)
	}
	if got.TrackingCode != first.TrackingCode || len(got.Events) != 1 || got.Events[0].To != "submitted" || got.Grid.ID != first.Grid.ID {
		t.Errorf("get = %+v; want the stored report with its submitted event", got)
	}
}

func TestCreateReportByCompoundCode(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var code string
	var id int64
	if err := a.pool.QueryRow(t.Context(), `SELECT id, code FROM grids WHERE level = 'compound' ORDER BY code LIMIT 1`).Scan(&id, &code); err != nil {
		t.Fatal(err)
	}
	var got report
	resp := a.do("POST", "/api/v1/reports", map[string]any{"category": "environment", "description": "垃圾没人清", "compound_code": code, "channel": "qr"}, nil, &got)
	if resp.StatusCode != 201 || got.Grid == nil || got.Grid.ID != id || got.DutyTeam == nil {
		t.Fatalf("QR report = %d %+v; want grid %d (%s) with its duty team", resp.StatusCode, got.Grid, id, code)
	}
	var e apiError
	resp = a.do("POST", "/api/v1/reports", map[string]any{"category": "environment", "description": "x", "compound_code": "nope"}, nil, &e)
	if resp.StatusCode != 400 || e.Field != "compound_code" {
		t.Errorf("unknown compound = %d %+v; want 400 on compound_code", resp.StatusCode, e)
	}
}

func TestCreateReportValidation(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ok := map[string]any{"category": "dispute", "description": "邻居吵架", "lon": 117.65, "lat": 24.51}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range ok {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		body   any
		status int
		field  string
	}{
		{with("category", "ufo"), 400, "category"},
		{with("category", nil), 400, "category"},
		{with("description", "   "), 400, "description"},
		{with("lat", 91), 400, "lat"},
		{with("lat", nil), 400, "location"},
		{with("crs", "mars"), 400, "crs"},
		{with("reporter_phone", "call me"), 400, "reporter_phone"},
		{with("channel", "pigeon"), 400, "channel"},
		{with("accuracy_m", -1), 400, "accuracy_m"},
		{`{"category": "dispute", "description": 5}`, 400, "description"},
		{`not json`, 400, "body"},
		{with("lon", 0.0), 422, ""},
	}
	for _, tt := range tests {
		var e apiError
		resp := a.do("POST", "/api/v1/reports", tt.body, nil, &e)
		if resp.StatusCode != tt.status || e.Field != tt.field || e.Error == "" {
			t.Errorf("POST %v = %d %+v; want %d naming %q", tt.body, resp.StatusCode, e, tt.status, tt.field)
		}
	}
	var n int
	if err := a.pool.QueryRow(t.Context(), `SELECT count(*) FROM reports WHERE description IN ('邻居吵架', '   ')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rejected submissions stored: %d, %v", n, err)
	}
}

func TestListReportsPagesAndFilters(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var district int64
	if err := a.pool.QueryRow(t.Context(), `SELECT id FROM grids WHERE code = '350602'`).Scan(&district); err != nil {
		t.Fatal(err)
	}
	var want int
	if err := a.pool.QueryRow(t.Context(), `SELECT count(*) FROM reports r JOIN grids g ON g.id = r.grid_id
		WHERE g.path @> ARRAY[$1::bigint] AND r.category = 'complaint'`, district).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if want < 3 {
		t.Fatalf("the demo has only %d complaints in 芗城区; the test needs a few", want)
	}
	staff := a.admin()
	seen := map[int64]bool{}
	path := fmt.Sprintf("/api/v1/reports?grid=%d&category=complaint&limit=2", district)
	for pages := 0; path != ""; pages++ {
		var page struct {
			Items      []report `json:"items"`
			NextCursor string   `json:"next_cursor"`
		}
		if resp := a.do("GET", path, nil, staff, &page); resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		for _, r := range page.Items {
			if seen[r.ID] || r.Category != "complaint" || r.Chain[1].Code != "350602" {
				t.Fatalf("page %d: report %d (%s in %s) repeated or outside the filter", pages, r.ID, r.Category, r.Chain[1].Code)
			}
			seen[r.ID] = true
		}
		path = ""
		if page.NextCursor != "" {
			path = fmt.Sprintf("/api/v1/reports?grid=%d&category=complaint&limit=2&cursor=%s", district, url.QueryEscape(page.NextCursor))
		}
	}
	if len(seen) != want {
		t.Errorf("paged through %d reports; the database holds %d", len(seen), want)
	}
	for _, q := range []struct{ query, field string }{{"status=lost", "status"}, {"from=yesterday", "from"},
		{"bbox=1,2,3", "bbox"}, {"limit=0", "limit"}, {"cursor=!!!", "cursor"}, {"category=ufo", "category"},
		{"from=2026-10-01&to=2026-09-01", "to"}} {
		var e apiError
		if resp := a.do("GET", "/api/v1/reports?"+q.query, nil, staff, &e); resp.StatusCode != 400 || e.Field != q.field {
			t.Errorf("GET reports?%s = %d %+v; want 400 on %s", q.query, resp.StatusCode, e, q.field)
		}
	}
	if resp := a.do("GET", "/api/v1/reports/999999999", nil, staff, nil); resp.StatusCode != 404 {
		t.Errorf("unknown report = %d; want 404", resp.StatusCode)
	}
}

func TestGridsTeamsCategories(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties gridRef `json:"properties"`
			Geometry   struct {
				Type string `json:"type"`
			} `json:"geometry"`
		} `json:"features"`
	}
	resp := a.do("GET", "/api/v1/grids?level=district&simplify=50", nil, nil, &fc)
	if resp.StatusCode != 200 || fc.Type != "FeatureCollection" || len(fc.Features) != 11 || fc.Features[0].Geometry.Type != "MultiPolygon" {
		t.Fatalf("districts = %d %s with %d features", resp.StatusCode, fc.Type, len(fc.Features))
	}
	a.do("GET", "/api/v1/grids?level=township&bbox=117.60,24.48,117.70,24.54", nil, nil, &fc)
	if len(fc.Features) == 0 || len(fc.Features) > 40 {
		t.Errorf("townships around 芗城区 = %d", len(fc.Features))
	}
	var community int64
	if err := a.pool.QueryRow(t.Context(), `SELECT id FROM grids WHERE level = 'community' ORDER BY id LIMIT 1`).Scan(&community); err != nil {
		t.Fatal(err)
	}
	var ft struct {
		Properties struct {
			Level    string    `json:"level"`
			Chain    []gridRef `json:"chain"`
			DutyTeam *teamRef  `json:"duty_team"`
		} `json:"properties"`
	}
	if resp := a.do("GET", fmt.Sprintf("/api/v1/grids/%d", community), nil, nil, &ft); resp.StatusCode != 200 || ft.Properties.DutyTeam == nil || len(ft.Properties.Chain) != 4 {
		t.Errorf("community grid = %d %+v; want its chain and duty team", resp.StatusCode, ft.Properties)
	}
	if resp := a.do("GET", "/api/v1/grids/0", nil, nil, nil); resp.StatusCode != 400 {
		t.Errorf("grid 0 = %d; want 400", resp.StatusCode)
	}
	if resp := a.do("GET", "/api/v1/grids/99999999", nil, nil, nil); resp.StatusCode != 404 {
		t.Errorf("unknown grid = %d; want 404", resp.StatusCode)
	}
	if resp := a.do("GET", "/api/v1/grids?level=planet", nil, nil, nil); resp.StatusCode != 400 {
		t.Errorf("unknown level = %d; want 400", resp.StatusCode)
	}
	var teams []teamRef
	resp = a.do("GET", "/api/v1/teams?kind=patrol&near=117.65,24.51&crs=gcj02&limit=5", nil, nil, &teams)
	if resp.StatusCode != 200 || len(teams) != 5 {
		t.Fatalf("near teams = %d, %d", resp.StatusCode, len(teams))
	}
	for i, tm := range teams {
		if tm.Kind != "patrol" || (i > 0 && tm.DistanceM < teams[i-1].DistanceM) {
			t.Errorf("teams not patrol or not nearest first: %+v", teams)
		}
	}
	if resp := a.do("GET", "/api/v1/teams?kind=ninja", nil, nil, nil); resp.StatusCode != 400 {
		t.Errorf("unknown kind = %d; want 400", resp.StatusCode)
	}
	var cats []struct {
		Code     string `json:"code"`
		NameZh   string `json:"name_zh"`
		TeamKind string `json:"team_kind"`
	}
	if resp := a.do("GET", "/api/v1/categories", nil, nil, &cats); resp.StatusCode != 200 || len(cats) < 8 || cats[0].NameZh == "" {
		t.Errorf("categories = %d %+v", resp.StatusCode, cats)
	}
}
