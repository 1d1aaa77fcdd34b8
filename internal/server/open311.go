package server

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under
// /open311/v2: discovery, services and their definitions, and service
// requests (our reports) to submit and to follow, each in .json and .xml.
// Formats and errors are in open311_format.go, reading requests in
// open311_requests.go, parsing the query and the form in open311_params.go.
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
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
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
