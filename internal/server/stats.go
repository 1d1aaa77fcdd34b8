package server

import (
	"encoding/csv"
	"math"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// statsQuery is a parsed GET /api/v1/stats request.
type statsQuery struct {
	By     postgres.StatsBy
	Filter postgres.StatsFilter // without the jurisdiction, which comes from the caller
	CSV    bool
}

// parseStatsQuery reads by, grid, category, status, team, from, to and
// format; with no format, an Accept header naming text/csv asks for CSV.
// The category is checked to be well formed here and known by the handler.
func parseStatsQuery(q url.Values, accept string) (statsQuery, error) {
	out := statsQuery{By: postgres.StatsByGrid}
	var err error
	if v := q.Get("by"); v != "" {
		if out.By, err = postgres.ParseStatsBy(v); err != nil {
			return statsQuery{}, err
		}
	}
	f := &out.Filter
	if v := q.Get("grid"); v != "" {
		if f.GridID, err = parseID(v, "grid"); err != nil {
			return statsQuery{}, err
		}
	}
	if v := q.Get("category"); v != "" {
		if !categoryCode.MatchString(v) {
			return statsQuery{}, grid110.Invalid("category", "%q is not a category code", v)
		}
		f.Category = v
	}
	if v := q.Get("status"); v != "" {
		if f.Status, err = grid110.ParseStatus(v); err != nil {
			return statsQuery{}, err
		}
	}
	if v := q.Get("team"); v != "" {
		if f.TeamID, err = parseID(v, "team"); err != nil {
			return statsQuery{}, err
		}
	}
	if f.From, err = parseTime(q.Get("from"), "from"); err != nil {
		return statsQuery{}, err
	}
	if f.To, err = parseTime(q.Get("to"), "to"); err != nil {
		return statsQuery{}, err
	}
	switch v := q.Get("format"); v {
	case "json":
	case "csv":
		out.CSV = true
	case "":
		out.CSV = acceptsCSV(accept)
	default:
		return statsQuery{}, grid110.Invalid("format", "%q is not json or csv", v)
	}
	// The window and the number of periods are checked where they are used.
	if err := f.Validate(out.By); err != nil {
		return statsQuery{}, err
	}
	return out, nil
}

// categoryCode is the form of category codes (migration 0004).
var categoryCode = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// acceptsCSV reports whether an Accept header names text/csv.
func acceptsCSV(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == "text/csv" && params["q"] != "0" {
			return true
		}
	}
	return false
}

// statsResponse is GET /api/v1/stats as JSON. Rates are rounded to four
// decimals and hours to two, as in the CSV.
type statsResponse struct {
	By     postgres.StatsBy `json:"by"`
	Filter statsFilter      `json:"filter"`
	Rows   []statsRow       `json:"rows"`
	Totals statsMetrics     `json:"totals"`
}

// statsFilter echoes the filter; the times in China time.
type statsFilter struct {
	Grid     int64          `json:"grid,omitempty"`
	GridCode string         `json:"grid_code,omitempty"`
	GridName string         `json:"grid_name,omitempty"`
	Category string         `json:"category,omitempty"`
	Status   grid110.Status `json:"status,omitempty"`
	Team     int64          `json:"team,omitempty"`
	From     *time.Time     `json:"from,omitempty"`
	To       *time.Time     `json:"to,omitempty"`
}

type statsRow struct {
	Key    string     `json:"key"`
	Name   string     `json:"name"`
	GridID int64      `json:"grid_id,omitempty"`
	Direct bool       `json:"direct,omitempty"`
	TeamID int64      `json:"team_id,omitempty"`
	Start  *time.Time `json:"start,omitempty"`
	End    *time.Time `json:"end,omitempty"`
	statsMetrics
}

// statsMetrics are postgres.StatsMetrics; null rates and medians mean
// there was nothing to divide or no report completed the stage.
type statsMetrics struct {
	Reports      int        `json:"reports"`
	Open         int        `json:"open"`
	Closed       int        `json:"closed"`
	Rejected     int        `json:"rejected"`
	Overdue      int        `json:"overdue"`
	StageOverdue int        `json:"stage_overdue"`
	ClosedOnTime int        `json:"closed_on_time"`
	ClosureRate  *float64   `json:"closure_rate"`
	OnTimeRate   *float64   `json:"on_time_rate"`
	MedianHours  stageHours `json:"median_hours"`
}

// stageHours are the median hours of postgres.Stages.
type stageHours struct {
	Filing       *float64 `json:"filing"`
	Dispatch     *float64 `json:"dispatch"`
	Handling     *float64 `json:"handling"`
	Verification *float64 `json:"verification"`
	Closure      *float64 `json:"closure"`
}

func roundPtr(p *float64, places int) *float64 {
	if p == nil {
		return nil
	}
	s := math.Pow(10, float64(places))
	x := math.Round(*p*s) / s
	return &x
}

func newStatsMetrics(m postgres.StatsMetrics) statsMetrics {
	h := m.MedianHours
	return statsMetrics{Reports: m.Reports, Open: m.Open, Closed: m.Closed, Rejected: m.Rejected, Overdue: m.Overdue,
		StageOverdue: m.StageOverdue, ClosedOnTime: m.ClosedOnTime, ClosureRate: roundPtr(m.ClosureRate, 4), OnTimeRate: roundPtr(m.OnTimeRate, 4),
		MedianHours: stageHours{roundPtr(h[0], 2), roundPtr(h[1], 2), roundPtr(h[2], 2), roundPtr(h[3], 2), roundPtr(h[4], 2)}}
}

func chinaTimePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.In(chinaTime)
	return &t
}

func newStatsResponse(st postgres.Stats) statsResponse {
	f := st.Filter
	out := statsResponse{By: st.By, Rows: make([]statsRow, len(st.Rows)), Totals: newStatsMetrics(st.Totals),
		Filter: statsFilter{Grid: f.GridID, Category: f.Category, Status: f.Status, Team: f.TeamID,
			From: chinaTimePtr(f.From), To: chinaTimePtr(f.To)}}
	if st.Grid != nil {
		out.Filter.GridCode, out.Filter.GridName = st.Grid.Code, st.Grid.Name
	}
	for i, r := range st.Rows {
		out.Rows[i] = statsRow{Key: r.Key, Name: r.Name, GridID: r.GridID, Direct: r.Direct, TeamID: r.TeamID,
			Start: chinaTimePtr(r.Start), End: chinaTimePtr(r.End), statsMetrics: newStatsMetrics(r.StatsMetrics)}
	}
	return out
}

// getStats handles GET /api/v1/stats (staff only): the supervisors'
// statistics of the reports in the caller's jurisdiction, as JSON or CSV
// (format=csv, or Accept: text/csv).
func (s *Server) getStats(c echo.Context) error {
	q, err := parseStatsQuery(c.QueryParams(), c.Request().Header.Get(echo.HeaderAccept))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if q.Filter.Category != "" {
		if _, err := s.cats.get(ctx, q.Filter.Category, "category"); err != nil {
			return err
		}
	}
	q.Filter.Jurisdiction = principalOf(c).Jurisdiction()
	st, err := s.store.Stats(ctx, q.Filter, q.By)
	if err != nil {
		return err
	}
	out := newStatsResponse(st)
	if q.CSV {
		return statsCSV(c, out)
	}
	return c.JSON(http.StatusOK, out)
}

// statsColumns are the CSV columns after the group's own, headed in
// Chinese and with the JSON name.
var statsColumns = func() []string {
	cols := []string{"案件数 (reports)", "未办结 (open)", "已结案 (closed)", "不予受理 (rejected)", "超期 (overdue)",
		"环节超时 (stage_overdue)", "按期结案数 (closed_on_time)", "结案率 (closure_rate)", "按期结案率 (on_time_rate)"}
	for _, st := range grid110.Stages {
		cols = append(cols, st.ZhName()+"时长中位数/小时 (median_hours."+string(st)+")")
	}
	return cols
}()

// statsCSV writes the rows and then the totals (key "total", name 合计) as
// UTF-8 CSV with a byte order mark, so that Excel reads the Chinese, and a
// file name that echoes the filter.
func statsCSV(c echo.Context, out statsResponse) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+statsFileName(out)+`"`)
	c.Response().WriteHeader(http.StatusOK)
	if _, err := c.Response().Write([]byte("\uFEFF")); err != nil {
		return err
	}
	w := csv.NewWriter(c.Response())
	head := []string{"键 (key)", "名称 (name)"}
	switch {
	case out.By == postgres.StatsByGrid:
		head = append(head, "网格ID (grid_id)", "仅本级 (direct)")
	case out.By == postgres.StatsByTeam:
		head = append(head, "队伍ID (team_id)")
	case out.By.Period():
		head = append(head, "开始 (start)", "结束 (end)")
	}
	w.Write(append(head, statsColumns...)) //nolint:errcheck // Flush reports it
	for _, r := range out.Rows {
		rec := []string{r.Key, r.Name}
		switch {
		case out.By == postgres.StatsByGrid:
			rec = append(rec, strconv.FormatInt(r.GridID, 10), strconv.FormatBool(r.Direct))
		case out.By == postgres.StatsByTeam:
			rec = append(rec, strconv.FormatInt(r.TeamID, 10))
		case out.By.Period():
			rec = append(rec, r.Start.Format(time.RFC3339), r.End.Format(time.RFC3339))
		}
		w.Write(append(rec, r.statsMetrics.csv()...)) //nolint:errcheck
	}
	total := []string{"total", "合计"}
	for len(total) < len(head) {
		total = append(total, "")
	}
	w.Write(append(total, out.Totals.csv()...)) //nolint:errcheck
	w.Flush()
	return w.Error()
}

// csv returns the metrics as the cells of statsColumns; null is empty.
func (m statsMetrics) csv() []string {
	f := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	h := m.MedianHours
	return []string{strconv.Itoa(m.Reports), strconv.Itoa(m.Open), strconv.Itoa(m.Closed), strconv.Itoa(m.Rejected),
		strconv.Itoa(m.Overdue), strconv.Itoa(m.StageOverdue), strconv.Itoa(m.ClosedOnTime), f(m.ClosureRate), f(m.OnTimeRate),
		f(h.Filing), f(h.Dispatch), f(h.Handling), f(h.Verification), f(h.Closure)}
}

// statsFileName names the CSV after the grouping and the filter, such as
// grid110-stats-by-grid-grid-350602-category-dispute-from-2026-11-01.csv.
// Only [A-Za-z0-9._-] are kept, so the name needs no quoting rules.
func statsFileName(out statsResponse) string {
	parts := []string{"grid110-stats-by-" + string(out.By)}
	f := out.Filter
	if f.Grid != 0 {
		g := f.GridCode
		if g == "" {
			g = strconv.FormatInt(f.Grid, 10)
		}
		parts = append(parts, "grid-"+g)
	}
	if f.Category != "" {
		parts = append(parts, "category-"+f.Category)
	}
	if f.Status != "" {
		parts = append(parts, "status-"+string(f.Status))
	}
	if f.Team != 0 {
		parts = append(parts, "team-"+strconv.FormatInt(f.Team, 10))
	}
	stamp := func(t time.Time) string {
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
			return t.Format("2006-01-02")
		}
		return t.Format("2006-01-02T1504")
	}
	if f.From != nil {
		parts = append(parts, "from-"+stamp(*f.From))
	}
	if f.To != nil {
		parts = append(parts, "to-"+stamp(*f.To))
	}
	return unsafeFileChars.ReplaceAllString(strings.Join(parts, "-"), "_") + ".csv"
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)
