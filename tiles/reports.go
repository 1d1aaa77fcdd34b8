package tiles

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// renderReports draws report points from pointsZoom on, and clusters (one
// point per H3 cell with its count) below it or where a tile would hold
// more than maxPoints reports: reports are aggregated, never dropped.
func (s *Source) renderReports(ctx context.Context, enc *layerEncoder, snap *snapshot, fr frame, f Filter) error {
	if fr.z >= pointsZoom {
		done, err := s.drawReportPoints(ctx, enc, fr, f)
		if done || err != nil {
			return err
		}
	}
	return s.drawReportClusters(ctx, enc, snap, fr, f)
}

// drawReportPoints draws one point per report (sql/reports.sql). It draws
// nothing and returns false if there are more than maxPoints.
func (s *Source) drawReportPoints(ctx context.Context, enc *layerEncoder, fr frame, f Filter) (bool, error) {
	b := fr.wgs84()
	rows, _ := s.db.Query(ctx, sqlReports, pgx.NamedArgs{"minx": b.Min[0], "miny": b.Min[1], "maxx": b.Max[0],
		"maxy": b.Max[1], "from": f.From, "to": f.To, "categories": nonNil(f.Categories),
		"statuses": nonNil(f.Statuses), "limit": maxPoints + 1})
	type point struct {
		id             int64
		category, stat string
		priority       int16
		created        time.Time
		lon, lat       float64
	}
	var pts []point
	var p point
	_, err := pgx.ForEachRow(rows, []any{&p.id, &p.category, &p.stat, &p.priority, &p.created, &p.lon, &p.lat},
		func() error { pts = append(pts, p); return nil })
	if err != nil {
		return false, fmt.Errorf("reports in tile: %w", err)
	}
	if len(pts) > maxPoints {
		return false, nil
	}
	now := s.now()
	for _, p := range pts {
		q, ok := fr.point(merc(orb.Point{p.lon, p.lat}))
		if !ok {
			continue
		}
		enc.beginGeom()
		enc.addPoints(q)
		enc.endFeature(uint64(p.id), geomPoint, prop{"id", num(p.id)}, prop{"category", str(p.category)},
			prop{"status", str(p.stat)}, prop{"priority", num(int64(p.priority))},
			prop{"age", num(int64(now.Sub(p.created) / time.Hour))})
	}
	return true, nil
}

// drawReportClusters draws one point per H3 cell (at clusterRes) with reports.
func (s *Source) drawReportClusters(ctx context.Context, enc *layerEncoder, snap *snapshot, fr frame, f Filter) error {
	tc, err := s.tileCellsFor(snap, fr, cellsClusters)
	if err != nil {
		return err
	}
	counts, err := s.cellCounts(ctx, tc, f)
	if err != nil {
		return err
	}
	for i, c := range tc.cells {
		n, ok := counts[c]
		if !ok || !tc.in[i] {
			continue
		}
		enc.beginGeom()
		enc.addPoints(tc.pts[i])
		enc.endFeature(uint64(c), geomPoint, prop{"cluster", boolean(true)}, prop{"count", num(n)},
			prop{"cell", str(tc.names[i])})
	}
	return nil
}
