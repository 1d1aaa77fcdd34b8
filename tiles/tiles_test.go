package tiles_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
	"grid110/tiles"
)

// The fixture: a city square split into two districts by a jagged line
// (vertices closer than a low-zoom pixel, to exercise simplification),
// each district one township, community and compound deep, a duty team,
// an N-team and reports at known places.
var (
	now     = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	cityBox = orb.Bound{Min: orb.Point{117.60, 24.48}, Max: orb.Point{117.70, 24.56}}
	inWest  = orb.Point{117.625, 24.52}
	inEast  = orb.Point{117.675, 24.53}
)

// jagged returns the west and east halves of b split by a zig-zag line.
func jagged(b orb.Bound) (west, east orb.Ring) {
	var line []orb.Point
	for i := 0; i <= 400; i++ {
		y := b.Max[1] - (b.Max[1]-b.Min[1])*float64(i)/400
		x := 117.65 + 0.0004*math.Sin(float64(i)*1.7)
		line = append(line, orb.Point{x, y})
	}
	west = orb.Ring{{b.Min[0], b.Min[1]}, {b.Min[0], b.Max[1]}}
	west = append(west, line...) // top to bottom along the split
	west = append(west, orb.Point{b.Min[0], b.Min[1]})
	east = orb.Ring{{b.Max[0], b.Max[1]}, {b.Max[0], b.Min[1]}}
	for i := len(line) - 1; i >= 0; i-- {
		east = append(east, line[i])
	}
	east = append(east, orb.Point{b.Max[0], b.Max[1]})
	return west, east
}

type fixture struct {
	pool  *pgxpool.Pool
	store *postgres.Store
	src   *tiles.Source
	grids map[string]int64 // code -> id
}

func newFixture(t *testing.T, cacheBytes int64) *fixture {
	t.Helper()
	ctx := t.Context()
	pool := pgtest.New(t)
	st := postgres.NewStore(pool)
	west, east := jagged(cityBox)
	imports := []grid110.GridImport{
		{Level: grid110.LevelCity, Features: []grid110.ImportFeature{{Code: "C", Name: "城", Geom: orb.MultiPolygon{{cityRing()}}}}},
		{Level: grid110.LevelDistrict, ParentCode: "C", Features: []grid110.ImportFeature{
			{Index: 0, Code: "DW", Name: "西区", Geom: orb.MultiPolygon{{west}}},
			{Index: 1, Code: "DE", Name: "东区", Geom: orb.MultiPolygon{{east}}}}},
	}
	for _, lvl := range []grid110.Level{grid110.LevelTownship, grid110.LevelCommunity, grid110.LevelCompound} {
		up := lvl.Parent()
		imports = append(imports,
			grid110.GridImport{Level: lvl, ParentCode: code(up, "W"), Features: []grid110.ImportFeature{{Code: code(lvl, "W"), Name: string(lvl) + "西", Geom: orb.MultiPolygon{{west}}}}},
			grid110.GridImport{Level: lvl, ParentCode: code(up, "E"), Features: []grid110.ImportFeature{{Code: code(lvl, "E"), Name: string(lvl) + "东", Geom: orb.MultiPolygon{{east}}}}})
	}
	for _, imp := range imports {
		if _, err := st.ImportGrids(ctx, imp); err != nil {
			t.Fatalf("ImportGrids(%s) = %v", imp.Level, err)
		}
	}
	f := &fixture{pool: pool, store: st, grids: map[string]int64{}}
	rows, _ := pool.Query(ctx, `SELECT code, id FROM grids`)
	var c string
	var id int64
	for rows.Next() {
		if err := rows.Scan(&c, &id); err != nil {
			t.Fatal(err)
		}
		f.grids[c] = id
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	mustExec(t, pool, `INSERT INTO teams (code, kind, name, grid_id) VALUES ('DUTY-W', 'duty', '西社区2组', $1)`, f.grids["community-W"])
	mustExec(t, pool, `INSERT INTO teams (code, kind, name, base, on_duty) VALUES ('P1', 'patrol', '巡逻一队', ST_SetSRID(ST_MakePoint(117.63, 24.51), 4326), false)`)
	src, err := tiles.New(ctx, pool, tiles.Options{CacheBytes: cacheBytes, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	f.src = src
	return f
}

func code(l grid110.Level, side string) string {
	if l == grid110.LevelDistrict {
		return "D" + side
	}
	return string(l) + "-" + side
}

func cityRing() orb.Ring {
	b := cityBox
	return orb.Ring{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}
}

func mustExec(t *testing.T, pool *pgxpool.Pool, q string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(t.Context(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// mustReport stores a report at p in grid code, created at at.
func (f *fixture) mustReport(t *testing.T, p orb.Point, grid, category string, at time.Time) int64 {
	t.Helper()
	cell, err := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), 15)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := f.store.CreateReport(t.Context(), postgres.NewReport{Actor: "test", Report: grid110.Report{
		TrackingCode: fmt.Sprintf("T%d", time.Now().UnixNano()), Category: category, Description: "test",
		Channel: grid110.ChannelAPI, Location: p, InputCRS: "wgs84", InputLon: p[0], InputLat: p[1],
		GridID: f.grids[grid], Priority: 2, H3Cell: uint64(cell)}})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, f.pool, `UPDATE reports SET created_at = $2 WHERE id = $1`, r.ID, at)
	return r.ID
}

func tileAt(p orb.Point, z int) maptile.Tile { return maptile.At(p, maptile.Zoom(z)) }

// decode unmarshals a tile with orb's decoder (not the one that wrote it)
// and returns its one layer, projected back to WGS-84.
func decode(t *testing.T, b []byte, tl maptile.Tile) *mvt.Layer {
	t.Helper()
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatalf("mvt.Unmarshal = %v", err)
	}
	if len(ls) != 1 {
		t.Fatalf("tile has %d layers, want 1", len(ls))
	}
	if ls[0].Version != 2 || ls[0].Extent != tiles.Extent {
		t.Errorf("layer version %d extent %d, want 2 and %d", ls[0].Version, ls[0].Extent, tiles.Extent)
	}
	return ls[0]
}

func mustTile(t *testing.T, src *tiles.Source, layer string, tl maptile.Tile, q url.Values) *tiles.Tile {
	t.Helper()
	f, err := src.ParseFilter(q)
	if err != nil {
		t.Fatal(err)
	}
	tile, err := src.Tile(t.Context(), layer, int(tl.Z), int(tl.X), int(tl.Y), f)
	if err != nil {
		t.Fatalf("Tile(%s, %v) = %v", layer, tl, err)
	}
	return tile
}

func TestLayersDecode(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	f.mustReport(t, inWest, "compound-W", "dispute", now.Add(-2*time.Hour))
	f.mustReport(t, inEast, "compound-E", "tip", now.Add(-50*time.Hour))
	mid := orb.Point{117.65, 24.52}
	tests := []struct {
		layer    string
		z        int
		at       orb.Point
		geom     string
		features int
		fields   []string
	}{
		{"grids", 9, mid, "MultiPolygon|Polygon", 2, []string{"id", "level", "code", "name"}},
		{"grids", 12, mid, "MultiPolygon|Polygon", 2, []string{"id", "level", "code", "name", "duty_team", "duty_team_id"}},
		{"grid-stats", 15, mid, "MultiPolygon|Polygon", 2, []string{"id", "level", "code", "name", "count"}},
		{"heatmap", 12, mid, "Polygon", 2, []string{"cell", "res", "count"}},
		{"reports", 10, mid, "Point", 2, []string{"cluster", "count", "cell"}},
		{"reports", 14, inWest, "Point", 1, []string{"id", "category", "status", "priority", "age"}},
		{"teams", 12, mid, "Point", 1, []string{"id", "code", "name", "kind", "on_duty"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/z%d", tt.layer, tt.z), func(t *testing.T) {
			tl := tileAt(tt.at, tt.z)
			tile := mustTile(t, f.src, tt.layer, tl, nil)
			l := decode(t, tile.MVT, tl)
			if l.Name != tt.layer {
				t.Errorf("layer name = %q, want %q", l.Name, tt.layer)
			}
			if len(l.Features) != tt.features {
				t.Fatalf("%d features, want %d", len(l.Features), tt.features)
			}
			for _, ft := range l.Features {
				if !strings.Contains("|"+tt.geom+"|", "|"+ft.Geometry.GeoJSONType()+"|") {
					t.Errorf("geometry %s, want %s", ft.Geometry.GeoJSONType(), tt.geom)
				}
				for _, k := range tt.fields {
					if _, ok := ft.Properties[k]; !ok && !(k == "duty_team" || k == "duty_team_id") {
						t.Errorf("feature %v has no %q: %v", ft.ID, k, ft.Properties)
					}
				}
			}
			if _, err := tiles.CheckTile(tt.z, int(tl.X), int(tl.Y)), error(nil); err != nil {
				t.Fatal(err)
			}
			if g, ok := tiles.LayerNamed(tt.layer); !ok || len(g.Fields) == 0 {
				t.Errorf("LayerNamed(%q) has no fields", tt.layer)
			}
		})
	}
	// Values: the west community has its duty team; counts and ages are right.
	l := decode(t, mustTile(t, f.src, "grids", tileAt(inWest, 12), nil).MVT, tileAt(inWest, 12))
	var sawDuty bool
	for _, ft := range l.Features {
		if ft.Properties["code"] == "community-W" {
			sawDuty = ft.Properties["duty_team"] == "西社区2组"
		}
	}
	if !sawDuty {
		t.Errorf("community-W has no duty_team 西社区2组")
	}
	l = decode(t, mustTile(t, f.src, "reports", tileAt(inWest, 16), nil).MVT, tileAt(inWest, 16))
	if len(l.Features) != 1 || l.Features[0].Properties["age"] != 2.0 || l.Features[0].Properties["category"] != "dispute" {
		t.Errorf("reports z16 = %+v; want the one dispute report, age 2 h", l.Features)
	}
}

// TestOgrinfo reads tiles with GDAL's MVT driver, a second independent decoder.
func TestOgrinfo(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("GDAL's ogrinfo is not installed (apt-get install gdal-bin)")
	}
	f := newFixture(t, 0)
	f.mustReport(t, inWest, "compound-W", "dispute", now.Add(-2*time.Hour))
	tests := []struct {
		layer, geom string
		z           int
		fields      []string
	}{
		{"grids", "Polygon", 12, []string{"level", "code", "name", "duty_team"}},
		{"grid-stats", "Polygon", 12, []string{"count"}},
		{"heatmap", "Polygon", 13, []string{"cell", "res", "count"}},
		{"reports", "Point", 15, []string{"category", "status", "priority", "age"}},
		{"teams", "Point", 12, []string{"kind", "on_duty"}},
	}
	for _, tt := range tests {
		tl := tileAt(inWest, tt.z)
		tile := mustTile(t, f.src, tt.layer, tl, nil)
		dir := filepath.Join(t.TempDir(), fmt.Sprint(tl.Z), fmt.Sprint(tl.X))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, fmt.Sprintf("%d.pbf", tl.Y))
		if err := os.WriteFile(file, tile.MVT, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("ogrinfo", "-ro", "-al", "-so", "MVT:"+file).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo %s: %v\n%s", tt.layer, err, out)
		}
		s := string(out)
		if !strings.Contains(s, "Layer name: "+tt.layer) {
			t.Errorf("%s: ogrinfo shows no layer %q:\n%s", tt.layer, tt.layer, s)
		}
		if !strings.Contains(s, "Geometry: Multi "+tt.geom) && !strings.Contains(s, "Geometry: "+tt.geom) {
			t.Errorf("%s: ogrinfo geometry is not %s:\n%s", tt.layer, tt.geom, s)
		}
		if strings.Contains(s, "Feature Count: 0") {
			t.Errorf("%s: ogrinfo reads no features:\n%s", tt.layer, s)
		}
		for _, k := range tt.fields {
			if !strings.Contains(s, "\n"+k+": ") {
				t.Errorf("%s: ogrinfo shows no field %q:\n%s", tt.layer, k, s)
			}
		}
	}
}

// TestGridsNoCracks checks that neighbours sharing a jagged boundary cover
// every sample point of the tile exactly once after simplification.
func TestGridsNoCracks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	for _, z := range []int{9, 11, 13, 16} {
		tl := tileAt(orb.Point{117.65, 24.52}, z)
		tile := mustTile(t, f.src, "grids", tl, nil)
		ls, err := mvt.Unmarshal(tile.MVT) // tile coordinates, exact integers
		if err != nil {
			t.Fatal(err)
		}
		var polys []orb.MultiPolygon
		for _, ft := range ls[0].Features {
			switch g := ft.Geometry.(type) {
			case orb.Polygon:
				polys = append(polys, orb.MultiPolygon{g})
			case orb.MultiPolygon:
				polys = append(polys, g)
			}
		}
		// Sample the part of the tile inside the city, away from its outer edge.
		city := cityBox.Pad(-0.002)
		bad := 0
		for i := 0; i < 64; i++ {
			for j := 0; j < 64; j++ {
				px := orb.Point{float64(i)*64 + 17.5, float64(j)*64 + 23.5}
				ll := tilePointToWGS84(tl, px)
				if !city.Contains(ll) {
					continue
				}
				n := 0
				for _, mp := range polys {
					if planar.MultiPolygonContains(mp, px) {
						n++
					}
				}
				if n != 1 {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("z%d: %d sample points are covered by other than exactly one grid (cracks or overlaps)", z, bad)
		}
	}
}

func tilePointToWGS84(tl maptile.Tile, p orb.Point) orb.Point {
	n := math.Exp2(float64(tl.Z))
	x := (float64(tl.X) + p[0]/tiles.Extent) / n
	y := (float64(tl.Y) + p[1]/tiles.Extent) / n
	lat := 180 / math.Pi * math.Atan(math.Sinh(math.Pi-2*math.Pi*y))
	return orb.Point{x*360 - 180, lat}
}

func TestFilterValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	bad := []struct{ query, field string }{
		{"category=ufo", "category"},
		{"category=tip,ufo", "category"},
		{"status=lost", "status"},
		{"from=yesterday", "from"},
		{"from=2026-11-20&to=2026-11-10", "to"},
	}
	for _, b := range bad {
		q, _ := url.ParseQuery(b.query)
		_, err := f.src.ParseFilter(q)
		var ve *grid110.ValidationError
		if !errors.As(err, &ve) || ve.Field != b.field {
			t.Errorf("ParseFilter(%s) = %v, want a validation error on %s", b.query, err, b.field)
		}
	}
	got, err := f.src.ParseFilter(url.Values{"category": {"tip,dispute,tip"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "category=dispute%2Ctip&from=2026-10-30&to=2026-11-28"; got.Query().Encode() != want {
		t.Errorf("default window = %s, want %s (the 30 days up to today, China time)", got.Query().Encode(), want)
	}
	for _, c := range [][3]int{{23, 0, 0}, {-1, 0, 0}, {3, 8, 0}, {3, 0, -1}} {
		if err := tiles.CheckTile(c[0], c[1], c[2]); !errors.Is(err, grid110.ErrInvalid) {
			t.Errorf("CheckTile(%v) = %v, want ErrInvalid", c, err)
		}
	}
	if _, err := f.src.Tile(t.Context(), "nope", 1, 0, 0, tiles.Filter{}); !errors.Is(err, grid110.ErrNotFound) {
		t.Errorf("Tile(nope) = %v, want ErrNotFound", err)
	}
}

// count returns the count property of the feature with property key = val.
func count(t *testing.T, b []byte, tl maptile.Tile, key string, val any) int {
	t.Helper()
	if len(b) == 0 {
		return 0
	}
	for _, ft := range decode(t, b, tl).Features {
		if ft.Properties[key] == val {
			return int(ft.Properties["count"].(float64))
		}
	}
	return 0
}

// TestInvalidation checks that a new report reaches cached heatmap,
// grid-stats and reports tiles at every zoom through NOTIFY, and that the
// counts follow filters.
func TestInvalidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 64<<20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan struct{})
	go postgres.Listen(ctx, f.pool, []string{tiles.Channel, postgres.ChangesChannel}, nil, func(ch, p string) { //nolint:errcheck
		if p == "ready" {
			close(ready)
			return
		}
		f.src.Notify(ch, p)
	})
	// Wait for the LISTEN to be in place: a notification we send ourselves.
	for {
		mustExec(t, f.pool, `SELECT pg_notify($1, 'ready')`, tiles.Channel)
		select {
		case <-ready:
		case <-time.After(50 * time.Millisecond):
			continue
		}
		break
	}
	f.mustReport(t, inWest, "compound-W", "dispute", now.Add(-time.Hour))
	cell15, _ := h3.LatLngToCell(h3.NewLatLng(inWest[1], inWest[0]), 15)
	type probe struct {
		layer, key string
		z          int
		val        func(z int) any
	}
	probes := []probe{
		{"heatmap", "cell", 8, func(z int) any { c, _ := cell15.Parent(5); return c.String() }},
		{"heatmap", "cell", 14, func(z int) any { c, _ := cell15.Parent(10); return c.String() }},
		{"grid-stats", "code", 5, func(int) any { return "DW" }},
		{"grid-stats", "code", 13, func(int) any { return "community-W" }},
		{"grid-stats", "code", 18, func(int) any { return "compound-W" }},
		{"reports", "cell", 11, func(z int) any { c, _ := cell15.Parent(9); return c.String() }},
	}
	read := func(p probe, q url.Values) int {
		tl := tileAt(inWest, p.z)
		return count(t, mustTile(t, f.src, p.layer, tl, q).MVT, tl, p.key, p.val(p.z))
	}
	tip := url.Values{"category": {"tip"}}
	for _, p := range probes {
		if got := read(p, nil); got != 1 {
			t.Errorf("%s z%d before: count %d, want 1", p.layer, p.z, got)
		}
		if got := read(p, tip); got != 0 {
			t.Errorf("%s z%d category=tip before: count %d, want 0", p.layer, p.z, got)
		}
	}
	// Cached now; a second report must show within a second.
	start := time.Now()
	f.mustReport(t, inWest, "compound-W", "tip", now.Add(-time.Hour))
	for _, p := range probes {
		for read(p, nil) != 2 || read(p, tip) != 1 {
			if time.Since(start) > time.Second {
				t.Fatalf("%s z%d: count %d (tip %d) one second after the report, want 2 (1)", p.layer, p.z, read(p, nil), read(p, tip))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if n, _ := f.src.CacheStats(); n == 0 {
		t.Error("the cache holds nothing")
	}
}
