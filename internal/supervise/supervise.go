// Package supervise escalates overdue cases (督办). Each category allows a
// time for each stage of the workflow (migrations/0012_supervision.sql);
// a case that overstays its stage is escalated one level up the grid
// hierarchy (community → township → district → city command centre) per
// overdue period, its priority raised, and a supervised event written.
//
// The timers are River jobs in PostgreSQL, so a restart loses none. The
// case row holds the truth (reports.escalate_at, escalations); a job is
// only a reminder of one grid110.Timer, armed by Hook in the transaction of
// the change that set it, and it acts only if the case still holds that
// timer. A stale job, such as one for a case finished in time or one that
// runs twice, writes nothing. A periodic sweep re-arms any timer whose job
// is missing, such as those of cases the demo loader wrote in bulk.
package supervise

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// Queue is the River queue supervision jobs run in.
const Queue = "supervision"

// Config says how a Supervisor runs. Zero values take the defaults.
type Config struct {
	// Clock is the time escalations are judged by; nil means time.Now. A
	// clock given here also drives River's own scheduling (River's test
	// time stub), so tests move deadlines without sleeping.
	Clock func() time.Time
	// Workers is how many escalation jobs one instance runs at once (default 4).
	Workers int
	// PollInterval is how often an idle instance looks for jobs that have
	// fallen due (River's FetchPollInterval, default 1s). It bounds the
	// escalation lag: a job runs at most about this long after its time.
	PollInterval time.Duration
	// SweepInterval is how often the leader re-arms timers whose job is
	// missing (default 10 minutes); it also runs at start.
	SweepInterval time.Duration
	// Log receives one line per escalation and River's warnings (all of
	// River's log at debug level); nil discards.
	Log *slog.Logger
}

// Supervisor arms and runs escalation timers over one store.
type Supervisor struct {
	store  *postgres.Store
	client *river.Client[pgx.Tx]
	config *river.Config // as given to River, for tests that work jobs one by one
	clock  func() time.Time
	sweep  time.Duration
	log    *slog.Logger
}

// New returns a supervisor over store's database, which must be migrated
// (postgres.Migrate runs River's migrations too). Install its Hook with
// store.SetCaseHook, and Start it to run jobs; a supervisor that is not
// started still arms timers, for another instance to run.
func New(store *postgres.Store, cfg Config) (*Supervisor, error) {
	s := &Supervisor{store: store, clock: cfg.Clock, sweep: cmp.Or(cfg.SweepInterval, 10*time.Minute), log: cfg.Log}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &escalateWorker{s: s})
	river.AddWorker(workers, &sweepWorker{s: s})
	rc := &river.Config{
		Logger:            slog.New(riverHandler{s.log.Handler()}),
		Queues:            map[string]river.QueueConfig{Queue: {MaxWorkers: cmp.Or(cfg.Workers, 4)}},
		Workers:           workers,
		FetchPollInterval: cmp.Or(cfg.PollInterval, time.Second),
		// A worker slot that frees up fetches again after this cooldown,
		// so one instance works at most Workers jobs per cooldown (River's
		// 100 ms default would cap 4 workers at 40 escalations a second,
		// and a burst of due timers would queue behind that).
		FetchCooldown: min(cmp.Or(cfg.PollInterval, time.Second), 20*time.Millisecond),
		// Poll only: timers are found by polling anyway (they are scheduled,
		// not inserted ready), and River's LISTEN would hold one of the
		// pool's few connections for good.
		PollOnly: true,
		// An escalation is one short transaction. A job left running by a
		// crashed instance is retried after RescueStuckJobsAfter, not
		// River's default hour, so a crash delays an escalation by minutes.
		JobTimeout:           30 * time.Second,
		RescueStuckJobsAfter: 2 * time.Minute,
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(s.sweep),
			func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})},
	}
	if cfg.Clock != nil {
		rc.Test.Time = clockTime{cfg.Clock}
	}
	client, err := river.NewClient(riverpgxv5.New(store.Pool()), rc)
	if err != nil {
		return nil, fmt.Errorf("supervision queue: %w", err)
	}
	s.client, s.config = client, rc
	return s, nil
}

// Hook arms the escalation pending on c in tx, the transaction of the
// change that left c as it is. It has the signature of postgres.CaseHook:
// install it with store.SetCaseHook. Every change re-arms the case's
// current timer; arming one that is already armed does nothing (the job is
// unique per timer), so only a change that set a new stage deadline, or a
// granted extension, adds a job.
func (s *Supervisor) Hook(ctx context.Context, tx pgx.Tx, c grid110.Case, _ grid110.Event) error {
	t, ok := grid110.TimerOf(c)
	if !ok {
		return nil
	}
	return s.arm(ctx, tx, t)
}

// arm inserts the job for t in tx, to run at t.At (at once if that has
// passed). A job with the same timer, waiting, running or done, makes this
// a no-op.
func (s *Supervisor) arm(ctx context.Context, tx pgx.Tx, t grid110.Timer) error {
	if _, err := s.client.InsertTx(ctx, tx, argsOf(t), s.insertOpts(t)); err != nil {
		return fmt.Errorf("arm escalation of report %d: %w", t.ReportID, err)
	}
	return nil
}

func (s *Supervisor) insertOpts(t grid110.Timer) *river.InsertOpts {
	if t.At.After(s.clock()) {
		return &river.InsertOpts{ScheduledAt: t.At}
	}
	return nil // due already: available at once, without waiting for River's scheduler
}

// Start runs escalation jobs (and the sweep, on the leader) until Stop, or
// until ctx is cancelled, which stops at once and cancels running jobs.
func (s *Supervisor) Start(ctx context.Context) error {
	if err := s.client.Start(ctx); err != nil {
		return fmt.Errorf("start supervision: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for running ones for most of the time
// ctx leaves, then cancels those still running and waits for them to roll
// back in the rest (a second more if ctx has no deadline or is done). A
// cancelled escalation writes nothing and its job is retried later, by
// this instance or another.
func (s *Supervisor) Stop(ctx context.Context) error {
	soft := ctx
	if d, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		soft, cancel = context.WithDeadline(ctx, d.Add(-time.Until(d)/10))
		defer cancel()
	}
	err := s.client.Stop(soft)
	if err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		hard := ctx
		if _, ok := ctx.Deadline(); !ok || ctx.Err() != nil {
			var cancel context.CancelFunc
			hard, cancel = context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			defer cancel()
		}
		err = s.client.StopAndCancel(hard)
	}
	if err != nil {
		return fmt.Errorf("stop supervision: %w", err)
	}
	return nil
}

// riverHandler passes River's warnings and errors on, and its routine
// lines (client started, job counts every few seconds) only when debug
// logging is on.
type riverHandler struct{ slog.Handler }

func (h riverHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.Handler.Enabled(ctx, l) && (l >= slog.LevelWarn || h.Handler.Enabled(ctx, slog.LevelDebug))
}

func (h riverHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return riverHandler{h.Handler.WithAttrs(as)}
}

func (h riverHandler) WithGroup(name string) slog.Handler {
	return riverHandler{h.Handler.WithGroup(name)}
}

// clockTime lets River schedule by a Supervisor's clock (River's test time
// stub, rivertype.TimeGenerator).
type clockTime struct{ now func() time.Time }

func (c clockTime) Now() time.Time { return c.now() }

func (c clockTime) NowOrNil() *time.Time {
	t := c.now()
	return &t
}
