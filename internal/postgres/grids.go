package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"grid110/internal/grid110"
)

type gridRow struct {
	ID       int64         `db:"id"`
	ParentID *int64        `db:"parent_id"`
	Level    grid110.Level `db:"level"`
	Code     string        `db:"code"`
	Name     string        `db:"name"`
	Path     []int64       `db:"path"`
	Geom     []byte        `db:"geom"`
	AreaM2   float64       `db:"area_m2"`
}

func (r gridRow) grid() (grid110.Grid, error) {
	g := grid110.Grid{GridRef: grid110.GridRef{ID: r.ID, Level: r.Level, Code: r.Code, Name: r.Name},
		Path: r.Path, AreaM: r.AreaM2}
	if r.ParentID != nil {
		g.ParentID = *r.ParentID
	}
	if r.Geom != nil {
		mp, err := multiPolygon(r.Geom)
		if err != nil {
			return g, fmt.Errorf("grid %d: %w", r.ID, err)
		}
		g.Geom = mp
	}
	return g, nil
}

func collectGrids(rows pgx.Rows, what string) ([]grid110.Grid, error) {
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[gridRow])
	if err != nil {
		return nil, translate(err, what)
	}
	out := make([]grid110.Grid, 0, len(rs))
	for _, r := range rs {
		g, err := r.grid()
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// AllGrids returns every grid with its geometry, for the in-memory locate index.
func (s *Store) AllGrids(ctx context.Context) ([]grid110.Grid, error) {
	const q = `
		SELECT id, parent_id, level, code, name, path, ST_AsBinary(geom) AS geom, area_m2
		FROM grids ORDER BY id`
	rows, _ := s.pool.Query(ctx, q)
	return collectGrids(rows, "select all grids")
}

// Grid returns one grid with its geometry.
func (s *Store) Grid(ctx context.Context, id int64) (grid110.Grid, error) {
	const q = `
		SELECT id, parent_id, level, code, name, path, ST_AsBinary(geom) AS geom, area_m2
		FROM grids WHERE id = $1`
	rows, _ := s.pool.Query(ctx, q, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[gridRow])
	if err != nil {
		return grid110.Grid{}, translate(err, fmt.Sprintf("grid %d", id))
	}
	return r.grid()
}

// GridByCode returns one grid, without its geometry, by its code.
func (s *Store) GridByCode(ctx context.Context, code string) (grid110.Grid, error) {
	const q = `
		SELECT id, parent_id, level, code, name, path, NULL::bytea AS geom, area_m2
		FROM grids WHERE code = $1`
	rows, _ := s.pool.Query(ctx, q, code)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[gridRow])
	if err != nil {
		return grid110.Grid{}, translate(err, "grid with code "+code)
	}
	return r.grid()
}

// GridFilter selects grids for a listing.
type GridFilter struct {
	Bound    *orb.Bound    // intersecting this WGS-84 box
	Level    grid110.Level // at this level ("" any)
	ParentID int64         // children of this grid (0 any)
	Simplify float64       // ST_SimplifyPreserveTopology tolerance in degrees (0 none)
	Limit    int           // at most this many
}

// Grids lists grids with their geometry, ordered by id.
func (s *Store) Grids(ctx context.Context, f GridFilter) ([]grid110.Grid, error) {
	const q = `
		SELECT id, parent_id, level, code, name, path, area_m2,
			ST_AsBinary(CASE WHEN @simplify > 0 THEN ST_Multi(ST_SimplifyPreserveTopology(geom, @simplify)) ELSE geom END) AS geom
		FROM grids
		WHERE (@has_bound = false OR geom && ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4326)
				AND ST_Intersects(geom, ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4326)))
		  AND (@level = '' OR level::text = @level)
		  AND (@parent = 0 OR parent_id = @parent)
		ORDER BY id
		LIMIT @limit`
	args := pgx.NamedArgs{"simplify": f.Simplify, "has_bound": f.Bound != nil, "level": string(f.Level),
		"parent": f.ParentID, "limit": f.Limit, "minx": 0.0, "miny": 0.0, "maxx": 0.0, "maxy": 0.0}
	if f.Bound != nil {
		args["minx"], args["miny"], args["maxx"], args["maxy"] = f.Bound.Min[0], f.Bound.Min[1], f.Bound.Max[0], f.Bound.Max[1]
	}
	rows, _ := s.pool.Query(ctx, q, args)
	return collectGrids(rows, "list grids")
}

// GridsVersion is a cheap fingerprint of the grids and teams tables: it
// changes whenever either changes, so a poller can tell whether to reload.
func (s *Store) GridsVersion(ctx context.Context) (string, error) {
	const q = `
		SELECT concat_ws('/',
			(SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') || ':' || coalesce(max(id), 0) FROM grids),
			(SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') || ':' || coalesce(max(id), 0) FROM teams),
			(SELECT count(*) || ':' || coalesce(max(id), 0) FROM team_members))`
	var v string
	err := s.pool.QueryRow(ctx, q).Scan(&v)
	return v, translate(err, "grids version")
}

// NearestGrid returns the grid nearest to p (WGS-84) and its distance in
// metres, preferring the top of the hierarchy: it is used to explain a
// point that falls outside every grid.
func (s *Store) NearestGrid(ctx context.Context, p orb.Point) (grid110.GridRef, float64, error) {
	const q = `
		WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g)
		SELECT id, level, code, name, ST_Distance(geom::geography, pt.g::geography) AS d
		FROM (SELECT id, level, code, name, geom FROM grids, pt ORDER BY geom <-> pt.g, level, id LIMIT 8) near, pt
		ORDER BY d, level, id LIMIT 1`
	var g grid110.GridRef
	var d float64
	err := s.pool.QueryRow(ctx, q, p[0], p[1]).Scan(&g.ID, &g.Level, &g.Code, &g.Name, &d)
	return g, d, translate(err, "nearest grid")
}
