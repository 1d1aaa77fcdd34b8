package tiles

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// cellsIn returns the H3 cells at res that overlap the frame, limited to
// where there can be reports at all (the grids' bound): at low zoom a tile
// covers far more of the world than the city.
func cellsIn(snap *snapshot, fr frame, res int) ([]int64, error) {
	b := fr.wgs84()
	if len(snap.byID) == 0 {
		return nil, nil
	}
	city := snap.bound.Pad(0.01)
	if !b.Intersects(city) {
		return nil, nil
	}
	b = orb.Bound{Min: orb.Point{math.Max(b.Min[0], city.Min[0]), math.Max(b.Min[1], city.Min[1])},
		Max: orb.Point{math.Min(b.Max[0], city.Max[0]), math.Min(b.Max[1], city.Max[1])}}
	loop := h3.GeoLoop{
		{Lat: b.Min[1], Lng: b.Min[0]}, {Lat: b.Min[1], Lng: b.Max[0]},
		{Lat: b.Max[1], Lng: b.Max[0]}, {Lat: b.Max[1], Lng: b.Min[0]},
	}
	cells, err := h3.PolygonToCellsExperimental(h3.GeoPolygon{GeoLoop: loop}, res, h3.ContainmentOverlapping)
	if err != nil {
		return nil, fmt.Errorf("cells of tile %d/%d/%d at res %d: %w", fr.z, fr.x, fr.y, res, err)
	}
	out := make([]int64, len(cells))
	for i, c := range cells {
		out[i] = int64(c)
	}
	return out, nil
}

// maxSpans is the most spans (days and 8-day blocks) a window may take to
// be counted from report_cell_spans; longer windows sum the daily roll-up.
const maxSpans = 64

// cellCounts returns the report counts of tc's cells for the filter, only
// cells with reports (and possibly cells near the tile: callers look up
// their own). Without a category or status filter it reads the narrow
// roll-up report_cell_spans by index ranges (sql/heatmap_spans.sql);
// otherwise report_cell_counts for the cells (sql/heatmap.sql).
func (s *Source) cellCounts(ctx context.Context, tc *tileCells, f Filter) (map[int64]int64, error) {
	if len(tc.cells) == 0 {
		return nil, nil
	}
	var rows pgx.Rows
	spans, starts := daySpans(f.fromDay(), f.toDay())
	if len(f.Categories) == 0 && len(f.Statuses) == 0 && len(spans) <= maxSpans {
		// One element per span and cell range: each one index range scan.
		n := len(spans) * len(tc.lo)
		sp, st, lo, hi := make([]int16, 0, n), make([]time.Time, 0, n), make([]int64, 0, n), make([]int64, 0, n)
		for i := range spans {
			for j := range tc.lo {
				sp, st, lo, hi = append(sp, spans[i]), append(st, starts[i]), append(lo, tc.lo[j]), append(hi, tc.hi[j])
			}
		}
		rows, _ = s.db.Query(ctx, sqlHeatmapSpans, pgx.NamedArgs{"res": tc.res, "spans": sp, "starts": st, "lo": lo, "hi": hi})
	} else {
		rows, _ = s.db.Query(ctx, sqlHeatmap, pgx.NamedArgs{"res": tc.res, "cells": tc.cells, "from": f.fromDay(),
			"to": f.toDay(), "categories": nonNil(f.Categories), "statuses": nonNil(f.Statuses)})
	}
	out := make(map[int64]int64, len(tc.cells)/2)
	var c, n int64
	_, err := pgx.ForEachRow(rows, []any{&c, &n}, func() error { out[c] = n; return nil })
	if err != nil {
		return nil, fmt.Errorf("cell counts: %w", err)
	}
	return out, nil
}

// renderHeatmap draws report counts per H3 hexagon at the zoom's resolution.
func (s *Source) renderHeatmap(ctx context.Context, enc *layerEncoder, snap *snapshot, fr frame, f Filter) error {
	tc, err := s.tileCellsFor(snap, fr, cellsHeatmap)
	if err != nil {
		return err
	}
	counts, err := s.cellCounts(ctx, tc, f)
	if err != nil || len(counts) == 0 {
		return err
	}
	res := num(int64(tc.res))
	for i, c := range tc.cells { // in cell order, so the bytes are stable
		if tc.geoms[i] == nil {
			continue
		}
		n, ok := counts[c]
		if !ok {
			continue
		}
		enc.geom = append(enc.geom[:0], tc.geoms[i]...)
		enc.endFeature(uint64(c), geomPolygon, prop{"cell", str(tc.names[i])}, prop{"res", res}, prop{"count", num(n)})
	}
	return nil
}

// cellRing returns the boundary of cell c in normalised Mercator.
func cellRing(c h3.Cell) orb.Ring {
	bd, err := c.Boundary()
	if err != nil {
		return nil
	}
	r := make(orb.Ring, 0, len(bd)+1)
	for _, v := range bd {
		r = append(r, merc(orb.Point{v.Lng, v.Lat}))
	}
	return append(r, r[0])
}

// cellCenter returns the centre of cell c in normalised Mercator.
func cellCenter(c h3.Cell) orb.Point {
	ll, err := c.LatLng()
	if err != nil {
		return orb.Point{}
	}
	return merc(orb.Point{ll.Lng, ll.Lat})
}
