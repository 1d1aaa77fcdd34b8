package server

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"grid110/internal/grid110"
	"grid110/internal/intake"
	"grid110/internal/locate"
	"grid110/internal/postgres"
)

// reportResponse is a report as the public API shows it. Reporter contact
// details are never included here.
type reportResponse struct {
	ID           int64              `json:"id"`
	TrackingCode string             `json:"tracking_code"`
	Status       grid110.Status     `json:"status"`
	Category     string             `json:"category"`
	Description  string             `json:"description"`
	Channel      grid110.Channel    `json:"channel"`
	Priority     int                `json:"priority"`
	Location     lonLat             `json:"location"` // WGS-84
	Input        *lonLat            `json:"input,omitempty"`
	Grid         *grid110.GridRef   `json:"grid,omitempty"`
	Chain        []grid110.GridRef  `json:"chain"`
	DutyTeam     *locate.TeamRef    `json:"duty_team"`
	Team         *locate.NearbyTeam `json:"team"`
	Department   string             `json:"department,omitempty"`
	CreatedAt    time.Time          `json:"created_at"`
	UpdatedAt    time.Time          `json:"updated_at"`
	DueAt        *time.Time         `json:"due_at,omitempty"`
	// Supervision (督办): the current stage and its deadline, and the
	// escalations of a case that overstayed one.
	Stage           grid110.Stage    `json:"stage,omitempty"`
	StageDueAt      *time.Time       `json:"stage_due_at,omitempty"`
	Overdue         bool             `json:"overdue,omitempty"`
	Escalations     int              `json:"escalations,omitempty"`
	SupervisingGrid *grid110.GridRef `json:"supervising_grid,omitempty"`
	Events          []grid110.Event  `json:"events,omitempty"`
}

func (s *Server) newReportResponse(r grid110.Report) reportResponse {
	snap := s.locator.Snapshot()
	out := reportResponse{ID: r.ID, TrackingCode: r.TrackingCode, Status: r.Status, Category: r.Category,
		Description: r.Description, Channel: r.Channel, Priority: r.Priority,
		Location: lonLat{round7(r.Location[0]), round7(r.Location[1]), "wgs84"}, Department: r.Department,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Chain: []grid110.GridRef{}}
	if r.InputCRS != "compound" {
		out.Input = &lonLat{r.InputLon, r.InputLat, r.InputCRS}
	}
	if chain, ok := snap.Chain(r.GridID); ok {
		out.Chain = chain
		g := chain[len(chain)-1]
		out.Grid = &g
	}
	if t, ok := snap.Team(r.DutyTeamID); ok {
		out.DutyTeam = &t
	}
	if t, ok := snap.Team(r.TeamID); ok {
		out.Team = &locate.NearbyTeam{TeamRef: t, DistanceM: snap.DistanceToTeam(r.Location, r.TeamID)}
	}
	if !r.DueAt.IsZero() && r.DueAt.Unix() > 0 {
		out.DueAt = &r.DueAt
	}
	s.addSupervision(&out, r)
	return out
}

// addSupervision adds the case's stage deadline and escalations to out.
func (s *Server) addSupervision(out *reportResponse, r grid110.Report) {
	if st, ok := grid110.StageOf(r.Status); ok && !r.StageDueAt.IsZero() {
		out.Stage, out.StageDueAt, out.Overdue = st, &r.StageDueAt, r.StageDueAt.Before(time.Now())
	}
	out.Escalations = r.Escalations
	if chain, ok := s.locator.Snapshot().Chain(r.SupervisingGridID); ok && r.SupervisingGridID != 0 {
		g := chain[len(chain)-1]
		out.SupervisingGrid = &g
	}
}

// createdResponse answers a submission: the report, the attachments
// stored with it, and earlier reports it likely duplicates (the same
// category nearby and recently), so the submitter can see the matter is
// known and staff can link them.
type createdResponse struct {
	reportResponse
	Attachments      []attachmentRef `json:"attachments"`
	LikelyDuplicates []duplicateRef  `json:"likely_duplicates"`
}

// createReport handles POST /api/v1/reports. With an Idempotency-Key
// header, a retry answers with the report the first attempt stored (and
// Idempotent-Replayed: true), never a second report.
func (s *Server) createReport(c echo.Context) error {
	var req intake.Request
	var atts []postgres.Attachment
	var err error
	if ct := c.Request().Header.Get(echo.HeaderContentType); strings.HasPrefix(ct, echo.MIMEMultipartForm) {
		atts, err = s.readMultipartFiles(c, &req)
	} else {
		err = bindJSON(c, &req, 64<<10)
	}
	if err != nil {
		return err
	}
	req.IdempotencyKey = strings.TrimSpace(c.Request().Header.Get("Idempotency-Key"))
	p := principalOf(c)
	if !p.Anonymous() {
		req.Actor = p.Actor()
		if p.Role == grid110.StaffAPIClient && req.Channel == "" {
			req.Channel = string(grid110.ChannelAPI)
		}
	}
	req.Attachments = atts
	ctx := c.Request().Context()
	res, err := s.intake.Submit(ctx, req)
	if err != nil {
		return err
	}
	out := createdResponse{reportResponse: s.newReportResponse(res.Report), LikelyDuplicates: []duplicateRef{}}
	if len(res.Located.Nearest) > 0 && res.Report.TeamID == res.Located.Nearest[0].ID {
		n := res.Located.Nearest[0]
		out.Team = &n
	}
	stored, err := s.store.Attachments(ctx, res.Report.ID)
	if err != nil {
		return err
	}
	out.Attachments = attachmentRefs(stored)
	dups, err := s.store.LikelyDuplicates(ctx, res.Report.ID, grid110.Jurisdiction{All: true})
	if err != nil {
		return err
	}
	out.LikelyDuplicates = duplicateRefs(dups)
	if !res.Created {
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/reports/"+strconv.FormatInt(res.Report.ID, 10))
	return c.JSON(http.StatusCreated, out)
}

// caseResponse is a report as staff see it: the report with its audit
// trail, its workflow state, what the caller may do with it now, and the
// reporter's contact details (masked unless the caller's role calls back).
type caseResponse struct {
	reportResponse
	AllowedMoves            []grid110.Move   `json:"allowed_moves"`
	Reporter                *reporterContact `json:"reporter,omitempty"`
	ResolutionNote          string           `json:"resolution_note,omitempty"`
	Extensions              int              `json:"extensions"`
	ExtensionRequestedUntil *time.Time       `json:"extension_requested_until,omitempty"`
	DuplicateOf             int64            `json:"duplicate_of,omitempty"`
	LikelyDuplicates        []duplicateRef   `json:"likely_duplicates"`
	Attachments             []attachmentRef  `json:"attachments"`
}

type reporterContact struct {
	Name   string `json:"name,omitempty"`
	Phone  string `json:"phone,omitempty"`
	Masked bool   `json:"masked"`
}

// caseOf reads report id as the caller may see it; 404 outside the
// caller's jurisdiction.
func (s *Server) caseOf(c echo.Context, id int64) (caseResponse, error) {
	ctx := c.Request().Context()
	p := principalOf(c)
	r, err := s.store.ReportIn(ctx, id, p.Jurisdiction())
	if err != nil {
		return caseResponse{}, err
	}
	cs, err := s.store.Case(ctx, id)
	if err != nil {
		return caseResponse{}, err
	}
	out := caseResponse{reportResponse: s.newReportResponse(r), AllowedMoves: p.AllowedMoves(cs),
		ResolutionNote: cs.ResolutionNote, Extensions: cs.Extensions, DuplicateOf: cs.DuplicateOf}
	if !cs.ExtensionAsked.IsZero() {
		out.ExtensionRequestedUntil = &cs.ExtensionAsked
	}
	if r.ReporterName != "" || r.ReporterPhone != "" {
		rc := reporterContact{Name: r.ReporterName, Phone: r.ReporterPhone}
		if !p.SeesContact() {
			rc = reporterContact{Name: grid110.MaskName(r.ReporterName), Masked: true}
			if r.ReporterPhone != "" {
				rc.Phone = grid110.MaskPhone(r.ReporterPhone)
			}
		}
		out.Reporter = &rc
	}
	if out.Events, err = s.store.ReportEvents(ctx, id); err != nil {
		return caseResponse{}, err
	}
	dups, err := s.store.LikelyDuplicates(ctx, id, p.Jurisdiction())
	if err != nil {
		return caseResponse{}, err
	}
	out.LikelyDuplicates = duplicateRefs(dups)
	atts, err := s.store.Attachments(ctx, id)
	if err != nil {
		return caseResponse{}, err
	}
	out.Attachments = attachmentRefs(atts)
	return out, nil
}

// getReport handles GET /api/v1/reports/:id: the case with its audit
// trail, for signed-in callers whose jurisdiction holds it.
func (s *Server) getReport(c echo.Context) error {
	id, err := parseID(c.Param("id"), "id")
	if err != nil {
		return err
	}
	out, err := s.caseOf(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// reportPage is one page of a listing; next_cursor fetches the next.
type reportPage struct {
	Items      []reportResponse `json:"items"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// listReports handles GET /api/v1/reports?grid=&bbox=&category=&status=&from=&to=&overdue=&cursor=&limit=.
func (s *Server) listReports(c echo.Context) error {
	f := postgres.ReportFilter{Limit: 50, Jurisdiction: principalOf(c).Jurisdiction()}
	var err error
	q := c.QueryParams()
	if v := q.Get("grid"); v != "" {
		if f.GridID, err = parseID(v, "grid"); err != nil {
			return err
		}
	}
	if v := q.Get("bbox"); v != "" {
		b, err := parseBBox(v)
		if err != nil {
			return err
		}
		f.Bound = &b
	}
	if v := q.Get("category"); v != "" {
		if _, err := s.cats.get(c.Request().Context(), v, "category"); err != nil {
			return err
		}
		f.Category = v
	}
	if v := q.Get("status"); v != "" {
		if f.Status, err = grid110.ParseStatus(v); err != nil {
			return err
		}
	}
	if f.From, err = parseTime(q.Get("from"), "from"); err != nil {
		return err
	}
	if f.To, err = parseTime(q.Get("to"), "to"); err != nil {
		return err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return grid110.Invalid("to", "must be after from")
	}
	if v := q.Get("overdue"); v != "" {
		if f.Overdue, err = strconv.ParseBool(v); err != nil {
			return grid110.Invalid("overdue", "%q is not true or false", v)
		}
	}
	if f.Limit, err = parseLimit(q.Get("limit"), 50, 500); err != nil {
		return err
	}
	if v := q.Get("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil {
			return grid110.Invalid("cursor", "not a cursor from a previous page")
		}
		if f.Before, err = strconv.ParseInt(string(b), 10, 64); err != nil || f.Before <= 0 {
			return grid110.Invalid("cursor", "not a cursor from a previous page")
		}
	}
	list, err := s.store.Reports(c.Request().Context(), f)
	if err != nil {
		return err
	}
	page := reportPage{Items: make([]reportResponse, len(list))}
	for i, r := range list {
		page.Items[i] = s.newReportResponse(r)
	}
	if len(list) == f.Limit {
		page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(list[len(list)-1].ID, 10)))
	}
	return c.JSON(http.StatusOK, page)
}

func parseID(v, field string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, grid110.Invalid(field, "%q is not an id (a positive whole number)", v)
	}
	return id, nil
}

func parseLimit(v string, def, max int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, grid110.Invalid("limit", "%q is not a whole number from 1 to %d", v, max)
	}
	return n, nil
}

// parseTime accepts RFC 3339 or a date (YYYY-MM-DD, midnight China time).
func parseTime(v, field string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, chinaTime); err == nil {
		return t, nil
	}
	return time.Time{}, grid110.Invalid(field, "%q is not a time (RFC 3339, e.g. 2026-11-28T08:00:00+08:00, or a date 2026-11-28)", v)
}

var chinaTime = time.FixedZone("CST", 8*3600)

// parseBBox parses "minLon,minLat,maxLon,maxLat" (WGS-84).
func parseBBox(v string) (orb.Bound, error) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return orb.Bound{}, grid110.Invalid("bbox", "want minLon,minLat,maxLon,maxLat; got %q", v)
	}
	var f [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return orb.Bound{}, grid110.Invalid("bbox", "%q is not a number", p)
		}
		f[i] = x
	}
	for _, i := range []int{0, 2} {
		if !(f[i] >= -180 && f[i] <= 180 && f[i+1] >= -90 && f[i+1] <= 90) { // NaN fails too
			return orb.Bound{}, grid110.Invalid("bbox", "%q is outside -180..180, -90..90", v)
		}
	}
	if f[0] > f[2] || f[1] > f[3] {
		return orb.Bound{}, grid110.Invalid("bbox", "min is greater than max in %q", v)
	}
	return orb.Bound{Min: orb.Point{f[0], f[1]}, Max: orb.Point{f[2], f[3]}}, nil
}
