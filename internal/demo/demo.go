// Package demo loads a reproducible demo city into an empty database: the
// real 漳州市 (Zhangzhou) with its 11 districts and counties (DataV
// boundaries), its real 147 townships and 2,118 communities and villages
// (NBS codes and names) on generated polygons, generated compounds (小区)
// and grid cells, "2" duty teams and N-teams, and a year of reports with
// hotspots.
//
// Everything generated follows from Options.Seed (and Options.Until for
// the reports): the same options give byte-identical grids, teams and
// reports. The polygons below the county level are Voronoi tilings, not
// real boundaries. See data/README.md for the data and its terms.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// DefaultReports is the number of reports the demo command generates
// unless told otherwise.
const DefaultReports = 200_000

// Options say what to generate.
type Options struct {
	Seed    int64        // everything generated is reproducible from Seed (and Until)
	Reports int          // number of reports to generate (DefaultReports for the full demo); 0 means none
	Until   time.Time    // the reports span the year before Until (callers pass now truncated to the day)
	Log     *slog.Logger // progress, structured; nil discards it
}

// Summary says what Load made.
type Summary struct {
	Grids   map[grid110.Level]int
	Teams   int
	Reports int
	Took    time.Duration
}

// Random streams: each step draws from its own PCG stream, so changing the
// number of reports does not move a single grid.
const (
	streamTownships uint64 = 0x6772696431313001 + iota
	streamCommunities
	streamCompounds
	streamTeams
	streamReports
)

// Empty reports whether no grids are loaded yet, so the demo may be loaded.
func Empty(ctx context.Context, store *postgres.Store) (bool, error) {
	var exists bool
	if err := store.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM grids)`).Scan(&exists); err != nil {
		return false, fmt.Errorf("check for grids: %w", err)
	}
	return !exists, nil
}

// ErrPartial means an earlier demo load was interrupted: the database holds
// part of a city, which no command should mistake for a whole one.
var ErrPartial = errors.New("an earlier demo load did not finish; the database holds part of a city")

// Check returns ErrPartial if a demo load started in this database and did
// not finish, and nil otherwise (no demo, a complete one, or other grids).
func Check(ctx context.Context, store *postgres.Store) error {
	var complete *bool
	err := store.Pool().QueryRow(ctx, `SELECT (value->>'complete')::bool FROM settings WHERE key = 'demo'`).Scan(&complete)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check demo state: %w", err)
	}
	if complete == nil || !*complete {
		return ErrPartial
	}
	return nil
}

// mark records the demo load's options and whether it is complete.
func (l *loader) mark(ctx context.Context, complete bool) error {
	const q = `
		INSERT INTO settings (key, value) VALUES ('demo', jsonb_build_object('seed', $1::bigint, 'reports', $2::int,
			'until', $3::timestamptz, 'complete', $4::bool))
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`
	_, err := l.pool.Exec(ctx, q, l.opt.Seed, l.opt.Reports, l.opt.Until, complete)
	return err
}

// Load builds the demo city in store's database, which must hold no grids
// (the error wraps grid110.ErrConflict otherwise). It runs in steps, each in
// its own transaction, so a failed load leaves a partial city behind: load
// into a fresh database.
func Load(ctx context.Context, store *postgres.Store, opt Options) (*Summary, error) {
	if opt.Reports < 0 {
		return nil, grid110.Invalid("reports", "must not be negative, got %d", opt.Reports)
	}
	if opt.Until.IsZero() {
		return nil, grid110.Invalid("until", "must be set")
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	empty, err := Empty(ctx, store)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, fmt.Errorf("load demo: the database already holds grids: %w", grid110.ErrConflict)
	}
	start := time.Now()
	l := &loader{store: store, pool: store.Pool(), opt: opt, log: opt.Log}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"city", l.loadCity},
		{"districts", l.loadDistricts},
		{"townships", l.loadTownships},
		{"communities", l.loadCommunities},
		{"compounds", l.loadCompounds},
		{"teams", l.loadTeams},
		{"reports", l.loadReports},
		{"analyze", l.analyze},
	}
	if err := l.mark(ctx, false); err != nil {
		return nil, fmt.Errorf("load demo: %w", err)
	}
	for _, s := range steps {
		t := time.Now()
		if err := s.run(ctx); err != nil {
			return nil, fmt.Errorf("load demo: %s: %w", s.name, err)
		}
		l.log.Info("demo step done", "step", s.name, "took", time.Since(t).Round(time.Millisecond))
	}
	if err := l.mark(ctx, true); err != nil {
		return nil, fmt.Errorf("load demo: %w", err)
	}
	sum, err := l.summary(ctx)
	if err != nil {
		return nil, err
	}
	sum.Took = time.Since(start)
	l.log.Info("demo loaded", "grids", sum.Grids, "teams", sum.Teams, "reports", sum.Reports, "took", sum.Took.Round(time.Millisecond))
	return sum, nil
}

// loader carries what one Load has built so far: later steps sample points
// inside the grids of earlier ones.
type loader struct {
	store *postgres.Store
	pool  *pgxpool.Pool
	opt   Options
	log   *slog.Logger

	div         *divisions
	counties    []county
	districts   []*area
	townships   []*area
	communities []*area
}

// area is a loaded grid with what generation needs to know about it.
type area struct {
	ID         int64
	Code, Name string
	Parent     *area
	Shape      *shape
	// Seed is the generator of the grid's Voronoi cell (for a district: its
	// seat, or a point inside when the seat lies outside the polygon). It
	// lies inside the grid and stands for its centre of activity.
	Seed orb.Point
	// Seat is the county seat (districts only), where the city is densest.
	// It may lie just outside the polygon (龙文区's does).
	Seat   orb.Point
	Urban  bool        // a township of the county town (see urbanTownships), or a community in one
	Kind   villageKind // communities only
	County *area
}

// rng returns the random stream for one step.
func (l *loader) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(l.opt.Seed), stream))
}

// bulk runs fn in a transaction set up for bulk loading: no statement
// timeout (the pool's is meant for requests, and a level of the city or a
// year of reports takes longer), no JIT (it compiles for a second and
// saves nothing on PostGIS calls) and room to sort in memory.
func (l *loader) bulk(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		const setup = `SET LOCAL statement_timeout = 0; SET LOCAL jit = off; SET LOCAL work_mem = '256MB'`
		if _, err := tx.Exec(ctx, setup); err != nil {
			return fmt.Errorf("set up bulk load: %w", err)
		}
		return fn(tx)
	})
}

// analyze refreshes planner statistics after the bulk load.
//
// VACUUM as well as ANALYZE: it sets the visibility map of the freshly
// loaded tables, so index-only scans (the statistics' stage-event index)
// answer from the index at once instead of after autovacuum comes by.
func (l *loader) analyze(ctx context.Context) error {
	conn, err := l.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// The pool's statement timeout is meant for requests; VACUUM cannot run
	// in a transaction, so it is lifted on this connection and restored.
	if _, err := conn.Exec(ctx, `SET statement_timeout = 0`); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `RESET statement_timeout`) //nolint:errcheck // a failed RESET leaves only a longer timeout
	_, err = conn.Exec(ctx, `VACUUM (ANALYZE) grids, teams, team_members, reports, report_events`)
	return err
}

// summary counts what is in the database.
func (l *loader) summary(ctx context.Context) (*Summary, error) {
	s := &Summary{Grids: map[grid110.Level]int{}}
	rows, err := l.pool.Query(ctx, `SELECT level::text, count(*) FROM grids GROUP BY level`)
	if err != nil {
		return nil, fmt.Errorf("count grids: %w", err)
	}
	for rows.Next() {
		var lvl string
		var n int
		if err := rows.Scan(&lvl, &n); err != nil {
			return nil, err
		}
		s.Grids[grid110.Level(lvl)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count grids: %w", err)
	}
	err = l.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM teams), (SELECT count(*) FROM reports)`).Scan(&s.Teams, &s.Reports)
	if err != nil {
		return nil, fmt.Errorf("count teams and reports: %w", err)
	}
	return s, nil
}

// progress logs how far a long step has come: every `every` items and at
// least every few seconds.
type progress struct {
	log   *slog.Logger
	step  string
	total int
	every int
	done  int
	next  int
	last  time.Time
}

func newProgress(log *slog.Logger, step string, total, every int) *progress {
	return &progress{log: log, step: step, total: total, every: every, next: every, last: time.Now()}
}

func (p *progress) add(n int) {
	p.done += n
	if p.done >= p.next || time.Since(p.last) > 5*time.Second {
		p.log.Info("demo progress", "step", p.step, "done", p.done, "total", p.total)
		p.last = time.Now()
		for p.next <= p.done {
			p.next += p.every
		}
	}
}

// heartbeat logs every few seconds while one long statement runs; call
// the returned function when it ends.
func (l *loader) heartbeat(step string) func() {
	done := make(chan struct{})
	start := time.Now()
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				l.log.Info("demo progress", "step", step, "running", time.Since(start).Round(time.Second))
			}
		}
	}()
	return func() { close(done) }
}
