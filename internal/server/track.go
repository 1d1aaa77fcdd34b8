package server

import (
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// trackResponse is a case as its reporter follows it: no staff or
// reporter personal data.
type trackResponse struct {
	TrackingCode string                  `json:"tracking_code"`
	Category     string                  `json:"category"`
	Status       grid110.Status          `json:"status"`
	Open         bool                    `json:"open"`
	CreatedAt    time.Time               `json:"created_at"`
	UpdatedAt    time.Time               `json:"updated_at"`
	Grid         trackGrid               `json:"grid"`
	History      []postgres.TrackingStep `json:"history"`
	CanRate      bool                    `json:"can_rate"`
	Rating       *postgres.Rating        `json:"rating"`
}

type trackGrid struct {
	Name string `json:"name"`
}

// trackingRE is a tracking code as NewTrackingCode makes it, in any case,
// with or without its dashes.
var trackingRE = regexp.MustCompile(`^[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}$`)

// parseTrackingCode normalises a tracking code as typed or read out.
func parseTrackingCode(v string) (string, error) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if !trackingRE.MatchString(v) {
		return "", grid110.Invalid("code", "%q is not a tracking code (like K7QM-3XPA-9D2F)", v)
	}
	v = strings.ReplaceAll(v, "-", "")
	return v[:4] + "-" + v[4:8] + "-" + v[8:], nil
}

// getTrack handles GET /api/v1/track/:code, public.
func (s *Server) getTrack(c echo.Context) error {
	code, err := parseTrackingCode(c.Param("code"))
	if err != nil {
		return err
	}
	t, err := s.store.Track(c.Request().Context(), code)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, newTrackResponse(t))
}

func newTrackResponse(t postgres.Tracking) trackResponse {
	history := t.History
	if history == nil {
		history = []postgres.TrackingStep{}
	}
	return trackResponse{TrackingCode: t.TrackingCode, Category: t.Category, Status: t.Status,
		Open: t.Status.Open(), CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, Grid: trackGrid{Name: t.GridName},
		History: history, CanRate: t.CanRate, Rating: t.Rating}
}

type ratingRequest struct {
	Satisfied *bool  `json:"satisfied"`
	Comment   string `json:"comment"`
}

// maxComment bounds a rating's comment, in characters.
const maxComment = 2000

// postRating handles POST /api/v1/track/:code/rating: the reporter's
// verdict on the result. Not satisfied reopens the case; satisfied closes
// a case already verified on site.
func (s *Server) postRating(c echo.Context) error {
	code, err := parseTrackingCode(c.Param("code"))
	if err != nil {
		return err
	}
	var req ratingRequest
	if err := bindJSON(c, &req, 16<<10); err != nil {
		return err
	}
	if req.Satisfied == nil {
		return grid110.Invalid("satisfied", "required: true or false")
	}
	req.Comment = strings.TrimSpace(req.Comment)
	if !utf8.ValidString(req.Comment) || utf8.RuneCountInString(req.Comment) > maxComment {
		return grid110.Invalid("comment", "at most %d characters of text", maxComment)
	}
	ctx := c.Request().Context()
	if _, err := s.store.Rate(ctx, code, *req.Satisfied, req.Comment); err != nil {
		return err
	}
	t, err := s.store.Track(ctx, code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newTrackResponse(t))
}
