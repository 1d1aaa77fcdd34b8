// Command batchlocate measures batch point location side by side, in one
// run, over the same points and the same grids: a raw PostGIS join
// (ST_Covers, deepest grid, smallest id) against grid110's in-memory index,
// and grid110's batch HTTP endpoint when --url is given. It checks that the
// answers are identical and prints points/s, medians over --runs, and ratios.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"grid110/internal/locate"
	"grid110/internal/postgres"
)

func main() {
	dbURL := flag.String("database", os.Getenv("DATABASE_URL"), "database holding the grids")
	n := flag.Int("points", 1000000, "points to locate")
	runs := flag.Int("runs", 3, "runs of each method; medians are reported")
	apiURL := flag.String("url", "", "grid110 base URL to also time POST /api/v1/locate/batch (optional)")
	httpPoints := flag.Int("http-points", 200000, "points sent over HTTP (in batches of 10,000)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the full-locate runs to this file")
	flag.Parse()
	profile = *cpuProfile
	if err := run(context.Background(), *dbURL, *n, *runs, *apiURL, *httpPoints); err != nil {
		fmt.Fprintln(os.Stderr, "batchlocate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dbURL string, n, runs int, apiURL string, httpPoints int) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	pool, err := postgres.Open(ctx, dbURL, 0)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := postgres.NewStore(pool)
	l, err := locate.New(ctx, store, log)
	if err != nil {
		return err
	}
	snap := l.Snapshot()
	// Points: uniform over the city's bounding box, so some fall outside every grid.
	var minx, miny, maxx, maxy float64
	if err := pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom)::geometry e FROM grids) x`).Scan(&minx, &miny, &maxx, &maxy); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{minx + rng.Float64()*(maxx-minx), miny + rng.Float64()*(maxy-miny)}
	}
	log.Info("points generated", "n", n)

	// Stage the points once; the join is then timed alone.
	if _, err := pool.Exec(ctx, `DROP TABLE IF EXISTS bench_points; CREATE UNLOGGED TABLE bench_points (i int PRIMARY KEY, pt geometry(Point, 4326))`); err != nil {
		return err
	}
	defer pool.Exec(context.Background(), `DROP TABLE IF EXISTS bench_points`) //nolint:errcheck
	rows := make([][]any, n)
	for i, p := range pts {
		rows[i] = []any{i, p[0], p[1]}
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS bp (i int, x float8, y float8)`); err != nil {
		return err
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"bp"}, []string{"i", "x", "y"}, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `INSERT INTO bench_points SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) FROM bp; ANALYZE bench_points`); err != nil {
		return err
	}
	conn.Release()
	log.Info("points staged in PostGIS")

	const join = `
		SELECT p.i, coalesce((SELECT g.id FROM grids g WHERE g.geom && p.pt AND ST_Covers(g.geom, p.pt)
		                      ORDER BY g.level DESC, g.id LIMIT 1), 0)
		FROM bench_points p`
	want := make([]int64, n)
	var pgTimes, memTimes, mem1Times, fullTimes, httpTimes []time.Duration
	for r := 0; r < runs; r++ {
		start := time.Now()
		rs, err := pool.Query(ctx, join)
		if err != nil {
			return err
		}
		var i int32
		var id int64
		if _, err := pgx.ForEachRow(rs, []any{&i, &id}, func() error { want[i] = id; return nil }); err != nil {
			return err
		}
		pgTimes = append(pgTimes, time.Since(start))
		log.Info("postgis join", "run", r+1, "took", pgTimes[r].Round(time.Millisecond))

		got := make([]int64, n)
		start = time.Now()
		parallel(len(pts), runtime.GOMAXPROCS(0), func(i int) {
			got[i], _ = snap.Deepest(pts[i])
		})
		memTimes = append(memTimes, time.Since(start))
		for i := range got {
			if got[i] != want[i] {
				return fmt.Errorf("point %d %v: index says %d, PostGIS says %d", i, pts[i], got[i], want[i])
			}
		}
		start = time.Now()
		for i := range pts {
			got[i], _ = snap.Deepest(pts[i])
		}
		mem1Times = append(mem1Times, time.Since(start))
		stopProfile := startProfile()
		start = time.Now()
		parallel(len(pts), runtime.GOMAXPROCS(0), func(i int) {
			snap.Locate(pts[i], nil) //nolint:errcheck // outside points are answers too
		})
		fullTimes = append(fullTimes, time.Since(start))
		stopProfile()
		log.Info("in-memory", "run", r+1, "index", memTimes[r].Round(time.Millisecond), "index_1core", mem1Times[r].Round(time.Millisecond), "full_locate", fullTimes[r].Round(time.Millisecond))
		if apiURL != "" {
			d, err := viaHTTP(ctx, apiURL, pts[:min(httpPoints, len(pts))], want)
			if err != nil {
				return err
			}
			httpTimes = append(httpTimes, d)
			log.Info("http batch", "run", r+1, "points", min(httpPoints, len(pts)), "took", d.Round(time.Millisecond))
		}
	}
	rate := func(ds []time.Duration, pts int) float64 { return float64(pts) / median(ds).Seconds() }
	pg := rate(pgTimes, n)
	fmt.Printf("\nbatch locate, %d points, %d grids, median of %d runs, GOMAXPROCS=%d\n", n, snap.Grids(), runs, runtime.GOMAXPROCS(0))
	fmt.Printf("%-44s %14s %10s\n", "method", "points/s", "vs PostGIS")
	row := func(name string, r float64) { fmt.Printf("%-44s %14.0f %9.1fx\n", name, r, r/pg) }
	row("PostGIS join (ST_Covers, GiST)", pg)
	row("grid110 index, deepest grid (all cores)", rate(memTimes, n))
	row("grid110 index, deepest grid (one core)", rate(mem1Times, n))
	row("grid110 full locate: chain, 2 team, N-teams", rate(fullTimes, n))
	if len(httpTimes) > 0 {
		row("grid110 POST /locate/batch (HTTP+JSON, full)", rate(httpTimes, min(httpPoints, n)))
	}
	fmt.Println("answers identical to PostGIS: yes (every point, every run)")
	return nil
}

func parallel(n, workers int, fn func(i int)) {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				fn(i)
			}
		}(w)
	}
	wg.Wait()
}

// viaHTTP posts pts in batches of 10,000 and checks the grid of each answer.
func viaHTTP(ctx context.Context, base string, pts []orb.Point, want []int64) (time.Duration, error) {
	type in struct {
		Lon float64 `json:"lon"`
		Lat float64 `json:"lat"`
	}
	type out struct {
		Status int `json:"status"`
		Grid   struct {
			ID int64 `json:"id"`
		} `json:"grid"`
	}
	var took time.Duration
	for off := 0; off < len(pts); off += 10000 {
		end := min(off+10000, len(pts))
		batch := make([]in, 0, end-off)
		for _, p := range pts[off:end] {
			batch = append(batch, in{p[0], p[1]})
		}
		body, _ := json.Marshal(batch)
		start := time.Now()
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/locate/batch", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took += time.Since(start)
		if err != nil || resp.StatusCode != 200 {
			return 0, fmt.Errorf("batch at %d: status %d: %v %.200s", off, resp.StatusCode, err, data)
		}
		var res []out
		if err := json.Unmarshal(data, &res); err != nil {
			return 0, err
		}
		for i, r := range res {
			id := r.Grid.ID
			if r.Status != 200 {
				id = 0
			}
			if id != want[off+i] {
				return 0, fmt.Errorf("HTTP point %d: grid %d, PostGIS says %d", off+i, id, want[off+i])
			}
		}
	}
	return took, nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// profile names the CPU profile file ("" for none).
var profile string

func startProfile() func() {
	if profile == "" {
		return func() {}
	}
	f, err := os.Create(profile)
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
