package supervise

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/riverqueue/river/rivertype"
	"github.com/uber/h3-go/v4"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
)

// fakeClock is the controllable clock: the worker judges deadlines by it
// and River schedules by it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture is one database with a grid chain 市 › 区 › 街道 › 社区 › 小区, a
// store with the supervision hook installed and a supervisor on the fake
// clock (not started: tests work its jobs one by one).
type fixture struct {
	pool  *pgxpool.Pool
	store *postgres.Store
	sup   *Supervisor
	clock *fakeClock
	grids map[grid110.Level]int64
	n     atomic.Int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	pool := pgtest.New(t)
	f := newFixtureGrids(t, &fixture{pool: pool, store: postgres.NewStore(pool), clock: &fakeClock{t: time.Now()},
		grids: map[grid110.Level]int64{}})
	var err error
	if f.sup, err = New(f.store, Config{Clock: f.clock.Now}); err != nil {
		t.Fatal(err)
	}
	f.store.SetCaseHook(f.sup.Hook)
	return f
}

// newFixtureGrids adds the grid chain to f, each grid the south-west
// quarter of its parent, and returns f.
func newFixtureGrids(t *testing.T, f *fixture) *fixture {
	t.Helper()
	var parent *int64
	for i, lvl := range grid110.Levels {
		var id int64
		err := f.pool.QueryRow(t.Context(), `
			INSERT INTO grids (parent_id, level, code, name, geom)
			VALUES ($1, $2, $3, $4, ST_Multi(ST_MakeEnvelope(117, 24, 117 + $5::float8, 24 + $5::float8, 4326)))
			RETURNING id`, parent, string(lvl), fmt.Sprintf("G%d", i), "测试"+lvl.ZhName(), 1/float64(int(1)<<i)).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		f.grids[lvl], parent = id, &id
	}
	return f
}

// mustCreateCase stores a dispute report (3 h to file, 6 h to dispatch,
// 36 h to handle, …) in grid level (the compound if empty) and returns its id.
func (f *fixture) mustCreateCase(t *testing.T, level grid110.Level) int64 {
	t.Helper()
	if level == "" {
		level = grid110.LevelCompound
	}
	p := orb.Point{117.01, 24.01}
	cell, err := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), 15)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := f.store.CreateReport(t.Context(), postgres.NewReport{Actor: "test", Report: grid110.Report{
		TrackingCode: fmt.Sprintf("SV%06d", f.n.Add(1)), Category: "dispute", Description: "邻里纠纷",
		Channel: grid110.ChannelWeb, Location: p, InputCRS: "wgs84", InputLon: p[0], InputLat: p[1],
		GridID: f.grids[level], Priority: 3, H3Cell: uint64(cell)}})
	if err != nil {
		t.Fatalf("CreateReport = %v", err)
	}
	return r.ID
}

func (f *fixture) mustMove(t *testing.T, id int64, m grid110.Move, due time.Time) {
	t.Helper()
	req := grid110.MoveRequest{ReportID: id, Move: m, Actor: "test", Note: "note", DueAt: due}
	if m == grid110.MoveDispatch {
		req.Department = "judicial"
	}
	if _, err := f.store.Move(t.Context(), req); err != nil {
		t.Fatalf("Move(%s) = %v", m, err)
	}
}

func (f *fixture) mustCase(t *testing.T, id int64) grid110.Case {
	t.Helper()
	c, err := f.store.Case(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// supervised returns the case's supervised events, oldest first.
func (f *fixture) supervised(t *testing.T, id int64) []grid110.Event {
	t.Helper()
	evs, err := f.store.ReportEvents(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []grid110.Event
	for _, e := range evs {
		if e.Kind == grid110.EventSupervised {
			out = append(out, e)
		}
	}
	return out
}

// jobs returns the escalation jobs in the given states (all if none).
func (f *fixture) jobs(t *testing.T, states ...rivertype.JobState) []*rivertype.JobRow {
	t.Helper()
	p := river.NewJobListParams().Kinds(EscalateArgs{}.Kind()).First(10000)
	if len(states) > 0 {
		p = p.States(states...)
	}
	res, err := f.sup.client.JobList(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res.Jobs
}

// work works one job as River would, by the fake clock, and commits.
func (f *fixture) work(t *testing.T, job *rivertype.JobRow) *rivertest.WorkResult {
	t.Helper()
	return f.inTx(t, func(ctx context.Context, w *rivertest.Worker[EscalateArgs, pgx.Tx], tx pgx.Tx) (*rivertest.WorkResult, error) {
		return w.WorkJob(ctx, t, tx, job)
	})
}

// workAgain inserts a job with args, as a second copy of a job River
// already ran (River's test worker skips the uniqueness check), and works it.
func (f *fixture) workAgain(t *testing.T, args EscalateArgs) *rivertest.WorkResult {
	t.Helper()
	return f.inTx(t, func(ctx context.Context, w *rivertest.Worker[EscalateArgs, pgx.Tx], tx pgx.Tx) (*rivertest.WorkResult, error) {
		return w.Work(ctx, t, tx, args, nil)
	})
}

// inTx runs fn with River's test worker in a transaction of the test's own
// (River records the job's outcome there) and commits it. The escalation
// itself runs in the worker's own transaction, as in production.
func (f *fixture) inTx(t *testing.T, fn func(context.Context, *rivertest.Worker[EscalateArgs, pgx.Tx], pgx.Tx) (*rivertest.WorkResult, error)) *rivertest.WorkResult {
	t.Helper()
	w := rivertest.NewWorker(t, riverpgxv5.New(f.pool), f.sup.config, river.Worker[EscalateArgs](&escalateWorker{s: f.sup}))
	ctx := t.Context()
	tx, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit, a no-op
	res, err := fn(ctx, w, tx)
	if err != nil {
		t.Fatalf("work escalation job = %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return res
}

// runDue sets the clock to now and works every escalation job due by it,
// including those the work arms, until none is due. It returns how many
// jobs it worked.
func (f *fixture) runDue(t *testing.T, now time.Time) int {
	t.Helper()
	f.clock.Set(now)
	n := 0
	for {
		var due []*rivertype.JobRow
		for _, j := range f.jobs(t, rivertype.JobStateAvailable, rivertype.JobStateScheduled) {
			if !j.ScheduledAt.After(now) {
				due = append(due, j)
			}
		}
		if len(due) == 0 {
			return n
		}
		for _, j := range due {
			f.work(t, j)
			n++
		}
	}
}

// listen returns a connection listening on grid110_reports.
func listen(t *testing.T, pool *pgxpool.Pool) *pgxpool.Conn {
	t.Helper()
	conn, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Release)
	if _, err := conn.Exec(t.Context(), `LISTEN grid110_reports`); err != nil {
		t.Fatal(err)
	}
	return conn
}

// nextEscalated waits for the next "escalated" notification.
func nextEscalated(t *testing.T, conn *pgxpool.Conn) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			t.Fatalf("no escalated notification: %v", err)
		}
		var msg map[string]any
		if err := json.Unmarshal([]byte(n.Payload), &msg); err != nil {
			t.Fatalf("notification %q: %v", n.Payload, err)
		}
		if msg["op"] == "escalated" {
			return msg
		}
	}
}

func TestEscalationTiming(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	conn := listen(t, f.pool)
	id := f.mustCreateCase(t, "")
	c := f.mustCase(t, id)
	deadline, period := c.StageDueAt, 3*time.Hour // dispute: 3 h to file
	if got := deadline.Sub(time.Now()); got < period-time.Minute || got > period {
		t.Fatalf("filing deadline %s from now, want 3h", got)
	}
	if !c.EscalateAt.Equal(deadline) || c.Escalations != 0 || c.SupervisingGridID != 0 {
		t.Fatalf("new case: escalate_at %v, escalations %d, supervising %d; want the deadline, 0, 0", c.EscalateAt, c.Escalations, c.SupervisingGridID)
	}
	if jobs := f.jobs(t); len(jobs) != 1 || !jobs[0].ScheduledAt.Equal(deadline) || jobs[0].State != rivertype.JobStateScheduled {
		t.Fatalf("jobs after the report = %v, want one scheduled at the deadline %v", jobs, deadline)
	}

	t.Run("not before the deadline", func(t *testing.T) {
		if n := f.runDue(t, deadline.Add(-time.Second)); n != 0 {
			t.Errorf("worked %d jobs a second before the deadline, want 0", n)
		}
		// A job that runs early anyway (another instance's clock, a retry) is snoozed until its time.
		res := f.work(t, f.jobs(t)[0])
		if res.EventKind != river.EventKindJobSnoozed || !res.Job.ScheduledAt.Equal(deadline) {
			t.Errorf("job run early: %s, scheduled at %v; want snoozed to the deadline %v", res.EventKind, res.Job.ScheduledAt, deadline)
		}
		if evs := f.supervised(t, id); len(evs) != 0 {
			t.Errorf("supervised events before the deadline: %v", evs)
		}
	})

	// One level per overdue period: township at the deadline, district one
	// filing allowance later, the city one more later, then nothing.
	steps := []struct {
		at       time.Duration // after the deadline
		level    grid110.Level
		priority int
	}{
		{0, grid110.LevelTownship, 2},
		{period, grid110.LevelDistrict, 1},
		{2 * period, grid110.LevelCity, 1},
	}
	for i, st := range steps {
		t.Run(fmt.Sprintf("level %d at deadline+%s", i+1, st.at), func(t *testing.T) {
			if i > 0 {
				if n := f.runDue(t, deadline.Add(st.at-time.Second)); n != 0 {
					t.Errorf("worked %d jobs a second early", n)
				}
				if got := f.mustCase(t, id).Escalations; got != i {
					t.Errorf("escalations a second early = %d, want %d", got, i)
				}
			}
			if n := f.runDue(t, deadline.Add(st.at)); n != 1 {
				t.Errorf("worked %d jobs, want 1", n)
			}
			c := f.mustCase(t, id)
			if c.Escalations != i+1 || c.SupervisingGridID != f.grids[st.level] || c.Priority != st.priority {
				t.Errorf("case = escalations %d, supervising grid %d, priority %d; want %d, %d (%s), %d",
					c.Escalations, c.SupervisingGridID, c.Priority, i+1, f.grids[st.level], st.level, st.priority)
			}
			evs := f.supervised(t, id)
			if len(evs) != i+1 {
				t.Fatalf("%d supervised events, want %d", len(evs), i+1)
			}
			ev := evs[i]
			want := map[string]any{"level": float64(i + 1), "grid_id": float64(f.grids[st.level]), "grid_name": "测试" + st.level.ZhName(),
				"grid_level": string(st.level), "stage": "filing", "overdue_by": st.at.String(), "priority": float64(st.priority)}
			for k, v := range want {
				if ev.Data[k] != v {
					t.Errorf("event data %s = %v, want %v", k, ev.Data[k], v)
				}
			}
			if d, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(ev.Data["deadline"])); !d.Equal(deadline) {
				t.Errorf("event deadline = %v, want %v", ev.Data["deadline"], deadline)
			}
			if ev.Actor != grid110.SupervisionActor || ev.From != grid110.StatusSubmitted || ev.To != grid110.StatusSubmitted {
				t.Errorf("event = %s %s→%s, want %s submitted→submitted", ev.Actor, ev.From, ev.To, grid110.SupervisionActor)
			}
			msg := nextEscalated(t, conn)
			if msg["id"] != float64(id) || msg["level"] != float64(i+1) || msg["supervising_grid_id"] != float64(f.grids[st.level]) ||
				msg["grid_id"] != float64(f.grids[grid110.LevelCompound]) || msg["status"] != "submitted" {
				t.Errorf("notification = %v", msg)
			}
			if st.level == grid110.LevelCity {
				if !c.EscalateAt.IsZero() {
					t.Errorf("escalate_at at the city = %v, want none", c.EscalateAt)
				}
			} else if want := deadline.Add(st.at + period); !c.EscalateAt.Equal(want) {
				t.Errorf("next escalation at %v, want %v", c.EscalateAt, want)
			}
		})
	}

	t.Run("no further than the city", func(t *testing.T) {
		if n := f.runDue(t, deadline.Add(30*period)); n != 0 {
			t.Errorf("worked %d jobs after reaching the city, want 0", n)
		}
		if c := f.mustCase(t, id); c.Escalations != 3 {
			t.Errorf("escalations = %d, want 3", c.Escalations)
		}
		if pending := f.jobs(t, rivertype.JobStateAvailable, rivertype.JobStateScheduled); len(pending) != 0 {
			t.Errorf("jobs still pending: %v", pending)
		}
	})
}

func TestEscalationJobRunTwice(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.mustCreateCase(t, "")
	deadline := f.mustCase(t, id).StageDueAt
	f.runDue(t, deadline)
	first := f.jobs(t, rivertype.JobStateCompleted)
	if len(first) != 1 {
		t.Fatalf("completed jobs = %d, want 1", len(first))
	}
	before := f.mustCase(t, id)
	jobsBefore := len(f.jobs(t))

	// The same job again (as when an instance dies after the escalation
	// committed but before River recorded the job done), even once the
	// next period has come: nothing.
	var firstArgs EscalateArgs
	if err := json.Unmarshal(first[0].EncodedArgs, &firstArgs); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(deadline.Add(3 * time.Hour))
	jobsBefore++ // the copy
	if res := f.workAgain(t, firstArgs); res.EventKind != river.EventKindJobCompleted {
		t.Errorf("second run: %s, want completed", res.EventKind)
	}
	if got := f.mustCase(t, id); got != before {
		t.Errorf("case after a second run = %+v, want unchanged %+v", got, before)
	}
	if evs := f.supervised(t, id); len(evs) != 1 {
		t.Errorf("%d supervised events after a second run, want 1", len(evs))
	}
	if n := len(f.jobs(t)); n != jobsBefore {
		t.Errorf("%d jobs after a second run, want %d (nothing armed)", n, jobsBefore)
	}

	// Two runs of the next job at once: one escalates, the other finds the
	// timer gone (its UPDATE waits for the first and re-checks the row).
	next := f.jobs(t, rivertype.JobStateScheduled)
	if len(next) != 1 {
		t.Fatalf("scheduled jobs = %d, want 1", len(next))
	}
	var args EscalateArgs
	if err := json.Unmarshal(next[0].EncodedArgs, &args); err != nil {
		t.Fatal(err)
	}
	w := &escalateWorker{s: f.sup}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = w.Work(t.Context(), &river.Job[EscalateArgs]{JobRow: next[0], Args: args}) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Errorf("concurrent run = %v", err)
		}
	}
	if c := f.mustCase(t, id); c.Escalations != 2 {
		t.Errorf("escalations after 4 concurrent runs of one job = %d, want 2", c.Escalations)
	}
	if evs := f.supervised(t, id); len(evs) != 2 {
		t.Errorf("%d supervised events after 4 concurrent runs of one job, want 2", len(evs))
	}
}

func TestCaseFinishedInTimeNeverEscalates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.mustCreateCase(t, "")
	for _, m := range []grid110.Move{grid110.MoveFile, grid110.MoveDispatch, grid110.MoveStart, grid110.MoveResolve,
		grid110.MoveVerify, grid110.MoveClose} {
		f.mustMove(t, id, m, time.Time{})
	}
	c := f.mustCase(t, id)
	if !c.StageDueAt.IsZero() || !c.EscalateAt.IsZero() {
		t.Errorf("closed case: stage_due_at %v, escalate_at %v; want none", c.StageDueAt, c.EscalateAt)
	}
	// One timer per stage was armed (start kept the handling one); all fall due and do nothing.
	if jobs := f.jobs(t); len(jobs) != 5 {
		t.Errorf("%d jobs armed for five stages", len(jobs))
	}
	if n := f.runDue(t, time.Now().Add(365*24*time.Hour)); n != 5 {
		t.Errorf("worked %d jobs a year on, want 5", n)
	}
	if evs := f.supervised(t, id); len(evs) != 0 {
		t.Errorf("a case finished in time has supervised events: %v", evs)
	}
	if got := f.mustCase(t, id); got.Escalations != 0 || got.Priority != 3 || got.SupervisingGridID != 0 {
		t.Errorf("case = %+v, want never escalated", got)
	}
}

func TestGrantExtensionMovesHandlingDeadline(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.mustCreateCase(t, "")
	for _, m := range []grid110.Move{grid110.MoveFile, grid110.MoveDispatch, grid110.MoveStart} {
		f.mustMove(t, id, m, time.Time{})
	}
	before := f.mustCase(t, id)
	f.mustMove(t, id, grid110.MoveGrantExtension, before.DueAt.Add(24*time.Hour))
	after := f.mustCase(t, id)
	want := before.StageDueAt.Add(24 * time.Hour)
	if !after.StageDueAt.Equal(want) || !after.EscalateAt.Equal(want) {
		t.Errorf("after a 24 h extension: stage_due_at %v, escalate_at %v; want both %v", after.StageDueAt, after.EscalateAt, want)
	}
	// The old handling deadline passes: its job (and those of the filing
	// and dispatch stages, long finished) finds the timer moved.
	if n := f.runDue(t, before.StageDueAt.Add(time.Minute)); n != 3 {
		t.Errorf("worked %d jobs at the old deadline, want 3", n)
	}
	if evs := f.supervised(t, id); len(evs) != 0 {
		t.Errorf("escalated at the deadline an extension moved: %v", evs)
	}
	if n := f.runDue(t, want); n != 1 {
		t.Errorf("worked %d jobs at the new deadline, want 1", n)
	}
	evs := f.supervised(t, id)
	if len(evs) != 1 || evs[0].Data["stage"] != "handling" {
		t.Errorf("supervised events at the new deadline = %v, want one for handling", evs)
	}
}

func TestCaseAtTheTopIsNotEscalated(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.mustCreateCase(t, grid110.LevelCity) // a report located to the city itself
	deadline := f.mustCase(t, id).StageDueAt
	if n := f.runDue(t, deadline.Add(time.Hour)); n != 1 {
		t.Errorf("worked %d jobs, want 1", n)
	}
	c := f.mustCase(t, id)
	if c.Escalations != 0 || !c.EscalateAt.IsZero() || len(f.supervised(t, id)) != 0 {
		t.Errorf("case at the city = %+v; want not escalated and no timer left", c)
	}
}

func TestRearmArmsLostTimers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.mustCreateCase(t, grid110.LevelCommunity)
	deadline := f.mustCase(t, id).StageDueAt
	if _, err := f.pool.Exec(t.Context(), `DELETE FROM river_job`); err != nil { // the queue lost its jobs
		t.Fatal(err)
	}
	if n, err := f.sup.Rearm(t.Context(), deadline.Add(-time.Minute)); err != nil || n != 0 {
		t.Errorf("Rearm before the horizon reaches the timer = %d, %v; want 0", n, err)
	}
	if n, err := f.sup.Rearm(t.Context(), deadline); err != nil || n != 1 {
		t.Errorf("Rearm = %d, %v; want 1", n, err)
	}
	if n, err := f.sup.Rearm(t.Context(), deadline); err != nil || n != 0 {
		t.Errorf("Rearm again = %d, %v; want 0 (already armed)", n, err)
	}
	f.runDue(t, deadline)
	if c := f.mustCase(t, id); c.Escalations != 1 || c.SupervisingGridID != f.grids[grid110.LevelTownship] {
		t.Errorf("community case after its re-armed timer = %+v, want escalated to the township", c)
	}
}

// TestTimersSurviveRestart runs real River clients on the real clock: a
// timer armed while one instance runs fires in another started after the
// first stopped and after the deadline passed.
func TestTimersSurviveRestart(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := t.Context()
	if _, err := pool.Exec(ctx, `UPDATE category_stages SET time_allowed = interval '2 seconds' WHERE category = 'dispute' AND stage = 'filing'`); err != nil {
		t.Fatal(err)
	}
	fx := newFixtureGrids(t, &fixture{pool: pool, store: postgres.NewStore(pool), grids: map[grid110.Level]int64{}})
	start := func() *Supervisor {
		s, err := New(fx.store, Config{PollInterval: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := start()
	fx.store.SetCaseHook(a.Hook)
	id := fx.mustCreateCase(t, "")
	deadline := fx.mustCase(t, id).StageDueAt
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := a.Stop(stop); err != nil {
		t.Fatal(err)
	}
	if wait := time.Until(deadline); wait > 0 {
		time.Sleep(wait + 200*time.Millisecond)
	}
	if evs := fx.supervised(t, id); len(evs) != 0 {
		t.Fatalf("escalated while no instance ran: %v", evs)
	}
	b := start()
	defer b.Stop(context.Background()) //nolint:errcheck // test cleanup
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if len(fx.supervised(t, id)) > 0 {
			break
		}
	}
	evs := fx.supervised(t, id)
	if len(evs) == 0 {
		t.Fatal("the timer armed before the restart never fired")
	}
	if evs[0].Data["level"] != float64(1) {
		t.Errorf("first escalation after the restart = %v", evs[0].Data)
	}
	t.Logf("escalated %s after the deadline", evs[0].At.Sub(deadline).Round(time.Millisecond))
}
