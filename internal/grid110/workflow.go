package grid110

import (
	"fmt"
	"slices"
	"time"
)

// Move is a step of the case workflow, named by what the actor does. The
// moves a case may take from each status are listed in transitions; every
// other (status, move) pair is a conflict.
type Move string

// Workflow moves.
const (
	MoveFile             Move = "file"              // the grid's "2" team accepts the report as a case (采集建档)
	MoveDispatch         Move = "dispatch"          // the command centre hands it to an N-team and/or a department (分流交办)
	MoveStart            Move = "start"             // the assignee begins work
	MoveResolve          Move = "resolve"           // the assignee reports the result, with a note and photos
	MoveVerify           Move = "verify"            // the grid worker checks the result on site (核查)
	MoveClose            Move = "close"             // the command centre closes the case (办结)
	MoveReturn           Move = "return"            // the assignee hands it back for re-dispatch (回退)
	MoveRequestExtension Move = "request_extension" // the assignee asks for a later due time (延期申请)
	MoveGrantExtension   Move = "grant_extension"   // the command centre moves the due time (延期批准)
	MoveReject           Move = "reject"            // not a case, or a duplicate of another report
	MoveReopen           Move = "reopen"            // the reporter is not satisfied
)

// Moves lists every move.
var Moves = []Move{MoveFile, MoveDispatch, MoveStart, MoveResolve, MoveVerify, MoveClose, MoveReturn,
	MoveRequestExtension, MoveGrantExtension, MoveReject, MoveReopen}

// ParseMove returns the move named s.
func ParseMove(s string) (Move, error) {
	if slices.Contains(Moves, Move(s)) {
		return Move(s), nil
	}
	return "", Invalid("move", "unknown move %q", s)
}

// Transition is one allowed move: a case in From that takes Move ends in To.
type Transition struct {
	From Status
	Move Move
	To   Status
}

// transitions is the whole workflow. The extension moves keep the status:
// they write an event and change the due time, and only while someone is
// working on the case.
var transitions = []Transition{
	{StatusSubmitted, MoveFile, StatusFiled},
	{StatusSubmitted, MoveReject, StatusRejected},
	{StatusFiled, MoveReject, StatusRejected},
	{StatusFiled, MoveDispatch, StatusDispatched},
	{StatusReturned, MoveDispatch, StatusDispatched},
	{StatusReopened, MoveDispatch, StatusDispatched},
	{StatusDispatched, MoveStart, StatusInProgress},
	{StatusDispatched, MoveReturn, StatusReturned},
	{StatusDispatched, MoveRequestExtension, StatusDispatched},
	{StatusDispatched, MoveGrantExtension, StatusDispatched},
	{StatusInProgress, MoveResolve, StatusResolved},
	{StatusInProgress, MoveReturn, StatusReturned},
	{StatusInProgress, MoveRequestExtension, StatusInProgress},
	{StatusInProgress, MoveGrantExtension, StatusInProgress},
	{StatusResolved, MoveVerify, StatusVerified},
	{StatusResolved, MoveReopen, StatusReopened},
	{StatusVerified, MoveClose, StatusClosed},
	{StatusVerified, MoveReopen, StatusReopened},
	{StatusClosed, MoveReopen, StatusReopened},
}

// Transitions returns every allowed move, in workflow order.
func Transitions() []Transition { return slices.Clone(transitions) }

// CanMove returns the status a case in from ends in after m, and whether m
// is allowed from there at all.
func CanMove(from Status, m Move) (to Status, ok bool) {
	for _, t := range transitions {
		if t.From == from && t.Move == m {
			return t.To, true
		}
	}
	return "", false
}

// MovesFrom returns the moves allowed from s, for showing what can be done next.
func MovesFrom(s Status) []Move {
	var out []Move
	for _, t := range transitions {
		if t.From == s {
			out = append(out, t.Move)
		}
	}
	return out
}

// EventKind is the kind of the audit event a move writes from a status:
// the new status for moves that change it (as the first event's kind is
// "submitted"), and "extension_requested" or "extension_granted" for the
// moves that keep it.
func (m Move) EventKind() string {
	switch m {
	case MoveRequestExtension:
		return "extension_requested"
	case MoveGrantExtension:
		return "extension_granted"
	}
	for _, t := range transitions {
		if t.Move == m {
			return string(t.To)
		}
	}
	return string(m)
}

// needsNote says which moves must say why (or, for MoveResolve, what was done).
func (m Move) needsNote() bool {
	switch m {
	case MoveResolve, MoveReturn, MoveReject, MoveReopen, MoveRequestExtension:
		return true
	}
	return false
}

// MoveRequest asks for one move of one report. Which fields count depends
// on the move: TeamID and Department for MoveDispatch; DueAt for the
// extension moves (MoveGrantExtension may leave it zero to grant the due
// time that was asked for); DuplicateOf for MoveReject of a duplicate.
// Attachments are ids of photos already stored for this report, such as
// the result photos of MoveResolve.
type MoveRequest struct {
	ReportID    int64
	Move        Move
	Actor       string // who, as the audit trail names them ("grid_worker:王芳", "team:PT-01")
	Note        string
	TeamID      int64
	Department  string
	DueAt       time.Time
	DuplicateOf int64
	Attachments []int64
}

// Validate checks the request on its own, without the case: a known move,
// an actor, a note where the move needs one, the fields the move needs and
// none it does not use. The error matches ErrInvalid.
func (r MoveRequest) Validate() error {
	if _, err := ParseMove(string(r.Move)); err != nil {
		return err
	}
	if r.ReportID <= 0 {
		return Invalid("report_id", "must be positive")
	}
	if r.Actor == "" {
		return Invalid("actor", "required")
	}
	if r.Move.needsNote() && r.Note == "" {
		return Invalid("note", "required to %s", r.Move)
	}
	if r.Move == MoveDispatch && r.TeamID == 0 && r.Department == "" {
		return Invalid("team_id", "dispatch needs a team, a department or both")
	}
	if r.Move != MoveDispatch && (r.TeamID != 0 || r.Department != "") {
		return Invalid("team_id", "only dispatch assigns a team or department")
	}
	if r.Move == MoveRequestExtension && r.DueAt.IsZero() {
		return Invalid("due_at", "required to request an extension")
	}
	if !r.DueAt.IsZero() && r.Move != MoveRequestExtension && r.Move != MoveGrantExtension {
		return Invalid("due_at", "only the extension moves change the due time")
	}
	if r.DuplicateOf != 0 && r.Move != MoveReject {
		return Invalid("duplicate_of", "only reject links a duplicate")
	}
	if r.DuplicateOf < 0 || r.DuplicateOf == r.ReportID {
		return Invalid("duplicate_of", "must be another report")
	}
	for i, a := range r.Attachments {
		if a <= 0 || slices.Contains(r.Attachments[:i], a) {
			return Invalid("attachments", "attachment %d is not a valid id or is listed twice", a)
		}
	}
	return nil
}

// Case is the part of a report the workflow reads and writes.
type Case struct {
	ReportID       int64
	Status         Status
	Priority       int // 1 urgent … 4 low
	TeamID         int64
	Department     string
	DueAt          time.Time // zero if none
	ExtensionAsked time.Time // the due time a pending extension request asks for; zero if none is pending
	Extensions     int       // extensions granted so far
	DuplicateOf    int64     // the original, for a report rejected as a duplicate
	ResolutionNote string
	ResolvedAt     time.Time
	ClosedAt       time.Time

	// Deadlines and supervision (督办). StageDueAt is when the current
	// stage must end (zero once closed or rejected); EscalateAt is when
	// the case escalates next unless it moves on (zero if nothing is
	// pending); Escalations counts the escalations so far, and
	// SupervisingGridID is the grid that supervises the case after them
	// (0 while the case's own community does).
	StageDueAt        time.Time
	EscalateAt        time.Time
	Escalations       int
	SupervisingGridID int64
}

// Check decides whether req may be applied to c and returns the status it
// leads to. A request that is wrong in itself matches ErrInvalid; one that
// clashes with the case's current state is a *StateError (ErrConflict).
// Existence of the team, department, original and attachments is left to
// the store.
func (c Case) Check(req MoveRequest) (Status, error) {
	if err := req.Validate(); err != nil {
		return "", err
	}
	to, ok := CanMove(c.Status, req.Move)
	if !ok {
		return "", &StateError{Move: req.Move, Current: c.Status}
	}
	switch req.Move {
	case MoveRequestExtension:
		if !c.ExtensionAsked.IsZero() {
			return "", &StateError{Move: req.Move, Current: c.Status,
				Reason: "an extension to " + c.ExtensionAsked.UTC().Format(time.RFC3339) + " is already pending"}
		}
		if !req.DueAt.After(c.DueAt) {
			return "", c.notLater(req.Move)
		}
	case MoveGrantExtension:
		due := c.GrantedDue(req)
		if due.IsZero() {
			return "", &StateError{Move: req.Move, Current: c.Status, Reason: "no extension is pending and no due time was given"}
		}
		if !due.After(c.DueAt) {
			return "", c.notLater(req.Move)
		}
	}
	return to, nil
}

// GrantedDue is the due time req grants: the one it names, or else the one
// the pending request asked for.
func (c Case) GrantedDue(req MoveRequest) time.Time {
	if !req.DueAt.IsZero() {
		return req.DueAt
	}
	return c.ExtensionAsked
}

func (c Case) notLater(m Move) error {
	return &StateError{Move: m, Current: c.Status,
		Reason: "the due time only moves forward; it is " + c.DueAt.UTC().Format(time.RFC3339)}
}

// StateError says a move does not fit the case as it is now. It matches
// ErrConflict with errors.Is, and carries the current status so the caller
// can be told where the case actually is.
type StateError struct {
	Move    Move
	Current Status
	Reason  string // why, when the status alone allows the move
}

func (e *StateError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("cannot %s a case that is %s: %s", e.Move, e.Current, e.Reason)
	}
	return fmt.Sprintf("cannot %s a case that is %s (allowed: %v)", e.Move, e.Current, MovesFrom(e.Current))
}

// Is reports whether target is ErrConflict.
func (e *StateError) Is(target error) bool { return target == ErrConflict }
