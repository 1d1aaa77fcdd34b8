package tiles

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// renderGrids draws the grids layer from the snapshot.
func (s *Source) renderGrids(enc *layerEncoder, snap *snapshot, fr frame) {
	s.drawGrids(enc, snap, fr, nil)
}

// drawGrids draws the grids at the frame's zoom level; with counts (the
// grid-stats layer) each carries its count instead of its team.
func (s *Source) drawGrids(enc *layerEncoder, snap *snapshot, fr frame, counts map[int64]int64) {
	var buf orb.Ring
	for _, g := range snap.gridsIn(levelAt(fr.z), fr.merc) {
		mp := fr.polygon(g.geom, buf)
		if len(mp) == 0 {
			continue
		}
		enc.beginGeom()
		for _, p := range mp {
			for _, r := range p {
				enc.addRing(r)
			}
		}
		props := []prop{{"level", str(string(g.level))}, {"code", str(g.code)}, {"name", str(g.name)}}
		if counts != nil {
			props = append(props, prop{"count", num(counts[g.id])})
		} else if g.dutyID != 0 {
			props = append(props, prop{"duty_team_id", num(g.dutyID)}, prop{"duty_team", str(g.duty)})
		}
		props = append(props, prop{"id", num(g.id)})
		enc.endFeature(uint64(g.id), geomPolygon, props...)
	}
}

// renderGridStats draws the grid-stats layer: the grid polygons with their
// report counts for the filter (sql/grid_stats.sql).
func (s *Source) renderGridStats(ctx context.Context, enc *layerEncoder, snap *snapshot, fr frame, f Filter) error {
	grids := snap.gridsIn(levelAt(fr.z), fr.merc)
	if len(grids) == 0 {
		return nil
	}
	ids := make([]int64, len(grids))
	for i, g := range grids {
		ids[i] = g.id
	}
	rows, _ := s.db.Query(ctx, sqlGridStats, pgx.NamedArgs{"grids": ids, "from": f.fromDay(), "to": f.toDay(),
		"categories": nonNil(f.Categories), "statuses": nonNil(f.Statuses)})
	counts := make(map[int64]int64, len(ids))
	var id, n int64
	if _, err := pgx.ForEachRow(rows, []any{&id, &n}, func() error { counts[id] = n; return nil }); err != nil {
		return fmt.Errorf("grid counts: %w", err)
	}
	s.drawGrids(enc, snap, fr, counts)
	return nil
}

// renderTeams draws the N-team bases from the snapshot.
func (s *Source) renderTeams(enc *layerEncoder, snap *snapshot, fr frame) {
	for _, t := range snap.teams {
		p, ok := fr.point(t.at)
		if !ok {
			continue
		}
		enc.beginGeom()
		enc.addPoints(p)
		enc.endFeature(uint64(t.id), geomPoint, prop{"id", num(t.id)}, prop{"code", str(t.code)},
			prop{"name", str(t.name)}, prop{"kind", str(t.kind)}, prop{"on_duty", boolean(t.onDuty)})
	}
}

// nonNil makes an empty list an empty SQL array rather than NULL.
func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
