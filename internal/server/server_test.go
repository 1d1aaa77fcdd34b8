package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"grid110/internal/crs"
	"grid110/internal/demo"
	"grid110/internal/grid110"
	"grid110/internal/locate"
	"grid110/internal/media"
	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
	"grid110/internal/server"
	"grid110/internal/signin"
	"grid110/migrations"
)

// seedDemo loads a small demo city (all grids and teams, few reports) into a
// template database once per test run.
func seedDemo(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := demo.Load(ctx, postgres.NewStore(pool), demo.Options{Seed: 1, Reports: 300,
		Until: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return err
}

type app struct {
	t       *testing.T
	url     string
	pool    *pgxpool.Pool
	store   *postgres.Store
	locator *locate.Locator
}

// newApp serves the API over a fresh copy of the demo city.
func newApp(t *testing.T) *app {
	t.Helper()
	return newAppFrom(t, "demo", seedDemo)
}

// newAppFrom serves the API over a fresh copy of fixture name.
func newAppFrom(t *testing.T, name string, seed pgtest.Seed) *app {
	t.Helper()
	_, pool := pgtest.NewFrom(t, name, seed)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := postgres.NewStore(pool)
	locator, err := locate.New(t.Context(), store, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go locator.Run(ctx, time.Hour)
	ms, err := media.NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	api := server.New(store, locator, server.Config{MaxBatch: 100, Migrations: migrations.FS, Media: ms}, log, prometheus.NewRegistry())
	go postgres.Listen(ctx, pool, []string{postgres.ChangesChannel, postgres.ReportsChannel}, log, func(channel, payload string) { //nolint:errcheck
		if channel == postgres.ReportsChannel {
			api.ReportChanged(ctx, payload)
			return
		}
		locator.Changed()
	})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &app{t: t, url: srv.URL, pool: pool, store: store, locator: locator}
}

// testPassword is every test account's password.
const testPassword = "correct horse battery staple"

// account creates a staff account and signs it in over the API; the
// returned headers carry its bearer token.
func (a *app) account(username string, role grid110.StaffRole, gridCode, teamCode, department string) map[string]string {
	a.t.Helper()
	acc := signin.NewAccount{Username: username, DisplayName: username, Role: role, GridCode: gridCode,
		TeamCode: teamCode, Department: department, Password: testPassword}
	if _, err := signin.New(a.store, 0).AddAccount(a.t.Context(), acc); err != nil {
		a.t.Fatalf("add account %s: %v", username, err)
	}
	var lr struct {
		Token string `json:"token"`
	}
	if resp := a.do("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": testPassword}, nil, &lr); resp.StatusCode != 200 || lr.Token == "" {
		a.t.Fatalf("sign in %s = %d", username, resp.StatusCode)
	}
	return map[string]string{"Authorization": "Bearer " + lr.Token}
}

// admin signs in a new administrator.
func (a *app) admin() map[string]string {
	a.t.Helper()
	return a.account("admin", grid110.StaffAdmin, "350600", "", "")
}

// do sends a request and decodes a JSON reply into out (if not nil).
func (a *app) do(method, path string, body any, hdr map[string]string, out any) *http.Response {
	a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, a.url+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			a.t.Fatalf("%s %s: decode %q: %v", method, path, data, err)
		}
	}
	return resp
}

type gridRef struct {
	ID    int64  `json:"id"`
	Level string `json:"level"`
	Code  string `json:"code"`
	Name  string `json:"name"`
}

type teamRef struct {
	ID      int64  `json:"id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Members []struct {
		Role string `json:"role"`
		Name string `json:"name"`
	} `json:"members"`
	DistanceM float64 `json:"distance_m"`
}

type located struct {
	Point struct {
		Lon, Lat float64
		CRS      string
	} `json:"point"`
	Grid     gridRef   `json:"grid"`
	Chain    []gridRef `json:"chain"`
	DutyTeam *teamRef  `json:"duty_team"`
	Teams    []teamRef `json:"teams"`
}

type apiError struct {
	Error   string   `json:"error"`
	Field   string   `json:"field"`
	Nearest *gridRef `json:"nearest_grid"`
}

func TestLocateGCJ02InXiangcheng(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var got located
	resp := a.do("GET", "/api/v1/locate?lon=117.65&lat=24.51&crs=gcj02", nil, nil, &got)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if len(got.Chain) != 5 || got.Chain[0].Name != "漳州市" || got.Chain[1].Name != "芗城区" || got.Chain[1].Code != "350602" {
		t.Fatalf("chain = %+v; want 漳州市 > 芗城区 > … down to a compound", got.Chain)
	}
	if got.Grid != got.Chain[4] || got.Grid.Level != "compound" {
		t.Errorf("grid = %+v; want the last of the chain, a compound", got.Grid)
	}
	if d := crs.Distance(117.65, 24.51, got.Point.Lon, got.Point.Lat); got.Point.CRS != "wgs84" || d < 300 || d > 800 {
		t.Errorf("point = %+v, %.0f m from the input; want the WGS-84 point, a few hundred metres from the GCJ-02 input", got.Point, d)
	}
	if got.DutyTeam == nil || len(got.DutyTeam.Members) != 2 || got.DutyTeam.Members[0].Role != "grid_worker" {
		t.Fatalf("duty team = %+v; want the community's \"2\" team: a grid worker and a police officer", got.DutyTeam)
	}
	if r := got.DutyTeam.Members[1].Role; r != "police_officer" && r != "auxiliary_police" {
		t.Errorf("second member role = %s; want police_officer or auxiliary_police", r)
	}
	kinds := map[string]bool{}
	for _, tm := range got.Teams {
		kinds[tm.Kind] = true
		if tm.DistanceM <= 0 || tm.DistanceM > 100000 {
			t.Errorf("team %s at %v m; want a plausible distance", tm.Name, tm.DistanceM)
		}
	}
	for _, k := range []string{"patrol", "legal_aid", "volunteer", "anti_counterfeit", "emergency"} {
		if !kinds[k] {
			t.Errorf("no nearest %s team in %+v", k, got.Teams)
		}
	}
	// With a category, only the kind it needs.
	resp = a.do("GET", "/api/v1/locate?lon=117.65&lat=24.51&crs=gcj02&category=public_order", nil, nil, &got)
	if resp.StatusCode != 200 || len(got.Teams) != 1 || got.Teams[0].Kind != "patrol" {
		t.Errorf("category public_order: status %d, teams %+v; want one patrol team", resp.StatusCode, got.Teams)
	}
	// POST gives the same answer as GET.
	var post located
	a.do("POST", "/api/v1/locate", map[string]any{"lon": 117.65, "lat": 24.51, "crs": "gcj02", "category": "public_order"}, nil, &post)
	if post.Grid != got.Grid || post.Teams[0].ID != got.Teams[0].ID {
		t.Errorf("POST locate = %+v; GET said %+v", post.Grid, got.Grid)
	}
}

func TestLocateBadInput(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tests := []struct {
		method, path string
		body         any
		field        string
	}{
		{"GET", "/api/v1/locate?lon=117.65&lat=95", nil, "lat"},
		{"GET", "/api/v1/locate?lon=NaN&lat=24.5", nil, "lon"},
		{"GET", "/api/v1/locate?lon=abc&lat=24.5", nil, "lon"},
		{"GET", "/api/v1/locate?lon=117.65", nil, "lat"},
		{"GET", "/api/v1/locate?lon=117.65&lat=24.5&crs=mars", nil, "crs"},
		{"GET", "/api/v1/locate?lon=117.65&lat=24.5&category=ufo", nil, "category"},
		{"POST", "/api/v1/locate", `{"lon": 117.65, "lat": `, "body"},
		{"POST", "/api/v1/locate", `{"lon": "east", "lat": 24.5}`, "lon"},
		{"POST", "/api/v1/locate", `{"lon": 117.65, "lat": 24.5, "zoom": 3}`, "body"},
		{"POST", "/api/v1/locate", `{"lat": 24.5}`, "lon"},
		{"POST", "/api/v1/locate/batch", `[]`, "body"},
		{"POST", "/api/v1/locate/batch", `[{"lon":117.65,"lat":24.5},{"lon":117.65,"lat":-91}]`, "[1].lat"},
		{"POST", "/api/v1/locate/batch", `[{"lon":117.65,"lat":24.5,"crs":"utm"}]`, "[0].crs"},
		{"POST", "/api/v1/locate/batch", "[" + strings.Repeat(`{"lon":117.65,"lat":24.5},`, 100) + `{"lon":117.65,"lat":24.5}]`, "body"},
	}
	for _, tt := range tests {
		var e apiError
		resp := a.do(tt.method, tt.path, tt.body, nil, &e)
		if resp.StatusCode != 400 || e.Field != tt.field || e.Error == "" {
			t.Errorf("%s %s %v = %d %+v; want 400 naming %s", tt.method, tt.path, tt.body, resp.StatusCode, e, tt.field)
		}
	}
}

func TestLocateOutsideEveryGrid(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var e apiError
	// Xiamen island, east of Zhangzhou.
	resp := a.do("GET", "/api/v1/locate?lon=118.10&lat=24.48", nil, nil, &e)
	if resp.StatusCode != 422 || e.Nearest == nil || e.Nearest.Name != "漳州市" || !strings.Contains(e.Error, " m away") {
		t.Fatalf("outside point = %d %+v; want 422 naming the nearest grid and its distance", resp.StatusCode, e)
	}
}

func TestLocateBatchKeepsOrder(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	pts := []map[string]any{
		{"lon": 117.65, "lat": 24.51, "crs": "gcj02"},
		{"lon": 118.10, "lat": 24.48},
		{"lon": 117.37, "lat": 24.52, "category": "dispute"},
		{"lon": 117.32, "lat": 24.372, "crs": "bd09"},
	}
	var items []struct {
		located
		Status int       `json:"status"`
		Index  int       `json:"index"`
		Error  *apiError `json:"error"`
	}
	resp := a.do("POST", "/api/v1/locate/batch", pts, nil, &items)
	if resp.StatusCode != 200 || len(items) != len(pts) {
		t.Fatalf("batch = %d, %d items", resp.StatusCode, len(items))
	}
	if items[1].Status != 422 || items[1].Error == nil || items[1].Error.Nearest == nil {
		t.Errorf("item 1 = %+v; want 422 with the nearest grid", items[1])
	}
	for _, i := range []int{0, 2, 3} {
		var single located
		q := url.Values{}
		for k, v := range pts[i] {
			q.Set(k, fmt.Sprint(v))
		}
		a.do("GET", "/api/v1/locate?"+q.Encode(), nil, nil, &single)
		if items[i].Index != i || items[i].Status != 200 || items[i].Grid != single.Grid || len(items[i].Teams) != len(single.Teams) {
			t.Errorf("item %d = %+v; want the single answer %+v", i, items[i].Grid, single.Grid)
		}
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	if resp := a.do("GET", "/healthz", nil, nil, nil); resp.StatusCode != 200 {
		t.Errorf("healthz = %d", resp.StatusCode)
	}
	var ready struct {
		Ready  bool              `json:"ready"`
		Checks map[string]string `json:"checks"`
	}
	if resp := a.do("GET", "/readyz", nil, nil, &ready); resp.StatusCode != 200 || !ready.Ready || ready.Checks["migrations"] != "current" {
		t.Errorf("readyz = %d %+v", resp.StatusCode, ready)
	}
	a.do("GET", "/api/v1/locate?lon=117.65&lat=24.51", nil, nil, nil)
	resp, err := http.Get(a.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`grid110_http_requests_total{code="200",method="GET",route="/api/v1/locate"}`,
		"grid110_http_request_duration_seconds_bucket", "grid110_db_pool_connections", "grid110_points_located_total"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// seedSquareCity is one square city: small, so that reloading the index
// stays quick even under the race detector.
func seedSquareCity(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `INSERT INTO grids (level, code, name, geom)
		VALUES ('city', '350600', '漳州市', ST_Multi(ST_MakeEnvelope(117.0, 24.0, 118.0, 25.0, 4326)))`)
	return err
}

func TestLocatorFollowsTheDatabase(t *testing.T) {
	t.Parallel()
	a := newAppFrom(t, "square", seedSquareCity)
	var e apiError
	if resp := a.do("GET", "/api/v1/locate?lon=119.30&lat=26.08", nil, nil, &e); resp.StatusCode != 422 {
		t.Fatalf("Fuzhou before import = %d; want 422", resp.StatusCode)
	}
	_, err := a.pool.Exec(t.Context(), `INSERT INTO grids (level, code, name, geom)
		VALUES ('city', '350100', '福州市', ST_Multi(ST_MakeEnvelope(119.2, 26.0, 119.4, 26.2, 4326)))`)
	if err != nil {
		t.Fatal(err)
	}
	// The change arrives by LISTEN/NOTIFY; the deadline allows for the race detector.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got located
		resp := a.do("GET", "/api/v1/locate?lon=119.30&lat=26.08", nil, nil, &got)
		if resp.StatusCode == 200 && got.Grid.Name == "福州市" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a grid inserted in the database was not located within 10 s (last status %d)", resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestStartPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	resp, err := http.Get(a.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "社区(乡村)110") || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("GET / = %d %q %.80s", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
	}
	var e apiError
	if resp := a.do("GET", "/no/such/page", nil, nil, &e); resp.StatusCode != 404 || e.Error == "" {
		t.Errorf("GET /no/such/page = %d %+v; want 404 with a message", resp.StatusCode, e)
	}
}
