package tiles

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"grid110/internal/grid110"
)

// snapshot is what the grids and teams layers are drawn from, held in
// memory: grid polygons in normalised Mercator by level, N-team bases, and
// the category codes filters are checked against. It is replaced whole when
// grids or teams change, never modified.
type snapshot struct {
	levels     map[grid110.Level][]*gridFeature
	byID       map[int64]*gridFeature
	teams      []teamFeature
	categories map[string]bool
	bound      orb.Bound // WGS-84 bound of every grid; zero if none
}

type gridFeature struct {
	id         int64
	level      grid110.Level
	code, name string
	path       []int64
	dutyID     int64
	duty       string
	geom       orb.MultiPolygon // normalised Mercator
	bound      orb.Bound        // of geom
}

type teamFeature struct {
	id               int64
	code, name, kind string
	onDuty           bool
	at               orb.Point // normalised Mercator
}

// ancestor returns g's ancestor (or g itself) at level, if loaded.
func (s *snapshot) ancestor(g *gridFeature, level grid110.Level) *gridFeature {
	for _, id := range g.path {
		if a, ok := s.byID[id]; ok && a.level == level {
			return a
		}
	}
	return nil
}

// gridsIn returns the grids at level whose bound meets b (normalised Mercator).
func (s *snapshot) gridsIn(level grid110.Level, b orb.Bound) []*gridFeature {
	var out []*gridFeature
	for _, g := range s.levels[level] {
		if g.bound.Intersects(b) {
			out = append(out, g)
		}
	}
	return out
}

type gridRow struct {
	ID         int64   `db:"id"`
	Level      string  `db:"level"`
	Code       string  `db:"code"`
	Name       string  `db:"name"`
	Path       []int64 `db:"path"`
	DutyTeamID int64   `db:"duty_team_id"`
	DutyTeam   string  `db:"duty_team"`
	Geom       []byte  `db:"geom"`
}

type teamRow struct {
	ID     int64   `db:"id"`
	Code   string  `db:"code"`
	Name   string  `db:"name"`
	Kind   string  `db:"kind"`
	OnDuty bool    `db:"on_duty"`
	Lon    float64 `db:"lon"`
	Lat    float64 `db:"lat"`
}

// loadSnapshot reads grids, teams and categories (sql/grids.sql, sql/teams.sql).
func loadSnapshot(ctx context.Context, db Querier) (*snapshot, error) {
	s := &snapshot{levels: map[grid110.Level][]*gridFeature{}, byID: map[int64]*gridFeature{}, categories: map[string]bool{}}
	rows, _ := db.Query(ctx, sqlGrids)
	grids, err := pgx.CollectRows(rows, pgx.RowToStructByName[gridRow])
	if err != nil {
		return nil, fmt.Errorf("load grids for tiles: %w", err)
	}
	first := true
	for _, r := range grids {
		g, err := wkb.Unmarshal(r.Geom)
		if err != nil {
			return nil, fmt.Errorf("grid %d: decode WKB: %w", r.ID, err)
		}
		var mp orb.MultiPolygon
		switch x := g.(type) {
		case orb.MultiPolygon:
			mp = x
		case orb.Polygon:
			mp = orb.MultiPolygon{x}
		default:
			return nil, fmt.Errorf("grid %d: got %s, want MultiPolygon", r.ID, g.GeoJSONType())
		}
		if first {
			s.bound, first = mp.Bound(), false
		} else {
			s.bound = s.bound.Union(mp.Bound())
		}
		f := &gridFeature{id: r.ID, level: grid110.Level(r.Level), code: r.Code, name: r.Name, path: r.Path,
			dutyID: r.DutyTeamID, duty: r.DutyTeam, geom: projectMulti(mp)}
		f.bound = f.geom.Bound()
		s.levels[f.level] = append(s.levels[f.level], f)
		s.byID[f.id] = f
	}
	rows, _ = db.Query(ctx, sqlTeams)
	teams, err := pgx.CollectRows(rows, pgx.RowToStructByName[teamRow])
	if err != nil {
		return nil, fmt.Errorf("load teams for tiles: %w", err)
	}
	for _, t := range teams {
		s.teams = append(s.teams, teamFeature{id: t.ID, code: t.Code, name: t.Name, kind: t.Kind, onDuty: t.OnDuty,
			at: merc(orb.Point{t.Lon, t.Lat})})
	}
	rows, _ = db.Query(ctx, `SELECT code FROM categories`)
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("load categories for tiles: %w", err)
	}
	for _, c := range codes {
		s.categories[c] = true
	}
	return s, nil
}

// projectMulti returns mp in normalised Mercator.
func projectMulti(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			rr := make(orb.Ring, len(r))
			for k, pt := range r {
				rr[k] = merc(pt)
			}
			out[i][j] = rr
		}
	}
	return out
}
