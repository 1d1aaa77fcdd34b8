package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
)

// workflowFixture is one database with a district, a patrol team in it and
// a counter for tracking codes.
type workflowFixture struct {
	s      *postgres.Store
	gridID int64
	teamID int64
	n      atomic.Int64
}

func newWorkflowFixture(t *testing.T) *workflowFixture {
	t.Helper()
	ctx := t.Context()
	f := &workflowFixture{s: postgres.NewStore(pgtest.New(t))}
	mustImport(t, f.s, grid110.GridImport{Level: grid110.LevelDistrict, Features: []grid110.ImportFeature{
		feature(0, "D1", "甲区", square(117, 24, 0.1)),
	}})
	g, err := f.s.GridByCode(ctx, "D1")
	if err != nil {
		t.Fatal(err)
	}
	f.gridID = g.ID
	team := grid110.Team{Code: "PT-1", Kind: grid110.KindPatrol, Name: "巡逻一队", Base: orb.Point{117.05, 24.05}, HasBase: true, OnDuty: true}
	if _, _, err := f.s.ImportTeams(ctx, []postgres.TeamImport{{Team: team}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Pool().QueryRow(ctx, `SELECT id FROM teams WHERE code = 'PT-1'`).Scan(&f.teamID); err != nil {
		t.Fatal(err)
	}
	return f
}

// pathTo is the shortest list of status-changing moves from submitted to s.
func pathTo(s grid110.Status) []grid110.Move {
	paths := map[grid110.Status][]grid110.Move{grid110.StatusSubmitted: nil}
	queue := []grid110.Status{grid110.StatusSubmitted}
	for len(queue) > 0 {
		from := queue[0]
		queue = queue[1:]
		for _, tr := range grid110.Transitions() {
			if _, seen := paths[tr.To]; tr.From == from && !seen {
				paths[tr.To] = append(slices.Clone(paths[from]), tr.Move)
				queue = append(queue, tr.To)
			}
		}
	}
	return paths[s]
}

// mustCreateReport stores a dispute report in the fixture's district and
// moves it to status (submitted if empty), checking every move on the way.
func (f *workflowFixture) mustCreateReport(t *testing.T, status grid110.Status) int64 {
	t.Helper()
	p := orb.Point{117.05, 24.05}
	cell, err := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), 15)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := f.s.CreateReport(t.Context(), postgres.NewReport{Actor: "test", Report: grid110.Report{
		TrackingCode: fmt.Sprintf("WF%06d", f.n.Add(1)), Category: "dispute", Description: "邻里纠纷",
		Channel: grid110.ChannelWeb, Location: p, InputCRS: "wgs84", InputLon: p[0], InputLat: p[1],
		GridID: f.gridID, Priority: 3, H3Cell: uint64(cell)}})
	if err != nil {
		t.Fatalf("CreateReport = %v", err)
	}
	for _, m := range pathTo(status) {
		f.mustMove(t, f.request(t, r.ID, m))
	}
	return r.ID
}

// request is a valid request for move m of report id, with what m needs.
func (f *workflowFixture) request(t *testing.T, id int64, m grid110.Move) grid110.MoveRequest {
	t.Helper()
	r := grid110.MoveRequest{ReportID: id, Move: m, Actor: "test:" + string(m), Note: "note for " + string(m)}
	switch m {
	case grid110.MoveDispatch:
		r.TeamID, r.Department = f.teamID, "judicial"
	case grid110.MoveRequestExtension, grid110.MoveGrantExtension:
		r.DueAt = f.mustCase(t, id).DueAt.Add(24 * time.Hour)
	}
	return r
}

func (f *workflowFixture) mustMove(t *testing.T, req grid110.MoveRequest) grid110.Event {
	t.Helper()
	ev, err := f.s.Move(t.Context(), req)
	if err != nil {
		t.Fatalf("Move(%s report %d) = %v", req.Move, req.ReportID, err)
	}
	return ev
}

func (f *workflowFixture) mustCase(t *testing.T, id int64) grid110.Case {
	t.Helper()
	c, err := f.s.Case(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *workflowFixture) mustEvents(t *testing.T, id int64) []grid110.Event {
	t.Helper()
	evs, err := f.s.ReportEvents(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestStoreMoveEveryAllowedMove(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	for _, tr := range grid110.Transitions() {
		t.Run(fmt.Sprintf("%s %s", tr.From, tr.Move), func(t *testing.T) {
			id := f.mustCreateReport(t, tr.From)
			before := f.mustEvents(t, id)
			ev := f.mustMove(t, f.request(t, id, tr.Move))
			after := f.mustEvents(t, id)
			if len(after) != len(before)+1 {
				t.Fatalf("events = %d, want %d", len(after), len(before)+1)
			}
			got := after[len(after)-1]
			if got.ID != ev.ID || got.From != tr.From || got.To != tr.To || got.Kind != tr.Move.EventKind() ||
				got.Actor != "test:"+string(tr.Move) || got.Note != "note for "+string(tr.Move) || got.Data["move"] != string(tr.Move) {
				t.Errorf("event = %+v; want %s -> %s by test:%s (returned %+v)", got, tr.From, tr.To, tr.Move, ev)
			}
			if c := f.mustCase(t, id); c.Status != tr.To {
				t.Errorf("status = %s, want %s", c.Status, tr.To)
			}
		})
	}
}

func TestStoreMoveForbiddenChangesNothing(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	ctx := t.Context()
	for _, from := range grid110.Statuses {
		id := f.mustCreateReport(t, from)
		c := f.mustCase(t, id)
		events := f.mustEvents(t, id)
		for _, m := range grid110.Moves {
			if _, ok := grid110.CanMove(from, m); ok {
				continue
			}
			req := grid110.MoveRequest{ReportID: id, Move: m, Actor: "test", Note: "n"}
			switch m {
			case grid110.MoveDispatch:
				req.TeamID = f.teamID
			case grid110.MoveRequestExtension, grid110.MoveGrantExtension:
				req.DueAt = c.DueAt.Add(time.Hour)
			}
			_, err := f.s.Move(ctx, req)
			var se *grid110.StateError
			if !errors.As(err, &se) || se.Current != from || se.Move != m || !errors.Is(err, grid110.ErrConflict) {
				t.Errorf("Move(%s, %s) = %v; want a StateError with current %s", from, m, err, from)
			}
		}
		if got := f.mustCase(t, id); !cmp.Equal(got, c) {
			t.Errorf("%s: case changed: %s", from, cmp.Diff(c, got))
		}
		if got := f.mustEvents(t, id); len(got) != len(events) {
			t.Errorf("%s: events = %d, want %d", from, len(got), len(events))
		}
	}
}

func TestStoreMoveErrors(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	ctx := t.Context()
	filed := f.mustCreateReport(t, grid110.StatusFiled)
	other := f.mustCreateReport(t, grid110.StatusSubmitted)
	for _, tc := range []struct {
		name string
		req  grid110.MoveRequest
		want error
	}{
		{"no such report", grid110.MoveRequest{ReportID: 1 << 40, Move: grid110.MoveFile, Actor: "a"}, grid110.ErrNotFound},
		{"no actor", grid110.MoveRequest{ReportID: filed, Move: grid110.MoveDispatch, TeamID: f.teamID}, grid110.ErrInvalid},
		{"unknown team", grid110.MoveRequest{ReportID: filed, Move: grid110.MoveDispatch, Actor: "a", TeamID: 1 << 40}, grid110.ErrInvalid},
		{"unknown department", grid110.MoveRequest{ReportID: filed, Move: grid110.MoveDispatch, Actor: "a", Department: "ninjas"}, grid110.ErrInvalid},
		{"duplicate of nothing", grid110.MoveRequest{ReportID: filed, Move: grid110.MoveReject, Actor: "a", Note: "dup", DuplicateOf: 1 << 40}, grid110.ErrInvalid},
		{"attachment of another report", grid110.MoveRequest{ReportID: filed, Move: grid110.MoveReject, Actor: "a", Note: "n",
			Attachments: []int64{mustAttachment(t, f, other)}}, grid110.ErrInvalid},
	} {
		if _, err := f.s.Move(ctx, tc.req); !errors.Is(err, tc.want) {
			t.Errorf("%s: Move = %v, want %v", tc.name, err, tc.want)
		}
	}
	if c := f.mustCase(t, filed); c.Status != grid110.StatusFiled || len(f.mustEvents(t, filed)) != 2 {
		t.Errorf("after failed moves: status %s, %d events; want filed, 2", c.Status, len(f.mustEvents(t, filed)))
	}
}

func mustAttachment(t *testing.T, f *workflowFixture, reportID int64) int64 {
	t.Helper()
	var id int64
	err := f.s.Pool().QueryRow(t.Context(), `
		INSERT INTO attachments (report_id, kind, content_type, size_bytes, sha256, path)
		VALUES ($1, 'photo', 'image/jpeg', 3, '\x00', 'x.jpg') RETURNING id`, reportID).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestStoreMoveWrites(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	ctx := t.Context()

	t.Run("dispatch assigns", func(t *testing.T) {
		id := f.mustCreateReport(t, grid110.StatusFiled)
		ev := f.mustMove(t, grid110.MoveRequest{ReportID: id, Move: grid110.MoveDispatch, Actor: "cc", Department: "judicial"})
		c := f.mustCase(t, id)
		if c.TeamID != 0 || c.Department != "judicial" || ev.Data["department"] != "judicial" || ev.Data["team_id"] != nil {
			t.Errorf("dispatch to a department only: case team %d dept %q, event data %v", c.TeamID, c.Department, ev.Data)
		}
	})

	t.Run("resolve with photos", func(t *testing.T) {
		id := f.mustCreateReport(t, grid110.StatusInProgress)
		a1, a2 := mustAttachment(t, f, id), mustAttachment(t, f, id)
		ev := f.mustMove(t, grid110.MoveRequest{ReportID: id, Move: grid110.MoveResolve, Actor: "team:PT-1", Note: "调解完毕", Attachments: []int64{a1, a2}})
		c := f.mustCase(t, id)
		if c.ResolutionNote != "调解完毕" || c.ResolvedAt.IsZero() {
			t.Errorf("resolved case = %+v; want the note and a time", c)
		}
		var n int
		if err := f.s.Pool().QueryRow(ctx, `SELECT count(*) FROM attachments WHERE event_id = $1`, ev.ID).Scan(&n); err != nil || n != 2 {
			t.Errorf("attachments of the event = %d, %v; want 2", n, err)
		}
		evs := f.mustEvents(t, id)
		if got := evs[len(evs)-1].Data["attachments"]; !cmp.Equal(got, []any{float64(a1), float64(a2)}) {
			t.Errorf("event attachments = %v, want [%d %d]", got, a1, a2)
		}
		// A photo belongs to one event.
		f.mustMove(t, f.request(t, id, grid110.MoveVerify))
		_, err := f.s.Move(ctx, grid110.MoveRequest{ReportID: id, Move: grid110.MoveClose, Actor: "cc", Attachments: []int64{a1}})
		if !errors.Is(err, grid110.ErrInvalid) || f.mustCase(t, id).Status != grid110.StatusVerified {
			t.Errorf("close claiming a used photo = %v; want ErrInvalid and still verified", err)
		}
	})

	t.Run("close and reopen", func(t *testing.T) {
		id := f.mustCreateReport(t, grid110.StatusClosed)
		if c := f.mustCase(t, id); c.ClosedAt.IsZero() || c.Priority != 3 {
			t.Fatalf("closed case = %+v; want closed_at and priority 3", c)
		}
		ev := f.mustMove(t, f.request(t, id, grid110.MoveReopen))
		c := f.mustCase(t, id)
		if c.Priority != 2 || !c.ClosedAt.IsZero() || !c.ResolvedAt.IsZero() || c.ResolutionNote != "" || ev.Data["priority"] != 2 {
			t.Errorf("reopened case = %+v, event %v; want priority 2 and no result", c, ev.Data)
		}
		// Around again: the priority stops at 1.
		for range 3 {
			for _, m := range []grid110.Move{grid110.MoveDispatch, grid110.MoveStart, grid110.MoveResolve, grid110.MoveReopen} {
				f.mustMove(t, f.request(t, id, m))
			}
		}
		if c := f.mustCase(t, id); c.Priority != 1 {
			t.Errorf("priority after four reopenings = %d, want 1", c.Priority)
		}
	})

	t.Run("extensions", func(t *testing.T) {
		id := f.mustCreateReport(t, grid110.StatusInProgress)
		due := f.mustCase(t, id).DueAt
		asked := due.Add(48 * time.Hour).Truncate(time.Second)
		f.mustMove(t, grid110.MoveRequest{ReportID: id, Move: grid110.MoveRequestExtension, Actor: "team:PT-1", Note: "等待鉴定", DueAt: asked})
		if c := f.mustCase(t, id); !c.ExtensionAsked.Equal(asked) || !c.DueAt.Equal(due) {
			t.Errorf("after request: asked %v due %v; want %v, unchanged %v", c.ExtensionAsked, c.DueAt, asked, due)
		}
		_, err := f.s.Move(ctx, grid110.MoveRequest{ReportID: id, Move: grid110.MoveRequestExtension, Actor: "a", Note: "n", DueAt: asked.Add(time.Hour)})
		if !errors.Is(err, grid110.ErrConflict) {
			t.Errorf("second request while one is pending = %v, want ErrConflict", err)
		}
		ev := f.mustMove(t, grid110.MoveRequest{ReportID: id, Move: grid110.MoveGrantExtension, Actor: "cc"})
		c := f.mustCase(t, id)
		if !c.DueAt.Equal(asked) || !c.ExtensionAsked.IsZero() || c.Extensions != 1 || ev.From != grid110.StatusInProgress || ev.To != grid110.StatusInProgress {
			t.Errorf("after grant: %+v, event %+v; want due %v, nothing pending, 1 extension", c, ev, asked)
		}
		_, err = f.s.Move(ctx, grid110.MoveRequest{ReportID: id, Move: grid110.MoveGrantExtension, Actor: "cc", DueAt: asked.Add(-time.Minute)})
		var se *grid110.StateError
		if !errors.As(err, &se) || se.Current != grid110.StatusInProgress {
			t.Errorf("grant of an earlier due time = %v, want a StateError", err)
		}
		if c := f.mustCase(t, id); !c.DueAt.Equal(asked) || c.Extensions != 1 {
			t.Errorf("refused grant changed the case: %+v", c)
		}
	})

	t.Run("duplicates link to the original", func(t *testing.T) {
		orig := f.mustCreateReport(t, grid110.StatusDispatched)
		dup := f.mustCreateReport(t, grid110.StatusSubmitted)
		dup2 := f.mustCreateReport(t, grid110.StatusFiled)
		f.mustMove(t, grid110.MoveRequest{ReportID: dup, Move: grid110.MoveReject, Actor: "gw", Note: "重复", DuplicateOf: orig})
		// A duplicate of a duplicate is linked to the original.
		ev := f.mustMove(t, grid110.MoveRequest{ReportID: dup2, Move: grid110.MoveReject, Actor: "gw", Note: "重复", DuplicateOf: dup})
		if c := f.mustCase(t, dup2); c.DuplicateOf != orig || ev.Data["duplicate_of"] != orig {
			t.Errorf("duplicate_of = %d (event %v), want %d", c.DuplicateOf, ev.Data, orig)
		}
		// Rejecting an original as a duplicate of its own duplicate would make a loop.
		root := f.mustCreateReport(t, grid110.StatusSubmitted)
		child := f.mustCreateReport(t, grid110.StatusSubmitted)
		f.mustMove(t, grid110.MoveRequest{ReportID: child, Move: grid110.MoveReject, Actor: "gw", Note: "重复", DuplicateOf: root})
		if _, err := f.s.Move(ctx, grid110.MoveRequest{ReportID: root, Move: grid110.MoveReject, Actor: "gw", Note: "重复", DuplicateOf: child}); !errors.Is(err, grid110.ErrInvalid) {
			t.Errorf("rejecting an original as a duplicate of its duplicate = %v, want ErrInvalid", err)
		}
		// Plain rejection: no link.
		plain := f.mustCreateReport(t, grid110.StatusRejected)
		if c := f.mustCase(t, plain); c.DuplicateOf != 0 {
			t.Errorf("plain rejection duplicate_of = %d, want 0", c.DuplicateOf)
		}
	})
}

// TestStoreMoveConcurrent runs the same move on one report from several
// goroutines at once: exactly one wins, the rest get a conflict carrying
// the status the winner left, and exactly one event is written.
func TestStoreMoveConcurrent(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	const racers = 4
	cases := []struct {
		from grid110.Status
		move grid110.Move
	}{
		{grid110.StatusSubmitted, grid110.MoveFile},
		{grid110.StatusFiled, grid110.MoveDispatch},
		{grid110.StatusDispatched, grid110.MoveStart},
		{grid110.StatusInProgress, grid110.MoveRequestExtension},
		{grid110.StatusInProgress, grid110.MoveGrantExtension},
		{grid110.StatusClosed, grid110.MoveReopen},
	}
	for _, tc := range cases {
		for round := range 3 {
			id := f.mustCreateReport(t, tc.from)
			events := len(f.mustEvents(t, id))
			req := f.request(t, id, tc.move)
			var wg sync.WaitGroup
			var wins atomic.Int32
			errs := make(chan error, racers)
			start := make(chan struct{})
			for range racers {
				wg.Go(func() {
					<-start
					if _, err := f.s.Move(context.Background(), req); err != nil {
						errs <- err
						return
					}
					wins.Add(1)
				})
			}
			close(start)
			wg.Wait()
			close(errs)
			if wins.Load() != 1 {
				t.Errorf("%s %s round %d: %d winners, want 1", tc.from, tc.move, round, wins.Load())
			}
			to, _ := grid110.CanMove(tc.from, tc.move)
			for err := range errs {
				var se *grid110.StateError
				if !errors.As(err, &se) || se.Current != to {
					t.Errorf("%s %s: loser got %v; want a StateError with current %s", tc.from, tc.move, err, to)
				}
			}
			if got := len(f.mustEvents(t, id)); got != events+1 {
				t.Errorf("%s %s: events = %d, want %d", tc.from, tc.move, got, events+1)
			}
		}
	}
}

func TestReportEventsAppendOnly(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	id := f.mustCreateReport(t, grid110.StatusFiled)
	for _, q := range []string{
		`UPDATE report_events SET note = 'rewritten' WHERE report_id = $1`,
		`DELETE FROM report_events WHERE report_id = $1`,
	} {
		_, err := f.s.Pool().Exec(t.Context(), q, id)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("%s = %v; want insufficient_privilege (42501)", q, err)
		}
	}
	if n := len(f.mustEvents(t, id)); n != 2 {
		t.Errorf("events = %d, want 2", n)
	}
}

// TestReportTransitionsTrigger checks that the database holds the same
// status changes as the Go table and refuses any other UPDATE of status.
func TestReportTransitionsTrigger(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	ctx := t.Context()
	rows, err := f.s.Pool().Query(ctx, `SELECT from_status || '>' || to_status FROM report_transitions ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var inDB []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		inDB = append(inDB, s)
	}
	var inGo []string
	for _, tr := range grid110.Transitions() {
		if p := string(tr.From) + ">" + string(tr.To); tr.From != tr.To && !slices.Contains(inGo, p) {
			inGo = append(inGo, p)
		}
	}
	slices.Sort(inGo)
	if diff := cmp.Diff(inGo, inDB); diff != "" {
		t.Errorf("report_transitions differs from grid110.Transitions (-go +db):\n%s", diff)
	}
	id := f.mustCreateReport(t, grid110.StatusSubmitted)
	for _, q := range []string{
		`UPDATE reports SET status = 'closed' WHERE id = $1`,
		`UPDATE reports SET status = 'no_such_state' WHERE id = $1`,
	} {
		_, err := f.s.Pool().Exec(ctx, q, id)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23514" {
			t.Errorf("%s = %v; want check_violation (23514)", q, err)
		}
	}
}

// TestStoreMoveRollups follows one report through the workflow and checks
// the per-grid roll-up counts it by its current status only.
func TestStoreMoveRollups(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	ctx := t.Context()
	id := f.mustCreateReport(t, grid110.StatusSubmitted)
	for _, m := range append(pathTo(grid110.StatusClosed), grid110.MoveReopen) {
		if m == grid110.MoveStart {
			f.mustMove(t, f.request(t, id, grid110.MoveRequestExtension)) // keeps the status: no change to the counts
		}
		ev := f.mustMove(t, f.request(t, id, m))
		rows, err := f.s.Pool().Query(ctx, `SELECT status, sum(n)::int FROM report_grid_counts WHERE grid_id = $1 GROUP BY status`, f.gridID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for rows.Next() {
			var s string
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				t.Fatal(err)
			}
			got[s] = n
		}
		if want := map[string]int{string(ev.To): 1}; !cmp.Equal(got, want) {
			t.Errorf("after %s: report_grid_counts = %v, want %v", m, got, want)
		}
	}
}

func TestStoreMoveNotifies(t *testing.T) {
	t.Parallel()
	f := newWorkflowFixture(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	id := f.mustCreateReport(t, grid110.StatusSubmitted)
	conn, err := f.s.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `LISTEN grid110_reports`); err != nil {
		t.Fatal(err)
	}
	f.mustMove(t, f.request(t, id, grid110.MoveFile))
	n, err := conn.Conn().WaitForNotification(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf(`{"from":"submitted","id":%d,"move":"file","op":"moved","to":"filed"}`, id); n.Payload != want {
		t.Errorf("notification = %s, want %s", n.Payload, want)
	}
}
