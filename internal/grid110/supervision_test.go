package grid110

import (
	"testing"
	"time"
)

func TestStageOf(t *testing.T) {
	want := map[Status]Stage{
		StatusSubmitted: StageFiling, StatusFiled: StageDispatch, StatusReturned: StageDispatch, StatusReopened: StageDispatch,
		StatusDispatched: StageHandling, StatusInProgress: StageHandling, StatusResolved: StageVerification,
		StatusVerified: StageClosure, StatusClosed: "", StatusRejected: "",
	}
	for _, s := range Statuses {
		got, ok := StageOf(s)
		if got != want[s] || ok != (want[s] != "") {
			t.Errorf("StageOf(%s) = %q, %v; want %q", s, got, ok, want[s])
		}
		if ok != s.Open() {
			t.Errorf("StageOf(%s) has a stage: %v, but Open() = %v", s, ok, s.Open())
		}
	}
	for _, st := range Stages {
		for _, s := range st.Statuses() {
			if got, _ := StageOf(s); got != st {
				t.Errorf("%s.Statuses() holds %s, which is in stage %q", st, s, got)
			}
		}
		if p, err := ParseStage(string(st)); p != st || err != nil {
			t.Errorf("ParseStage(%s) = %q, %v", st, p, err)
		}
	}
	if _, err := ParseStage("lunch"); err == nil {
		t.Error("ParseStage(lunch) = nil error")
	}
}

// TestStagesFollowTransitions checks that moves within a stage are only
// those that keep someone working on the case: a stage change is where a
// new deadline starts, so it must be a status change of the workflow.
func TestStagesFollowTransitions(t *testing.T) {
	for _, tr := range Transitions() {
		from, _ := StageOf(tr.From)
		to, _ := StageOf(tr.To)
		if from == to && tr.From != tr.To && tr.Move != MoveStart {
			t.Errorf("%s: %s → %s stays in stage %s; only start should", tr.Move, tr.From, tr.To, from)
		}
	}
}

func TestTimerOf(t *testing.T) {
	due := time.Date(2026, 11, 28, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	c := Case{ReportID: 7, Status: StatusInProgress, StageDueAt: due, EscalateAt: due.Add(time.Hour), Escalations: 1}
	got, ok := TimerOf(c)
	want := Timer{ReportID: 7, Stage: StageHandling, Deadline: due.UTC(), Level: 1, At: due.Add(time.Hour).UTC()}
	if !ok || got != want {
		t.Errorf("TimerOf(%+v) = %+v, %v; want %+v", c, got, ok, want)
	}
	for _, c := range []Case{
		{Status: StatusClosed, StageDueAt: due, EscalateAt: due},
		{Status: StatusInProgress, StageDueAt: due}, // at the top: no next escalation
		{Status: StatusInProgress, EscalateAt: due},
	} {
		if got, ok := TimerOf(c); ok {
			t.Errorf("TimerOf(%+v) = %+v, want none", c, got)
		}
	}
}
