package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/uber/h3-go/v4"

	"grid110/internal/locate"
	"grid110/internal/patrol"
	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
	"grid110/internal/server"
	"grid110/migrations"
	"grid110/tiles"
)

// newTileApp serves the API with tiles (cache on, LISTEN wired as in
// grid110 serve) over a fresh copy of the demo city.
func newTileApp(t *testing.T) *app {
	t.Helper()
	_, pool := pgtest.NewFrom(t, "demo", seedDemo)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := postgres.NewStore(pool)
	locator, err := locate.New(t.Context(), store, log)
	if err != nil {
		t.Fatal(err)
	}
	src, err := tiles.New(t.Context(), pool, tiles.Options{CacheBytes: 64 << 20, Log: log, Hotspots: patrol.New(store)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	listening := make(chan struct{})
	go postgres.Listen(ctx, pool, []string{tiles.Channel, postgres.ChangesChannel}, log, func(ch, p string) { //nolint:errcheck
		if p == "ping" {
			select {
			case <-listening:
			default:
				close(listening)
			}
			return
		}
		src.Notify(ch, p)
	})
	for ready := false; !ready; {
		if _, err := pool.Exec(t.Context(), `SELECT pg_notify($1, 'ping')`, tiles.Channel); err != nil {
			t.Fatal(err)
		}
		select {
		case <-listening:
			ready = true
		case <-time.After(50 * time.Millisecond):
		}
	}
	srv := httptest.NewServer(server.New(store, locator, server.Config{Migrations: migrations.FS, Tiles: src}, log, prometheus.NewRegistry()))
	t.Cleanup(srv.Close)
	return &app{t: t, url: srv.URL, pool: pool, store: store, locator: locator}
}

// getTile fetches a tile and returns the response and the decoded body.
func (a *app) getTile(path string, hdr map[string]string) (*http.Response, []byte) {
	a.t.Helper()
	req, _ := http.NewRequest("GET", a.url+path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			a.t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			a.t.Fatal(err)
		}
	}
	return resp, b
}

func tilePath(layer string, tl maptile.Tile, query string) string {
	return "/tiles/" + layer + "/" + strconv.Itoa(int(tl.Z)) + "/" + strconv.FormatUint(uint64(tl.X), 10) + "/" +
		strconv.FormatUint(uint64(tl.Y), 10) + ".mvt" + query
}

// featureCount returns the count of the feature whose key property is val.
func featureCount(t *testing.T, b []byte, key string, val any) int {
	t.Helper()
	if len(b) == 0 {
		return 0
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ls[0].Features {
		if f.Properties[key] == val {
			return int(f.Properties["count"].(float64))
		}
	}
	return 0
}

func TestTilesHTTP(t *testing.T) {
	t.Parallel()
	a := newTileApp(t)
	p := orb.Point{117.65, 24.51}
	tl := maptile.At(p, 12)

	resp, body := a.getTile(tilePath("grids", tl, ""), map[string]string{"Accept-Encoding": "gzip"})
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" ||
		resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("grids tile: %d %v", resp.StatusCode, resp.Header)
	}
	if ls, err := mvt.Unmarshal(body); err != nil || len(ls) != 1 || ls[0].Name != "grids" || len(ls[0].Features) == 0 {
		t.Fatalf("grids tile decodes to %v, %v", ls, err)
	}
	etag := resp.Header.Get("ETag")
	if resp, _ := a.getTile(tilePath("grids", tl, ""), map[string]string{"If-None-Match": etag}); resp.StatusCode != 304 {
		t.Errorf("If-None-Match %s: status %d, want 304", etag, resp.StatusCode)
	}
	if resp, b := a.getTile(tilePath("grids", tl, ""), nil); resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(b, body) {
		t.Errorf("without Accept-Encoding: status %d, encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	// The open sea south-east of the city holds nothing.
	if resp, _ := a.getTile(tilePath("grids", maptile.At(orb.Point{119.5, 22.5}, 12), ""), nil); resp.StatusCode != 204 {
		t.Errorf("empty tile: status %d, want 204", resp.StatusCode)
	}
	for _, path := range []string{"/tiles/grids/3/8/0.mvt", "/tiles/grids/23/0/0.mvt", "/tiles/grids/a/0/0.mvt",
		"/tiles/heatmap/12/3380/1780.mvt?category=ufo", "/tiles/heatmap/12/3380/1780.mvt?from=soon"} {
		if resp, _ := a.getTile(path, nil); resp.StatusCode != 400 {
			t.Errorf("GET %s: status %d, want 400", path, resp.StatusCode)
		}
	}
	if resp, _ := a.getTile("/tiles/nope/1/0/0.mvt", nil); resp.StatusCode != 404 {
		t.Errorf("unknown layer: status %d, want 404", resp.StatusCode)
	}

	var tj struct {
		TileJSON     string     `json:"tilejson"`
		Tiles        []string   `json:"tiles"`
		Bounds       [4]float64 `json:"bounds"`
		Center       [3]float64 `json:"center"`
		MinZoom      *int       `json:"minzoom"`
		MaxZoom      int        `json:"maxzoom"`
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	if r := a.do("GET", "/tiles/heatmap.json?category=tip", nil, nil, &tj); r.StatusCode != 200 {
		t.Fatalf("TileJSON: status %d", r.StatusCode)
	}
	if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || tj.Tiles[0] != a.url+"/tiles/heatmap/{z}/{x}/{y}.mvt?category=tip" ||
		len(tj.VectorLayers) != 1 || tj.VectorLayers[0].ID != "heatmap" || tj.VectorLayers[0].Fields["count"] == "" ||
		!(tj.Bounds[0] > 116 && tj.Bounds[2] < 119) || tj.MinZoom == nil || tj.MaxZoom == 0 {
		t.Errorf("TileJSON = %+v", tj)
	}
	var cat struct {
		Layers []struct{ Name, TileJSON string } `json:"layers"`
	}
	if a.do("GET", "/tiles", nil, nil, &cat); len(cat.Layers) != 6 {
		t.Errorf("catalogue = %+v, want 6 layers", cat)
	}
}

// TestTilesFreshAfterReport posts reports through the API and checks that
// the grid-stats, heatmap and reports tiles, already cached, count them
// within one second.
func TestTilesFreshAfterReport(t *testing.T) {
	t.Parallel()
	a := newTileApp(t)
	p := orb.Point{117.6521, 24.5134} // WGS-84, in 芗城区
	var loc located
	if r := a.do("GET", "/api/v1/locate?lon=117.6521&lat=24.5134", nil, nil, &loc); r.StatusCode != 200 {
		t.Fatalf("locate: %d", r.StatusCode)
	}
	cell15, _ := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), 15)
	hex := func(res int) string { c, _ := cell15.Parent(res); return c.String() }
	const q = "?category=counterfeit&status=submitted"
	probes := []struct {
		layer, key string
		z          int
		val        any
	}{
		{"grid-stats", "code", 9, loc.Chain[1].Code},  // the district
		{"grid-stats", "code", 13, loc.Chain[3].Code}, // the community
		{"grid-stats", "code", 16, loc.Chain[4].Code}, // the compound
		{"heatmap", "cell", 10, hex(7)},
		{"heatmap", "cell", 15, hex(10)},
		{"reports", "cell", 12, hex(9)},
	}
	counts := func() []int {
		out := make([]int, len(probes))
		for i, pr := range probes {
			resp, b := a.getTile(tilePath(pr.layer, maptile.At(p, maptile.Zoom(pr.z)), q), map[string]string{"Accept-Encoding": "gzip"})
			if resp.StatusCode != 200 && resp.StatusCode != 204 {
				t.Fatalf("%s z%d: status %d", pr.layer, pr.z, resp.StatusCode)
			}
			out[i] = featureCount(t, b, pr.key, pr.val)
		}
		return out
	}
	before := counts()
	counts() // served from the cache now
	for i := 1; i <= 2; i++ {
		body := map[string]any{"category": "counterfeit", "description": "假酒", "lon": p[0], "lat": p[1], "crs": "wgs84"}
		var rep struct {
			ID int64 `json:"id"`
		}
		if r := a.do("POST", "/api/v1/reports", body, nil, &rep); r.StatusCode != 201 {
			t.Fatalf("POST report: status %d", r.StatusCode)
		}
		accepted := time.Now()
		for {
			got := counts()
			ok := true
			for j := range got {
				ok = ok && got[j] == before[j]+i
			}
			if ok {
				t.Logf("report %d in every tile after %v", i, time.Since(accepted).Round(time.Millisecond))
				break
			}
			if time.Since(accepted) > time.Second {
				b, _ := json.Marshal(got)
				t.Fatalf("one second after report %d: counts %s, want %v each +%d", i, b, before, i)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// The reports layer at z16 shows the points themselves.
	_, b := a.getTile(tilePath("reports", maptile.At(p, 16), q), nil)
	ls, err := mvt.Unmarshal(b)
	if err != nil || len(ls) != 1 || len(ls[0].Features) < 2 {
		t.Fatalf("reports z16: %v, %v; want the two new reports", ls, err)
	}
}

// TestHotspotsTile decodes the hotspots layer over a planted cluster: the
// planted cell is in its tile with bin +3 and its count, hot neighbours
// without reports have no count, and TileJSON lists the layer's fields.
func TestHotspotsTile(t *testing.T) {
	t.Parallel()
	a := newTileApp(t)
	_, centre := district(t, a)
	hot := plantCluster(t, a, centre)
	tl := maptile.At(orb.Point{centre[0], centre[1]}, 12) // res 8, as planted

	for _, q := range []string{"?" + hotspotWindow, "?fdr=true&status=closed&" + hotspotWindow} {
		resp, b := a.getTile(tilePath("hotspots", tl, q), nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", q, resp.StatusCode)
		}
		ls, err := mvt.Unmarshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != 1 || ls[0].Name != "hotspots" {
			t.Fatalf("%s: layers %v; want one, hotspots", q, ls)
		}
		var found bool
		for _, ft := range ls[0].Features {
			p := ft.Properties
			if ft.Geometry.GeoJSONType() != "Polygon" || p["res"] != 8.0 {
				t.Errorf("%s: feature %v: %s res %v; want res-8 polygons", q, p["cell"], ft.Geometry.GeoJSONType(), p["res"])
			}
			if c, ok := p["count"].(float64); ok && c < 3 {
				t.Errorf("%s: cell %v shows count %v below the public minimum", q, p["cell"], c)
			}
			if p["cell"] == hot.String() {
				found = true
				if p["bin"] != 3.0 || p["count"] != 40.0 || p["confidence"] != 99.0 || p["z"].(float64) < 3 || p["p"].(float64) > 0.01 {
					t.Errorf("%s: planted cell = %v; want bin 3, count 40, confidence 99", q, p)
				}
			} else if p["bin"] != 0.0 && p["count"] != nil {
				t.Errorf("%s: hot neighbour %v shows a count", q, p)
			}
		}
		if !found {
			t.Errorf("%s: planted cell %s not in tile %v (%d features)", q, hot, tl, len(ls[0].Features))
		}
	}
	// Outside the window nothing is significant and nothing has reports.
	resp, _ := a.getTile(tilePath("hotspots", tl, "?from=2027-05-01&to=2027-05-31"), nil)
	if resp.StatusCode != 204 {
		t.Errorf("empty window: status %d, want 204", resp.StatusCode)
	}

	var tj tiles.TileJSON
	if resp := a.do("GET", "/tiles/hotspots.json?fdr=true&"+hotspotWindow, nil, nil, &tj); resp.StatusCode != 200 {
		t.Fatalf("tilejson: status %d", resp.StatusCode)
	}
	if len(tj.VectorLayers) != 1 || tj.VectorLayers[0].ID != "hotspots" || len(tj.Tiles) != 1 ||
		!strings.Contains(tj.Tiles[0], "/tiles/hotspots/{z}/{x}/{y}.mvt?") || !strings.Contains(tj.Tiles[0], "fdr=true") {
		t.Fatalf("tilejson = %+v", tj)
	}
	for _, k := range []string{"cell", "res", "z", "p", "bin", "confidence", "count"} {
		if tj.VectorLayers[0].Fields[k] == "" {
			t.Errorf("tilejson fields %v lack %q", tj.VectorLayers[0].Fields, k)
		}
	}
	var cat struct{ Layers []struct{ Name string } }
	a.do("GET", "/tiles", nil, nil, &cat)
	listed := false
	for _, l := range cat.Layers {
		listed = listed || l.Name == "hotspots"
	}
	if !listed {
		t.Errorf("catalogue %v lacks hotspots", cat.Layers)
	}
}
