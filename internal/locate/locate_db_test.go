package locate_test

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"grid110/internal/demo"
	"grid110/internal/locate"
	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
)

func seedCity(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := demo.Load(ctx, postgres.NewStore(pool), demo.Options{Seed: 1, Reports: 0,
		Until: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return err
}

// coversQuery is the plain PostGIS answer the in-memory index must match:
// the deepest grid whose polygon covers the point (boundary included), the
// smallest id among equals.
const coversQuery = `
	SELECT p.i, coalesce((
		SELECT g.id FROM grids g
		WHERE g.geom && p.pt AND ST_Covers(g.geom, p.pt)
		ORDER BY g.level DESC, g.id
		LIMIT 1), 0)
	FROM (SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS pt
	      FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(x, y, i)) p
	ORDER BY p.i`

// TestLocateMatchesPostGIS locates 10,000 random points over the demo city,
// plus grid vertices (points on shared edges), and compares every answer
// with PostGIS ST_Covers over the same grids.
func TestLocateMatchesPostGIS(t *testing.T) {
	t.Parallel()
	_, pool := pgtest.NewFrom(t, "city", seedCity)
	ctx := t.Context()
	store := postgres.NewStore(pool)
	l, err := locate.New(ctx, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	snap := l.Snapshot()
	var minx, miny, maxx, maxy float64
	if err := pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom)::geometry e FROM grids) x`).Scan(&minx, &miny, &maxx, &maxy); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(42, 7))
	var xs, ys []float64
	for range 10000 {
		xs = append(xs, minx+rng.Float64()*(maxx-minx))
		ys = append(ys, miny+rng.Float64()*(maxy-miny))
	}
	// Vertices of compound boundaries lie on edges shared with neighbours:
	// here the tie rule (deepest, then smallest id) decides.
	rows, err := pool.Query(ctx, `
		SELECT ST_X(d.geom), ST_Y(d.geom) FROM (
			SELECT geom FROM grids WHERE level = 'compound' ORDER BY md5(code) LIMIT 300) g,
			LATERAL ST_DumpPoints(g.geom) d
		WHERE d.path[3] % 7 = 1`)
	if err != nil {
		t.Fatal(err)
	}
	edge := 0
	for rows.Next() {
		var x, y float64
		if err := rows.Scan(&x, &y); err != nil {
			t.Fatal(err)
		}
		xs, ys = append(xs, x), append(ys, y)
		edge++
	}
	if rows.Err() != nil || edge < 300 {
		t.Fatalf("boundary points: %d, %v", edge, rows.Err())
	}
	rows, err = pool.Query(ctx, coversQuery, xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	var i, want int64
	inside, mismatches := 0, 0
	for rows.Next() {
		if err := rows.Scan(&i, &want); err != nil {
			t.Fatal(err)
		}
		p := orb.Point{xs[i-1], ys[i-1]}
		got, ok := snap.Deepest(p)
		if !ok {
			got = 0
		}
		if got != want {
			mismatches++
			if mismatches <= 10 {
				t.Errorf("point %d %v: index says grid %d, PostGIS ST_Covers says %d", i, p, got, want)
			}
		}
		if want != 0 {
			inside++
		}
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if mismatches > 0 {
		t.Fatalf("%d of %d points disagree with PostGIS", mismatches, len(xs))
	}
	if inside < 3000 {
		t.Errorf("only %d of %d points fell inside the city; the test is not exercising the index", inside, len(xs))
	}
	t.Logf("%d points (%d on grid boundaries) agree with ST_Covers; %d inside the city", len(xs), edge, inside)
}
