package postgres

import (
	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

// jurisdictionSQL restricts reports aliased r to what a grid110.Jurisdiction
// may see: every report (@j_all), those located in the subtree of @j_grid,
// and those assigned to the team @j_team or the department @j_dept. Fill its
// named arguments with jurisdictionArgs. The zero Jurisdiction matches no
// report: grid ids start at 1, and team 0 and department "" are never tested.
const jurisdictionSQL = `(@j_all OR r.grid_id IN (SELECT id FROM grids WHERE path @> ARRAY[@j_grid::bigint]) OR (@j_team::bigint <> 0 AND r.team_id = @j_team) OR (@j_dept <> '' AND r.department = @j_dept))`

// jurisdictionArgs returns the named arguments of jurisdictionSQL for j.
func jurisdictionArgs(j grid110.Jurisdiction) pgx.NamedArgs {
	return pgx.NamedArgs{"j_all": j.All, "j_grid": j.GridID, "j_team": j.TeamID, "j_dept": j.Department}
}
