// Command workflow measures the case workflow under load and the
// supervision (督办) timers, in a database of its own that it recreates on
// each run (a grid chain city › district › township › community › compound
// and the seeded categories):
//
//  1. Moves per second: --workers goroutines take --cases fresh cases each
//     round through file → dispatch → start → resolve → verify → close with
//     Store.Move, alternately with the supervision hook installed (each move
//     arms its stage's River job in its transaction, as grid110 serve runs)
//     and without it, in --rounds pairs of rounds run back to back (AB, BA,
//     …). It prints every pair, the median per mode and the median of the
//     pairs' ratios: side by side, so both modes see the same load.
//
//  2. Escalation lag: with a real River client running (internal/supervise
//     with its defaults unless --poll or --sup-workers), --lag-cases cases
//     are filed evenly over --spread (5 s) with a filing stage of --stage
//     (10 s), so each escalates at its deadline and again every --stage up
//     to the city. The lag of each escalation is the time of its supervised
//     event less the time it was due (both by the database's clock):
//     median, p95 and max. Stages under River's scheduler interval (5 s)
//     would add up to that interval: timers of real stages are hours long.
//
//     go run ./bench/workflow
//     go run ./bench/workflow --database postgres://postgres@127.0.0.1:5432/grid110_bench_workflow --workers 8 --rounds 30 --cases 50
//
// The machine is shared and noisy: compare the modes within one run, not
// absolute numbers across runs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
	"grid110/internal/supervise"
	"grid110/migrations"
)

type options struct {
	db               string
	workers, cases   int
	rounds, lagCases int
	supWorkers       int
	stage, poll      time.Duration
	spread           time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.db, "database", "postgres://postgres@127.0.0.1:5432/grid110_bench_workflow", "benchmark database (dropped and created anew)")
	flag.IntVar(&o.workers, "workers", 8, "concurrent workers making moves")
	flag.IntVar(&o.cases, "cases", 50, "cases per round (6 moves each)")
	flag.IntVar(&o.rounds, "rounds", 30, "pairs of rounds (one with the hook, one without, back to back)")
	flag.IntVar(&o.lagCases, "lag-cases", 200, "cases for the escalation lag")
	flag.DurationVar(&o.stage, "stage", 10*time.Second, "filing stage allowance for the lag cases (also the period between escalations)")
	flag.DurationVar(&o.poll, "poll", 0, "River poll interval for the lag run (0: internal/supervise's default, 1s)")
	flag.IntVar(&o.supWorkers, "sup-workers", 0, "escalation jobs run at once for the lag run (0: internal/supervise's default, 4)")
	flag.DurationVar(&o.spread, "spread", 5*time.Second, "the lag cases are filed evenly over about this long")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "workflow:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	pool, compound, err := setUp(ctx, o.db, o.workers)
	if err != nil {
		return err
	}
	defer pool.Close()
	b := &bench{pool: pool, grid: compound}
	if err := b.moves(ctx, o); err != nil {
		return err
	}
	return b.lag(ctx, o)
}

// setUp recreates the database, migrates it and adds the grid chain; it
// returns a pool large enough for the workers and the compound's id.
func setUp(ctx context.Context, dbURL string, workers int) (*pgxpool.Pool, int64, error) {
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return nil, 0, err
	}
	name := cfg.Database
	cfg.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, 0, err
	}
	_, err = conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`)
	if err == nil {
		_, err = conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize())
	}
	conn.Close(ctx)
	if err != nil {
		return nil, 0, err
	}
	pcfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, 0, err
	}
	pcfg.MaxConns = int32(workers + 8) // the workers, River's client and the lag poller
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, 0, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := postgres.Migrate(ctx, pool, migrations.FS, log); err != nil {
		pool.Close()
		return nil, 0, err
	}
	var parent *int64
	var id int64
	for i, lvl := range grid110.Levels {
		err := pool.QueryRow(ctx, `
			INSERT INTO grids (parent_id, level, code, name, geom)
			VALUES ($1, $2, $3, $4, ST_Multi(ST_MakeEnvelope(117.6, 24.5, 117.6 + $5::float8, 24.5 + $5::float8, 4326)))
			RETURNING id`, parent, string(lvl), fmt.Sprintf("B%d", i), "基准"+lvl.ZhName(), 0.4/float64(int(1)<<i)).Scan(&id)
		if err != nil {
			pool.Close()
			return nil, 0, err
		}
		parent = &id
	}
	fmt.Printf("database %s: migrated (ours and River's), grid chain city › … › compound\n", name)
	return pool, id, nil
}

type bench struct {
	pool *pgxpool.Pool
	grid int64
	n    atomic.Int64
}

// createCases stores n dispute reports in the compound through store.
func (b *bench) createCases(ctx context.Context, store *postgres.Store, category string, n int) ([]int64, error) {
	p := orb.Point{117.61, 24.51}
	cell, err := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), 15)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, n)
	for range n {
		r, _, err := store.CreateReport(ctx, postgres.NewReport{Actor: "bench", Report: grid110.Report{
			TrackingCode: fmt.Sprintf("BENCH%08d", b.n.Add(1)), Category: category, Description: "基准测试",
			Channel: grid110.ChannelAPI, Location: p, InputCRS: "wgs84", InputLon: p[0], InputLat: p[1],
			GridID: b.grid, Priority: 3, H3Cell: uint64(cell)}})
		if err != nil {
			return nil, err
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// path is the moves that take a new case to closed.
var path = []grid110.Move{grid110.MoveFile, grid110.MoveDispatch, grid110.MoveStart, grid110.MoveResolve,
	grid110.MoveVerify, grid110.MoveClose}

// moves runs the rounds of part 1.
func (b *bench) moves(ctx context.Context, o options) error {
	plain := postgres.NewStore(b.pool)
	hooked := postgres.NewStore(b.pool)
	sup, err := supervise.New(hooked, supervise.Config{}) // arms jobs only: not started
	if err != nil {
		return err
	}
	hooked.SetCaseHook(sup.Hook)
	stores := map[bool]*postgres.Store{true: hooked, false: plain}
	fmt.Printf("\n1. workflow moves per second: %d workers, %d cases × %d moves per round, %d pairs of rounds\n",
		o.workers, o.cases, len(path), o.rounds)
	// A warm-up round of each mode, not counted: caches, plans, pool.
	for _, store := range []*postgres.Store{hooked, plain} {
		ids, err := b.createCases(ctx, store, "dispute", o.cases/2)
		if err != nil {
			return err
		}
		if _, err := b.round(ctx, store, ids, o.workers); err != nil {
			return err
		}
	}
	// Pairs of rounds, one per mode back to back (AB, then BA, …), so both
	// modes see the same load on a shared machine; the cases of a pair are
	// created before it is timed.
	rates := map[bool][]float64{}
	var ratios []float64
	for i := range o.rounds {
		order := []bool{true, false}
		if i%2 == 1 {
			order = []bool{false, true}
		}
		ids := map[bool][]int64{}
		for _, withHook := range order {
			if ids[withHook], err = b.createCases(ctx, stores[withHook], "dispute", o.cases); err != nil {
				return err
			}
		}
		pair := map[bool]float64{}
		for _, withHook := range order {
			rate, err := b.round(ctx, stores[withHook], ids[withHook], o.workers)
			if err != nil {
				return err
			}
			pair[withHook] = rate
			rates[withHook] = append(rates[withHook], rate)
		}
		ratios = append(ratios, pair[true]/pair[false])
		fmt.Printf("  pair %2d  with hook %6.0f moves/s, without %6.0f moves/s, ratio %.2f\n", i+1, pair[true], pair[false], pair[true]/pair[false])
	}
	with, without := median(rates[true]), median(rates[false])
	fmt.Printf("  median: with the hook %.0f moves/s, without %.0f moves/s; median ratio of pairs %.2f\n",
		with, without, median(ratios))
	var jobs int
	if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'escalate'`).Scan(&jobs); err != nil {
		return err
	}
	fmt.Printf("  escalation jobs armed by the hooked rounds: %d (one per stage per case; start re-arms its stage's job, a no-op)\n", jobs)
	return nil
}

// round takes every case in ids through path with workers goroutines (each
// case's moves in order, cases shared out) and returns moves per second.
func (b *bench) round(ctx context.Context, store *postgres.Store, ids []int64, workers int) (float64, error) {
	next := atomic.Int64{}
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(len(ids)) {
					return
				}
				for _, m := range path {
					req := grid110.MoveRequest{ReportID: ids[i], Move: m, Actor: "bench", Note: "基准"}
					if m == grid110.MoveDispatch {
						req.Department = "judicial"
					}
					if _, err := store.Move(ctx, req); err != nil {
						errc <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	close(errc)
	if err := <-errc; err != nil {
		return 0, err
	}
	return float64(len(ids)*len(path)) / took.Seconds(), nil
}

// lag runs part 2.
func (b *bench) lag(ctx context.Context, o options) error {
	// Tip-offs (tip) serve the lag run alone: their filing stage is
	// shortened to --stage so deadlines fall seconds ahead.
	if _, err := b.pool.Exec(ctx, `UPDATE category_stages SET time_allowed = make_interval(secs => $1) WHERE category = 'tip' AND stage = 'filing'`,
		o.stage.Seconds()); err != nil {
		return err
	}
	store := postgres.NewStore(b.pool)
	sup, err := supervise.New(store, supervise.Config{PollInterval: o.poll, Workers: o.supWorkers})
	if err != nil {
		return err
	}
	store.SetCaseHook(sup.Hook)
	if err := sup.Start(ctx); err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		sup.Stop(sctx) //nolint:errcheck // the benchmark is over
	}()
	poll, workers := "1s (default)", "4 (default)"
	if o.poll > 0 {
		poll = o.poll.String()
	}
	if o.supWorkers > 0 {
		workers = fmt.Sprint(o.supWorkers)
	}
	fmt.Printf("\n2. escalation lag: %d cases, filing stage %s, River poll %s, %s escalation jobs at once; 3 escalations each (township, district, city)\n",
		o.lagCases, o.stage, poll, workers)
	start := time.Now()
	for i := range o.lagCases {
		if _, err := b.createCases(ctx, store, "tip", 1); err != nil {
			return err
		}
		time.Sleep(time.Until(start.Add(o.spread * time.Duration(i+1) / time.Duration(o.lagCases))))
	}
	fmt.Printf("  filed over %s: deadlines from %s on\n", time.Since(start).Round(10*time.Millisecond), o.stage)
	want := 3 * o.lagCases
	deadline := time.Now().Add(3*o.stage + time.Minute)
	for {
		var got int
		err := b.pool.QueryRow(ctx, `
			SELECT count(*) FROM report_events e JOIN reports r ON r.id = e.report_id
			WHERE e.kind = 'supervised' AND r.category = 'tip'`).Scan(&got)
		if err != nil {
			return err
		}
		fmt.Printf("  %d of %d escalations written\n", got, want)
		if got >= want {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("escalations did not all arrive")
		}
		time.Sleep(2 * time.Second)
	}
	rows, err := b.pool.Query(ctx, `
		SELECT (e.data->>'level')::int, extract(epoch FROM e.at - (e.data->>'escalate_at')::timestamptz)::float8
		FROM report_events e JOIN reports r ON r.id = e.report_id
		WHERE e.kind = 'supervised' AND r.category = 'tip'`)
	if err != nil {
		return err
	}
	lags := map[int][]float64{}
	var all []float64
	var level int
	var lag float64
	if _, err := pgx.ForEachRow(rows, []any{&level, &lag}, func() error {
		lags[level] = append(lags[level], lag)
		all = append(all, lag)
		return nil
	}); err != nil {
		return err
	}
	for _, l := range []int{1, 2, 3} {
		fmt.Printf("  level %d (%d escalations): %s\n", l, len(lags[l]), summary(lags[l]))
	}
	fmt.Printf("  all %d escalations: %s\n", len(all), summary(all))
	var extra int
	if err := b.pool.QueryRow(ctx, `
		SELECT count(*) FROM reports WHERE category = 'tip' AND (escalations <> 3 OR escalate_at IS NOT NULL)`).Scan(&extra); err != nil {
		return err
	}
	fmt.Printf("  cases not at exactly 3 escalations with no timer left: %d\n", extra)
	return nil
}

// summary formats the median, p95 and max of seconds.
func summary(s []float64) string {
	if len(s) == 0 {
		return "none"
	}
	slices.Sort(s)
	q := func(p float64) float64 { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return fmt.Sprintf("median %.0f ms, p95 %.0f ms, max %.0f ms (min %.0f ms)", 1000*median(s), 1000*q(0.95), 1000*s[len(s)-1], 1000*s[0])
}

func median(s []float64) float64 {
	if len(s) == 0 {
		return 0
	}
	c := slices.Clone(s)
	slices.Sort(c)
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}
