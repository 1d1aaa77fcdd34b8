package server

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
	"grid110/internal/locate"
)

// compoundResponse is what the resident page at /r/{code} shows before a
// report: where the QR code hangs and who looks after it.
type compoundResponse struct {
	grid110.GridRef
	Chain    []grid110.GridRef `json:"chain"`
	Point    lonLat            `json:"point"` // where a report without GPS is placed (WGS-84)
	DutyTeam *locate.TeamRef   `json:"duty_team,omitempty"`
}

// getCompound handles GET /api/v1/compounds/:code: the compound (or
// community, as report intake accepts both) with this code, its chain and
// its "2" team. Public: it says no more than the QR code's poster does.
func (s *Server) getCompound(c echo.Context) error {
	code := c.Param("code")
	if code == "" || len(code) > 64 {
		return grid110.Invalid("code", "%q is not a grid code", code)
	}
	g, p, err := s.store.CompoundPoint(c.Request().Context(), code)
	if err != nil {
		return err
	}
	if g.Level != grid110.LevelCompound && g.Level != grid110.LevelCommunity {
		return fmt.Errorf("grid %s is a %s, not a compound: %w", code, g.Level, grid110.ErrNotFound)
	}
	snap := s.locator.Snapshot()
	out := compoundResponse{GridRef: g, Chain: []grid110.GridRef{},
		Point: lonLat{round7(p[0]), round7(p[1]), "wgs84"}}
	if chain, ok := snap.Chain(g.ID); ok {
		out.Chain = chain
		out.GridRef = chain[len(chain)-1] // with its parent id
	}
	if t, ok := snap.DutyTeamOf(g.ID); ok {
		out.DutyTeam = &t
	}
	return c.JSON(http.StatusOK, out)
}
