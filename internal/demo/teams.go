package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"grid110/internal/grid110"
)

// N-team kinds that every township has; every other kind (table
// team_kinds, except duty) has one team per county.
var townshipKinds = map[string]bool{"patrol": true, "volunteer": true, "mediation": true}

// extraTeams is how many more county-level teams of each kind the busy
// urban districts get, stationed in one of their 街道 each.
var extraTeams = map[string]int{"350602": 2, "350603": 1} // 芗城区, 龙文区

// kindRoles are the roles an N-team's members (after its leader) are drawn from.
var kindRoles = map[string][]grid110.Role{
	"patrol":           {grid110.RolePoliceOfficer, grid110.RoleAuxiliaryPolice, grid110.RoleAuxiliaryPolice, grid110.RoleVolunteer},
	"legal_aid":        {grid110.RoleLawyer, grid110.RoleLawyer, grid110.RoleMember},
	"volunteer":        {grid110.RoleVolunteer},
	"anti_counterfeit": {grid110.RoleInspector, grid110.RoleInspector, grid110.RoleMember},
	"emergency":        {grid110.RoleRescuer, grid110.RoleRescuer, grid110.RoleMedic},
	"mediation":        {grid110.RoleMediator, grid110.RoleMediator, grid110.RoleGridWorker},
	"medical":          {grid110.RoleMedic},
}

// teamRow and memberRow are staged with CopyFrom and resolved to grid ids in SQL.
type teamRow struct {
	Code, Kind, Name string
	GridCode         string // the duty team's community; an N-team's home grid
	AreaCode         string // grid whose geometry is the service area ("" for none)
	Base             orb.Point
	OnDuty           bool
	Phone            string
}

type memberRow struct {
	TeamCode    string
	Role        grid110.Role
	Name, Phone string
}

// loadTeams makes a "2" duty team for every community and village (a grid
// worker and a police officer or auxiliary) and the N-teams: patrol,
// volunteer and mediation per township, the other kinds per county plus a
// few extra in the urban districts. About one N-team in ten is off duty.
func (l *loader) loadTeams(ctx context.Context) error {
	kinds, err := l.teamKinds(ctx)
	if err != nil {
		return err
	}
	r := l.rng(streamTeams)
	var teams []teamRow
	var members []memberRow
	for _, c := range l.communities {
		names := distinctNames(r, 2)
		police := grid110.RoleAuxiliaryPolice
		if r.IntN(10) < 4 {
			police = grid110.RolePoliceOfficer
		}
		phone := mobile(r)
		t := teamRow{Code: "D-" + c.Code, Kind: string(grid110.KindDuty), Name: c.Name + "“2”责任组", GridCode: c.Code,
			Base: near(r, c, c.Shape.centre(c.Seed), 80), OnDuty: true, Phone: phone}
		teams = append(teams, t)
		members = append(members, memberRow{t.Code, grid110.RoleGridWorker, names[0], phone},
			memberRow{t.Code, police, names[1], mobile(r)})
	}
	nTeam := func(kind, code, name string, home, station *area, serve *area, centre orb.Point) {
		t := teamRow{Code: code, Kind: kind, Name: name, GridCode: home.Code, AreaCode: serve.Code,
			Base: near(r, station, centre, 300), OnDuty: r.IntN(10) != 0, Phone: landline(r)}
		teams = append(teams, t)
		members = append(members, nMembers(r, t.Code, kind)...)
	}
	for _, k := range kinds {
		if !townshipKinds[k.code] {
			continue
		}
		for _, t := range l.townships {
			nTeam(k.code, "N-"+k.code+"-"+t.Code, t.Name+k.name, t, t, t, t.Shape.centre(t.Seed))
		}
	}
	for _, k := range kinds {
		if townshipKinds[k.code] {
			continue
		}
		for _, d := range l.districts {
			nTeam(k.code, "N-"+k.code+"-"+d.Code, d.Name+k.name, d, d, d, d.Seed)
			for _, s := range l.pickStreets(r, d, extraTeams[d.Code]) {
				name := d.Name + k.name + strings.TrimSuffix(s.Name, "街道") + "分队"
				nTeam(k.code, "N-"+k.code+"-"+s.Code, name, d, s, d, s.Shape.centre(s.Seed))
			}
		}
	}
	if err := l.insertTeams(ctx, teams, members); err != nil {
		return err
	}
	l.log.Info("demo teams loaded", "duty", len(l.communities), "n_teams", len(teams)-len(l.communities), "members", len(members))
	return nil
}

type teamKind struct{ code, name string }

// teamKinds reads the N-team kinds (all but duty) from table team_kinds.
func (l *loader) teamKinds(ctx context.Context) ([]teamKind, error) {
	rows, err := l.pool.Query(ctx, `SELECT code, name_zh FROM team_kinds WHERE code <> 'duty' ORDER BY code COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("read team kinds: %w", err)
	}
	var out []teamKind
	for rows.Next() {
		var k teamKind
		if err := rows.Scan(&k.code, &k.name); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// pickStreets returns n different 街道 of district d, chosen at random.
func (l *loader) pickStreets(r *rand.Rand, d *area, n int) []*area {
	if n == 0 {
		return nil
	}
	var streets []*area
	for _, t := range l.townships {
		if t.Parent == d && isStreet(t.Code) {
			streets = append(streets, t)
		}
	}
	r.Shuffle(len(streets), func(i, j int) { streets[i], streets[j] = streets[j], streets[i] })
	return streets[:min(n, len(streets))]
}

// nMembers makes 2-6 members for an N-team: a leader and people in roles
// that fit the kind.
func nMembers(r *rand.Rand, team, kind string) []memberRow {
	roles := kindRoles[kind]
	if len(roles) == 0 {
		roles = []grid110.Role{grid110.RoleMember}
	}
	names := distinctNames(r, 2+r.IntN(5))
	out := make([]memberRow, len(names))
	for i, n := range names {
		role := grid110.RoleLeader
		if i > 0 {
			role = roles[r.IntN(len(roles))]
		}
		out[i] = memberRow{TeamCode: team, Role: role, Name: n, Phone: mobile(r)}
	}
	return out
}

// near returns a point inside a within about sigma metres of c (c itself
// when the draws keep missing; c must be inside a).
func near(r *rand.Rand, a *area, c orb.Point, sigmaM float64) orb.Point {
	if p, ok := a.Shape.gaussian(r, c, sigmaM); ok {
		return p
	}
	return c
}

// insertTeams stages teams and members and inserts them, resolving grid
// codes to ids and service areas to grid geometries.
func (l *loader) insertTeams(ctx context.Context, teams []teamRow, members []memberRow) error {
	return l.bulk(ctx, func(tx pgx.Tx) error {
		const create = `
			CREATE TEMP TABLE demo_teams (ord int, code text, kind text, name text, grid_code text, area_code text,
				lon float8, lat float8, on_duty bool, phone text) ON COMMIT DROP;
			CREATE TEMP TABLE demo_members (ord int, team_code text, role text, name text, phone text) ON COMMIT DROP`
		if _, err := tx.Exec(ctx, create); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"demo_teams"},
			[]string{"ord", "code", "kind", "name", "grid_code", "area_code", "lon", "lat", "on_duty", "phone"},
			pgx.CopyFromSlice(len(teams), func(i int) ([]any, error) {
				t := teams[i]
				var area *string
				if t.AreaCode != "" {
					area = &t.AreaCode
				}
				return []any{i, t.Code, t.Kind, t.Name, t.GridCode, area, t.Base[0], t.Base[1], t.OnDuty, t.Phone}, nil
			}))
		if err != nil {
			return fmt.Errorf("stage teams: %w", err)
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"demo_members"}, []string{"ord", "team_code", "role", "name", "phone"},
			pgx.CopyFromSlice(len(members), func(i int) ([]any, error) {
				m := members[i]
				return []any{i, m.TeamCode, string(m.Role), m.Name, m.Phone}, nil
			}))
		if err != nil {
			return fmt.Errorf("stage team members: %w", err)
		}
		const insTeams = `
			INSERT INTO teams (code, kind, name, grid_id, base, service_area, on_duty, phone)
			SELECT t.code, t.kind, t.name, g.id, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), a.geom, t.on_duty, t.phone
			FROM demo_teams t
			JOIN grids g ON g.code = t.grid_code
			LEFT JOIN grids a ON a.code = t.area_code
			ORDER BY t.ord`
		tag, err := tx.Exec(ctx, insTeams)
		if err != nil {
			return fmt.Errorf("insert teams: %w", err)
		}
		if int(tag.RowsAffected()) != len(teams) {
			return fmt.Errorf("inserted %d teams of %d: unknown grid codes", tag.RowsAffected(), len(teams))
		}
		const insMembers = `
			INSERT INTO team_members (team_id, role, name, phone)
			SELECT t.id, m.role, m.name, m.phone
			FROM demo_members m JOIN teams t ON t.code = m.team_code
			ORDER BY m.ord`
		if _, err := tx.Exec(ctx, insMembers); err != nil {
			return fmt.Errorf("insert team members: %w", err)
		}
		return nil
	})
}
