package server

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
	"grid110/internal/intake"
	"grid110/internal/postgres"
)

// Limits of GET requests, as the specification sets them.
const (
	open311Window      = 90 * 24 * time.Hour // the default and the widest start_date..end_date
	open311MaxRequests = 1000                // per reply; also the most ids one may ask for
	open311MaxPage     = 1000000
	open311MaxForm     = 256 << 10 // bytes of a POST body; media goes by media_url
)

// parseFormat reads a resource's extension. Other extensions name
// resources that do not exist (404).
func parseFormat(ext string) (open311Format, error) {
	switch ext {
	case "json":
		return formatJSON, nil
	case "xml":
		return formatXML, nil
	}
	return "", fmt.Errorf("format %q: want .json or .xml: %w", ext, grid110.ErrNotFound)
}

// splitFile splits a path segment such as "42.json" at its last dot.
func splitFile(file string) (string, open311Format, error) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		return "", "", fmt.Errorf("%q: add .json or .xml: %w", file, grid110.ErrNotFound)
	}
	f, err := parseFormat(file[i+1:])
	return file[:i], f, err
}

// requestQuery is the parameters of GET requests.
type requestQuery struct {
	postgres.ServiceRequestFilter
	Page int // 1-based
}

// parseRequestQuery reads GET requests' parameters (jurisdiction_id and
// the caller's scope are the handler's). service_request_id overrides
// the others, as the specification says. Without dates the window is the
// 90 days up to now; with one, the 90 days from or to it; with both, at
// most 90 days. page_size (at most and by default 1000) and page are
// FixMyStreet's extension of the specification.
func parseRequestQuery(q url.Values, now time.Time) (requestQuery, error) {
	rq := requestQuery{Page: 1, ServiceRequestFilter: postgres.ServiceRequestFilter{Limit: open311MaxRequests}}
	var err error
	if rq.IDs, err = parseIDList(q.Get("service_request_id")); err != nil {
		return rq, err
	}
	if len(rq.IDs) > 0 {
		return rq, nil
	}
	rq.Categories = parseList(q.Get("service_code"))
	for _, st := range parseList(q.Get("status")) {
		switch st {
		case "open", "closed":
		default:
			return rq, grid110.Invalid("status", "%q is not open or closed", st)
		}
	}
	rq.Statuses = statusesOf(parseList(q.Get("status")))
	if rq.From, rq.To, err = parseWindow(q.Get("start_date"), q.Get("end_date"), now); err != nil {
		return rq, err
	}
	if rq.Limit, err = parseBounded(q.Get("page_size"), "page_size", open311MaxRequests, open311MaxRequests); err != nil {
		return rq, err
	}
	if rq.Page, err = parseBounded(q.Get("page"), "page", 1, open311MaxPage); err != nil {
		return rq, err
	}
	rq.Offset = (rq.Page - 1) * rq.Limit
	return rq, nil
}

// statusesOf expands Open311's open and closed into our states; both or
// neither means any state (nil).
func statusesOf(open311 []string) []grid110.Status {
	var open, closed bool
	for _, s := range open311 {
		open, closed = open || s == "open", closed || s == "closed"
	}
	if open == closed {
		return nil
	}
	var out []grid110.Status
	for _, st := range grid110.Statuses {
		if st.Open() == open {
			out = append(out, st)
		}
	}
	return out
}

// parseWindow reads start_date and end_date into a window of at most 90 days.
func parseWindow(start, end string, now time.Time) (from, to time.Time, err error) {
	if from, err = parseW3CTime(start, "start_date"); err != nil {
		return
	}
	if to, err = parseW3CTime(end, "end_date"); err != nil {
		return
	}
	switch {
	case from.IsZero() && to.IsZero():
		return now.Add(-open311Window), now, nil
	case to.IsZero():
		return from, from.Add(open311Window), nil
	case from.IsZero():
		return to.Add(-open311Window), to, nil
	case to.Before(from):
		return from, to, grid110.Invalid("end_date", "is before start_date")
	case to.Sub(from) > open311Window:
		return from, to, grid110.Invalid("end_date", "start_date to end_date may not span more than 90 days")
	}
	return from, to, nil
}

// parseW3CTime reads a date in the W3C note's format, as the
// specification asks: 2026-11-28T08:00:00+08:00 or …Z, with or without
// seconds and fractions. A date alone (2026-11-28, 2026-11, 2026) is taken
// at midnight China time. A + that form encoding turned into a space
// (…T08:00:00 08:00) is put back.
func parseW3CTime(v, field string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	s := v
	if i := strings.LastIndexByte(s, ' '); i > 0 && strings.Contains(s[:i], "T") {
		s = s[:i] + "+" + s[i+1:]
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if t, err := time.ParseInLocation(layout, s, chinaTime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, grid110.Invalid(field, "%q is not a W3C datetime with its time zone, like 2026-11-28T08:00:00+08:00 or 2026-11-28T00:00:00Z", v)
}

// parseList splits a comma-separated parameter, dropping blanks.
func parseList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// parseIDList reads service_request_id: up to 1000 ids, comma-separated.
func parseIDList(v string) ([]int64, error) {
	items := parseList(v)
	if len(items) > open311MaxRequests {
		return nil, grid110.Invalid("service_request_id", "%d ids; at most %d at once", len(items), open311MaxRequests)
	}
	var out []int64
	for _, s := range items {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, grid110.Invalid("service_request_id", "%q is not an id", s)
		}
		out = append(out, id)
	}
	return out, nil
}

// parseBounded reads a whole number from 1 to max; def if empty.
func parseBounded(v, field string, def, max int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, grid110.Invalid(field, "%q is not a whole number from 1 to %d", v, max)
	}
	return n, nil
}

// open311Form reads a POST body: form-encoded, as the specification says,
// or multipart. Its values come first, then the query's.
func open311Form(c echo.Context) (url.Values, error) {
	r := c.Request()
	ct := r.Header.Get(echo.HeaderContentType)
	mt, _, _ := mime.ParseMediaType(ct)
	r.Body = http.MaxBytesReader(c.Response(), r.Body, open311MaxForm)
	var err error
	switch mt {
	case echo.MIMEApplicationForm:
		err = r.ParseForm()
	case echo.MIMEMultipartForm:
		err = r.ParseMultipartForm(open311MaxForm)
	default:
		return nil, grid110.Invalid("Content-Type", "%q: send application/x-www-form-urlencoded (or multipart/form-data)", ct)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, grid110.Invalid("body", "larger than %d bytes; send media as media_url", open311MaxForm)
	}
	if err != nil {
		return nil, grid110.Invalid("body", "%v", err)
	}
	return r.Form, nil
}

// open311Submission maps a POST requests form to a submission. Locations
// are lat/long (WGS-84, or the crs extension) or address_id, a compound's
// code (the one on its QR code). We cannot place free text, so
// address_string alone is refused; beside a location it is kept in the
// description. email, device_id, account_id and attribute[…] are accepted
// and not stored: we keep no resident accounts and our services have no
// attributes.
func open311Submission(form url.Values) (intake.Request, error) {
	req := intake.Request{Category: strings.TrimSpace(form.Get("service_code")), Channel: string(grid110.ChannelOpen311),
		CRS: form.Get("crs"), CompoundCode: strings.TrimSpace(form.Get("address_id")),
		ReporterName:  reporterName(form.Get("first_name"), form.Get("last_name")),
		ReporterPhone: strings.TrimSpace(form.Get("phone")), MediaURL: form.Get("media_url")}
	if req.Category == "" {
		return req, grid110.Invalid("service_code", "required: a service_code from services.json")
	}
	lat, long := strings.TrimSpace(form.Get("lat")), strings.TrimSpace(form.Get("long"))
	addr := strings.TrimSpace(form.Get("address_string"))
	switch {
	case lat != "" || long != "":
		la, err := parseCoordinate(lat, "lat")
		if err != nil {
			return req, err
		}
		lo, err := parseCoordinate(long, "long")
		if err != nil {
			return req, err
		}
		req.Lat, req.Lon = &la, &lo
	case req.CompoundCode != "":
	case addr != "":
		return req, grid110.Invalid("address_string", "we cannot place a written address; send lat and long (WGS-84) or address_id (a compound code)")
	default:
		return req, grid110.Invalid("location", "required: lat and long (WGS-84), or address_id (a compound code)")
	}
	req.Description = strings.TrimSpace(form.Get("description"))
	if addr != "" {
		req.Description = strings.TrimSpace(req.Description + "\n地址 address: " + addr)
	}
	if req.Description == "" {
		req.Description = "（未填写描述 no description）"
	}
	return req, nil
}

func parseCoordinate(v, field string) (float64, error) {
	if v == "" {
		return 0, grid110.Invalid(field, "required: lat and long go together")
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, grid110.Invalid(field, "%q is not a number", v)
	}
	return x, nil // intake checks the range
}

// reporterName joins Open311's given and family names: family name first
// for Chinese names, as written in Chinese; given name first otherwise.
func reporterName(first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" || last == "" {
		return first + last
	}
	if strings.ContainsFunc(first+last, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return last + first
	}
	return first + " " + last
}

// open311Fields renames the fields of intake's validation errors to the
// names the Open311 client sent.
func open311Fields(err error) error {
	var ve *grid110.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	switch ve.Field {
	case "category":
		ve.Field = "service_code"
	case "lon":
		ve.Field = "long"
	case "compound_code":
		ve.Field = "address_id"
	case "reporter_phone":
		ve.Field = "phone"
	case "reporter_name":
		ve.Field = "first_name, last_name"
	}
	return err
}
