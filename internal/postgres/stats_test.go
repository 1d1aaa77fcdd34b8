package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
)

// The statistics fixture: a city C with districts D1 and D2, D1 with
// townships T1 and T2; patrol teams PT-1 and PT-2; and seven reports with
// hand-written event times (hours after the report was made):
//
//	    grid cat       team  status       made (China time)  due    filed disp. resolved verified closed
//	R1  T1   dispute   PT-1  closed       03-02 10:00        +72h   1     3     20       30       48 (closed_at)
//	R2  T1   dispute   PT-1  closed       03-03 10:00        +72h   2     4     30       40       80 (event only: late)
//	R3  T2   emergency PT-2  closed       03-04 10:00        +20h   1     2     5        6        7, reopened 8,
//	                                                                  dispatched 9, resolved 20, verified 21, closed 30 (event only: late)
//	R4  D1   dispute   -     rejected     03-06 00:30        +72h   rejected 1
//	R5  D2   dispute   PT-2  in_progress  03-06 09:00        +1h    1     2     (in progress 3)         overdue, stage overdue
//	R6  T2   emergency PT-1  dispatched   03-09 08:00        2100   0.5   1.5                           stage overdue
//	R7  T1   dispute   PT-1  submitted    04-01 07:59        2000                                       overdue (stage due 2100)
//
// R4 is made 30 minutes after China midnight (the day before in UTC), R7 a
// minute before 08:00 on April 1st (still March 31st in UTC).
var (
	cst     = time.FixedZone("CST", 8*3600)
	statsT0 = time.Date(2026, 3, 2, 10, 0, 0, 0, cst)
)

type statsReport struct {
	code, grid, category, dept, team, status string
	made                                     time.Time
	due                                      time.Time // zero: none
	stageDue                                 time.Time // the current stage's deadline; zero: none (closed, rejected)
	closedAt                                 float64   // hours after made; 0: NULL (closed before migration 0009)
	events                                   []statsEvent
}

type statsEvent struct {
	to    string
	hours float64
}

var statsReports = []statsReport{
	{code: "R1", grid: "T1", category: "dispute", dept: "judicial", team: "PT-1", status: "closed", made: statsT0,
		due: statsT0.Add(72 * time.Hour), closedAt: 48,
		events: []statsEvent{{"filed", 1}, {"dispatched", 3}, {"in_progress", 4}, {"resolved", 20}, {"verified", 30}, {"closed", 48}}},
	{code: "R2", grid: "T1", category: "dispute", dept: "judicial", team: "PT-1", status: "closed", made: statsT0.AddDate(0, 0, 1),
		due:    statsT0.AddDate(0, 0, 1).Add(72 * time.Hour),
		events: []statsEvent{{"filed", 2}, {"dispatched", 4}, {"in_progress", 5}, {"resolved", 30}, {"verified", 40}, {"closed", 80}}},
	{code: "R3", grid: "T2", category: "emergency", dept: "emergency_mgmt", team: "PT-2", status: "closed", made: statsT0.AddDate(0, 0, 2),
		due: statsT0.AddDate(0, 0, 2).Add(20 * time.Hour),
		events: []statsEvent{{"filed", 1}, {"dispatched", 2}, {"in_progress", 3}, {"resolved", 5}, {"verified", 6}, {"closed", 7},
			{"reopened", 8}, {"dispatched", 9}, {"in_progress", 10}, {"resolved", 20}, {"verified", 21}, {"closed", 30}}},
	{code: "R4", grid: "D1", category: "dispute", dept: "judicial", status: "rejected", made: time.Date(2026, 3, 6, 0, 30, 0, 0, cst),
		due: time.Date(2026, 3, 9, 0, 30, 0, 0, cst), events: []statsEvent{{"rejected", 1}}},
	{code: "R5", grid: "D2", category: "dispute", dept: "judicial", team: "PT-2", status: "in_progress", made: time.Date(2026, 3, 6, 9, 0, 0, 0, cst),
		due: time.Date(2026, 3, 6, 10, 0, 0, 0, cst), stageDue: time.Date(2026, 3, 6, 12, 0, 0, 0, cst), events: []statsEvent{{"filed", 1}, {"dispatched", 2}, {"in_progress", 3}}},
	{code: "R6", grid: "T2", category: "emergency", dept: "emergency_mgmt", team: "PT-1", status: "dispatched", made: time.Date(2026, 3, 9, 8, 0, 0, 0, cst),
		due: time.Date(2100, 1, 1, 0, 0, 0, 0, cst), stageDue: time.Date(2026, 3, 9, 10, 0, 0, 0, cst), events: []statsEvent{{"filed", 0.5}, {"dispatched", 1.5}}},
	{code: "R7", grid: "T1", category: "dispute", dept: "judicial", team: "PT-1", status: "submitted", made: time.Date(2026, 4, 1, 7, 59, 0, 0, cst),
		due: time.Date(2000, 1, 1, 0, 0, 0, 0, cst), stageDue: time.Date(2100, 1, 1, 0, 0, 0, 0, cst)},
}

// seedStats loads the statistics fixture.
func seedStats(ctx context.Context, pool *pgxpool.Pool) error {
	grids := []struct{ code, parent, level, name string }{
		{"C", "", "city", "市"}, {"D1", "C", "district", "甲区"}, {"D2", "C", "district", "乙区"},
		{"T1", "D1", "township", "甲一街道"}, {"T2", "D1", "township", "甲二街道"},
	}
	for i, g := range grids {
		_, err := pool.Exec(ctx, `
			INSERT INTO grids (parent_id, level, code, name, geom)
			VALUES ((SELECT id FROM grids WHERE code = $1), $2, $3, $4,
			        ST_Multi(ST_MakeEnvelope(117 + $5 * 0.1, 24, 117.1 + $5 * 0.1, 24.1, 4326)))`,
			g.parent, g.level, g.code, g.name, i)
		if err != nil {
			return fmt.Errorf("grid %s: %w", g.code, err)
		}
	}
	for _, code := range []string{"PT-1", "PT-2"} {
		_, err := pool.Exec(ctx, `INSERT INTO teams (code, kind, name, base)
			VALUES ($1, 'patrol', '巡逻' || $1, ST_SetSRID(ST_MakePoint(117.05, 24.05), 4326))`, code)
		if err != nil {
			return err
		}
	}
	for _, r := range statsReports {
		var id int64
		var due, stageDue, closed *time.Time
		if !r.due.IsZero() {
			due = &r.due
		}
		if !r.stageDue.IsZero() {
			stageDue = &r.stageDue
		}
		if r.closedAt != 0 {
			t := r.made.Add(hours(r.closedAt))
			closed = &t
		}
		err := pool.QueryRow(ctx, `
			INSERT INTO reports (tracking_code, category, description, channel, location, input_crs, grid_id, team_id,
			                     department, status, priority, h3_cell, created_at, updated_at, due_at, stage_due_at, closed_at)
			VALUES (@code, @category, 'stats fixture', 'web', ST_SetSRID(ST_MakePoint(117.05, 24.05), 4326), 'wgs84',
			        (SELECT id FROM grids WHERE code = @grid), (SELECT id FROM teams WHERE code = @team),
			        @dept, @status, 3, 0, @made, @made, @due, @stage_due, @closed)
			RETURNING id`,
			pgx.NamedArgs{"code": r.code, "category": r.category, "grid": r.grid, "team": r.team, "dept": r.dept,
				"status": r.status, "made": r.made, "due": due, "stage_due": stageDue, "closed": closed}).Scan(&id)
		if err != nil {
			return fmt.Errorf("report %s: %w", r.code, err)
		}
		from := "submitted"
		evs := append([]statsEvent{{"submitted", 0}}, r.events...)
		for i, e := range evs {
			var prev *string
			if i > 0 {
				prev = &from
			}
			_, err := pool.Exec(ctx, `INSERT INTO report_events (report_id, at, actor, kind, from_status, to_status)
				VALUES ($1, $2, 'test', $3, $4, $3)`, id, r.made.Add(hours(e.hours)), e.to, prev)
			if err != nil {
				return fmt.Errorf("report %s event %s: %w", r.code, e.to, err)
			}
			from = e.to
		}
	}
	return nil
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

type statsFixture struct {
	s   *postgres.Store
	ids map[string]int64 // grids and teams by code
}

func newStatsFixture(t *testing.T) *statsFixture {
	t.Helper()
	_, pool := pgtest.NewFrom(t, "stats", seedStats)
	f := &statsFixture{s: postgres.NewStore(pool), ids: map[string]int64{}}
	rows, _ := pool.Query(t.Context(), `SELECT code, id FROM grids UNION ALL SELECT code, id FROM teams`)
	var code string
	var id int64
	if _, err := pgx.ForEachRow(rows, []any{&code, &id}, func() error { f.ids[code] = id; return nil }); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *statsFixture) mustStats(t *testing.T, filter postgres.StatsFilter, by postgres.StatsBy) postgres.Stats {
	t.Helper()
	st, err := f.s.Stats(t.Context(), filter, by)
	if err != nil {
		t.Fatalf("Stats(%+v, %s) = %v", filter, by, err)
	}
	return st
}

var all = grid110.Jurisdiction{All: true}

// m builds expected metrics; medians are filing, dispatch, handling,
// verification, closure, with -1 for none.
func m(reports, open, closed, rejected, overdue, onTime int, medians ...float64) postgres.StatsMetrics {
	out := postgres.StatsMetrics{Reports: reports, Open: open, Closed: closed, Rejected: rejected, Overdue: overdue,
		ClosedOnTime: onTime}
	if reports > rejected {
		x := float64(closed) / float64(reports-rejected)
		out.ClosureRate = &x
	}
	if closed > 0 {
		x := float64(onTime) / float64(closed)
		out.OnTimeRate = &x
	}
	for i, h := range medians {
		if h >= 0 {
			out.MedianHours[i] = &h
		}
	}
	return out
}

var none = []float64{-1, -1, -1, -1, -1}

// stageOverdue returns m with StageOverdue n.
func stageOverdue(m postgres.StatsMetrics, n int) postgres.StatsMetrics {
	m.StageOverdue = n
	return m
}

var approx = cmpopts.EquateApprox(0, 1e-9)

// rowsByKey maps each row's key to its metrics.
func rowsByKey(st postgres.Stats) map[string]postgres.StatsMetrics {
	out := map[string]postgres.StatsMetrics{}
	for _, r := range st.Rows {
		out[r.Key] = r.StatsMetrics
	}
	return out
}

func TestStatsTotalsAndCategories(t *testing.T) {
	t.Parallel()
	f := newStatsFixture(t)
	st := f.mustStats(t, postgres.StatsFilter{Jurisdiction: all}, postgres.StatsByCategory)
	// Closure 3 / (7 - 1); on time: R1 only (R2 closed late, R3's last close is late).
	// Filing 0.5 1 1 1 2; dispatch 1 1 1 2 2; handling 3 17 26; verification 1 10 10; closure 1 18 40.
	// Past the stage deadline: R5 and R6 (R7 is past the case's due time only).
	if diff := cmp.Diff(stageOverdue(m(7, 3, 3, 1, 2, 1, 1, 1, 17, 10, 18), 2), st.Totals, approx); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	if *st.Totals.ClosureRate != 0.5 || *st.Totals.OnTimeRate != 1.0/3 {
		t.Errorf("rates %v, %v; want 0.5 and 1/3", *st.Totals.ClosureRate, *st.Totals.OnTimeRate)
	}
	// Every category is listed, in the categories' order, empty ones too.
	if len(st.Rows) != 10 || st.Rows[0].Key != "safety_hazard" || st.Rows[0].Name != "安全隐患" {
		t.Fatalf("rows %d, first %+v; want the 10 categories from safety_hazard", len(st.Rows), st.Rows[0])
	}
	got := rowsByKey(st)
	want := map[string]postgres.StatsMetrics{
		// Filing 1 2 1; dispatch 2 2 1; handling 17 26 (even: the mean of the middle two); closure 18 40.
		"dispute": stageOverdue(m(5, 2, 2, 1, 2, 1, 1, 2, 21.5, 10, 29), 1),
		// Filing 1 0.5; R3's first pass only.
		"emergency": stageOverdue(m(2, 1, 1, 0, 0, 0, 0.75, 1, 3, 1, 1), 1),
		"tip":       m(0, 0, 0, 0, 0, 0, none...),
	}
	for k, w := range want {
		if diff := cmp.Diff(w, got[k], approx); diff != "" {
			t.Errorf("category %s (-want +got):\n%s", k, diff)
		}
	}
	if got["tip"].ClosureRate != nil || got["tip"].OnTimeRate != nil {
		t.Errorf("an empty group has rates %v, %v; want none", got["tip"].ClosureRate, got["tip"].OnTimeRate)
	}
}

func TestStatsByGrid(t *testing.T) {
	t.Parallel()
	f := newStatsFixture(t)
	// Without a grid: the children of the top-level grid, each with its subtree.
	st := f.mustStats(t, postgres.StatsFilter{Jurisdiction: all}, postgres.StatsByGrid)
	var keys []string
	for _, r := range st.Rows {
		keys = append(keys, fmt.Sprintf("%s %s %d %v", r.Key, r.Name, r.GridID, r.Direct))
	}
	wantKeys := []string{fmt.Sprintf("D1 甲区 %d false", f.ids["D1"]), fmt.Sprintf("D2 乙区 %d false", f.ids["D2"])}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
	if st.Rows[0].Reports != 6 || st.Rows[1].Reports != 1 || st.Totals.Reports != 7 {
		t.Errorf("D1 %d, D2 %d, total %d reports; want 6, 1, 7", st.Rows[0].Reports, st.Rows[1].Reports, st.Totals.Reports)
	}

	// D1 broken down: T1 and T2, and D1 itself for R4, located in D1 directly.
	st = f.mustStats(t, postgres.StatsFilter{Jurisdiction: all, GridID: f.ids["D1"]}, postgres.StatsByGrid)
	if st.Grid == nil || st.Grid.Code != "D1" {
		t.Errorf("grid = %+v; want D1", st.Grid)
	}
	keys = nil
	for _, r := range st.Rows {
		keys = append(keys, fmt.Sprintf("%s %v", r.Key, r.Direct))
	}
	if diff := cmp.Diff([]string{"T1 false", "T2 false", "D1 true"}, keys); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
	got := rowsByKey(st)
	want := map[string]postgres.StatsMetrics{
		"T1": m(3, 1, 2, 0, 1, 1, 1.5, 2, 21.5, 10, 29),
		"T2": stageOverdue(m(2, 1, 1, 0, 0, 0, 0.75, 1, 3, 1, 1), 1),
		"D1": m(1, 0, 0, 1, 0, 0, none...),
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if st.Totals.Reports != 6 {
		t.Errorf("total %d; want 6 (D1's subtree)", st.Totals.Reports)
	}

	// A grid without children: only itself, for the reports located in it.
	st = f.mustStats(t, postgres.StatsFilter{Jurisdiction: all, GridID: f.ids["D2"]}, postgres.StatsByGrid)
	if len(st.Rows) != 1 || !st.Rows[0].Direct || st.Rows[0].Reports != 1 {
		t.Errorf("D2 rows = %+v; want D2 itself with R5", st.Rows)
	}
}

func TestStatsByStatusAndTeam(t *testing.T) {
	t.Parallel()
	f := newStatsFixture(t)
	st := f.mustStats(t, postgres.StatsFilter{Jurisdiction: all}, postgres.StatsByStatus)
	counts := map[string]int{}
	var order []grid110.Status
	for _, r := range st.Rows {
		counts[r.Key] = r.Reports
		order = append(order, grid110.Status(r.Key))
	}
	if diff := cmp.Diff(grid110.Statuses, order); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	want := map[string]int{"submitted": 1, "filed": 0, "dispatched": 1, "in_progress": 1, "resolved": 0, "verified": 0,
		"closed": 3, "returned": 0, "rejected": 1, "reopened": 0}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if st.Rows[6].Name != "已结案" {
		t.Errorf("closed is named %q", st.Rows[6].Name)
	}

	st = f.mustStats(t, postgres.StatsFilter{Jurisdiction: all}, postgres.StatsByTeam)
	var teams []string
	for _, r := range st.Rows {
		teams = append(teams, fmt.Sprintf("%s %d %d", r.Key, r.TeamID, r.Reports))
	}
	wantTeams := []string{fmt.Sprintf("PT-1 %d 4", f.ids["PT-1"]), fmt.Sprintf("PT-2 %d 2", f.ids["PT-2"]), " 0 1"}
	if diff := cmp.Diff(wantTeams, teams); diff != "" {
		t.Errorf("teams (-want +got):\n%s", diff)
	}
	// PT-2: R3 (closed late) and R5 (open, overdue).
	if diff := cmp.Diff(stageOverdue(m(2, 1, 1, 0, 1, 0, 1, 1, 3, 1, 1), 1), st.Rows[1].StatsMetrics, approx); diff != "" {
		t.Errorf("PT-2 (-want +got):\n%s", diff)
	}
}

func TestStatsPeriods(t *testing.T) {
	t.Parallel()
	f := newStatsFixture(t)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, cst) }
	type row struct {
		Key, Name  string
		Start, End time.Time
		Reports    int
	}
	rows := func(st postgres.Stats) []row {
		var out []row
		for _, r := range st.Rows {
			out = append(out, row{r.Key, r.Name, r.Start, r.End, r.Reports})
		}
		return out
	}
	// Days in China time: R4, made at 00:30 on March 6th (March 5th in UTC), counts on the 6th.
	st := f.mustStats(t, postgres.StatsFilter{Jurisdiction: all, From: day(3, 2), To: day(3, 9)}, postgres.StatsByDay)
	var want []row
	for d := 2; d <= 8; d++ {
		n := map[int]int{2: 1, 3: 1, 4: 1, 6: 2}[d]
		k := day(3, d).Format("2006-01-02")
		want = append(want, row{k, k, day(3, d), day(3, d+1), n})
	}
	if diff := cmp.Diff(want, rows(st)); diff != "" {
		t.Errorf("days (-want +got):\n%s", diff)
	}
	if st.Totals.Reports != 5 {
		t.Errorf("total %d; want 5 (R6 is made on the 9th, outside [from, to))", st.Totals.Reports)
	}

	// ISO weeks from Monday.
	st = f.mustStats(t, postgres.StatsFilter{Jurisdiction: all, From: day(3, 2), To: day(3, 16)}, postgres.StatsByWeek)
	want = []row{{"2026-03-02", "2026-W10", day(3, 2), day(3, 9), 5}, {"2026-03-09", "2026-W11", day(3, 9), day(3, 16), 1}}
	if diff := cmp.Diff(want, rows(st)); diff != "" {
		t.Errorf("weeks (-want +got):\n%s", diff)
	}

	// Months: R7, made at 07:59 on April 1st (March 31st in UTC), counts in April.
	st = f.mustStats(t, postgres.StatsFilter{Jurisdiction: all, From: day(3, 1), To: day(5, 1)}, postgres.StatsByMonth)
	want = []row{{"2026-03-01", "2026-03", day(3, 1), day(4, 1), 6}, {"2026-04-01", "2026-04", day(4, 1), day(5, 1), 1}}
	if diff := cmp.Diff(want, rows(st)); diff != "" {
		t.Errorf("months (-want +got):\n%s", diff)
	}

	// Without a window: from the first report's period to now's.
	st = f.mustStats(t, postgres.StatsFilter{Jurisdiction: all}, postgres.StatsByMonth)
	now := time.Now().In(cst)
	n := (now.Year()-2026)*12 + int(now.Month()) - 3 + 1
	if len(st.Rows) != n || st.Rows[0].Key != "2026-03-01" || st.Rows[1].Reports != 1 {
		t.Errorf("months without a window: %d rows from %+v; want %d from March 2026", len(st.Rows), st.Rows[0], n)
	}
}

func TestStatsJurisdiction(t *testing.T) {
	t.Parallel()
	f := newStatsFixture(t)
	tests := []struct {
		name string
		j    grid110.Jurisdiction
		want int
	}{
		{"all", all, 7},
		{"township T1", grid110.Jurisdiction{GridID: f.ids["T1"]}, 3},
		{"district D1", grid110.Jurisdiction{GridID: f.ids["D1"]}, 6},
		{"team PT-2", grid110.Jurisdiction{TeamID: f.ids["PT-2"]}, 2},
		{"T2 or PT-2", grid110.Jurisdiction{GridID: f.ids["T2"], TeamID: f.ids["PT-2"]}, 3}, // R3, R6; R3, R5
		{"department judicial", grid110.Jurisdiction{Department: "judicial"}, 5},
		{"nobody", grid110.Jurisdiction{}, 0},
	}
	for _, tt := range tests {
		st := f.mustStats(t, postgres.StatsFilter{Jurisdiction: tt.j}, postgres.StatsByCategory)
		sum := 0
		for _, r := range st.Rows {
			sum += r.Reports
		}
		if st.Totals.Reports != tt.want || sum != tt.want {
			t.Errorf("%s: total %d, rows add up to %d; want %d", tt.name, st.Totals.Reports, sum, tt.want)
		}
	}
	// Nobody still gets the (empty) table, with no rates and no medians.
	st := f.mustStats(t, postgres.StatsFilter{}, postgres.StatsByCategory)
	if diff := cmp.Diff(m(0, 0, 0, 0, 0, 0, none...), st.Totals); diff != "" || len(st.Rows) != 10 {
		t.Errorf("zero jurisdiction: %d rows, totals (-want +got):\n%s", len(st.Rows), diff)
	}
	// A filter narrows the jurisdiction, never widens it.
	st = f.mustStats(t, postgres.StatsFilter{Jurisdiction: grid110.Jurisdiction{GridID: f.ids["T1"]}, GridID: f.ids["D1"]},
		postgres.StatsByGrid)
	if st.Totals.Reports != 3 || st.Rows[0].Reports != 3 || st.Rows[1].Reports != 0 {
		t.Errorf("T1's view of D1: total %d, rows %+v; want T1's 3 only", st.Totals.Reports, st.Rows)
	}
}

func TestStatsFilters(t *testing.T) {
	t.Parallel()
	f := newStatsFixture(t)
	tests := []struct {
		name string
		f    postgres.StatsFilter
		want int
	}{
		{"category", postgres.StatsFilter{Category: "emergency"}, 2},
		{"status", postgres.StatsFilter{Status: grid110.StatusClosed}, 3},
		{"team", postgres.StatsFilter{TeamID: f.ids["PT-1"]}, 4},
		{"grid", postgres.StatsFilter{GridID: f.ids["T2"]}, 2},
		{"from", postgres.StatsFilter{From: time.Date(2026, 3, 6, 0, 30, 0, 0, cst)}, 4}, // R4 at exactly from counts
		{"to", postgres.StatsFilter{To: time.Date(2026, 3, 6, 0, 30, 0, 0, cst)}, 3},     // and not before to
		{"together", postgres.StatsFilter{Category: "dispute", TeamID: f.ids["PT-1"], GridID: f.ids["T1"], Status: grid110.StatusClosed}, 2},
	}
	for _, tt := range tests {
		tt.f.Jurisdiction = all
		if st := f.mustStats(t, tt.f, postgres.StatsByStatus); st.Totals.Reports != tt.want {
			t.Errorf("%s: %d reports; want %d", tt.name, st.Totals.Reports, tt.want)
		}
	}
}

func TestStatsErrors(t *testing.T) {
	t.Parallel()
	f := newStatsFixture(t)
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, cst)
	tests := []struct {
		name  string
		f     postgres.StatsFilter
		by    postgres.StatsBy
		field string
	}{
		{"unknown grouping", postgres.StatsFilter{}, "year", "by"},
		{"no such grid", postgres.StatsFilter{GridID: 999999}, postgres.StatsByGrid, "grid"},
		{"no such team", postgres.StatsFilter{TeamID: 999999}, postgres.StatsByTeam, "team"},
		{"unknown status", postgres.StatsFilter{Status: "lost"}, postgres.StatsByStatus, "status"},
		{"empty window", postgres.StatsFilter{From: from, To: from}, postgres.StatsByDay, "to"},
		{"too many days", postgres.StatsFilter{From: from.AddDate(-11, 0, 0), To: from}, postgres.StatsByDay, "from"},
	}
	for _, tt := range tests {
		tt.f.Jurisdiction = all
		_, err := f.s.Stats(t.Context(), tt.f, tt.by)
		var ve *grid110.ValidationError
		if !errors.As(err, &ve) || ve.Field != tt.field || !errors.Is(err, grid110.ErrInvalid) {
			t.Errorf("%s: Stats = %v; want a validation error on %s", tt.name, err, tt.field)
		}
	}
	// Ten years of months is fine.
	if _, err := f.s.Stats(t.Context(), postgres.StatsFilter{Jurisdiction: all, From: from.AddDate(-11, 0, 0), To: from}, postgres.StatsByMonth); err != nil {
		t.Errorf("eleven years by month = %v", err)
	}
}
