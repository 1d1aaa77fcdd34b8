package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

// CountWindow selects the reports a hotspot analysis counts: created in
// [From, To), of any of Categories (empty: every category), any status.
// The roll-ups count whole days in China time, so the window is widened to
// the days From and To fall on.
type CountWindow struct {
	From, To   time.Time
	Categories []string
}

// bigCellSet is the number of cells above which a count query reads the
// whole resolution instead of probing the primary key once per cell.
const bigCellSet = 20000

func (w CountWindow) args(res int, cells []int64) pgx.NamedArgs {
	cats := w.Categories
	if cats == nil {
		cats = []string{}
	}
	all := len(cells) > bigCellSet
	if all {
		cells = nil
	}
	return pgx.NamedArgs{"res": res, "from": w.From, "to": w.To, "categories": cats,
		"all_cells": all, "cells": cells}
}

// CellCounts returns the number of reports per H3 cell (as int64) at
// resolution res in the window, from report_cell_counts. Only cells with
// reports have an entry. Cells outside cells may appear when cells is
// large (the caller drops them); cells must not be empty.
func (s *Store) CellCounts(ctx context.Context, res int, cells []int64, w CountWindow) (map[int64]int64, error) {
	rows, _ := s.pool.Query(ctx, mustSQL("hotspot_cell_counts.sql"), w.args(res, cells))
	out := map[int64]int64{}
	var cell, n int64
	_, err := pgx.ForEachRow(rows, []any{&cell, &n}, func() error {
		out[cell] = n
		return nil
	})
	if err != nil {
		return nil, translate(err, fmt.Sprintf("count reports per cell at res %d", res))
	}
	return out, nil
}

// CellDayCount is the number of reports in one H3 cell on one day (China time).
type CellDayCount struct {
	Cell int64
	Day  time.Time // midnight UTC of the calendar day
	N    int64
}

// CellDayCounts is CellCounts with one entry per cell and day, for
// emerging hot spots.
func (s *Store) CellDayCounts(ctx context.Context, res int, cells []int64, w CountWindow) ([]CellDayCount, error) {
	rows, _ := s.pool.Query(ctx, mustSQL("hotspot_cell_day_counts.sql"), w.args(res, cells))
	var out []CellDayCount
	var c CellDayCount
	_, err := pgx.ForEachRow(rows, []any{&c.Cell, &c.Day, &c.N}, func() error {
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, translate(err, fmt.Sprintf("count reports per cell and day at res %d", res))
	}
	return out, nil
}

// GridCounts returns the number of reports per grid of ids in the window,
// from report_grid_counts (which counts a report in its grid and every
// ancestor). Grids without reports have no entry.
func (s *Store) GridCounts(ctx context.Context, ids []int64, w CountWindow) (map[int64]int64, error) {
	const q = `
		SELECT t.grid_id, sum(t.n)::bigint
		FROM report_grid_counts t
		WHERE t.grid_id = ANY (@ids::bigint[])
		  AND t.day >= report_day(@from::timestamptz)
		  AND t.day <= report_day(@to::timestamptz - interval '1 microsecond')
		  AND (cardinality(@categories::text[]) = 0 OR t.category = ANY (@categories::text[]))
		GROUP BY t.grid_id`
	args := w.args(0, nil)
	args["ids"] = ids
	rows, _ := s.pool.Query(ctx, q, args)
	out := map[int64]int64{}
	var id, n int64
	_, err := pgx.ForEachRow(rows, []any{&id, &n}, func() error {
		out[id] = n
		return nil
	})
	if err != nil {
		return nil, translate(err, "count reports per grid")
	}
	return out, nil
}

// SubtreeGrids returns the grids at level in the subtree of area (area
// itself when it is at level), ordered by id, with their geometry
// simplified by simplify degrees (0: as stored).
func (s *Store) SubtreeGrids(ctx context.Context, area int64, level grid110.Level, simplify float64) ([]grid110.Grid, error) {
	const q = `
		SELECT id, parent_id, level, code, name, path, area_m2,
			ST_AsBinary(CASE WHEN @simplify > 0 THEN ST_Multi(ST_SimplifyPreserveTopology(geom, @simplify)) ELSE geom END) AS geom
		FROM grids
		WHERE path @> ARRAY[@area::bigint] AND level = @level::grid_level
		ORDER BY id`
	rows, _ := s.pool.Query(ctx, q, pgx.NamedArgs{"area": area, "level": string(level), "simplify": simplify})
	return collectGrids(rows, fmt.Sprintf("grids at level %s under grid %d", level, area))
}

// GridAdjacency returns the pairs (a < b) of grids at level in the subtree
// of area that share an edge. The pairs of a whole level are computed once
// in PostGIS (sql/grid_adjacency.sql) and cached in grid_adjacency; they are
// computed again when the grids of that level change.
func (s *Store) GridAdjacency(ctx context.Context, area int64, level grid110.Level) ([][2]int64, error) {
	if err := s.refreshAdjacency(ctx, level); err != nil {
		return nil, err
	}
	const q = `
		SELECT j.a, j.b
		FROM grid_adjacency j
		JOIN grids ga ON ga.id = j.a
		JOIN grids gb ON gb.id = j.b
		WHERE j.level = @level::grid_level
		  AND ga.path @> ARRAY[@area::bigint] AND gb.path @> ARRAY[@area::bigint]
		ORDER BY j.a, j.b`
	rows, _ := s.pool.Query(ctx, q, pgx.NamedArgs{"area": area, "level": string(level)})
	var out [][2]int64
	var p [2]int64
	_, err := pgx.ForEachRow(rows, []any{&p[0], &p[1]}, func() error {
		out = append(out, p)
		return nil
	})
	return out, translate(err, fmt.Sprintf("adjacency of %s grids under grid %d", level, area))
}

// refreshAdjacency recomputes the cached adjacency of level when the grids
// of that level changed since it was computed. An advisory lock makes
// concurrent callers wait for one computation instead of racing.
func (s *Store) refreshAdjacency(ctx context.Context, level grid110.Level) error {
	const fingerprint = `
		SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') || ':' || coalesce(max(id), 0)
		FROM grids WHERE level = $1::grid_level`
	const cached = `SELECT fingerprint FROM grid_adjacency_levels WHERE level = $1::grid_level`
	var want, have string
	if err := s.pool.QueryRow(ctx, fingerprint, string(level)).Scan(&want); err != nil {
		return translate(err, "grids fingerprint")
	}
	err := s.pool.QueryRow(ctx, cached, string(level)).Scan(&have)
	if err == nil && have == want {
		return nil
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('grid110.grid_adjacency'))`); err != nil {
			return translate(err, "lock grid adjacency")
		}
		// Another caller may have finished while this one waited.
		if err := tx.QueryRow(ctx, cached, string(level)).Scan(&have); err == nil && have == want {
			return nil
		}
		if _, err := tx.Exec(ctx, `DELETE FROM grid_adjacency WHERE level = $1::grid_level`, string(level)); err != nil {
			return translate(err, "clear grid adjacency")
		}
		if _, err := tx.Exec(ctx, mustSQL("grid_adjacency.sql"), pgx.NamedArgs{"level": string(level)}); err != nil {
			return translate(err, fmt.Sprintf("compute adjacency of %s grids", level))
		}
		const mark = `
			INSERT INTO grid_adjacency_levels (level, fingerprint) VALUES ($1::grid_level, $2)
			ON CONFLICT (level) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, computed_at = now()`
		_, err := tx.Exec(ctx, mark, string(level), want)
		return translate(err, "record grid adjacency")
	})
}

// CityGrids returns the grids at the top of the hierarchy (no parent),
// without geometry.
func (s *Store) CityGrids(ctx context.Context) ([]grid110.Grid, error) {
	const q = `
		SELECT id, parent_id, level, code, name, path, NULL::bytea AS geom, area_m2
		FROM grids WHERE parent_id IS NULL ORDER BY id`
	rows, _ := s.pool.Query(ctx, q)
	return collectGrids(rows, "top-level grids")
}
