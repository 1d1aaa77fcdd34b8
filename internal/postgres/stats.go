package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

// StatsBy is what the supervisors' statistics are grouped by.
type StatsBy string

// Groupings of Stats.
const (
	StatsByStatus   StatsBy = "status"   // the current status, every status in workflow order
	StatsByCategory StatsBy = "category" // every category, in the categories' order
	StatsByGrid     StatsBy = "grid"     // the direct children of the chosen grid, each with its whole subtree
	StatsByTeam     StatsBy = "team"     // the assigned N-team (reports.team_id), teams with reports only
	StatsByDay      StatsBy = "day"      // the day the report was made, in China time
	StatsByWeek     StatsBy = "week"     // the ISO week (Monday to Sunday), in China time
	StatsByMonth    StatsBy = "month"    // the calendar month, in China time
)

// StatsGroupings lists every grouping.
var StatsGroupings = []StatsBy{StatsByStatus, StatsByCategory, StatsByGrid, StatsByTeam, StatsByDay, StatsByWeek, StatsByMonth}

// ParseStatsBy returns the grouping named s.
func ParseStatsBy(s string) (StatsBy, error) {
	if slices.Contains(StatsGroupings, StatsBy(s)) {
		return StatsBy(s), nil
	}
	return "", grid110.Invalid("by", "%q is not one of %v", s, StatsGroupings)
}

// Period reports whether b groups by the time the reports were made.
func (b StatsBy) Period() bool { return b == StatsByDay || b == StatsByWeek || b == StatsByMonth }

// MaxStatsPeriods bounds the rows of a grouping by period over an explicit
// window (ten years of days).
const MaxStatsPeriods = 3660

// StatsFilter selects the reports Stats counts. Zero values mean "any",
// except Jurisdiction: its zero value sees nothing.
type StatsFilter struct {
	Jurisdiction grid110.Jurisdiction // what the caller may see
	GridID       int64                // in this grid's subtree; for StatsByGrid, the grid broken down (0: the top-level grids)
	Category     string
	Status       grid110.Status
	TeamID       int64     // assigned to this N-team (reports.team_id)
	From, To     time.Time // created_at in [From, To)
}

// StageHours holds a median in hours for each of grid110.Stages, in that
// order; nil where no report in the group has completed the stage. Stats
// times each stage from the first time a report entered it to the first
// time it entered the next (filing starts when the report is made), so a
// returned or reopened case counts its first pass:
//
//	filing        submitted -> filed       (受理)
//	dispatch      filed -> dispatched      (分流交办)
//	handling      dispatched -> resolved   (处置, returns and re-dispatch included)
//	verification  resolved -> verified     (核查)
//	closure       verified -> closed       (办结)
type StageHours [5]*float64

// StatsMetrics are the numbers of one group of reports (or of all of them).
//
//   - Reports: every report in the group. Open + Closed + Rejected = Reports.
//   - Open: neither closed nor rejected, whatever the stage (grid110.Status.Open).
//   - Closed, Rejected: in that status now; a reopened case is open again.
//   - Overdue: open and past its due time (due_at, the deadline of the whole
//     case) now.
//   - StageOverdue: open and past the deadline of its current stage
//     (stage_due_at, 督办) now: what GET /api/v1/reports?overdue=true lists.
//   - ClosedOnTime: closed no later than its due time as it stands, after any
//     granted extension (延期); a case without a due time cannot be late. The
//     close time is reports.closed_at, or for cases closed before migration
//     0009 (closed_at NULL) the time of their last "closed" event.
//   - ClosureRate (结案率) = Closed / (Reports - Rejected): rejected reports
//     were never cases. Nil when there are no cases.
//   - OnTimeRate (按期结案率) = ClosedOnTime / Closed. Nil when none is closed.
//   - MedianHours: per stage (grid110.Stages), the median (percentile_cont(0.5)) over
//     the group's reports that have completed the stage, whatever their
//     status now; a case reopened or returned counts its first pass.
type StatsMetrics struct {
	Reports, Open, Closed, Rejected, Overdue, StageOverdue, ClosedOnTime int
	ClosureRate, OnTimeRate                                              *float64
	MedianHours                                                          StageHours
}

// StatsRow is one group of Stats.
type StatsRow struct {
	// Key identifies the group: the status, the category code, the grid
	// code, the team code ("" for reports with no team) or the first day
	// of the period (YYYY-MM-DD, China time).
	Key string
	// Name is the group's name for people: the status and category in
	// Chinese, the grid and team names, the period as 2026-11-28,
	// 2026-W48 (ISO week) or 2026-11.
	Name   string
	GridID int64 // StatsByGrid
	// Direct marks, for StatsByGrid, the row of the grid broken down
	// itself: the reports located in it rather than in any child. It is
	// present only when there are such reports, so the rows add up to the
	// totals.
	Direct     bool
	TeamID     int64     // StatsByTeam; 0 for the reports with no team
	Start, End time.Time // periods: [Start, End) in China time
	StatsMetrics
}

// Stats is the answer of Store.Stats.
type Stats struct {
	By     StatsBy
	Filter StatsFilter
	// Grid is the grid of Filter.GridID, when set.
	Grid   *grid110.GridRef
	Rows   []StatsRow
	Totals StatsMetrics // over every report in the filter, not a sum of the rows
}

// chinaTime is China Standard Time. Asia/Shanghai has kept +08:00 without
// daylight saving since 1991, so the fixed zone agrees with the SQL's.
var chinaTime = time.FixedZone("CST", 8*3600)

// statsSQL counts the reports in the filter per group key k and in total
// (the grouping set ()). Named arguments: @by and, for StatsByGrid, @depth
// (the depth of the grid broken down: the key is the report's grid's
// ancestor one level below it, or that grid itself for reports located in
// it); the filter @grid, @category, @status, @team, @from, @to; and
// jurisdictionSQL's.
//
// f is one row per report with its stage times from its events: the first
// time it entered each stage's end state, and the last time it was closed.
// Events that keep the status (extensions, escalations) come after the
// event that entered it, so they never change a first time.
// Joining the events and grouping by report (rather than aggregating all
// events first) lets the planner merge-join the whole city with the partial
// index of migration 0013 in report order, and probe that index per report
// for a small filter. Durations are date_part (float8): extract returns
// numeric, several times slower to sort for the medians.
const statsSQL = `
WITH f AS (
    SELECT CASE @by::text
               WHEN 'status' THEN r.status
               WHEN 'category' THEN r.category
               WHEN 'team' THEN coalesce(r.team_id, 0)::text
               WHEN 'grid' THEN g.path[least(cardinality(g.path), @depth::int + 1)]::text
               ELSE to_char(date_trunc(@by::text, r.created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD')
           END AS k,
           r.status NOT IN ('closed', 'rejected') AS open,
           r.status = 'closed' AS closed,
           r.status = 'rejected' AS rejected,
           r.status NOT IN ('closed', 'rejected') AND r.due_at < now() AS overdue,
           r.status NOT IN ('closed', 'rejected') AND r.stage_due_at < now() AS stage_overdue,
           r.status = 'closed' AND (r.due_at IS NULL
               OR coalesce(r.closed_at, max(e.at) FILTER (WHERE e.to_status = 'closed')) <= r.due_at) AS on_time,
           r.created_at,
           date_part('epoch', min(e.at) FILTER (WHERE e.to_status = 'filed') - r.created_at) / 3600 AS filing,
           date_part('epoch', min(e.at) FILTER (WHERE e.to_status = 'dispatched')
                            - min(e.at) FILTER (WHERE e.to_status = 'filed')) / 3600 AS dispatch,
           date_part('epoch', min(e.at) FILTER (WHERE e.to_status = 'resolved')
                            - min(e.at) FILTER (WHERE e.to_status = 'dispatched')) / 3600 AS handling,
           date_part('epoch', min(e.at) FILTER (WHERE e.to_status = 'verified')
                            - min(e.at) FILTER (WHERE e.to_status = 'resolved')) / 3600 AS verification,
           date_part('epoch', min(e.at) FILTER (WHERE e.to_status = 'closed')
                            - min(e.at) FILTER (WHERE e.to_status = 'verified')) / 3600 AS closure
    FROM reports r
    JOIN grids g ON g.id = r.grid_id
    LEFT JOIN report_events e
           ON e.report_id = r.id AND e.to_status IN ('filed', 'dispatched', 'resolved', 'verified', 'closed')
    WHERE ` + jurisdictionSQL + `
      AND (@grid::bigint = 0 OR g.path @> ARRAY[@grid::bigint])
      AND (@category::text = '' OR r.category = @category)
      AND (@status::text = '' OR r.status = @status)
      AND (@team::bigint = 0 OR r.team_id = @team)
      AND (@from::timestamptz IS NULL OR r.created_at >= @from)
      AND (@to::timestamptz IS NULL OR r.created_at < @to)
    GROUP BY r.id, g.id
)
SELECT GROUPING(k) = 1 AS total, coalesce(k, '') AS k,
       count(*) AS reports,
       count(*) FILTER (WHERE open) AS open,
       count(*) FILTER (WHERE closed) AS closed,
       count(*) FILTER (WHERE rejected) AS rejected,
       count(*) FILTER (WHERE overdue) AS overdue,
       count(*) FILTER (WHERE stage_overdue) AS stage_overdue,
       count(*) FILTER (WHERE on_time) AS closed_on_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY filing) AS filing,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY dispatch) AS dispatch,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY handling) AS handling,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY verification) AS verification,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY closure) AS closure,
       min(created_at) AS first_at, max(created_at) AS last_at
FROM f
GROUP BY GROUPING SETS ((k), ())`

type statsAggRow struct {
	Total        bool       `db:"total"`
	K            string     `db:"k"`
	Reports      int        `db:"reports"`
	Open         int        `db:"open"`
	Closed       int        `db:"closed"`
	Rejected     int        `db:"rejected"`
	Overdue      int        `db:"overdue"`
	StageOverdue int        `db:"stage_overdue"`
	ClosedOnTime int        `db:"closed_on_time"`
	Filing       *float64   `db:"filing"`
	Dispatch     *float64   `db:"dispatch"`
	Handling     *float64   `db:"handling"`
	Verification *float64   `db:"verification"`
	Closure      *float64   `db:"closure"`
	FirstAt      *time.Time `db:"first_at"`
	LastAt       *time.Time `db:"last_at"`
}

func (r statsAggRow) metrics() StatsMetrics {
	m := StatsMetrics{Reports: r.Reports, Open: r.Open, Closed: r.Closed, Rejected: r.Rejected, Overdue: r.Overdue,
		StageOverdue: r.StageOverdue, ClosedOnTime: r.ClosedOnTime, MedianHours: StageHours{r.Filing, r.Dispatch, r.Handling, r.Verification, r.Closure}}
	m.rates()
	return m
}

// rates fills ClosureRate and OnTimeRate from the counts.
func (m *StatsMetrics) rates() {
	m.ClosureRate, m.OnTimeRate = nil, nil
	if cases := m.Reports - m.Rejected; cases > 0 {
		x := float64(m.Closed) / float64(cases)
		m.ClosureRate = &x
	}
	if m.Closed > 0 {
		x := float64(m.ClosedOnTime) / float64(m.Closed)
		m.OnTimeRate = &x
	}
}

// Validate checks the filter and grouping on their own: a known grouping,
// status and window, and not too many periods.
func (f StatsFilter) Validate(by StatsBy) error {
	if _, err := ParseStatsBy(string(by)); err != nil {
		return err
	}
	if f.Status != "" {
		if _, err := grid110.ParseStatus(string(f.Status)); err != nil {
			return err
		}
	}
	if f.GridID < 0 {
		return grid110.Invalid("grid", "must be positive")
	}
	if f.TeamID < 0 {
		return grid110.Invalid("team", "must be positive")
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return grid110.Invalid("to", "must be after from")
	}
	if by.Period() && !f.From.IsZero() {
		to := f.To
		if to.IsZero() {
			to = time.Now()
		}
		if n := len(periods(by, f.From, to.Add(-time.Nanosecond), MaxStatsPeriods+1)); n > MaxStatsPeriods {
			return grid110.Invalid("from", "the window holds more than %d periods of a %s; narrow it or group by a longer period",
				MaxStatsPeriods, by)
		}
	}
	return nil
}

// Stats counts the reports in f the caller's jurisdiction may see, per
// group of by and in total; see StatsMetrics for what is counted. A report
// counts in the window of its creation, with everything that happened to it
// since. The error wraps ErrInvalid for a bad filter or a grid or team that
// does not exist.
func (s *Store) Stats(ctx context.Context, f StatsFilter, by StatsBy) (Stats, error) {
	if err := f.Validate(by); err != nil {
		return Stats{}, err
	}
	out := Stats{By: by, Filter: f}
	depth := 1 // the top-level grids are broken down by default
	if f.GridID != 0 {
		var path []int64
		g := grid110.GridRef{ID: f.GridID}
		err := s.pool.QueryRow(ctx, `SELECT coalesce(parent_id, 0), level, code, name, path FROM grids WHERE id = $1`, f.GridID).
			Scan(&g.ParentID, &g.Level, &g.Code, &g.Name, &path)
		if err != nil {
			return Stats{}, notFoundInvalid(translate(err, "stats grid"), "grid", "no grid %d", f.GridID)
		}
		out.Grid, depth = &g, len(path)
	}
	if f.TeamID != 0 {
		if err := s.pool.QueryRow(ctx, `SELECT FROM teams WHERE id = $1`, f.TeamID).Scan(); err != nil {
			return Stats{}, notFoundInvalid(translate(err, "stats team"), "team", "no team %d", f.TeamID)
		}
	}
	agg, err := s.statsAggregate(ctx, f, by, depth)
	if err != nil {
		return Stats{}, err
	}
	total := agg[""]
	delete(agg, "")
	out.Totals = total.metrics()
	if out.Rows, err = s.statsRows(ctx, f, by, agg, total); err != nil {
		return Stats{}, err
	}
	return out, nil
}

// notFoundInvalid turns ErrNotFound into a ValidationError on field.
func notFoundInvalid(err error, field, format string, args ...any) error {
	if errors.Is(err, grid110.ErrNotFound) {
		return grid110.Invalid(field, format, args...)
	}
	return err
}

// statsAggregate runs statsSQL and returns its rows by key; the totals
// under "". It runs in a read-only transaction without JIT (compiling the
// expressions costs ~300 ms, more than it saves on 200,000 rows) and with
// enough work_mem to sort the medians in memory.
func (s *Store) statsAggregate(ctx context.Context, f StatsFilter, by StatsBy, depth int) (map[string]statsAggRow, error) {
	args := jurisdictionArgs(pgx.NamedArgs{"by": string(by), "depth": depth, "grid": f.GridID, "category": f.Category,
		"status": string(f.Status), "team": f.TeamID, "from": nullTime(f.From), "to": nullTime(f.To)}, f.Jurisdiction)
	out := map[string]statsAggRow{}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off; SET LOCAL work_mem = '64MB'`); err != nil {
			return err
		}
		// Planned afresh with the values (not a cached generic plan): the
		// "@x = '' OR …" filters then fold away.
		rows, _ := tx.Query(ctx, statsSQL, pgx.QueryExecModeExec, args)
		rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[statsAggRow])
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.Total {
				r.K = ""
			}
			out[r.K] = r
		}
		return nil
	})
	if err != nil {
		return nil, translate(err, "stats")
	}
	return out, nil
}

// statsRows orders the groups and names them. Groupings over a fixed set
// (statuses, categories, child grids, periods in the window) list every
// member, empty ones with zero counts; teams are listed when they have
// reports.
func (s *Store) statsRows(ctx context.Context, f StatsFilter, by StatsBy, agg map[string]statsAggRow, total statsAggRow) ([]StatsRow, error) {
	var rows []StatsRow
	var err error
	switch by {
	case StatsByStatus:
		for _, st := range grid110.Statuses {
			rows = append(rows, StatsRow{Key: string(st), Name: st.ZhName()})
		}
	case StatsByCategory:
		rows, err = s.statsCategoryRows(ctx)
	case StatsByGrid:
		rows, err = s.statsGridRows(ctx, f.GridID, agg)
	case StatsByTeam:
		rows, err = s.statsTeamRows(ctx, agg)
	default:
		rows = statsPeriodRows(f, by, total)
	}
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(rows))
	for i := range rows {
		k := statsKey(by, rows[i])
		seen[k] = true
		rows[i].StatsMetrics = agg[k].metrics()
	}
	// Anything the lists above missed (a period outside the computed
	// window, say) is still shown, not dropped.
	var rest []string
	for k := range agg {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		rows = append(rows, StatsRow{Key: k, Name: k, StatsMetrics: agg[k].metrics()})
	}
	return rows, nil
}

// statsKey is the key statsSQL gives the row's group.
func statsKey(by StatsBy, r StatsRow) string {
	switch by {
	case StatsByGrid:
		return strconv.FormatInt(r.GridID, 10)
	case StatsByTeam:
		return strconv.FormatInt(r.TeamID, 10)
	}
	return r.Key
}

func (s *Store) statsCategoryRows(ctx context.Context) ([]StatsRow, error) {
	rows, _ := s.pool.Query(ctx, `SELECT code, name_zh FROM categories ORDER BY sort_order, code`)
	var out []StatsRow
	var r StatsRow
	_, err := pgx.ForEachRow(rows, []any{&r.Key, &r.Name}, func() error {
		out = append(out, r)
		return nil
	})
	return out, translate(err, "stats categories")
}

// statsGridRows lists the children of grid (or of the top-level grids),
// by code, then the grids broken down that hold reports themselves.
func (s *Store) statsGridRows(ctx context.Context, grid int64, agg map[string]statsAggRow) ([]StatsRow, error) {
	const q = `
		WITH p AS (SELECT id FROM grids WHERE id = $1 OR ($1 = 0 AND parent_id IS NULL))
		SELECT g.id, g.code, g.name, coalesce(g.parent_id IN (SELECT id FROM p), false) AS child
		FROM grids g
		WHERE g.id IN (SELECT id FROM p) OR g.parent_id IN (SELECT id FROM p)
		ORDER BY child DESC, g.code`
	rows, _ := s.pool.Query(ctx, q, grid)
	var out []StatsRow
	var r StatsRow
	var child bool
	_, err := pgx.ForEachRow(rows, []any{&r.GridID, &r.Key, &r.Name, &child}, func() error {
		r.Direct = !child
		if child || agg[strconv.FormatInt(r.GridID, 10)].Reports > 0 {
			out = append(out, r)
		}
		return nil
	})
	return out, translate(err, "stats grids")
}

// statsTeamRows lists the teams with reports, by code, then the reports
// with no team.
func (s *Store) statsTeamRows(ctx context.Context, agg map[string]statsAggRow) ([]StatsRow, error) {
	var ids []int64
	for k := range agg {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil && id != 0 {
			ids = append(ids, id)
		}
	}
	rows, _ := s.pool.Query(ctx, `SELECT id, code, name FROM teams WHERE id = ANY($1) ORDER BY code`, ids)
	var out []StatsRow
	var r StatsRow
	_, err := pgx.ForEachRow(rows, []any{&r.TeamID, &r.Key, &r.Name}, func() error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, translate(err, "stats teams")
	}
	if agg["0"].Reports > 0 {
		out = append(out, StatsRow{Key: "", Name: "未分派"})
	}
	return out, nil
}

// statsPeriodRows lists the periods of the window: from From (else the
// first report) to To (else now, or the last report if later).
func statsPeriodRows(f StatsFilter, by StatsBy, total statsAggRow) []StatsRow {
	lo, hi := f.From, f.To.Add(-time.Nanosecond)
	if lo.IsZero() {
		if total.FirstAt == nil {
			return nil
		}
		lo = *total.FirstAt
	}
	if f.To.IsZero() {
		hi = time.Now()
		if total.LastAt != nil && total.LastAt.After(hi) {
			hi = *total.LastAt
		}
	}
	var out []StatsRow
	for _, start := range periods(by, lo, hi, MaxStatsPeriods+1) {
		end := nextPeriod(by, start)
		r := StatsRow{Key: start.Format("2006-01-02"), Start: start, End: end}
		switch by {
		case StatsByDay:
			r.Name = r.Key
		case StatsByWeek:
			y, w := start.ISOWeek()
			r.Name = fmt.Sprintf("%d-W%02d", y, w)
		case StatsByMonth:
			r.Name = start.Format("2006-01")
		}
		out = append(out, r)
	}
	return out
}

// periods returns the starts (China time) of the periods of by from the one
// holding lo to the one holding hi, at most max of them.
func periods(by StatsBy, lo, hi time.Time, max int) []time.Time {
	var out []time.Time
	for t := periodStart(by, lo); !t.After(hi) && len(out) < max; t = nextPeriod(by, t) {
		out = append(out, t)
	}
	return out
}

// periodStart is the start of the period of by holding t, in China time.
func periodStart(by StatsBy, t time.Time) time.Time {
	t = t.In(chinaTime)
	y, m, d := t.Date()
	switch by {
	case StatsByWeek:
		d -= (int(t.Weekday()) + 6) % 7 // back to Monday
	case StatsByMonth:
		d = 1
	}
	return time.Date(y, m, d, 0, 0, 0, 0, chinaTime)
}

// nextPeriod is the start of the period after the one starting at t.
func nextPeriod(by StatsBy, t time.Time) time.Time {
	switch by {
	case StatsByWeek:
		return t.AddDate(0, 0, 7)
	case StatsByMonth:
		return t.AddDate(0, 1, 0)
	}
	return t.AddDate(0, 0, 1)
}
