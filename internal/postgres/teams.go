package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"grid110/internal/grid110"
)

type teamRow struct {
	ID          int64   `db:"id"`
	Code        string  `db:"code"`
	Kind        string  `db:"kind"`
	Name        string  `db:"name"`
	GridID      *int64  `db:"grid_id"`
	Base        []byte  `db:"base"`
	ServiceArea []byte  `db:"service_area"`
	OnDuty      bool    `db:"on_duty"`
	Phone       *string `db:"phone"`
}

func (r teamRow) team() (grid110.Team, error) {
	t := grid110.Team{ID: r.ID, Code: r.Code, Kind: grid110.TeamKind(r.Kind), Name: r.Name, OnDuty: r.OnDuty}
	if r.GridID != nil {
		t.GridID = *r.GridID
	}
	if r.Phone != nil {
		t.Phone = *r.Phone
	}
	if r.Base != nil {
		p, err := point(r.Base)
		if err != nil {
			return t, fmt.Errorf("team %d base: %w", r.ID, err)
		}
		t.Base, t.HasBase = p, true
	}
	if r.ServiceArea != nil {
		mp, err := multiPolygon(r.ServiceArea)
		if err != nil {
			return t, fmt.Errorf("team %d service area: %w", r.ID, err)
		}
		t.ServiceArea = mp
	}
	return t, nil
}

// AllTeams returns every team with its members, for the in-memory locate
// snapshot. Service areas are included only when withAreas is set.
func (s *Store) AllTeams(ctx context.Context, withAreas bool) ([]grid110.Team, error) {
	const q = `
		SELECT id, code, kind, name, grid_id, ST_AsBinary(base) AS base,
			CASE WHEN $1 THEN ST_AsBinary(service_area) END AS service_area, on_duty, phone
		FROM teams ORDER BY id`
	rows, _ := s.pool.Query(ctx, q, withAreas)
	teams, err := collectTeams(rows)
	if err != nil {
		return nil, err
	}
	const qm = `SELECT team_id, id, role, name, coalesce(phone, '') FROM team_members ORDER BY team_id, id`
	mrows, err := s.pool.Query(ctx, qm)
	if err != nil {
		return nil, translate(err, "select team members")
	}
	byID := make(map[int64]int, len(teams))
	for i, t := range teams {
		byID[t.ID] = i
	}
	var teamID int64
	var m grid110.Member
	_, err = pgx.ForEachRow(mrows, []any{&teamID, &m.ID, &m.Role, &m.Name, &m.Phone}, func() error {
		if i, ok := byID[teamID]; ok {
			teams[i].Members = append(teams[i].Members, m)
		}
		return nil
	})
	return teams, translate(err, "select team members")
}

func collectTeams(rows pgx.Rows) ([]grid110.Team, error) {
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[teamRow])
	if err != nil {
		return nil, translate(err, "select teams")
	}
	out := make([]grid110.Team, 0, len(rs))
	for _, r := range rs {
		t, err := r.team()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// TeamKinds lists the kinds of team.
func (s *Store) TeamKinds(ctx context.Context) ([]grid110.TeamKindInfo, error) {
	rows, _ := s.pool.Query(ctx, `SELECT code, name_zh, name_en FROM team_kinds ORDER BY code`)
	ks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[grid110.TeamKindInfo])
	return ks, translate(err, "select team kinds")
}

// TeamImport is one team to create or update by code. GridCode names the
// duty team's community (or an N-team's home grid); ServiceGridCode, when
// set, makes that grid's polygon the team's service area.
type TeamImport struct {
	Team            grid110.Team
	GridCode        string
	ServiceGridCode string
}

// ImportTeams creates or updates teams by code, replacing their members, in
// one transaction. It returns how many were inserted and updated.
func (s *Store) ImportTeams(ctx context.Context, teams []TeamImport, progress func(done, total int)) (inserted, updated int, err error) {
	const q = `
		INSERT INTO teams (code, kind, name, grid_id, base, service_area, on_duty, phone)
		VALUES (@code, @kind, @name,
			(SELECT id FROM grids WHERE code = NULLIF(@grid_code, '')),
			CASE WHEN @has_base THEN ST_SetSRID(ST_MakePoint(@lon, @lat), 4326) END,
			(SELECT geom FROM grids WHERE code = NULLIF(@service_code, '')),
			@on_duty, NULLIF(@phone, ''))
		ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, grid_id = EXCLUDED.grid_id,
			base = EXCLUDED.base, service_area = EXCLUDED.service_area, on_duty = EXCLUDED.on_duty,
			phone = EXCLUDED.phone, updated_at = now()
		RETURNING id, (xmax = 0)`
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for i, ti := range teams {
			t := ti.Team
			for _, c := range []struct{ code, what string }{{ti.GridCode, "grid_code"}, {ti.ServiceGridCode, "service_grid_code"}} {
				if c.code == "" {
					continue
				}
				var ok bool
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM grids WHERE code = $1)`, c.code).Scan(&ok); err != nil {
					return err
				}
				if !ok {
					return grid110.Invalid(fmt.Sprintf("teams[%d].%s", i, c.what), "team %s: no grid has code %s", t.Code, c.code)
				}
			}
			var id int64
			var ins bool
			err := tx.QueryRow(ctx, q, pgx.NamedArgs{"code": t.Code, "kind": t.Kind, "name": t.Name,
				"grid_code": ti.GridCode, "has_base": t.HasBase, "lon": t.Base[0], "lat": t.Base[1],
				"service_code": ti.ServiceGridCode, "on_duty": t.OnDuty, "phone": t.Phone}).Scan(&id, &ins)
			if err != nil {
				return translate(err, fmt.Sprintf("team %s (row %d)", t.Code, i+1))
			}
			if ins {
				inserted++
			} else {
				updated++
			}
			if _, err := tx.Exec(ctx, `DELETE FROM team_members WHERE team_id = $1`, id); err != nil {
				return err
			}
			for _, m := range t.Members {
				_, err := tx.Exec(ctx, `INSERT INTO team_members (team_id, role, name, phone) VALUES ($1, $2, $3, NULLIF($4, ''))`,
					id, m.Role, m.Name, m.Phone)
				if err != nil {
					return translate(err, fmt.Sprintf("team %s member %s", t.Code, m.Name))
				}
			}
			if progress != nil && (i%200 == 0 || i == len(teams)-1) {
				progress(i+1, len(teams))
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return inserted, updated, nil
}

// TeamFilter selects teams for a listing.
type TeamFilter struct {
	Kind   grid110.TeamKind // "" any
	GridID int64            // teams of this grid's subtree (0 any)
	Near   *orb.Point       // order by distance from here (WGS-84)
	Limit  int
}

// TeamHit is a team with its distance from TeamFilter.Near (metres; -1 if no Near or no base).
type TeamHit struct {
	grid110.Team
	DistanceM float64
}

// Teams lists teams with their members, nearest first when Near is set, else by id.
func (s *Store) Teams(ctx context.Context, f TeamFilter) ([]TeamHit, error) {
	const q = `
		SELECT t.id, t.code, t.kind, t.name, t.grid_id, ST_AsBinary(t.base) AS base, NULL::bytea AS service_area,
			t.on_duty, t.phone,
			CASE WHEN @has_near AND t.base IS NOT NULL
				THEN ST_Distance(t.base::geography, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography) ELSE -1 END AS distance_m
		FROM teams t
		WHERE (@kind = '' OR t.kind = @kind)
		  AND (@grid = 0 OR t.grid_id IN (SELECT id FROM grids WHERE path @> ARRAY[@grid::bigint]))
		  AND (NOT @has_near OR t.base IS NOT NULL)
		ORDER BY CASE WHEN @has_near THEN t.base <-> ST_SetSRID(ST_MakePoint(@lon, @lat), 4326) END, t.id
		LIMIT @limit`
	args := pgx.NamedArgs{"kind": string(f.Kind), "grid": f.GridID, "has_near": f.Near != nil, "lon": 0.0, "lat": 0.0, "limit": f.Limit}
	if f.Near != nil {
		args["lon"], args["lat"] = f.Near[0], f.Near[1]
	}
	rows, err := s.pool.Query(ctx, q, args)
	if err != nil {
		return nil, translate(err, "list teams")
	}
	type hitRow struct {
		teamRow
		DistanceM float64 `db:"distance_m"`
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[hitRow])
	if err != nil {
		return nil, translate(err, "list teams")
	}
	out := make([]TeamHit, 0, len(rs))
	ids := make([]int64, 0, len(rs))
	for _, r := range rs {
		t, err := r.team()
		if err != nil {
			return nil, err
		}
		out = append(out, TeamHit{Team: t, DistanceM: r.DistanceM})
		ids = append(ids, t.ID)
	}
	mrows, err := s.pool.Query(ctx, `SELECT team_id, id, role, name, coalesce(phone, '') FROM team_members WHERE team_id = ANY($1) ORDER BY team_id, id`, ids)
	if err != nil {
		return nil, translate(err, "list team members")
	}
	at := make(map[int64]int, len(out))
	for i, h := range out {
		at[h.ID] = i
	}
	var teamID int64
	var m grid110.Member
	_, err = pgx.ForEachRow(mrows, []any{&teamID, &m.ID, &m.Role, &m.Name, &m.Phone}, func() error {
		out[at[teamID]].Members = append(out[at[teamID]].Members, m)
		return nil
	})
	return out, translate(err, "list team members")
}

// Team returns one team with its base and service area, without members
// or phone number. The error wraps grid110.ErrNotFound if there is no such team.
func (s *Store) Team(ctx context.Context, id int64) (grid110.Team, error) {
	const q = `
		SELECT id, code, kind, name, grid_id, ST_AsBinary(base) AS base,
			ST_AsBinary(service_area) AS service_area, on_duty, NULL::text AS phone
		FROM teams WHERE id = $1`
	rows, _ := s.pool.Query(ctx, q, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[teamRow])
	if err != nil {
		return grid110.Team{}, translate(err, fmt.Sprintf("team %d", id))
	}
	return r.team()
}
