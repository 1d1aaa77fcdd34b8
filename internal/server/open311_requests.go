package server

// Open311's GET requests and requests/{id}: our reports as service
// requests, in public fields for anonymous callers (see open311.go).

import (
	"context"
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
	"grid110/internal/locate"
	"grid110/internal/postgres"
)

// open311Request is a service request as GET requests shows it.
type open311Request struct {
	XMLName           xml.Name   `json:"-" xml:"request"`
	ServiceRequestID  int64      `json:"service_request_id" xml:"service_request_id"`
	Status            string     `json:"status" xml:"status"`
	StatusNotes       nullString `json:"status_notes" xml:"status_notes"`
	ServiceName       string     `json:"service_name" xml:"service_name"`
	ServiceCode       string     `json:"service_code" xml:"service_code"`
	Description       nullString `json:"description" xml:"description"`
	AgencyResponsible nullString `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     nullString `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string     `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string     `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  nullString `json:"expected_datetime" xml:"expected_datetime"`
	Address           nullString `json:"address" xml:"address"`
	AddressID         nullString `json:"address_id" xml:"address_id"`
	Zipcode           nullString `json:"zipcode" xml:"zipcode"`
	Lat               float64    `json:"lat" xml:"lat"`
	Long              float64    `json:"long" xml:"long"`
	MediaURL          nullString `json:"media_url" xml:"media_url"`
}

// open311Scope is what the caller may read: everything in public fields
// for anonymous callers, their jurisdiction in full for the signed-in.
func open311Scope(c echo.Context) (j grid110.Jurisdiction, public bool) {
	p := principalOf(c)
	if p.Anonymous() {
		return grid110.Jurisdiction{All: true}, true
	}
	return p.Jurisdiction(), false
}

// getOpen311Requests handles GET /open311/v2/requests.{format}. With no
// service_request_id it lists the last 90 days (or the window asked for),
// newest first, at most 1000 a page; page and page_size page through more
// (as FixMyStreet does), and a Link header names the next page.
func (s *Server) getOpen311Requests(c echo.Context) error {
	f, err := parseFormat(c.Param("format"))
	if err != nil {
		return err
	}
	q := c.QueryParams()
	rq, err := parseRequestQuery(q, time.Now())
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	for _, code := range rq.Categories {
		if _, err := s.cats.get(ctx, code, "service_code"); err != nil {
			return err
		}
	}
	if rq.GridID, err = s.open311Grid(ctx, q.Get("jurisdiction_id")); err != nil {
		return err
	}
	var public bool
	rq.Jurisdiction, public = open311Scope(c)
	list, err := s.store.ServiceRequests(ctx, rq.ServiceRequestFilter)
	if err != nil {
		return err
	}
	out, err := s.open311Requests(ctx, list, public, english(q.Get("locale")))
	if err != nil {
		return err
	}
	if len(rq.IDs) == 0 && len(list) == rq.Limit {
		next := c.Request().URL.Query()
		next.Set("page", strconv.Itoa(rq.Page+1))
		c.Response().Header().Set("Link", fmt.Sprintf(`<%s%s?%s>; rel="next"`, requestBase(c), c.Request().URL.Path, next.Encode()))
	}
	return writeOpen311List(c, f, http.StatusOK, "service_requests", out)
}

// getOpen311Request handles GET /open311/v2/requests/{service_request_id}.{format}:
// a one-element list, or 404 for a report that does not exist or that the
// caller's key may not read.
func (s *Server) getOpen311Request(c echo.Context) error {
	v, f, err := splitFile(c.Param("request"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("service_request_id %q: not an id: %w", v, grid110.ErrNotFound)
	}
	ctx := c.Request().Context()
	rf := postgres.ServiceRequestFilter{IDs: []int64{id}, Limit: 1}
	if rf.GridID, err = s.open311Grid(ctx, c.QueryParam("jurisdiction_id")); err != nil {
		return err
	}
	var public bool
	rf.Jurisdiction, public = open311Scope(c)
	list, err := s.store.ServiceRequests(ctx, rf)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return fmt.Errorf("service request %d: %w", id, grid110.ErrNotFound)
	}
	out, err := s.open311Requests(ctx, list, public, english(c.QueryParam("locale")))
	if err != nil {
		return err
	}
	return writeOpen311List(c, f, http.StatusOK, "service_requests", out)
}

// open311Requests turns reports into service requests; public ones carry
// only what may be published (see the decisions in open311.go).
func (s *Server) open311Requests(ctx context.Context, list []postgres.ServiceRequest, public, en bool) ([]open311Request, error) {
	cats, err := s.cats.all(ctx)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]grid110.Category, len(cats))
	for _, x := range cats {
		byCode[x.Code] = x
	}
	depts, err := s.departments(ctx)
	if err != nil {
		return nil, err
	}
	snap := s.locator.Snapshot()
	out := make([]open311Request, len(list))
	for i, r := range list {
		cat := byCode[r.Category]
		o := open311Request{ServiceRequestID: r.ID, Status: "open", StatusNotes: nullString(statusNotes(r, en)),
			ServiceName: pick(en, cat.NameZh, cat.NameEn), ServiceCode: r.Category,
			AgencyResponsible: nullString(agency(r.Report, depts, snap, en)), ServiceNotice: nullString(serviceNotice(cat, depts, en)),
			RequestedDatetime: w3(r.CreatedAt), UpdatedDatetime: w3(r.UpdatedAt), Lat: r.Location[1], Long: r.Location[0]}
		if !r.Status.Open() {
			o.Status = "closed"
		}
		if !r.DueAt.IsZero() && r.DueAt.Unix() > 0 {
			o.ExpectedDatetime = nullString(w3(r.DueAt))
		}
		chain, _ := snap.Chain(r.GridID)
		if n := len(chain); n > 0 && chain[n-1].Level == grid110.LevelCompound {
			if public {
				chain = chain[:n-1]
			} else {
				o.AddressID = nullString(chain[n-1].Code)
			}
		}
		o.Address = nullString(address(chain))
		if public {
			o.Lat, o.Long = roundTo(o.Lat, publicDecimals), roundTo(o.Long, publicDecimals)
		} else {
			o.Lat, o.Long = round7(o.Lat), round7(o.Long) // 1 cm, as the JSON API answers
			o.Description, o.MediaURL = nullString(r.Description), nullString(r.MediaURL)
		}
		out[i] = o
	}
	return out, nil
}

// address is a grid chain (city first) as the specification orders an
// address: from the most specific place to the most general.
func address(chain []grid110.GridRef) string {
	names := make([]string, len(chain))
	for i, g := range chain {
		names[len(chain)-1-i] = g.Name
	}
	return strings.Join(names, ", ")
}

func roundTo(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}

// statusLabels names each state for status_notes, in Chinese and English.
var statusLabels = map[grid110.Status][2]string{
	grid110.StatusSubmitted:  {"已上报，待网格员采集建档", "reported, awaiting the grid team"},
	grid110.StatusFiled:      {"已采集建档", "filed by the grid team"},
	grid110.StatusDispatched: {"已分流交办", "handed to a team or department"},
	grid110.StatusInProgress: {"处置中", "being dealt with"},
	grid110.StatusResolved:   {"已处置，待核查", "dealt with, awaiting an on-site check"},
	grid110.StatusVerified:   {"已核查，待办结", "checked on site, awaiting closure"},
	grid110.StatusClosed:     {"已办结", "closed"},
	grid110.StatusReturned:   {"已回退，待重新交办", "returned for re-dispatch"},
	grid110.StatusRejected:   {"不予受理", "not taken up"},
	grid110.StatusReopened:   {"群众不满意，已重新办理", "reopened: the reporter was not satisfied"},
}

// statusNotes is our detailed state, e.g. "dispatched — 已分流交办".
func statusNotes(r postgres.ServiceRequest, en bool) string {
	l := statusLabels[r.Status]
	out := string(r.Status) + " — " + pick(en, l[0], l[1])
	if r.DuplicateOf != 0 {
		out += fmt.Sprintf(pick(en, "（重复上报，见 %d）", " (a duplicate of %d)"), r.DuplicateOf)
	}
	return out
}

// serviceNotice says who handles a category and how long it may take.
func serviceNotice(cat grid110.Category, depts departmentNames, en bool) string {
	if cat.Code == "" {
		return ""
	}
	d := depts.name(cat.Department, en)
	h := cat.TimeAllowed.Hours()
	if h >= 24 && math.Mod(h, 24) == 0 {
		return fmt.Sprintf(pick(en, "由%s办理，时限 %g 天", "Handled by %s within %g days"), d, h/24)
	}
	return fmt.Sprintf(pick(en, "由%s办理，时限 %g 小时", "Handled by %s within %g hours"), d, h)
}

// agency is who answers for the case: its department and its N-team.
func agency(r grid110.Report, depts departmentNames, snap *locate.Snapshot, en bool) string {
	var parts []string
	if r.Department != "" {
		parts = append(parts, depts.name(r.Department, en))
	}
	if t, ok := snap.Team(r.TeamID); ok {
		parts = append(parts, t.Name)
	}
	return strings.Join(parts, " / ")
}

// departmentNames maps department codes to their Chinese and English names.
type departmentNames map[string][2]string

func (d departmentNames) name(code string, en bool) string {
	n, ok := d[code]
	if !ok {
		return code
	}
	return pick(en, n[0], n[1])
}

func (s *Server) departments(ctx context.Context) (departmentNames, error) {
	list, err := s.store.Departments(ctx)
	if err != nil {
		return nil, err
	}
	out := make(departmentNames, len(list))
	for _, d := range list {
		out[d.Code] = [2]string{d.NameZh, d.NameEn}
	}
	return out, nil
}

// english reports whether locale (an Open311 extension, e.g. en or
// en-US) asks for English; anything else gets Chinese.
func english(locale string) bool {
	l := strings.ToLower(locale)
	return l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_")
}

func pick(en bool, zh, english string) string {
	if en {
		return english
	}
	return zh
}
