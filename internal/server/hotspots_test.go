package server_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"
)

// hotspotWindow is far from the demo's reports (which end 2026-11-01), so
// the planted reports are the only ones counted.
const hotspotWindow = "from=2027-03-01&to=2027-04-01"

var plantedAt = time.Date(2027, 3, 25, 10, 0, 0, 0, time.UTC)

// plantReports inserts one report of category at each point, created at at,
// each in the deepest grid that covers it.
func plantReports(t *testing.T, pool *pgxpool.Pool, pts []orb.Point, category string, at time.Time) {
	t.Helper()
	lons, lats, cells := make([]float64, len(pts)), make([]float64, len(pts)), make([]int64, len(pts))
	for i, p := range pts {
		c, err := h3.LatLngToCell(h3.LatLng{Lat: p[1], Lng: p[0]}, 15)
		if err != nil {
			t.Fatal(err)
		}
		lons[i], lats[i], cells[i] = p[0], p[1], int64(c)
	}
	const q = `
		INSERT INTO reports (tracking_code, category, description, channel, location, input_crs, grid_id,
			priority, h3_cell, created_at)
		SELECT 'HS' || md5(random()::text), $1, 'planted', 'api', ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326),
			'wgs84',
			(SELECT g.id FROM grids g WHERE ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326))
			 ORDER BY g.level DESC, g.id LIMIT 1),
			3, u.cell, $5
		FROM unnest($2::float8[], $3::float8[], $4::bigint[]) AS u(lon, lat, cell)`
	if _, err := pool.Exec(t.Context(), q, category, lons, lats, cells, at); err != nil {
		t.Fatalf("plant reports: %v", err)
	}
}

// district is 芗城区 with a point well inside it.
func district(t *testing.T, a *app) (id int64, inside orb.Point) {
	t.Helper()
	const q = `SELECT id, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM grids WHERE code = '350602'`
	if err := a.pool.QueryRow(t.Context(), q).Scan(&id, &inside[0], &inside[1]); err != nil {
		t.Fatal(err)
	}
	return id, inside
}

// plantCluster puts 40 public_order reports in the res-8 cell at centre
// and one report in each of a few cells at grid distance 6 from it (noise
// that must not become hot). It returns the planted cell.
func plantCluster(t *testing.T, a *app, centre orb.Point) h3.Cell {
	t.Helper()
	hot, err := h3.LatLngToCell(h3.LatLng{Lat: centre[1], Lng: centre[0]}, 8)
	if err != nil {
		t.Fatal(err)
	}
	pts := make([]orb.Point, 40)
	for i := range pts {
		pts[i] = centre
	}
	ring, err := h3.GridRing(hot, 6)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ring[:12] {
		ll, _ := c.LatLng()
		pts = append(pts, orb.Point{ll.Lng, ll.Lat})
	}
	plantReports(t, a.pool, pts, "public_order", plantedAt)
	return hot
}

type hotspotsReply struct {
	Res, K     int
	AreaCells  int `json:"area_cells"`
	Reports    int64
	Hot, Cold  int
	MinReports int `json:"min_reports"`
	Withheld   int
	Cells      []struct {
		Cell  string
		Count int64
		Z     float64
		Bin   int
	}
}

func TestHotspotsPlantedCluster(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	id, centre := district(t, a)
	hot := plantCluster(t, a, centre)

	var got hotspotsReply
	resp := a.do("GET", fmt.Sprintf("/api/v1/hotspots?grid=%d&res=8&%s", id, hotspotWindow), nil, nil, &got)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got.Res != 8 || got.K != 1 || got.AreaCells < 100 || got.Reports != 52 {
		t.Fatalf("res %d k %d area_cells %d reports %d; want res 8, k 1, the district's hundreds of cells, 52 reports",
			got.Res, got.K, got.AreaCells, got.Reports)
	}
	if len(got.Cells) == 0 || got.Cells[0].Cell != hot.String() || got.Cells[0].Bin != 3 || got.Cells[0].Count != 40 {
		t.Fatalf("top cell = %+v; want the planted cell %s with 40 reports in bin +3", got.Cells, hot)
	}
	// Every hot cell must have the planted cell in its neighbourhood.
	// Suppression hides the neighbours' zero counts, so ask for the count
	// of hot cells, which is not withheld.
	if got.Hot < 1 || got.Hot > 7 || got.Cold != 0 {
		t.Errorf("hot %d cold %d; want the planted cell and at most its 6 neighbours hot, none cold", got.Hot, got.Cold)
	}
	// Public callers see only cells with at least min_reports reports: the
	// planted cell; the 12 single-report cells and the zero-count hot
	// neighbours are withheld.
	if got.MinReports != 3 || len(got.Cells) != 1 || got.Withheld != 12+got.Hot-1 {
		t.Errorf("min_reports %d, %d cells listed, %d withheld; want 3, 1 and %d", got.MinReports, len(got.Cells), got.Withheld, 12+got.Hot-1)
	}

	// Only the planted cell and its ring can be hot: check with FDR too,
	// and that the window excludes the reports when it does not cover them.
	resp = a.do("GET", fmt.Sprintf("/api/v1/hotspots?grid=%d&res=8&fdr=true&%s", id, hotspotWindow), nil, nil, &got)
	if resp.StatusCode != 200 || got.Cells[0].Cell != hot.String() || got.Cells[0].Bin != 3 {
		t.Errorf("fdr: status %d cells %+v; want the planted cell at +3", resp.StatusCode, got.Cells)
	}
	resp = a.do("GET", fmt.Sprintf("/api/v1/hotspots?grid=%d&res=8&from=2027-04-01&to=2027-05-01", id), nil, nil, &got)
	if resp.StatusCode != 200 || got.Reports != 0 || got.Hot != 0 || len(got.Cells) != 0 {
		t.Errorf("empty window: status %d, %d reports, %d hot; want 200 and nothing", resp.StatusCode, got.Reports, got.Hot)
	}
	// format=geojson: the same cells as hexagon Features.
	var fc struct {
		Type     string
		Features []struct {
			Type     string
			ID       string
			Geometry struct {
				Type        string
				Coordinates [][][2]float64
			}
			Properties map[string]any
		}
	}
	resp = a.do("GET", fmt.Sprintf("/api/v1/hotspots?grid=%d&res=8&format=geojson&%s", id, hotspotWindow), nil, nil, &fc)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/geo+json" || fc.Type != "FeatureCollection" {
		t.Fatalf("geojson: status %d, %s, type %q", resp.StatusCode, resp.Header.Get("Content-Type"), fc.Type)
	}
	if len(fc.Features) != 1 {
		t.Fatalf("geojson: %d features, want the one listed cell", len(fc.Features))
	}
	ft := fc.Features[0]
	if ft.ID != hot.String() || ft.Geometry.Type != "Polygon" || len(ft.Geometry.Coordinates) != 1 ||
		len(ft.Geometry.Coordinates[0]) != 7 || ft.Properties["cell"] != hot.String() || ft.Properties["bin"] != 3.0 ||
		ft.Properties["count"] != 40.0 || ft.Properties["confidence"] != 99.0 || ft.Properties["res"] != 8.0 {
		t.Errorf("geojson feature = %+v; want the planted hexagon with bin 3 and 40 reports", ft)
	}
	if inside := (orb.Polygon{toRing(ft.Geometry.Coordinates[0])}); !planar.PolygonContains(inside, centre) {
		t.Errorf("geojson hexagon %v does not contain the planted point %v", inside, centre)
	}
	if resp = a.do("GET", fmt.Sprintf("/api/v1/hotspots?grid=%d&format=kml&%s", id, hotspotWindow), nil, nil, nil); resp.StatusCode != 400 {
		t.Errorf("format=kml: status %d, want 400", resp.StatusCode)
	}

	// A bbox around the cluster finds it too; the resolution is chosen.
	bbox := fmt.Sprintf("%f,%f,%f,%f", centre[0]-0.05, centre[1]-0.05, centre[0]+0.05, centre[1]+0.05)
	resp = a.do("GET", "/api/v1/hotspots?bbox="+bbox+"&"+hotspotWindow, nil, nil, &got)
	if resp.StatusCode != 200 || got.Res < 8 || len(got.Cells) == 0 || got.Cells[0].Bin != 3 {
		t.Errorf("bbox: status %d res %d cells %+v; want a fine resolution and a +3 cell", resp.StatusCode, got.Res, got.Cells)
	}
}

func TestHotspotsGridsAndEmerging(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	id, centre := district(t, a)
	hot := plantCluster(t, a, centre)

	var grids struct {
		Level string
		Grids []struct {
			ID         int64
			Count      int64
			Neighbours int
			Bin        int
		}
	}
	resp := a.do("GET", fmt.Sprintf("/api/v1/hotspots/grids?grid=%d&level=community&%s", id, hotspotWindow), nil, nil, &grids)
	if resp.StatusCode != 200 {
		t.Fatalf("grids: status %d", resp.StatusCode)
	}
	var community int64
	if err := a.pool.QueryRow(t.Context(), `SELECT id FROM grids WHERE level = 'community'
		AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) LIMIT 1`, centre[0], centre[1]).Scan(&community); err != nil {
		t.Fatal(err)
	}
	if grids.Level != "community" || len(grids.Grids) == 0 || grids.Grids[0].ID != community || grids.Grids[0].Count < 40 ||
		grids.Grids[0].Neighbours == 0 || grids.Grids[0].Bin <= 0 {
		t.Errorf("grids = %+v; want community %d first, with its 40+ reports, neighbours and a hot bin", grids, community)
	}

	var em struct {
		Period string
		Starts []string `json:"period_starts"`
		Cells  []struct {
			Cell    string
			Pattern string
			Count   int64
		}
	}
	resp = a.do("GET", fmt.Sprintf("/api/v1/hotspots/emerging?grid=%d&res=8&period=week&periods=4&to=2027-04-01", id), nil, nil, &em)
	if resp.StatusCode != 200 || em.Period != "week" || len(em.Starts) != 4 {
		t.Fatalf("emerging: status %d period %q starts %v", resp.StatusCode, em.Period, em.Starts)
	}
	if len(em.Cells) != 1 || em.Cells[0].Cell != hot.String() || em.Cells[0].Pattern != "new hot spot" {
		t.Errorf("emerging cells = %+v; want only %s, a new hot spot (reports in the last week only)", em.Cells, hot)
	}
}

func TestHotspotsValidation(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, c := range []struct{ query, field string }{
		{"category=noise", "category"},
		{"category=public_order,noise", "category"},
		{"res=4", "res"},
		{"res=11", "res"},
		{"res=x", "res"},
		{"k=0", "k"},
		{"k=4", "k"},
		{"from=2027-04-01&to=2027-03-01", "from"},
		{"from=2027-04-01&to=2027-04-01", "from"},
		{"from=yesterday", "from"},
		{"bbox=1,2,3", "bbox"},
		{"bbox=118,25,117,24", "bbox"},
		{"bbox=117,24,117,25", "bbox"},
		{"grid=1&bbox=117,24,118,25", "bbox"},
		{"grid=0", "grid"},
		{"fdr=maybe", "fdr"},
		{"res=10&grid=1", "res"}, // the whole city at res 10 is too many cells
	} {
		var e apiError
		resp := a.do("GET", "/api/v1/hotspots?"+c.query, nil, nil, &e)
		if resp.StatusCode != 400 || e.Field != c.field {
			t.Errorf("GET /api/v1/hotspots?%s = %d %+v; want 400 naming %s", c.query, resp.StatusCode, e, c.field)
		}
	}
	for _, c := range []struct{ path, field string }{
		{"/api/v1/hotspots/grids?level=street", "level"},
		{"/api/v1/hotspots/grids?res=8", "res"},
		{"/api/v1/hotspots/emerging?period=year", "period"},
		{"/api/v1/hotspots/emerging?periods=1", "periods"},
		{"/api/v1/teams/1/patrol-priorities?format=xml", "format"},
		{"/api/v1/teams/x/patrol-priorities", "id"},
		{"/api/v1/teams/1/patrol-priorities?grid=2", "grid"},
	} {
		var e apiError
		resp := a.do("GET", c.path, nil, nil, &e)
		if resp.StatusCode != 400 || e.Field != c.field {
			t.Errorf("GET %s = %d %+v; want 400 naming %s", c.path, resp.StatusCode, e, c.field)
		}
	}
	if resp := a.do("GET", "/api/v1/teams/999999/patrol-priorities", nil, nil, nil); resp.StatusCode != 404 {
		t.Errorf("unknown team: status %d, want 404", resp.StatusCode)
	}
	if resp := a.do("GET", "/api/v1/hotspots?grid=999999", nil, nil, nil); resp.StatusCode != 404 {
		t.Errorf("unknown grid: status %d, want 404", resp.StatusCode)
	}
}

func TestPatrolPriorities(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	id, centre := district(t, a)
	hot := plantCluster(t, a, centre)
	// A second, smaller cluster 3 km east: ranked below the first.
	east := orb.Point{centre[0] + 0.03, centre[1]}
	pts := make([]orb.Point, 12)
	for i := range pts {
		pts[i] = east
	}
	plantReports(t, a.pool, pts, "public_order", plantedAt)
	// A patrol team based 1 km north, serving the district.
	base := orb.Point{centre[0], centre[1] + 0.009}
	var teamID int64
	err := a.pool.QueryRow(t.Context(), `
		INSERT INTO teams (code, kind, name, base, service_area)
		SELECT 'HS-PATROL', 'patrol', 'hotspot patrol', ST_SetSRID(ST_MakePoint($1, $2), 4326), geom
		FROM grids WHERE id = $3
		RETURNING id`, base[0], base[1], id).Scan(&teamID)
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/teams/%d/patrol-priorities?res=8&%s&period=week&periods=4", teamID, hotspotWindow)

	var got struct {
		TeamID     int64 `json:"team_id"`
		Categories []string
		Items      []struct {
			Rank      int
			Cell      string
			Count     int64
			Z         float64
			Bin       int
			Trend     string
			DistanceM *float64 `json:"distance_m"`
		}
	}
	resp := a.do("GET", path, nil, nil, &got)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got.TeamID != teamID || len(got.Categories) == 0 {
		t.Errorf("team %d categories %v; want team %d and the categories patrol teams handle", got.TeamID, got.Categories, teamID)
	}
	if len(got.Items) != 2 {
		t.Fatalf("items = %+v; want the two clusters (zero-count hot neighbours withheld)", got.Items)
	}
	first, second := got.Items[0], got.Items[1]
	if first.Rank != 1 || first.Cell != hot.String() || first.Count != 40 || first.Bin != 3 || first.Trend != "new hot spot" {
		t.Errorf("first = %+v; want rank 1, the planted cell %s, 40 reports, bin 3, a new hot spot", first, hot)
	}
	if second.Rank != 2 || second.Count != 12 || second.Bin > first.Bin || (second.Bin == first.Bin && second.Z > first.Z) {
		t.Errorf("second = %+v; want rank 2, the 12-report cluster, after the first by bin then z", second)
	}
	if d := first.DistanceM; d == nil || *d < 300 || *d > 1800 {
		t.Errorf("first distance_m = %v; want about 1 km from the base", d)
	}

	// GeoJSON: one hexagon per item, in rank order.
	var fc struct {
		Type     string
		Features []struct {
			Geometry struct {
				Type        string
				Coordinates [][][2]float64
			}
			Properties map[string]any
		}
	}
	resp = a.do("GET", path+"&format=geojson", nil, nil, &fc)
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "application/geo+json") {
		t.Fatalf("geojson: status %d content type %q", resp.StatusCode, ct)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 2 || fc.Features[0].Geometry.Type != "Polygon" ||
		len(fc.Features[0].Geometry.Coordinates[0]) != 7 || fc.Features[0].Properties["cell"] != hot.String() {
		t.Errorf("geojson = %+v; want 2 hexagon features, the planted cell first", fc)
	}

	// CSV: a header and one row per item.
	req, _ := http.NewRequest("GET", a.url+path+"&format=csv", nil)
	cresp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer cresp.Body.Close()
	body, _ := io.ReadAll(cresp.Body)
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil || cresp.StatusCode != 200 || !strings.HasPrefix(cresp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: status %d, %v, %q", cresp.StatusCode, err, body)
	}
	if len(rows) != 3 || rows[0][0] != "rank" || rows[0][12] != "distance_m" || rows[1][0] != "1" || rows[1][1] != hot.String() || rows[1][4] != "40" {
		t.Errorf("csv rows = %q; want a header, then the planted cell ranked 1 with 40 reports", rows)
	}
}

func toRing(pts [][2]float64) orb.Ring {
	r := make(orb.Ring, len(pts))
	for i, p := range pts {
		r[i] = orb.Point(p)
	}
	return r
}
