package server

// Open311's formats: the .json and .xml of every resource, lists as the
// specification writes them, and errors as an array of {code, description}.

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
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
// other client error (422, 409 …). Server errors and 429 keep their code:
// they tell a client to retry, which 400 would not.
func open311Status(code int) int {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return http.StatusForbidden
	case code == http.StatusNotFound || code == http.StatusTooManyRequests || code >= 500:
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
