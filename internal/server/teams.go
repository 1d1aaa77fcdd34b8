package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"grid110/internal/crs"
	"grid110/internal/grid110"
	"grid110/internal/locate"
	"grid110/internal/postgres"
)

// teamResponse is a team as the API shows it: members' roles and names,
// never their phone numbers.
type teamResponse struct {
	locate.TeamRef
	GridID    int64    `json:"grid_id,omitempty"`
	DistanceM *float64 `json:"distance_m,omitempty"`
}

// listTeams handles GET /api/v1/teams?kind=&near=lon,lat&crs=&grid=&limit=.
func (s *Server) listTeams(c echo.Context) error {
	q := c.QueryParams()
	f := postgres.TeamFilter{Kind: grid110.TeamKind(q.Get("kind"))}
	var err error
	ctx := c.Request().Context()
	if f.Kind != "" {
		kinds, err := s.store.TeamKinds(ctx)
		if err != nil {
			return err
		}
		var known []string
		ok := false
		for _, k := range kinds {
			known = append(known, string(k.Code))
			ok = ok || k.Code == f.Kind
		}
		if !ok {
			return grid110.Invalid("kind", "unknown team kind %q (known: %s)", f.Kind, strings.Join(known, ", "))
		}
	}
	if v := q.Get("near"); v != "" {
		parts := strings.Split(v, ",")
		if len(parts) != 2 {
			return grid110.Invalid("near", "want lon,lat; got %q", v)
		}
		var ll [2]float64
		for i, p := range parts {
			if ll[i], err = strconv.ParseFloat(strings.TrimSpace(p), 64); err != nil {
				return grid110.Invalid("near", "%q is not a number", p)
			}
		}
		if err := prefixField(checkNear(ll[0], ll[1]), ""); err != nil {
			return err
		}
		c0 := crs.WGS84
		if v := q.Get("crs"); v != "" {
			if c0, err = crs.Parse(v); err != nil {
				return grid110.Invalid("crs", "%v", err)
			}
		}
		lon, lat := crs.ToWGS84(c0, ll[0], ll[1])
		f.Near = &orb.Point{lon, lat}
	}
	if v := q.Get("grid"); v != "" {
		if f.GridID, err = parseID(v, "grid"); err != nil {
			return err
		}
	}
	if f.Limit, err = parseLimit(q.Get("limit"), 100, 5000); err != nil {
		return err
	}
	hits, err := s.store.Teams(ctx, f)
	if err != nil {
		return err
	}
	out := make([]teamResponse, len(hits))
	for i, h := range hits {
		out[i] = teamResponse{TeamRef: locate.NewTeamRef(h.Team), GridID: h.GridID}
		if h.DistanceM >= 0 {
			d := float64(int64(h.DistanceM + 0.5))
			out[i].DistanceM = &d
		}
	}
	return c.JSON(http.StatusOK, out)
}

func checkNear(lon, lat float64) error {
	if lon < -180 || lon > 180 || lat < -90 || lat > 90 || lon != lon || lat != lat {
		return grid110.Invalid("near", "(%v, %v) is not a longitude,latitude", lon, lat)
	}
	return nil
}
