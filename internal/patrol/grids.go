package patrol

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"grid110/internal/grid110"
	"grid110/internal/hotspot"
	"grid110/internal/postgres"
)

// GridQuery asks for Gi* per grid polygon, with neighbours by shared edges.
type GridQuery struct {
	GridID     int64         // the study area: this grid's subtree (0: the city)
	Level      grid110.Level // the polygons: grids at this level ("": one below GridID's)
	FDR        bool
	From, To   time.Time
	Categories []string
}

// GridStat is the Gi* result of one grid.
type GridStat struct {
	Grid       grid110.Grid // geometry simplified for display
	Count      int64
	Neighbours int // grids sharing an edge with this one inside the study area
	hotspot.Stat
}

// GridResult is the answer to a GridQuery.
type GridResult struct {
	Query   GridQuery // as run: GridID and Level filled in
	Reports int64
	Grids   []GridStat // every grid of the study area, ordered by id
}

// gridArea is a cached study area of grid polygons.
type gridArea struct {
	grids []grid110.Grid
	graph *hotspot.Graph[int64]
}

// GridHotspots runs Gi* over the grids at q.Level under q.GridID, each
// grid's neighbours being the grids it shares an edge with (computed in
// PostGIS and cached by the store). Counts come from report_grid_counts.
func (s *Service) GridHotspots(ctx context.Context, q GridQuery) (*GridResult, error) {
	cq := Query{From: q.From, To: q.To}
	if err := cq.normalize(s.now()); err != nil {
		return nil, err
	}
	q.From, q.To = cq.From, cq.To
	var err error
	if q.GridID, err = s.gridOrCity(ctx, q.GridID); err != nil {
		return nil, err
	}
	if q.Level == "" || q.Level == grid110.Level("auto") {
		area, err := s.store.Grid(ctx, q.GridID)
		if err != nil {
			return nil, err
		}
		if q.Level = childLevel(area.Level); q.Level == "" {
			return nil, grid110.Invalid("level", "grid %d is a %s: it has no smaller grids", q.GridID, area.Level)
		}
	}
	a, err := s.gridArea(ctx, q.GridID, q.Level)
	if err != nil {
		return nil, err
	}
	ids := a.graph.IDs()
	counts, err := s.store.GridCounts(ctx, ids, q.window())
	if err != nil {
		return nil, err
	}
	x := make([]float64, len(ids))
	var total int64
	for i, id := range ids {
		x[i] = float64(counts[id])
		total += counts[id]
	}
	stats, err := a.graph.GiStar(x, hotspot.Options{FDR: q.FDR})
	if err != nil {
		return nil, fmt.Errorf("gi* over %s grids: %w", q.Level, err)
	}
	out := &GridResult{Query: q, Reports: total, Grids: make([]GridStat, len(ids))}
	for i := range ids {
		out.Grids[i] = GridStat{Grid: a.grids[i], Count: counts[ids[i]], Neighbours: len(a.graph.Neighbours(i)), Stat: stats[i]}
	}
	return out, nil
}

// gridArea returns the grids at level under area and their adjacency graph.
func (s *Service) gridArea(ctx context.Context, area int64, level grid110.Level) (*gridArea, error) {
	key, err := s.areaKey(ctx, Area{GridID: area})
	if err != nil {
		return nil, err
	}
	key = "grids/" + key + "/" + string(level)
	if a, ok := s.cached(key).(*gridArea); ok {
		return a, nil
	}
	// 1e-4° (about 10 m) is plenty for a choropleth of communities.
	grids, err := s.store.SubtreeGrids(ctx, area, level, 1e-4)
	if err != nil {
		return nil, err
	}
	if len(grids) < 2 {
		return nil, grid110.Invalid("level", "grid %d holds %d grids at level %s; Gi* needs at least 2", area, len(grids), level)
	}
	pairs, err := s.store.GridAdjacency(ctx, area, level)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(grids))
	for i, g := range grids {
		ids[i] = g.ID
	}
	g, err := hotspot.Adjacency(ids, pairs)
	if err != nil {
		return nil, fmt.Errorf("adjacency graph of grid %s: %w", strconv.FormatInt(area, 10), err)
	}
	a := &gridArea{grids: grids, graph: g}
	s.cache(key, a)
	return a, nil
}

// childLevel is the level one below l, or "" for the deepest.
func childLevel(l grid110.Level) grid110.Level {
	for _, c := range []grid110.Level{grid110.LevelDistrict, grid110.LevelTownship, grid110.LevelCommunity, grid110.LevelCompound} {
		if c.Parent() == l {
			return c
		}
	}
	return ""
}

func (q GridQuery) window() postgres.CountWindow {
	return postgres.CountWindow{From: q.From, To: q.To, Categories: q.Categories}
}
