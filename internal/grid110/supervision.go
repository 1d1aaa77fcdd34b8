package grid110

import "time"

// Stage is a part of the case workflow with a deadline of its own: each
// category allows a time per stage (督办 escalates a case that overstays).
// A stage spans one or more statuses; moves within a stage (dispatched →
// in_progress) keep its deadline.
type Stage string

// Workflow stages, in order.
const (
	StageFiling       Stage = "filing"       // submitted → filed, by the grid's "2" team
	StageDispatch     Stage = "dispatch"     // filed, returned or reopened → dispatched, by the command centre
	StageHandling     Stage = "handling"     // dispatched or in_progress → resolved, by the assignee
	StageVerification Stage = "verification" // resolved → verified, by the grid worker
	StageClosure      Stage = "closure"      // verified → closed, by the command centre
)

// Stages lists every stage in workflow order.
var Stages = []Stage{StageFiling, StageDispatch, StageHandling, StageVerification, StageClosure}

// StageOf returns the stage a case in s is in, and false for the final
// states (closed, rejected), which have none.
func StageOf(s Status) (Stage, bool) {
	switch s {
	case StatusSubmitted:
		return StageFiling, true
	case StatusFiled, StatusReturned, StatusReopened:
		return StageDispatch, true
	case StatusDispatched, StatusInProgress:
		return StageHandling, true
	case StatusResolved:
		return StageVerification, true
	case StatusVerified:
		return StageClosure, true
	}
	return "", false
}

// Statuses returns the statuses that make up stage s.
func (s Stage) Statuses() []Status {
	var out []Status
	for _, x := range Statuses {
		if st, ok := StageOf(x); ok && st == s {
			out = append(out, x)
		}
	}
	return out
}

// ZhName is the stage's Chinese name.
func (s Stage) ZhName() string {
	switch s {
	case StageFiling:
		return "受理"
	case StageDispatch:
		return "分流交办"
	case StageHandling:
		return "处置"
	case StageVerification:
		return "核查"
	case StageClosure:
		return "办结"
	}
	return string(s)
}

// ParseStage returns the stage named s.
func ParseStage(s string) (Stage, error) {
	for _, x := range Stages {
		if string(x) == s {
			return x, nil
		}
	}
	return "", Invalid("stage", "unknown stage %q", s)
}

// EventSupervised is the kind of the event an escalation writes.
const EventSupervised = "supervised"

// SupervisionActor is who the audit trail names for escalations.
const SupervisionActor = "system:supervision"

// Timer is a pending escalation: the case, the stage it is in and that
// stage's deadline, the escalations it has had so far, and when it
// escalates next unless it moves on. A supervision job carries one and
// acts only if the case still holds the same timer, so a job that is stale
// (the case moved on, an extension moved the deadline, another run already
// escalated) or runs twice writes nothing.
type Timer struct {
	ReportID int64
	Stage    Stage
	Deadline time.Time // the stage deadline (Case.StageDueAt)
	Level    int       // escalations before this one (Case.Escalations)
	At       time.Time // when this escalation is due (Case.EscalateAt)
}

// TimerOf returns the escalation pending on c, and false if there is none
// (a closed or rejected case, or one already supervised from the top).
// Times are in UTC, so equal timers look equal however they were read.
func TimerOf(c Case) (Timer, bool) {
	st, ok := StageOf(c.Status)
	if !ok || c.StageDueAt.IsZero() || c.EscalateAt.IsZero() {
		return Timer{}, false
	}
	return Timer{ReportID: c.ReportID, Stage: st, Deadline: c.StageDueAt.UTC(), Level: c.Escalations, At: c.EscalateAt.UTC()}, true
}
