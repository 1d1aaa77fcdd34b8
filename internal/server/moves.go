package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
)

// moveRequest is a workflow move as the API takes it.
type moveRequest struct {
	Move        grid110.Move `json:"move"`
	Note        string       `json:"note"`
	TeamID      int64        `json:"team_id"`
	Department  string       `json:"department"`
	DueAt       *time.Time   `json:"due_at"`
	DuplicateOf int64        `json:"duplicate_of"`
	Attachments []int64      `json:"attachments"`
}

type moveResponse struct {
	Event  grid110.Event `json:"event"`
	Report caseResponse  `json:"report"`
}

// maxNote bounds a move's note, in characters.
const maxNote = 4000

// postMove handles POST /api/v1/reports/:id/moves: one workflow move by
// the signed-in caller. A case outside the caller's jurisdiction is 404;
// a move the caller's role may not make is 403; a move the case's state
// does not allow is 409 with the current state.
func (s *Server) postMove(c echo.Context) error {
	id, err := parseID(c.Param("id"), "id")
	if err != nil {
		return err
	}
	var req moveRequest
	if err := bindJSON(c, &req, 64<<10); err != nil {
		return err
	}
	if _, err := grid110.ParseMove(string(req.Move)); err != nil {
		return grid110.Invalid("move", "%q is not a move (one of %v)", req.Move, grid110.Moves)
	}
	if len([]rune(req.Note)) > maxNote {
		return grid110.Invalid("note", "longer than %d characters", maxNote)
	}
	ctx := c.Request().Context()
	p := principalOf(c)
	if _, err := s.store.ReportIn(ctx, id, p.Jurisdiction()); err != nil {
		return err
	}
	cs, err := s.store.Case(ctx, id)
	if err != nil {
		return err
	}
	if !p.MayMove(cs, req.Move) {
		return &forbiddenMove{p: p, move: req.Move}
	}
	mr := grid110.MoveRequest{ReportID: id, Move: req.Move, Actor: p.Actor(), Note: req.Note, TeamID: req.TeamID,
		Department: req.Department, DuplicateOf: req.DuplicateOf, Attachments: req.Attachments}
	if req.DueAt != nil {
		mr.DueAt = *req.DueAt
	}
	if req.Move == grid110.MoveDispatch && req.TeamID != 0 {
		if _, ok := s.locator.Snapshot().Team(req.TeamID); !ok {
			return grid110.Invalid("team_id", "no team %d", req.TeamID)
		}
	}
	ev, err := s.store.Move(ctx, mr)
	if err != nil {
		return err
	}
	s.metrics.moves.WithLabelValues(string(req.Move)).Inc()
	out, err := s.caseOf(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, moveResponse{Event: ev, Report: out})
}

// forbiddenMove says which role may not make which move, and why.
type forbiddenMove struct {
	p    grid110.Principal
	move grid110.Move
}

func (e *forbiddenMove) Error() string {
	switch e.p.Role {
	case grid110.StaffTeamMember, grid110.StaffDepartment:
		for _, m := range e.p.Permissions() {
			if m == e.move {
				return "this case is not assigned to your team or department"
			}
		}
	}
	return "your role (" + string(e.p.Role) + ") does not " + string(e.move) + " cases; it may " + movesText(e.p.Permissions())
}

func movesText(ms []grid110.Move) string {
	if len(ms) == 0 {
		return "make no moves"
	}
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}

func (e *forbiddenMove) Is(target error) bool { return target == grid110.ErrForbidden }
