package server

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under
// /open311/v2: discovery, services and their definitions, and service
// requests (our reports) to submit and to follow, each in .json and .xml.
// Parsing of the query and the form is in open311_params.go.
//
// Decisions the specification leaves to us:
//   - POST requests needs an API key (api_key in the form or the query, or
//     the usual X-API-Key or bearer token); without one, or with a wrong
//     one, it is 403, as for every wrong key on these routes.
//   - Reading needs none. Anonymous callers see every report, but only
//     what is safe to publish: no description or media_url (free text and
//     photos from residents), the location rounded to about 100 m and the
//     address down to the community, never the compound. A caller with a
//     key or token sees the reports of its jurisdiction in full, still
//     without the reporter's contact details.
//   - Our states map to open and closed (closed and rejected are closed);
//     status_notes carries the detailed state.
//   - Server errors keep their 5xx code (the specification's catch-all is
//     400, but a fault of ours is not the client's); the body is still an
//     Open311 errors array.

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
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

const (
	open311Prefix = "/open311/v2"
	open311Spec   = "http://wiki.open311.org/GeoReport_v2"
	// open311Changeset is when the service list or definitions last
	// changed in meaning. Categories change only by migration: a migration
	// that changes them should move this forward.
	open311Changeset = "2026-11-28T00:00:00+08:00"
	// publicDecimals is how many decimals of a degree anonymous callers
	// get: 3 is about 110 m, a block rather than a door.
	publicDecimals = 3
)

// open311Format is the format a client asks for with the resource's
// extension.
type open311Format string

const (
	formatJSON open311Format = "json"
	formatXML  open311Format = "xml"
)

// isOpen311 reports whether the request is for an Open311 route.
func isOpen311(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, open311Prefix+"/")
}

// formatOf is the format of the request's path, for replies written
// before or without parsing it, errors included: JSON if the path ends in
// .json, otherwise XML, the one format the specification requires.
func formatOf(c echo.Context) open311Format {
	if strings.HasSuffix(c.Request().URL.Path, ".json") {
		return formatJSON
	}
	return formatXML
}

// writeOpen311 writes v as JSON, or as XML under the root element v's
// XMLName gives.
func writeOpen311(c echo.Context, f open311Format, code int, v any) error {
	if f == formatJSON {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return c.Blob(code, "application/json; charset=utf-8", b)
	}
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return c.Blob(code, "text/xml; charset=utf-8", append([]byte(xml.Header), b...))
}

// xmlList is a list as the specification writes it in XML: a root element
// (services, service_requests, errors) holding one element per item, named
// by the item type's XMLName. In JSON the list is a plain array.
type xmlList[T any] struct {
	XMLName xml.Name
	Items   []T
}

// writeOpen311List writes items as a JSON array or under <root> in XML.
func writeOpen311List[T any](c echo.Context, f open311Format, code int, root string, items []T) error {
	if items == nil {
		items = []T{}
	}
	if f == formatJSON {
		return writeOpen311(c, f, code, items)
	}
	return writeOpen311(c, f, code, xmlList[T]{XMLName: xml.Name{Local: root}, Items: items})
}

// nullString is text the specification's JSON shows as null when empty
// (its examples map an empty XML element to null); XML writes it as is.
type nullString string

func (s nullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// w3 formats t as the specification's dates: W3C datetime with the zone,
// in China time.
func w3(t time.Time) string { return t.In(chinaTime).Format(time.RFC3339) }

// open311Error is one entry of an error reply.
type open311Error struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

// open311Status is the status the specification wants for an error we
// would answer with code: 404 for what does not exist, 403 for a missing
// or wrong api_key (our 401) and for what a key may not do, 400 for every
// other client error (422, 409, 405 …). Server errors keep their code.
func open311Status(code int) int {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return http.StatusForbidden
	case code == http.StatusNotFound || code >= 500:
		return code
	}
	return http.StatusBadRequest
}

// open311Errors answers every error of the Open311 routes, and of
// authenticate before them, as the specification says: an errors array in
// the format the path asks for. The status still comes from errors.go's
// table, translated by open311Status; the main handler is not involved.
func (s *Server) open311Errors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		// A timeout goes on to ContextTimeout, which makes it a 503 that
		// handleError writes in Open311's format.
		if err == nil || c.Response().Committed || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		s.writeOpen311Error(c, err)
		return nil
	}
}

// writeOpen311Error writes err as an Open311 errors array.
func (s *Server) writeOpen311Error(c echo.Context, err error) {
	code, body := errorReply(err)
	if code >= 500 {
		s.logFailure(c, err)
	}
	code = open311Status(code)
	// authenticate asks for a bearer token; Open311 clients send api_key.
	c.Response().Header().Del("WWW-Authenticate")
	if err := writeOpen311List(c, formatOf(c), code, "errors", []open311Error{{Code: code, Description: body.Error}}); err != nil {
		s.log.Warn("write error reply", "err", err)
	}
}

// open311Discovery is the service discovery document.
type open311Discovery struct {
	XMLName    xml.Name          `json:"-" xml:"discovery"`
	Changeset  string            `json:"changeset" xml:"changeset"`
	Contact    string            `json:"contact" xml:"contact"`
	KeyService string            `json:"key_service" xml:"key_service"`
	Endpoints  []open311Endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

type open311Endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

// getOpen311Discovery handles GET /open311/v2/discovery.{format}.
func (s *Server) getOpen311Discovery(c echo.Context) error {
	f, err := parseFormat(c.Param("format"))
	if err != nil {
		return err
	}
	return writeOpen311(c, f, http.StatusOK, open311Discovery{
		Changeset: open311Changeset,
		Contact:   "网格110（社区(乡村)110）指挥中心；grid110 command centre. API questions: the grid110 administrator.",
		KeyService: "API keys are issued by the grid110 administrator to an api_client account " +
			"(grid110 users key); the key's grid is the jurisdiction it reads.",
		Endpoints: []open311Endpoint{{Specification: open311Spec, URL: requestBase(c) + open311Prefix,
			Changeset: open311Changeset, Type: "production", Formats: []string{"application/json", "text/xml"}}},
	})
}

// open311Service is one entry of the service list: one of our categories.
type open311Service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

// getOpen311Services handles GET /open311/v2/services.{format}.
func (s *Server) getOpen311Services(c echo.Context) error {
	f, err := parseFormat(c.Param("format"))
	if err != nil {
		return err
	}
	ctx, en := c.Request().Context(), english(c.QueryParam("locale"))
	if _, err := s.open311Grid(ctx, c.QueryParam("jurisdiction_id")); err != nil {
		return err
	}
	cats, err := s.cats.all(ctx)
	if err != nil {
		return err
	}
	depts, err := s.departments(ctx)
	if err != nil {
		return err
	}
	out := make([]open311Service, len(cats))
	for i, x := range cats {
		out[i] = open311Service{ServiceCode: x.Code, ServiceName: pick(en, x.NameZh, x.NameEn),
			Description: pick(en, x.DescriptionZh, x.DescriptionEn), Metadata: false, Type: "realtime",
			Keywords: pick(en, x.NameEn, x.NameZh) + ", " + x.Code, Group: depts.name(x.Department, en)}
	}
	return writeOpen311List(c, f, http.StatusOK, "services", out)
}

// open311Definition is a service definition. Our services ask for
// nothing beyond the common fields, so there are no attributes, and the
// service list says metadata false.
type open311Definition struct {
	XMLName     xml.Name     `json:"-" xml:"service_definition"`
	ServiceCode string       `json:"service_code" xml:"service_code"`
	Attributes  noAttributes `json:"attributes" xml:"attributes"`
}

// noAttributes is an empty attribute list: [] in JSON, <attributes></attributes> in XML.
type noAttributes struct{}

func (noAttributes) MarshalJSON() ([]byte, error) { return []byte("[]"), nil }

func (noAttributes) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement("", start)
}

// getOpen311Service handles GET /open311/v2/services/{service_code}.{format}.
func (s *Server) getOpen311Service(c echo.Context) error {
	code, f, err := splitFile(c.Param("service"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.open311Grid(ctx, c.QueryParam("jurisdiction_id")); err != nil {
		return err
	}
	if _, err := s.open311Category(ctx, code); err != nil {
		return err
	}
	return writeOpen311(c, f, http.StatusOK, open311Definition{ServiceCode: code})
}

// open311Category returns the category with code; unknown codes are 404,
// as the specification says for a service_code not found.
func (s *Server) open311Category(ctx context.Context, code string) (grid110.Category, error) {
	cats, err := s.cats.all(ctx)
	if err != nil {
		return grid110.Category{}, err
	}
	codes := make([]string, len(cats))
	for i, x := range cats {
		if x.Code == code {
			return x, nil
		}
		codes[i] = x.Code
	}
	return grid110.Category{}, fmt.Errorf("service_code %q is not one of ours (%s): %w", code, strings.Join(codes, ", "), grid110.ErrNotFound)
}

// open311Grid returns the id of the grid that jurisdiction_id names by its
// code ("" for none: 0). We serve one city, so the specification lets us
// ignore the parameter; we read it as a grid code instead (350602 is
// 芗城区), which narrows GET requests to that grid. An unknown code is 404.
func (s *Server) open311Grid(ctx context.Context, code string) (int64, error) {
	if code == "" {
		return 0, nil
	}
	g, err := s.store.GridByCode(ctx, code)
	if errors.Is(err, grid110.ErrNotFound) {
		return 0, fmt.Errorf("jurisdiction_id %q: no grid has this code (use a grid code, e.g. 350600 for the city): %w",
			code, grid110.ErrNotFound)
	}
	return g.ID, err
}

// open311Created answers a submission.
type open311Created struct {
	XMLName          xml.Name   `json:"-" xml:"request"`
	ServiceRequestID int64      `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    nullString `json:"service_notice" xml:"service_notice"`
	AccountID        nullString `json:"account_id" xml:"account_id"` // we keep no resident accounts
}

// postOpen311Request handles POST /open311/v2/requests.{format}: a new
// report on channel open311, by the API client whose key came with it.
// An Idempotency-Key header makes retries safe, as on POST /api/v1/reports.
func (s *Server) postOpen311Request(c echo.Context) error {
	f, err := parseFormat(c.Param("format"))
	if err != nil {
		return err
	}
	form, err := open311Form(c)
	if err != nil {
		return err
	}
	p, err := s.open311Caller(c, form.Get("api_key"))
	if err != nil {
		return err
	}
	ctx, en := c.Request().Context(), english(form.Get("locale"))
	if _, err := s.open311Grid(ctx, form.Get("jurisdiction_id")); err != nil {
		return err
	}
	req, err := open311Submission(form)
	if err != nil {
		return err
	}
	cat, err := s.open311Category(ctx, req.Category)
	if err != nil {
		return err
	}
	req.Actor = p.Actor()
	req.IdempotencyKey = strings.TrimSpace(c.Request().Header.Get("Idempotency-Key"))
	res, err := s.intake.Submit(ctx, req)
	if err != nil {
		return open311Fields(err)
	}
	depts, err := s.departments(ctx)
	if err != nil {
		return err
	}
	// The tracking code is the submitter's to pass on to the resident (it
	// lets them follow and rate the case); GET requests never shows it.
	notice := serviceNotice(cat, depts, en) + pick(en, "；跟踪码 ", "; tracking code ") + res.Report.TrackingCode
	code := http.StatusCreated
	if !res.Created {
		code = http.StatusOK
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("%s%s/requests/%d.%s", requestBase(c), open311Prefix, res.Report.ID, f))
	return writeOpen311List(c, f, code, "service_requests",
		[]open311Created{{ServiceRequestID: res.Report.ID, ServiceNotice: nullString(notice)}})
}

var errNoAPIKey = &authError{"api_key is required to submit a service request; the administrator issues keys (see key_service in discovery.json)"}

// open311Caller is who submits: the caller authenticate recognised (from a
// header, or api_key in the query), or else the api_key of the form, where
// the specification puts it.
func (s *Server) open311Caller(c echo.Context, key string) (grid110.Principal, error) {
	if p := principalOf(c); !p.Anonymous() {
		return p, nil
	}
	if key == "" {
		return grid110.Principal{}, errNoAPIKey
	}
	p, err := s.signin.Recognise(c.Request().Context(), key)
	if err != nil {
		return grid110.Principal{}, fmt.Errorf("invalid api_key: %w", err)
	}
	return p, nil
}

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
// only what may be published (see the top of this file).
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
