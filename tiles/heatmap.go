package tiles

import (
	"context"
	"fmt"
	"math"

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

// cellCounts returns the report counts of cells at res for the filter
// (sql/heatmap.sql), only cells with reports.
func (s *Source) cellCounts(ctx context.Context, cells []int64, res int, f Filter) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(cells) == 0 {
		return out, nil
	}
	rows, _ := s.db.Query(ctx, sqlHeatmap, pgx.NamedArgs{"res": res, "cells": cells, "from": f.fromDay(),
		"to": f.toDay(), "categories": nonNil(f.Categories), "statuses": nonNil(f.Statuses)})
	var c, n int64
	_, err := pgx.ForEachRow(rows, []any{&c, &n}, func() error { out[c] = n; return nil })
	if err != nil {
		return nil, fmt.Errorf("cell counts: %w", err)
	}
	return out, nil
}

// renderHeatmap draws report counts per H3 hexagon at the zoom's resolution.
func (s *Source) renderHeatmap(ctx context.Context, enc *layerEncoder, snap *snapshot, fr frame, f Filter) error {
	res := heatRes(fr.z)
	cells, err := cellsIn(snap, fr, res)
	if err != nil {
		return err
	}
	counts, err := s.cellCounts(ctx, cells, res, f)
	if err != nil {
		return err
	}
	var buf orb.Ring
	for _, c := range cells { // in cell order, so the bytes are stable
		n, ok := counts[c]
		if !ok {
			continue
		}
		mp := fr.polygon(orb.MultiPolygon{{cellRing(h3.Cell(c))}}, buf)
		if len(mp) == 0 {
			continue
		}
		enc.beginGeom()
		for _, r := range mp[0] {
			enc.addRing(r)
		}
		enc.endFeature(uint64(c), geomPolygon, prop{"cell", str(h3.Cell(c).String())}, prop{"res", num(int64(res))},
			prop{"count", num(n)})
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
