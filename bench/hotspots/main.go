// Command hotspots times city-wide Getis-Ord Gi* from the roll-ups: the
// demo city with --reports reports (1,000,000 by default) in its own
// database, Gi* over every H3 cell of the city at --res (9) for the last
// 30 days and for the whole year, through internal/patrol as the API runs
// it. It prints the first (cold: study area and k-ring graph built) run
// and the median of --runs warm runs (graph cached; roll-up query + Gi*).
//
//	go run ./bench/hotspots --database postgres://postgres@127.0.0.1:5432/grid110_bench_hotspots
//
// The database is created, migrated and loaded when it holds no grids
// (a few minutes for 1,000,000 reports).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"grid110/internal/demo"
	"grid110/internal/patrol"
	"grid110/internal/postgres"
	"grid110/migrations"
)

func main() {
	dbURL := flag.String("database", "postgres://postgres@127.0.0.1:5432/grid110_bench_hotspots", "benchmark database (created if missing)")
	reports := flag.Int("reports", 1000000, "reports to load into an empty database")
	res := flag.Int("res", 9, "H3 resolution")
	runs := flag.Int("runs", 9, "warm runs; the median is reported")
	flag.Parse()
	if err := run(context.Background(), *dbURL, *reports, *res, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "hotspots:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dbURL string, reports, res, runs int) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := createDatabase(ctx, dbURL); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, dbURL, 0)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, migrations.FS, log); err != nil {
		return err
	}
	store := postgres.NewStore(pool)
	until := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if empty, err := demo.Empty(ctx, store); err != nil {
		return err
	} else if empty {
		fmt.Printf("loading the demo city with %d reports...\n", reports)
		sum, err := demo.Load(ctx, store, demo.Options{Seed: 1, Reports: reports, Until: until, Log: log})
		if err != nil {
			return err
		}
		fmt.Printf("loaded %d reports in %s\n", sum.Reports, sum.Took.Round(time.Second))
	}
	var n int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM reports`).Scan(&n); err != nil {
		return err
	}
	fmt.Printf("reports in the database: %d\n", n)
	svc := patrol.New(store)
	for _, w := range []struct {
		name     string
		from, to time.Time
	}{
		{"last 30 days", until.AddDate(0, 0, -30), until},
		{"whole year", until.AddDate(-1, 0, 0), until},
	} {
		q := patrol.Query{Res: res, From: w.from, To: w.to}
		var times []time.Duration
		var last *patrol.CellResult
		for i := 0; i <= runs; i++ {
			t0 := time.Now()
			r, err := svc.Hotspots(ctx, q)
			if err != nil {
				return err
			}
			times = append(times, time.Since(t0))
			last = r
		}
		cold, warm := times[0], times[1:]
		slices.Sort(warm)
		hot := 0
		for _, c := range last.Cells {
			if c.Bin > 0 {
				hot++
			}
		}
		fmt.Printf("city-wide Gi* res %d, %s: %d cells, %d reports, %d hot; cold %s, warm median %s (min %s, max %s, %d runs)\n",
			res, w.name, last.AreaCells, last.Reports, hot, ms(cold), ms(warm[len(warm)/2]), ms(warm[0]), ms(warm[len(warm)-1]), len(warm))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// createDatabase creates the database of dbURL when it does not exist.
func createDatabase(ctx context.Context, dbURL string) error {
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return err
	}
	name := cfg.Database
	cfg.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil || exists {
		return err
	}
	_, err = conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize())
	return err
}
