package tiles

import (
	"context"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The cold-path benchmarks render tiles with the cache off against a loaded
// database, by default grid110_bench_tiles as bench/tiles.sh leaves it:
//
//	TILES_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/grid110_bench_tiles \
//	    go test ./tiles/ -run '^$' -bench Cold -benchtime 3s
//
// They are skipped without TILES_BENCH_DATABASE_URL.

// benchTiles is a fixed list of z10-z16 tiles over Zhangzhou weighted to the
// centre, like bench/tiles_urls.py.
func benchTiles(n int) [][3]int {
	rng := rand.New(rand.NewPCG(110, 110))
	out := make([][3]int, n)
	for i := range out {
		z := 10 + rng.IntN(7)
		lon := min(118.3, max(117.0, 117.65+rng.NormFloat64()*0.12))
		lat := min(24.9, max(23.6, 24.51+rng.NormFloat64()*0.10))
		s := math.Sin(lat * math.Pi / 180)
		n := float64(int(1) << z)
		out[i] = [3]int{z, int((lon + 180) / 360 * n), int((0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * n)}
	}
	return out
}

func benchSource(b *testing.B) *Source {
	u := os.Getenv("TILES_BENCH_DATABASE_URL")
	if u == "" {
		b.Skip("TILES_BENCH_DATABASE_URL not set")
	}
	pool, err := pgxpool.New(context.Background(), u)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	src, err := New(context.Background(), pool, Options{})
	if err != nil {
		b.Fatal(err)
	}
	return src
}

func benchCold(b *testing.B, layer string) {
	src := benchSource(b)
	f, err := src.ParseFilter(url.Values{})
	if err != nil {
		b.Fatal(err)
	}
	list := benchTiles(1000)
	// One pass first: the cell cache (data-independent) is then primed, as
	// it is on a server that has run for a while; the tile cache is off.
	for _, t := range list {
		if _, err := src.Tile(context.Background(), layer, t[0], t[1], t[2], f); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			t := list[int(next.Add(1))%len(list)]
			tl, err := src.Tile(context.Background(), layer, t[0], t[1], t[2], f)
			if err != nil {
				b.Error(err)
				return
			}
			tl.Gzipped() // as the server does for a client that accepts gzip

		}
	})
}

func BenchmarkHeatmapCold(b *testing.B)   { benchCold(b, LayerHeatmap) }
func BenchmarkGridsCold(b *testing.B)     { benchCold(b, LayerGrids) }
func BenchmarkGridStatsCold(b *testing.B) { benchCold(b, LayerGridStats) }
