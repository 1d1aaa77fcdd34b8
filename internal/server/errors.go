package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
)

// errorBody is every error reply: a message a person can act on, and for
// bad input the field at fault.
type errorBody struct {
	Error   string          `json:"error"`
	Field   string          `json:"field,omitempty"`
	Nearest *nearestGridRef `json:"nearest_grid,omitempty"`
	// For a workflow move that does not fit the case: where it is now and
	// the moves its state allows.
	CurrentStatus grid110.Status `json:"current_status,omitempty"`
	AllowedMoves  []grid110.Move `json:"allowed_moves,omitempty"`
}

type nearestGridRef struct {
	grid110.GridRef
	DistanceM float64 `json:"distance_m"`
}

// statusOf is the one table from domain errors to HTTP status codes.
func statusOf(err error) int {
	switch {
	case errors.Is(err, grid110.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, grid110.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, grid110.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, grid110.ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, grid110.ErrTooMany):
		return http.StatusTooManyRequests
	case errors.Is(err, grid110.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, grid110.ErrUnprocessable):
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// errorReply turns err into a status and body; 5xx bodies hide the details.
func errorReply(err error) (int, errorBody) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg := http.StatusText(he.Code)
		if s, ok := he.Message.(string); ok {
			msg = s
		}
		return he.Code, errorBody{Error: msg}
	}
	code := statusOf(err)
	if code >= 500 {
		return code, errorBody{Error: "internal error; the request id in the X-Request-Id header identifies it in the logs"}
	}
	body := errorBody{Error: err.Error()}
	var ve *grid110.ValidationError
	if errors.As(err, &ve) {
		body.Field, body.Error = ve.Field, ve.Error()
	}
	var se *grid110.StateError
	if errors.As(err, &se) {
		body.CurrentStatus, body.AllowedMoves = se.Current, grid110.MovesFrom(se.Current)
	}
	var oe *grid110.OutsideError
	if errors.As(err, &oe) && oe.Nearest != nil {
		body.Nearest = &nearestGridRef{GridRef: *oe.Nearest, DistanceM: oe.DistanceM}
	}
	return code, body
}

// handleError is Echo's HTTPErrorHandler: the only place that picks a status
// for an error, and that logs server errors (once, with the request id).
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) {
		// The client went away; nobody is left to answer.
		return
	}
	if isOpen311(c) {
		// open311Errors answers the errors of Open311's routes; what
		// reaches here from them (a timeout ContextTimeout made a 503, a
		// panic Recover made an error) answers in Open311's format too.
		s.writeOpen311Error(c, err)
		return
	}
	code, body := errorReply(err)
	if code >= 500 {
		s.logFailure(c, err)
	}
	if c.Request().Method == http.MethodHead {
		err = c.NoContent(code)
	} else {
		err = c.JSON(code, body)
	}
	if err != nil {
		s.log.Warn("write error reply", "err", err)
	}
}

// logFailure logs a server error, once per request, with the request id.
func (s *Server) logFailure(c echo.Context, err error) {
	s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path,
		"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
}

// bindJSON decodes a JSON body into v, naming the field or position at fault.
func bindJSON(c echo.Context, v any, maxBytes int64) error {
	r := c.Request()
	if ct := r.Header.Get(echo.HeaderContentType); ct != "" && !isJSON(ct) {
		return grid110.Invalid("Content-Type", "%q is not application/json", ct)
	}
	return decodeJSON(http.MaxBytesReader(c.Response(), r.Body, maxBytes), v, maxBytes)
}

// decodeJSONPart decodes the JSON of a multipart form field.
func decodeJSONPart(r io.Reader, v any) error {
	const max = 64 << 10
	err := decodeJSON(io.LimitReader(r, max), v, max)
	var ve *grid110.ValidationError
	if errors.As(err, &ve) && ve.Field == "body" {
		ve.Field = "report"
	}
	return err
}

func decodeJSON(r io.Reader, v any, maxBytes int64) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, maxBytes)
	}
	if dec.More() {
		return grid110.Invalid("body", "more than one JSON value")
	}
	return nil
}

func isJSON(ct string) bool {
	return len(ct) >= 16 && ct[:16] == "application/json"
}

func jsonError(err error, maxBytes int64) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &se):
		return grid110.Invalid("body", "broken JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return grid110.Invalid(field, "want %s, got JSON %s", te.Type, te.Value)
	case errors.As(err, &mbe):
		return grid110.Invalid("body", "larger than %d bytes", maxBytes)
	case errors.Is(err, io.EOF):
		return grid110.Invalid("body", "empty; a JSON body is required")
	}
	return grid110.Invalid("body", "%v", err)
}
