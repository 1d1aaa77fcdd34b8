package supervise

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// EscalateArgs is the job that fires one escalation timer (grid110.Timer),
// stored by River as JSON of kind "escalate". Jobs are unique by their
// arguments, so arming the same timer twice inserts one job.
type EscalateArgs struct {
	ReportID int64     `json:"report_id"`
	Stage    string    `json:"stage"`
	Deadline time.Time `json:"deadline"` // the stage deadline
	Level    int       `json:"level"`    // escalations before this one
	At       time.Time `json:"at"`       // when this escalation is due
}

// Kind is River's name for the job.
func (EscalateArgs) Kind() string { return "escalate" }

// InsertOpts puts the job in the supervision queue, unique per timer.
func (EscalateArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func argsOf(t grid110.Timer) EscalateArgs {
	return EscalateArgs{ReportID: t.ReportID, Stage: string(t.Stage), Deadline: t.Deadline.UTC(), Level: t.Level, At: t.At.UTC()}
}

func (a EscalateArgs) timer() (grid110.Timer, error) {
	st, err := grid110.ParseStage(a.Stage)
	return grid110.Timer{ReportID: a.ReportID, Stage: st, Deadline: a.Deadline, Level: a.Level, At: a.At}, err
}

type escalateWorker struct {
	river.WorkerDefaults[EscalateArgs]
	s *Supervisor
}

// Work escalates the case if it still holds the job's timer and the timer
// is due by the clock; a job that runs early is snoozed until its time.
// The escalation and the next timer commit together, so the chain of
// escalations cannot break between one level and the next.
func (w *escalateWorker) Work(ctx context.Context, job *river.Job[EscalateArgs]) error {
	t, err := job.Args.timer()
	if err != nil {
		return river.JobCancel(err) // not a job this version can run; retrying will not help
	}
	now := w.s.clock()
	if wait := t.At.Sub(now); wait > 0 {
		return river.JobSnooze(wait)
	}
	var e postgres.Escalation
	var ok bool
	err = pgx.BeginFunc(ctx, w.s.store.Pool(), func(tx pgx.Tx) error {
		if e, ok, err = w.s.store.EscalateTx(ctx, tx, t, now); err != nil || !ok {
			return err
		}
		if next, armed := grid110.TimerOf(e.Case); armed {
			return w.s.arm(ctx, tx, next)
		}
		return nil
	})
	if err != nil {
		return err // River retries with backoff; the timer still holds, so nothing is lost
	}
	if ok {
		w.s.log.Info("case escalated", "report", t.ReportID, "stage", t.Stage, "level", e.Case.Escalations,
			"grid", e.Grid.Name, "priority", e.Case.Priority, "overdue_by", now.Sub(t.Deadline).Round(time.Second))
	}
	return nil
}
