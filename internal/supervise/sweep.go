package supervise

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"grid110/internal/grid110"
)

// SweepArgs is the periodic job that re-arms timers whose job is missing.
type SweepArgs struct{}

// Kind is River's name for the job.
func (SweepArgs) Kind() string { return "supervision_sweep" }

// InsertOpts puts the sweep in the supervision queue.
func (SweepArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: Queue} }

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	s *Supervisor
}

// Work re-arms every timer due before the sweep after next.
func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	n, err := w.s.Rearm(ctx, w.s.clock().Add(2*w.s.sweep))
	if err != nil {
		return err
	}
	if n > 0 {
		w.s.log.Info("escalation timers armed by the sweep", "count", n)
	}
	return nil
}

// rearmBatch is how many timers one Rearm insert carries.
const rearmBatch = 5000

// Rearm arms the timers of every open case that fall due before horizon
// and returns how many had no job. The hook arms timers as cases change;
// this covers cases written without it (the demo loader, a migration,
// psql) and jobs lost with a queue. Timers whose job exists are skipped by
// River's uniqueness, so Rearm is safe to run at any time, by any instance.
func (s *Supervisor) Rearm(ctx context.Context, horizon time.Time) (int, error) {
	armed := 0
	var after grid110.Timer
	for {
		timers, err := s.store.DueTimers(ctx, horizon, after, rearmBatch)
		if err != nil {
			return armed, err
		}
		if len(timers) == 0 {
			return armed, nil
		}
		params := make([]river.InsertManyParams, len(timers))
		for i, t := range timers {
			params[i] = river.InsertManyParams{Args: argsOf(t), InsertOpts: s.insertOpts(t)}
		}
		res, err := s.client.InsertMany(ctx, params)
		if err != nil {
			return armed, fmt.Errorf("re-arm escalation timers: %w", err)
		}
		for _, r := range res {
			if !r.UniqueSkippedAsDuplicate {
				armed++
			}
		}
		after = timers[len(timers)-1]
	}
}
