package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// metresPerDegree converts a tolerance in metres to degrees (at the equator;
// a simplification tolerance does not need better).
const metresPerDegree = 111320.0

// listGrids handles GET /api/v1/grids?bbox=&level=&parent=&simplify=&limit=
// with a GeoJSON FeatureCollection. simplify is a tolerance in metres.
func (s *Server) listGrids(c echo.Context) error {
	f := postgres.GridFilter{}
	q := c.QueryParams()
	var err error
	if v := q.Get("bbox"); v != "" {
		b, err := parseBBox(v)
		if err != nil {
			return err
		}
		f.Bound = &b
	}
	if v := q.Get("level"); v != "" {
		if f.Level, err = grid110.ParseLevel(v); err != nil {
			return err
		}
	}
	if v := q.Get("parent"); v != "" {
		if f.ParentID, err = parseID(v, "parent"); err != nil {
			return err
		}
	}
	if v := q.Get("simplify"); v != "" {
		m, err := strconv.ParseFloat(v, 64)
		if err != nil || m < 0 || m > 10000 {
			return grid110.Invalid("simplify", "%q is not a tolerance in metres from 0 to 10000", v)
		}
		f.Simplify = m / metresPerDegree
	}
	if f.Limit, err = parseLimit(q.Get("limit"), 5000, 20000); err != nil {
		return err
	}
	grids, err := s.store.Grids(c.Request().Context(), postgres.GridFilter{Bound: f.Bound, Level: f.Level,
		ParentID: f.ParentID, Simplify: f.Simplify, Limit: f.Limit + 1})
	if err != nil {
		return err
	}
	if len(grids) > f.Limit {
		// Say so rather than drop features silently.
		c.Response().Header().Set("X-Truncated", "true")
		grids = grids[:f.Limit]
	}
	fc := geojson.NewFeatureCollection()
	for _, g := range grids {
		fc.Append(gridFeature(g))
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/geo+json")
	return c.JSON(http.StatusOK, fc)
}

func gridFeature(g grid110.Grid) *geojson.Feature {
	ft := geojson.NewFeature(g.Geom)
	ft.ID = g.ID
	ft.Properties = geojson.Properties{"id": g.ID, "level": g.Level, "code": g.Code, "name": g.Name,
		"area_m2": round1(g.AreaM)}
	if g.ParentID != 0 {
		ft.Properties["parent_id"] = g.ParentID
	}
	return ft
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// getGrid handles GET /api/v1/grids/:id: a GeoJSON Feature with the grid's
// chain and, for a community or below, its "2" duty team.
func (s *Server) getGrid(c echo.Context) error {
	id, err := parseID(c.Param("id"), "id")
	if err != nil {
		return err
	}
	g, err := s.store.Grid(c.Request().Context(), id)
	if err != nil {
		return err
	}
	ft := gridFeature(g)
	snap := s.locator.Snapshot()
	if chain, ok := snap.Chain(id); ok {
		ft.Properties["chain"] = chain
	}
	if t, ok := snap.DutyTeamOf(id); ok {
		ft.Properties["duty_team"] = t
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/geo+json")
	return c.JSON(http.StatusOK, ft)
}
