package tiles

import (
	"context"
	"encoding/json"
	"time"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"grid110/internal/grid110"
)

// Notify takes a database notification; wire it to a LISTEN on Channel and
// on the grids-and-teams change channel (postgres.ChangesChannel).
//
// On Channel, the reports trigger sends {"p":[[lon,lat,grid_id],...]} for
// the reports a statement changed (old and new positions), and the tiles
// holding them are dropped at every zoom (and every hotspots tile with the
// city-wide Gi* runs behind them); "*", or "" after a lost
// connection, drops every report-based tile. Any other channel means grids
// or teams changed: the snapshot is reloaded soon (see Run).
func (s *Source) Notify(channel, payload string) {
	if channel != Channel {
		s.Changed()
		return
	}
	var msg struct {
		P [][3]float64 `json:"p"`
	}
	if payload == "" || payload == "*" || json.Unmarshal([]byte(payload), &msg) != nil {
		if payload != "" && payload != "*" {
			s.log.Warn("unreadable tile notification; dropping all report tiles", "payload", payload)
		}
		s.hotCache.clear()
		s.cache.clear(LayerReports, LayerHeatmap, LayerGridStats, LayerHotspots)
		return
	}
	for _, p := range msg.P {
		s.ReportChanged(orb.Point{p[0], p[1]}, int64(p[2]))
	}
}

// ReportChanged drops the cached tiles that show a report at p (WGS-84) in
// grid gridID: at every zoom, the reports tiles holding its point or its
// cluster, the heatmap tiles holding its hexagon, and the grid-stats tiles
// holding any grid it is counted in.
func (s *Source) ReportChanged(p orb.Point, gridID int64) {
	m := merc(p)
	ll := h3.NewLatLng(p[1], p[0])
	var rk, hk []tileKey
	add := func(keys []tileKey, layer string, z int, b orb.Bound) []tileKey {
		x0, y0, x1, y1 := tileRange(z, b)
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				keys = append(keys, tileKey{layer, z, x, y})
			}
		}
		return keys
	}
	for z := 0; z <= MaxZoom; z++ {
		if c, err := h3.LatLngToCell(ll, heatRes(z)); err == nil {
			hk = add(hk, LayerHeatmap, z, cellRing(c).Bound())
		}
		b := orb.Bound{Min: m, Max: m}
		if c, err := h3.LatLngToCell(ll, clusterRes(z)); err == nil {
			b = b.Union(cellRing(c).Bound())
		}
		rk = add(rk, LayerReports, z, b)
	}
	s.cache.invalidate(LayerHeatmap, hk)
	s.cache.invalidate(LayerReports, rk)
	// Gi* compares every cell with the whole city: one report moves every z.
	s.hotCache.clear()
	s.cache.clear(LayerHotspots)

	snap := s.snap.Load()
	g, ok := snap.byID[gridID]
	if !ok {
		// A grid newer than the snapshot: the reload will follow.
		s.cache.clear(LayerGridStats)
		return
	}
	bounds := map[grid110.Level]orb.Bound{}
	for _, lvl := range grid110.Levels {
		if a := snap.ancestor(g, lvl); a != nil {
			bounds[lvl] = a.bound
		}
	}
	s.cache.invalidateWhere(LayerGridStats, func(z, x, y int) bool {
		b, ok := bounds[levelAt(z)]
		if !ok {
			return false
		}
		x0, y0, x1, y1 := tileRange(z, b)
		return x >= x0 && x <= x1 && y >= y0 && y <= y1
	})
}

// Changed asks Run to reload the snapshot soon; bursts cause one reload.
func (s *Source) Changed() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run reloads the snapshot after Changed until ctx ends.
func (s *Source) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		}
		// Let the rest of a burst (a whole import) arrive first.
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return
		}
		for len(s.kick) > 0 {
			<-s.kick
		}
		if err := s.Reload(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("reload tile snapshot", "err", err)
		}
	}
}
