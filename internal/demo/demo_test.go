package demo

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"grid110/internal/crs"
	"grid110/internal/grid110"
	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
)

const (
	testSeed    = 110
	testReports = 5000
)

// m2PerDeg2 turns a planar area in degrees² into m² at Zhangzhou's
// latitude (24.4°N: 111,320² × cos 24.4°), within 1% across the city.
const m2PerDeg2 = "1.1285e10"

// testUntil is fixed so that the demo template is the same on every run.
var testUntil = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// demoDB returns a pool on a fresh copy of the small demo city, which is
// built once per test binary (and kept as a template while the code is unchanged).
func demoDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	_, pool := pgtest.NewFrom(t, "demo_small", func(ctx context.Context, pool *pgxpool.Pool) error {
		_, err := Load(ctx, postgres.NewStore(pool), Options{Seed: testSeed, Reports: testReports, Until: testUntil, Log: quiet()})
		return err
	})
	return pool
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// testLogger sends the loader's log to the test's log.
func testLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{tb}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func mustInt(t *testing.T, pool *pgxpool.Pool, q string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// mustNone fails the test with the rows q returns (code and a number), if any.
func mustNone(t *testing.T, pool *pgxpool.Pool, what, q string) {
	t.Helper()
	rows, err := pool.Query(t.Context(), q)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var code string
		var v float64
		if err := rows.Scan(&code, &v); err != nil {
			t.Fatal(err)
		}
		if n++; n <= 10 {
			t.Errorf("%s: %s (%.3f)", what, code, v)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if n > 10 {
		t.Errorf("%s: %d in all", what, n)
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	pool := demoDB(t)
	ctx := t.Context()

	t.Run("city and districts", func(t *testing.T) {
		got := map[string]string{}
		rows, err := pool.Query(ctx, `SELECT code, name FROM grids WHERE level IN ('city', 'district')`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var code, name string
			if err := rows.Scan(&code, &name); err != nil {
				t.Fatal(err)
			}
			got[code] = name
		}
		if len(got) != 12 {
			t.Errorf("city and district grids = %d, want 12: %v", len(got), got)
		}
		want := map[string]string{"350600": "漳州市", "350602": "芗城区", "350604": "龙海区", "350605": "长泰区", "350629": "华安县"}
		for code, name := range want {
			if got[code] != name {
				t.Errorf("grid %s = %q, want %q", code, got[code], name)
			}
		}
		for _, old := range []string{"350681", "350625"} {
			if _, ok := got[old]; ok {
				t.Errorf("outdated code %s loaded", old)
			}
		}
		if n := mustInt(t, pool, `SELECT count(*) FROM grids WHERE level = 'district' AND parent_id = (SELECT id FROM grids WHERE code = '350600')`); n != 11 {
			t.Errorf("districts under the city = %d, want 11", n)
		}
	})

	t.Run("real townships and communities", func(t *testing.T) {
		div, err := readDivisions()
		if err != nil {
			t.Fatal(err)
		}
		wantT, wantC := 0, 0
		for county, ts := range div.townships {
			if county == "350601" {
				continue
			}
			wantT += len(ts)
			for _, tw := range ts {
				wantC += len(div.villages[tw.Code])
			}
		}
		if wantT != 147 || wantC != 2118 {
			t.Errorf("code list has %d townships and %d communities, want 147 and 2118", wantT, wantC)
		}
		if n := mustInt(t, pool, `SELECT count(*) FROM grids WHERE level = 'township' AND code ~ '^\d{9}$'`); n != wantT {
			t.Errorf("townships = %d, want %d", n, wantT)
		}
		if n := mustInt(t, pool, `SELECT count(*) FROM grids WHERE level = 'community' AND code ~ '^\d{12}$'`); n != wantC {
			t.Errorf("communities = %d, want %d", n, wantC)
		}
		if n := mustInt(t, pool, `SELECT count(*) FROM grids WHERE level = 'compound' AND code ~ '^\d{15}$'`); n < 8000 || n > 10000 {
			t.Errorf("compounds = %d, want 8,000-10,000", n)
		}
		names := map[string]string{"350602001001": "金宝社区", "350602001": "东铺头街道", "350602100201": "松州村"}
		for code, want := range names {
			var got string
			if err := pool.QueryRow(ctx, `SELECT name FROM grids WHERE code = $1`, code).Scan(&got); err != nil || got != want {
				t.Errorf("grid %s = %q (%v), want %q", code, got, err, want)
			}
		}
		if n := mustInt(t, pool, `SELECT count(*) FROM grids c JOIN grids p ON p.id = c.parent_id WHERE c.code NOT LIKE p.code || '%' AND p.level <> 'city'`); n != 0 {
			t.Errorf("%d grids whose code does not extend their parent's", n)
		}
	})

	// Areas are measured in the plane the geometry lives in (lon/lat
	// degrees², scaled by m2PerDeg2). As geography, or in a projection such
	// as UTM, a floating-point sliver along an edge kilometres long gains
	// the thousands of m² between the straight edge and the geodesic (or
	// projected) one, though it has no area in the plane.
	t.Run("geometry", func(t *testing.T) {
		mustNone(t, pool, "invalid or empty grid", `
			SELECT code, 0::float8 FROM grids WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom)`)
		mustNone(t, pool, "m² of a child outside its parent", `
			SELECT c.code, ST_Area(ST_Difference(c.geom, p.geom)) * `+m2PerDeg2+`
			FROM grids c JOIN grids p ON p.id = c.parent_id
			WHERE NOT ST_CoveredBy(c.geom, p.geom) AND ST_Area(ST_Difference(c.geom, p.geom)) * `+m2PerDeg2+` >= 1`)
		// The districts are DataV's: repairing the self-intersections of 云霄县
		// and 平和县 makes them overlap a little along their shared border.
		// The generated levels must not overlap at all.
		mustNone(t, pool, "m² of sibling overlap", `
			SELECT a.code || ' ' || b.code, ST_Area(ST_Intersection(a.geom, b.geom)) * `+m2PerDeg2+` AS area
			FROM grids a JOIN grids b ON b.parent_id = a.parent_id AND a.id < b.id AND a.geom && b.geom
			WHERE ST_Relate(a.geom, b.geom, '2********') AND ST_Area(ST_Intersection(a.geom, b.geom)) * `+m2PerDeg2+` > 1
			  AND NOT (a.level = 'district' AND a.name || b.name IN ('云霄县平和县', '平和县云霄县')
			           AND ST_Area(ST_Intersection(a.geom, b.geom)) * `+m2PerDeg2+` < 20000)`)
		mustNone(t, pool, "m² of a parent in none of its children", `
			SELECT p.code, ST_Area(ST_Difference(p.geom, ST_Union(c.geom))) * `+m2PerDeg2+` AS gap
			FROM grids p JOIN grids c ON c.parent_id = p.id
			WHERE p.level IN ('city', 'district', 'township', 'community')
			GROUP BY p.id
			HAVING ST_Area(ST_Difference(p.geom, ST_Union(c.geom))) * `+m2PerDeg2+` > 1`)
	})

	t.Run("point in 芗城区", func(t *testing.T) {
		lon, lat := crs.ToWGS84(crs.GCJ02, 117.65, 24.51)
		rows, err := pool.Query(ctx, `
			SELECT a.level::text, a.name
			FROM (SELECT path FROM grids WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
			      ORDER BY level DESC, id LIMIT 1) d
			JOIN grids a ON a.id = ANY (d.path)
			ORDER BY a.level`, lon, lat)
		if err != nil {
			t.Fatal(err)
		}
		chain := map[string]string{}
		var levels []string
		for rows.Next() {
			var lvl, name string
			if err := rows.Scan(&lvl, &name); err != nil {
				t.Fatal(err)
			}
			chain[lvl] = name
			levels = append(levels, lvl)
		}
		if len(levels) != 5 || chain["district"] != "芗城区" || chain["city"] != "漳州市" {
			t.Errorf("chain of GCJ-02 (117.65, 24.51) = %v, want city to compound with district 芗城区", chain)
		}
	})

	t.Run("duty teams", func(t *testing.T) {
		if n := mustInt(t, pool, `
			SELECT count(*) FROM grids g
			WHERE g.level = 'community'
			  AND (SELECT count(*) FROM teams t WHERE t.kind = 'duty' AND t.grid_id = g.id) <> 1`); n != 0 {
			t.Errorf("%d communities without exactly one duty team", n)
		}
		if n := mustInt(t, pool, `
			SELECT count(*) FROM teams t
			WHERE t.kind = 'duty' AND NOT (
				(SELECT count(*) FROM team_members m WHERE m.team_id = t.id) = 2
				AND EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.role = 'grid_worker')
				AND EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.role IN ('police_officer', 'auxiliary_police')))`); n != 0 {
			t.Errorf("%d duty teams without a grid worker and a police officer or auxiliary", n)
		}
		if n := mustInt(t, pool, `
			SELECT count(*) FROM teams t JOIN grids g ON g.id = t.grid_id
			WHERE t.kind = 'duty' AND NOT ST_Covers(g.geom, t.base)`); n != 0 {
			t.Errorf("%d duty teams based outside their community", n)
		}
	})

	t.Run("n-teams", func(t *testing.T) {
		for kind, want := range map[string]int{"patrol": 147, "volunteer": 147, "mediation": 147, "emergency": 11 + 3, "medical": 11 + 3} {
			if n := mustInt(t, pool, `SELECT count(*) FROM teams WHERE kind = $1`, kind); n != want {
				t.Errorf("%s teams = %d, want %d", kind, n, want)
			}
		}
		if n := mustInt(t, pool, `SELECT count(*) FROM teams WHERE kind <> 'duty' AND NOT ST_Covers(service_area, base)`); n != 0 {
			t.Errorf("%d N-teams based outside their service area", n)
		}
		off := mustInt(t, pool, `SELECT count(*) FROM teams WHERE kind <> 'duty' AND NOT on_duty`)
		all := mustInt(t, pool, `SELECT count(*) FROM teams WHERE kind <> 'duty'`)
		if off < all/20 || off > all/5 {
			t.Errorf("%d of %d N-teams off duty, want about 10%%", off, all)
		}
		if n := mustInt(t, pool, `
			SELECT count(*) FROM teams t
			WHERE kind <> 'duty' AND (SELECT count(*) FROM team_members m WHERE m.team_id = t.id) NOT BETWEEN 2 AND 6`); n != 0 {
			t.Errorf("%d N-teams without 2-6 members", n)
		}
	})

	t.Run("reports", func(t *testing.T) {
		if n := mustInt(t, pool, `SELECT count(*) FROM reports`); n != testReports {
			t.Errorf("reports = %d, want %d", n, testReports)
		}
		mustNone(t, pool, "report outside its grid", `
			SELECT r.tracking_code, r.grid_id::float8 FROM reports r JOIN grids g ON g.id = r.grid_id
			WHERE NOT ST_Covers(g.geom, r.location)`)
		mustNone(t, pool, "report not in the deepest grid", `
			SELECT r.tracking_code, r.grid_id::float8 FROM reports r
			WHERE r.grid_id <> (SELECT g.id FROM grids g WHERE ST_Covers(g.geom, r.location) ORDER BY g.level DESC, g.id LIMIT 1)`)
		mustNone(t, pool, "report without teams", `
			SELECT tracking_code, 0::float8 FROM reports WHERE duty_team_id IS NULL OR team_id IS NULL OR department IS NULL`)
		mustNone(t, pool, "report outside the year before Until", `
			SELECT tracking_code, 0::float8 FROM reports
			WHERE created_at < $$2024-06-01Z$$ OR created_at >= $$2025-06-01Z$$ OR updated_at > $$2025-06-01Z$$`)
		mustNone(t, pool, "report whose events do not end in its status", `
			SELECT r.tracking_code, count(e.id)::float8 FROM reports r JOIN report_events e ON e.report_id = r.id
			GROUP BY r.id
			HAVING (array_agg(e.to_status ORDER BY e.id))[1] <> 'submitted'
			    OR (array_agg(e.to_status ORDER BY e.id DESC))[1] <> r.status
			    OR max(e.at) <> r.updated_at`)
		mustNone(t, pool, "report whose input does not convert to its location", `
			SELECT tracking_code, 0::float8 FROM reports
			WHERE input_crs = 'wgs84' AND (input_lon <> ST_X(location) OR input_lat <> ST_Y(location))`)
		gcj := mustInt(t, pool, `SELECT count(*) FROM reports WHERE input_crs = 'gcj02'`)
		if gcj < testReports*7/10 || gcj == testReports {
			t.Errorf("%d of %d reports sent in GCJ-02, want most but not all", gcj, testReports)
		}
		closedOld := mustInt(t, pool, `SELECT count(*) FROM reports WHERE created_at < $$2025-04-01Z$$ AND status IN ('closed', 'rejected')`)
		old := mustInt(t, pool, `SELECT count(*) FROM reports WHERE created_at < $$2025-04-01Z$$`)
		if closedOld < old*9/10 {
			t.Errorf("%d of %d reports older than two months closed or rejected, want most", closedOld, old)
		}
		if n := mustInt(t, pool, `SELECT count(DISTINCT status) FROM reports WHERE created_at > $$2025-05-25Z$$`); n < 5 {
			t.Errorf("recent reports are in %d statuses, want a spread", n)
		}
	})

	t.Run("supervision", func(t *testing.T) {
		mustNone(t, pool, "open report without a stage deadline, or closed with one", `
			SELECT tracking_code, 0::float8 FROM reports
			WHERE (stage_due_at IS NULL) <> (status IN ('closed', 'rejected'))`)
		mustNone(t, pool, "report whose escalations are not its supervised events", `
			SELECT r.tracking_code, r.escalations::float8 FROM reports r
			WHERE r.escalations <> (SELECT count(*) FROM report_events e WHERE e.report_id = r.id AND e.kind = 'supervised')`)
		// As of Until (earlier than now): every overdue period up to Until
		// escalated, the next one after it, none past the city.
		mustNone(t, pool, "report escalated inconsistently with its age", `
			SELECT r.tracking_code, r.escalations::float8 FROM reports r
			LEFT JOIN grids s ON s.id = r.supervising_grid_id
			WHERE r.escalate_at <= $$2025-06-01Z$$
			   OR (r.escalations > 0) <> (r.supervising_grid_id IS NOT NULL)
			   OR (r.escalate_at IS NULL AND r.stage_due_at IS NOT NULL AND s.level IS DISTINCT FROM 'city')
			   OR (r.escalate_at IS NOT NULL AND r.escalate_at <> r.stage_due_at AND r.escalations = 0)`)
		if n := mustInt(t, pool, `SELECT count(*) FROM reports r JOIN grids g ON g.id = r.supervising_grid_id WHERE g.level = 'city'`); n == 0 {
			t.Error("no stalled case reached the city command centre")
		}
		if n := mustInt(t, pool, `SELECT count(*) FROM reports WHERE escalate_at IS NOT NULL`); n == 0 {
			t.Error("no open case has a timer pending")
		}
	})

	t.Run("load refuses a loaded database", func(t *testing.T) {
		_, err := Load(ctx, postgres.NewStore(pool), Options{Seed: 1, Until: testUntil})
		if !errors.Is(err, grid110.ErrConflict) {
			t.Errorf("Load into a loaded database = %v, want ErrConflict", err)
		}
		empty, err := Empty(ctx, postgres.NewStore(pool))
		if err != nil || empty {
			t.Errorf("Empty = %v, %v; want false", empty, err)
		}
	})
}

// TestLoadDeterministic loads the same seed into two fresh databases and
// compares what came out.
func TestLoadDeterministic(t *testing.T) {
	t.Parallel()
	const reports = 300
	sums := make([][2]string, 2)
	errs := make([]error, 2)
	pools := []*pgxpool.Pool{pgtest.New(t), pgtest.New(t)}
	var wg sync.WaitGroup
	for i, pool := range pools {
		wg.Go(func() {
			ctx := t.Context()
			_, errs[i] = Load(ctx, postgres.NewStore(pool), Options{Seed: 7, Reports: reports, Until: testUntil, Log: quiet()})
			if errs[i] != nil {
				return
			}
			errs[i] = pool.QueryRow(ctx, `
				SELECT (SELECT md5(string_agg(code || ST_AsText(geom), ',' ORDER BY code)) FROM grids),
				       (SELECT md5(string_agg(tracking_code || ST_AsText(location) || created_at::text || status, ',' ORDER BY id)) FROM reports)`).
				Scan(&sums[i][0], &sums[i][1])
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if sums[0][0] != sums[1][0] {
		t.Errorf("grids differ between two loads with the same seed: md5 %s, %s", sums[0][0], sums[1][0])
	}
	if sums[0][1] != sums[1][1] {
		t.Errorf("reports differ between two loads with the same seed: md5 %s, %s", sums[0][1], sums[1][1])
	}
}

// BenchmarkLoad loads the full demo (DefaultReports reports) into a fresh
// database per iteration, logging each step:
//
//	go test -run '^$' -bench Load -benchtime 1x -v ./internal/demo/
//
// GRID110_DEMO_REPORTS overrides the number of reports.
func BenchmarkLoad(b *testing.B) {
	n := DefaultReports
	if s := os.Getenv("GRID110_DEMO_REPORTS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	until := time.Now().UTC().Truncate(24 * time.Hour)
	for range b.N {
		b.StopTimer()
		pool := pgtest.New(b)
		b.StartTimer()
		sum, err := Load(b.Context(), postgres.NewStore(pool), Options{Seed: 1, Reports: n, Until: until, Log: testLogger(b)})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("summary: %+v", *sum)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

func TestVillageName(t *testing.T) {
	for in, want := range map[string]string{
		"金宝社区居委会":        "金宝社区",
		"南山村委会":          "南山村",
		"新村村委会":          "新村村",
		"城内居委会":          "城内社区",
		"山后社区居民委员会":      "山后社区",
		"金峰工业区社区":        "金峰工业区社区",
		"漳州市天宝山奶牛场虚拟生活区": "漳州市天宝山奶牛场虚拟生活区",
	} {
		if got := villageName(in); got != want {
			t.Errorf("villageName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestZhNumber(t *testing.T) {
	for n, want := range map[int]string{1: "一", 6: "六", 10: "十", 12: "十二", 20: "二十", 35: "三十五"} {
		if got := zhNumber(n); got != want {
			t.Errorf("zhNumber(%d) = %q, want %q", n, got, want)
		}
	}
}
