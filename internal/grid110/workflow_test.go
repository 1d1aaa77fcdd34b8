package grid110

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// allowed is the workflow written out by hand, independently of
// transitions: from -> move -> to. Everything missing is forbidden.
var allowed = map[Status]map[Move]Status{
	StatusSubmitted:  {MoveFile: StatusFiled, MoveReject: StatusRejected},
	StatusFiled:      {MoveDispatch: StatusDispatched, MoveReject: StatusRejected},
	StatusDispatched: {MoveStart: StatusInProgress, MoveReturn: StatusReturned, MoveRequestExtension: StatusDispatched, MoveGrantExtension: StatusDispatched},
	StatusInProgress: {MoveResolve: StatusResolved, MoveReturn: StatusReturned, MoveRequestExtension: StatusInProgress, MoveGrantExtension: StatusInProgress},
	StatusResolved:   {MoveVerify: StatusVerified, MoveReopen: StatusReopened},
	StatusVerified:   {MoveClose: StatusClosed, MoveReopen: StatusReopened},
	StatusClosed:     {MoveReopen: StatusReopened},
	StatusReturned:   {MoveDispatch: StatusDispatched},
	StatusReopened:   {MoveDispatch: StatusDispatched},
	StatusRejected:   {},
}

func TestCanMoveEveryPair(t *testing.T) {
	n := 0
	for _, from := range Statuses {
		for _, m := range Moves {
			want, wantOK := allowed[from][m]
			to, ok := CanMove(from, m)
			if to != want || ok != wantOK {
				t.Errorf("CanMove(%s, %s) = %q, %v; want %q, %v", from, m, to, ok, want, wantOK)
			}
			if ok {
				n++
			}
		}
	}
	if n != len(Transitions()) {
		t.Errorf("%d allowed pairs; Transitions() lists %d (a duplicate row?)", n, len(Transitions()))
	}
}

func TestTransitionsKeepStatusOnlyForExtensions(t *testing.T) {
	for _, tr := range Transitions() {
		keeps := tr.Move == MoveRequestExtension || tr.Move == MoveGrantExtension
		if keeps != (tr.From == tr.To) {
			t.Errorf("%s --%s--> %s: only the extension moves keep the status", tr.From, tr.Move, tr.To)
		}
		if tr.From == StatusRejected {
			t.Errorf("%s --%s--> %s: rejected is final", tr.From, tr.Move, tr.To)
		}
	}
}

func TestEveryStateReachableAndEveryMoveUsed(t *testing.T) {
	seen := map[Status]bool{StatusSubmitted: true}
	queue := []Status{StatusSubmitted}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, m := range MovesFrom(s) {
			to, _ := CanMove(s, m)
			if !seen[to] {
				seen[to] = true
				queue = append(queue, to)
			}
		}
	}
	for _, s := range Statuses {
		if !seen[s] {
			t.Errorf("status %s cannot be reached from submitted", s)
		}
	}
	for _, m := range Moves {
		if !slices.ContainsFunc(Transitions(), func(tr Transition) bool { return tr.Move == m }) {
			t.Errorf("move %s is allowed from no status", m)
		}
	}
}

func TestMoveEventKind(t *testing.T) {
	for m, want := range map[Move]string{MoveFile: "filed", MoveStart: "in_progress", MoveReject: "rejected",
		MoveReopen: "reopened", MoveRequestExtension: "extension_requested", MoveGrantExtension: "extension_granted"} {
		if got := m.EventKind(); got != want {
			t.Errorf("%s.EventKind() = %q, want %q", m, got, want)
		}
	}
}

func TestParseMove(t *testing.T) {
	for _, m := range Moves {
		if got, err := ParseMove(string(m)); got != m || err != nil {
			t.Errorf("ParseMove(%q) = %q, %v", m, got, err)
		}
	}
	if _, err := ParseMove("teleport"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseMove(teleport) = %v, want ErrInvalid", err)
	}
}

// validRequest is a request for m that passes Validate.
func validRequest(m Move) MoveRequest {
	r := MoveRequest{ReportID: 1, Move: m, Actor: "test", Note: "why"}
	switch m {
	case MoveDispatch:
		r.TeamID = 7
	case MoveRequestExtension, MoveGrantExtension:
		r.DueAt = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return r
}

func TestMoveRequestValidate(t *testing.T) {
	for _, m := range Moves {
		if err := validRequest(m).Validate(); err != nil {
			t.Errorf("validRequest(%s).Validate() = %v", m, err)
		}
	}
	due := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	bad := map[string]MoveRequest{
		"unknown move":            {ReportID: 1, Move: "teleport", Actor: "a"},
		"no report":               {Move: MoveFile, Actor: "a"},
		"no actor":                {ReportID: 1, Move: MoveFile},
		"resolve without note":    {ReportID: 1, Move: MoveResolve, Actor: "a"},
		"reject without note":     {ReportID: 1, Move: MoveReject, Actor: "a"},
		"return without note":     {ReportID: 1, Move: MoveReturn, Actor: "a"},
		"reopen without note":     {ReportID: 1, Move: MoveReopen, Actor: "a"},
		"dispatch to nobody":      {ReportID: 1, Move: MoveDispatch, Actor: "a"},
		"team on start":           {ReportID: 1, Move: MoveStart, Actor: "a", TeamID: 3},
		"department on file":      {ReportID: 1, Move: MoveFile, Actor: "a", Department: "judicial"},
		"request without due":     {ReportID: 1, Move: MoveRequestExtension, Actor: "a", Note: "n"},
		"due on close":            {ReportID: 1, Move: MoveClose, Actor: "a", DueAt: due},
		"duplicate on close":      {ReportID: 1, Move: MoveClose, Actor: "a", DuplicateOf: 2},
		"duplicate of itself":     {ReportID: 1, Move: MoveReject, Actor: "a", Note: "n", DuplicateOf: 1},
		"attachment listed twice": {ReportID: 1, Move: MoveResolve, Actor: "a", Note: "n", Attachments: []int64{4, 4}},
		"attachment zero":         {ReportID: 1, Move: MoveResolve, Actor: "a", Note: "n", Attachments: []int64{0}},
	}
	for name, r := range bad {
		if err := r.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Validate() = %v, want ErrInvalid", name, err)
		}
	}
}

func TestCaseCheck(t *testing.T) {
	due := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	later, earlier := due.Add(time.Hour), due.Add(-time.Hour)
	working := Case{ReportID: 1, Status: StatusInProgress, DueAt: due}
	asked := working
	asked.ExtensionAsked = later
	for _, tc := range []struct {
		name    string
		c       Case
		req     MoveRequest
		want    Status
		wantErr error
	}{
		{"file a submitted case", Case{ReportID: 1, Status: StatusSubmitted}, validRequest(MoveFile), StatusFiled, nil},
		{"file a closed case", Case{ReportID: 1, Status: StatusClosed}, validRequest(MoveFile), "", ErrConflict},
		{"invalid beats conflict", Case{ReportID: 1, Status: StatusClosed}, MoveRequest{ReportID: 1, Move: MoveFile}, "", ErrInvalid},
		{"request later", working, MoveRequest{ReportID: 1, Move: MoveRequestExtension, Actor: "a", Note: "n", DueAt: later}, StatusInProgress, nil},
		{"request earlier", working, MoveRequest{ReportID: 1, Move: MoveRequestExtension, Actor: "a", Note: "n", DueAt: earlier}, "", ErrConflict},
		{"request the same", working, MoveRequest{ReportID: 1, Move: MoveRequestExtension, Actor: "a", Note: "n", DueAt: due}, "", ErrConflict},
		{"request while one is pending", asked, MoveRequest{ReportID: 1, Move: MoveRequestExtension, Actor: "a", Note: "n", DueAt: later.Add(time.Hour)}, "", ErrConflict},
		{"grant the pending request", asked, MoveRequest{ReportID: 1, Move: MoveGrantExtension, Actor: "a"}, StatusInProgress, nil},
		{"grant with nothing pending", working, MoveRequest{ReportID: 1, Move: MoveGrantExtension, Actor: "a"}, "", ErrConflict},
		{"grant unasked", working, MoveRequest{ReportID: 1, Move: MoveGrantExtension, Actor: "a", DueAt: later}, StatusInProgress, nil},
		{"grant earlier", working, MoveRequest{ReportID: 1, Move: MoveGrantExtension, Actor: "a", DueAt: earlier}, "", ErrConflict},
		{"grant with no due yet", Case{ReportID: 1, Status: StatusDispatched}, MoveRequest{ReportID: 1, Move: MoveGrantExtension, Actor: "a", DueAt: later}, StatusDispatched, nil},
	} {
		got, err := tc.c.Check(tc.req)
		if got != tc.want || (tc.wantErr == nil) != (err == nil) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
			t.Errorf("%s: Check = %q, %v; want %q, %v", tc.name, got, err, tc.want, tc.wantErr)
		}
		var se *StateError
		if errors.As(err, &se) && se.Current != tc.c.Status {
			t.Errorf("%s: StateError.Current = %s, want %s", tc.name, se.Current, tc.c.Status)
		}
	}
}

func TestCheckForbiddenCarriesCurrentStatus(t *testing.T) {
	for _, from := range Statuses {
		for _, m := range Moves {
			if _, ok := allowed[from][m]; ok {
				continue
			}
			_, err := Case{ReportID: 1, Status: from}.Check(validRequest(m))
			var se *StateError
			if !errors.As(err, &se) || se.Current != from || se.Move != m || !errors.Is(err, ErrConflict) {
				t.Errorf("Check(%s, %s) = %v; want a *StateError{Current: %s} matching ErrConflict", from, m, err, from)
			}
		}
	}
}
