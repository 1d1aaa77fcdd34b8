package tiles

import (
	"context"
	"fmt"
	"math"
	"slices"

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
	index      map[grid110.Level]*gridIndex
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

// gridsIn returns the grids at level whose bound meets b (normalised
// Mercator), in snapshot order.
func (s *snapshot) gridsIn(level grid110.Level, b orb.Bound) []*gridFeature {
	all := s.levels[level]
	ix := s.index[level]
	if ix == nil || !ix.bound.Intersects(b) {
		return nil
	}
	i0, j0 := ix.bucket(b.Min)
	i1, j1 := ix.bucket(b.Max)
	var ids []int32
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			for _, k := range ix.buckets[j*ix.n+i] {
				if all[k].bound.Intersects(b) {
					ids = append(ids, k)
				}
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids) // a grid spanning buckets is in each
	out := make([]*gridFeature, len(ids))
	for i, k := range ids {
		out[i] = all[k]
	}
	return out
}

// gridIndex buckets one level's grids by their bounds on an n x n grid over
// the level's bound, so a tile looks at the grids near it, not all of them.
type gridIndex struct {
	bound   orb.Bound
	n       int
	buckets [][]int32 // row-major; indices into snapshot.levels[level]
}

func newGridIndex(grids []*gridFeature) *gridIndex {
	if len(grids) == 0 {
		return nil
	}
	ix := &gridIndex{bound: grids[0].bound, n: max(1, min(256, int(math.Sqrt(float64(len(grids))))))}
	for _, g := range grids {
		ix.bound = ix.bound.Union(g.bound)
	}
	ix.buckets = make([][]int32, ix.n*ix.n)
	for k, g := range grids {
		i0, j0 := ix.bucket(g.bound.Min)
		i1, j1 := ix.bucket(g.bound.Max)
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				ix.buckets[j*ix.n+i] = append(ix.buckets[j*ix.n+i], int32(k))
			}
		}
	}
	return ix
}

// bucket returns the column and row of p, clamped to the index.
func (ix *gridIndex) bucket(p orb.Point) (i, j int) {
	f := func(v, lo, hi float64) int {
		if hi <= lo {
			return 0
		}
		return max(0, min(ix.n-1, int((v-lo)/(hi-lo)*float64(ix.n))))
	}
	return f(p[0], ix.bound.Min[0], ix.bound.Max[0]), f(p[1], ix.bound.Min[1], ix.bound.Max[1])
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
	s.index = map[grid110.Level]*gridIndex{}
	for lvl, grids := range s.levels {
		s.index[lvl] = newGridIndex(grids)
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
