package server

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"grid110/internal/crs"
	"grid110/internal/grid110"
	"grid110/internal/intake"
	"grid110/internal/locate"
)

// locateRequest is one point to locate.
type locateRequest struct {
	Lon      *float64 `json:"lon"`
	Lat      *float64 `json:"lat"`
	CRS      string   `json:"crs"`
	Category string   `json:"category"`
}

type lonLat struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
	CRS string  `json:"crs"`
}

// locateResponse is the answer for one point.
type locateResponse struct {
	Input    lonLat              `json:"input"`
	Point    lonLat              `json:"point"` // WGS-84, as used
	Grid     grid110.GridRef     `json:"grid"`
	Chain    []grid110.GridRef   `json:"chain"` // from the city down to grid
	DutyTeam *locate.TeamRef     `json:"duty_team"`
	Teams    []locate.NearbyTeam `json:"teams"`
}

// getLocate handles GET /api/v1/locate?lon=&lat=&crs=&category=.
func (s *Server) getLocate(c echo.Context) error {
	var req locateRequest
	for _, f := range []struct {
		name string
		dst  **float64
	}{{"lon", &req.Lon}, {"lat", &req.Lat}} {
		v := c.QueryParam(f.name)
		if v == "" {
			return grid110.Invalid(f.name, "required")
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return grid110.Invalid(f.name, "%q is not a number", v)
		}
		*f.dst = &x
	}
	req.CRS, req.Category = c.QueryParam("crs"), c.QueryParam("category")
	return s.locateOne(c, req)
}

// postLocate handles POST /api/v1/locate with a JSON body.
func (s *Server) postLocate(c echo.Context) error {
	var req locateRequest
	if err := bindJSON(c, &req, 64<<10); err != nil {
		return err
	}
	return s.locateOne(c, req)
}

func (s *Server) locateOne(c echo.Context, req locateRequest) error {
	kinds, err := s.kindsFor(c, req.Category, "category")
	if err != nil {
		return err
	}
	res, err := s.locatePoint(req, kinds, "")
	if err != nil {
		return err
	}
	s.metrics.located.Inc()
	return c.JSON(http.StatusOK, res)
}

// locatePoint validates one point (field names prefixed with at) and locates it.
func (s *Server) locatePoint(req locateRequest, kinds []grid110.TeamKind, at string) (*locateResponse, error) {
	if req.Lon == nil {
		return nil, grid110.Invalid(at+"lon", "required")
	}
	if req.Lat == nil {
		return nil, grid110.Invalid(at+"lat", "required")
	}
	c := crs.WGS84
	if req.CRS != "" {
		var err error
		if c, err = crs.Parse(req.CRS); err != nil {
			return nil, grid110.Invalid(at+"crs", "%v", err)
		}
	}
	if err := intake.CheckLonLat(*req.Lon, *req.Lat); err != nil {
		return nil, prefixField(err, at)
	}
	lon, lat := crs.ToWGS84(c, *req.Lon, *req.Lat)
	res, err := s.locator.Snapshot().Locate(orb.Point{lon, lat}, kinds)
	if err != nil {
		return nil, err
	}
	return &locateResponse{
		Input: lonLat{*req.Lon, *req.Lat, string(c)},
		Point: lonLat{round7(lon), round7(lat), string(crs.WGS84)},
		Grid:  res.Grid, Chain: res.Chain, DutyTeam: res.DutyTeam, Teams: nonNil(res.Nearest),
	}, nil
}

// batchItem is one answer of a batch: the result, or why there is none.
type batchItem struct {
	*locateResponse
	Error  *errorBody `json:"error,omitempty"`
	Status int        `json:"status"`
	Index  int        `json:"index"`
}

// postLocateBatch handles POST /api/v1/locate/batch: a JSON array of up to
// MaxBatch points, answered in the same order. Malformed input fails the
// whole batch with 400 naming the item; a point in no grid gets its own 422
// item, so one stray point does not sink ten thousand good ones.
func (s *Server) postLocateBatch(c echo.Context) error {
	var reqs []locateRequest
	if err := bindJSON(c, &reqs, int64(s.cfg.MaxBatch)*256+1024); err != nil {
		return err
	}
	if len(reqs) == 0 {
		return grid110.Invalid("body", "the batch is empty; send a JSON array of points")
	}
	if len(reqs) > s.cfg.MaxBatch {
		return grid110.Invalid("body", "%d points is more than the batch limit of %d; split it, or use grid110 locate for files", len(reqs), s.cfg.MaxBatch)
	}
	out := make([]batchItem, len(reqs))
	kindsBy := map[string][]grid110.TeamKind{}
	for i, r := range reqs {
		kinds, ok := kindsBy[r.Category]
		if !ok {
			var err error
			if kinds, err = s.kindsFor(c, r.Category, "["+strconv.Itoa(i)+"].category"); err != nil {
				return err
			}
			kindsBy[r.Category] = kinds
		}
		res, err := s.locatePoint(r, kinds, "["+strconv.Itoa(i)+"].")
		out[i] = batchItem{locateResponse: res, Status: http.StatusOK, Index: i}
		if err != nil {
			code, body := errorReply(err)
			if code == http.StatusBadRequest {
				return err
			}
			out[i].Status, out[i].Error = code, &body
		}
	}
	s.metrics.located.Add(float64(len(reqs)))
	return c.JSON(http.StatusOK, out)
}

// kindsFor returns the N-team kinds that serve category ("" = all kinds).
func (s *Server) kindsFor(c echo.Context, category, field string) ([]grid110.TeamKind, error) {
	if category == "" {
		return nil, nil
	}
	cat, err := s.cats.get(c.Request().Context(), category, field)
	if err != nil {
		return nil, err
	}
	return []grid110.TeamKind{cat.TeamKind}, nil
}

func round7(f float64) float64 { return math.Round(f*1e7) / 1e7 }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// prefixField puts at (such as "[12].") before a validation error's field.
func prefixField(err error, at string) error {
	var ve *grid110.ValidationError
	if at == "" || !errors.As(err, &ve) {
		return err
	}
	return &grid110.ValidationError{Field: at + ve.Field, Problem: ve.Problem}
}
