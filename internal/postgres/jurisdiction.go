package postgres

import (
	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

// jurisdictionSQL is the one predicate that decides which reports (aliased
// r) an account may see: those located in its grid's subtree, or assigned
// to its team or department; everything for All. Its arguments come from
// jurisdictionArgs. The zero Jurisdiction matches nothing.
const jurisdictionSQL = `(@j_all
	OR r.grid_id IN (SELECT id FROM grids WHERE path @> ARRAY[@j_grid::bigint])
	OR (@j_team::bigint <> 0 AND r.team_id = @j_team)
	OR (@j_dept::text <> '' AND r.department = @j_dept))`

// jurisdictionArgs adds j's arguments for jurisdictionSQL to args.
func jurisdictionArgs(args pgx.NamedArgs, j grid110.Jurisdiction) pgx.NamedArgs {
	if args == nil {
		args = pgx.NamedArgs{}
	}
	args["j_all"], args["j_grid"], args["j_team"], args["j_dept"] = j.All, j.GridID, j.TeamID, j.Department
	return args
}
