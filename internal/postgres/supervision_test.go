package postgres_test

import (
	"testing"
	"time"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// TestStoreMoveStageDeadlines follows a dispute case (3 h to file, 6 h to
// dispatch, 36 h to handle, 18 h to verify, 9 h to close) through its
// stages: entering a stage starts its clock, moves within a stage keep it,
// a granted extension pushes it as far as due_at, and the final states
// have none. The next escalation is always the stage deadline here (no
// escalation has happened).
func TestStoreMoveStageDeadlines(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	id := f.mustCreateReport(t, grid110.StatusSubmitted)
	// stageClock returns the stage deadline less the time of the last
	// change, and checks the escalation timer follows the deadline.
	stageClock := func(t *testing.T) time.Duration {
		t.Helper()
		var left *float64
		var timerOK bool
		err := f.s.Pool().QueryRow(t.Context(), `
			SELECT extract(epoch FROM stage_due_at - updated_at)::float8, escalate_at IS NOT DISTINCT FROM stage_due_at
			FROM reports WHERE id = $1`, id).Scan(&left, &timerOK)
		if err != nil {
			t.Fatal(err)
		}
		if !timerOK {
			t.Error("escalate_at differs from stage_due_at")
		}
		if left == nil {
			return -1
		}
		return time.Duration(*left * float64(time.Second))
	}
	if got := stageClock(t); got != 3*time.Hour {
		t.Errorf("new report: filing deadline = created + %s, want 3h", got)
	}
	steps := []struct {
		move grid110.Move
		want time.Duration // stage deadline less the move's time; -1: none
	}{
		{grid110.MoveFile, 6 * time.Hour},
		{grid110.MoveDispatch, 36 * time.Hour},
		{grid110.MoveResolve, 18 * time.Hour},
		{grid110.MoveVerify, 9 * time.Hour},
		{grid110.MoveClose, -1},
		{grid110.MoveReopen, 6 * time.Hour},
	}
	for _, st := range steps {
		if st.move == grid110.MoveResolve {
			// Within the handling stage: start keeps the deadline, and an
			// extension pushes it as far as it pushes due_at.
			before := f.mustCase(t, id)
			f.mustMove(t, f.request(t, id, grid110.MoveStart))
			if got := f.mustCase(t, id).StageDueAt; !got.Equal(before.StageDueAt) {
				t.Errorf("start moved the handling deadline from %v to %v", before.StageDueAt, got)
			}
			ext := f.request(t, id, grid110.MoveGrantExtension) // due_at + 24 h
			ev := f.mustMove(t, ext)
			after := f.mustCase(t, id)
			if want := before.StageDueAt.Add(24 * time.Hour); !after.StageDueAt.Equal(want) || !after.EscalateAt.Equal(want) {
				t.Errorf("after a 24 h extension: stage_due_at %v, escalate_at %v; want %v", after.StageDueAt, after.EscalateAt, want)
			}
			if ev.Data["stage_due_at"] == nil {
				t.Errorf("extension event data = %v, want the new stage_due_at", ev.Data)
			}
		}
		f.mustMove(t, f.request(t, id, st.move))
		if got := stageClock(t); got != st.want {
			t.Errorf("after %s: stage deadline = move + %s, want %s", st.move, got, st.want)
		}
	}
	rejected := f.mustCreateReport(t, grid110.StatusRejected)
	if c := f.mustCase(t, rejected); !c.StageDueAt.IsZero() || !c.EscalateAt.IsZero() {
		t.Errorf("rejected case: stage_due_at %v, escalate_at %v; want none", c.StageDueAt, c.EscalateAt)
	}
}

func TestStoreReportsOverdue(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	late := f.mustCreateReport(t, grid110.StatusDispatched)
	f.mustCreateReport(t, grid110.StatusDispatched)
	f.mustCreateReport(t, grid110.StatusClosed)
	if _, err := f.s.Pool().Exec(t.Context(), `UPDATE reports SET stage_due_at = now() - interval '1 minute' WHERE id = $1`, late); err != nil {
		t.Fatal(err)
	}
	list, err := f.s.Reports(t.Context(), postgres.ReportFilter{Jurisdiction: grid110.Jurisdiction{All: true}, Overdue: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != late || list[0].StageDueAt.IsZero() {
		t.Errorf("Reports(overdue) = %+v, want report %d only, with its stage deadline", list, late)
	}
	all, err := f.s.Reports(t.Context(), postgres.ReportFilter{Jurisdiction: grid110.Jurisdiction{All: true}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Errorf("Reports() = %d reports, want 3", len(all))
	}
}
