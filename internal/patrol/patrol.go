// Package patrol answers patrol planners' questions from the report
// roll-ups: where reports cluster more than chance would explain (Getis-Ord
// Gi* over H3 cells or grid polygons), which clusters are emerging, and
// which hot cells each N-team should visit first.
//
// The statistics are internal/hotspot's; this package picks the study area
// (every H3 cell of a grid subtree, a box or a team's service area: empty
// cells count as zeros), reads the counts from internal/postgres and caches
// the neighbour graphs, which cost more to build than Gi* costs to run.
package patrol

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/uber/h3-go/v4"

	"grid110/internal/grid110"
	"grid110/internal/hotspot"
	"grid110/internal/postgres"
)

// Resolutions the service analyses, and the limits on the study area.
const (
	MinRes = 5
	MaxRes = 10
	MinK   = 1
	MaxK   = 3
	// DefaultWindow is the time window when a query gives no from.
	DefaultWindow = 30 * 24 * time.Hour
	// autoCells is the most cells a study area may have when the service
	// chooses the resolution: enough detail for a street-level map while
	// the whole of Zhangzhou (12,600 km²) lands on res 8.
	autoCells = 30000
	// maxCells bounds a study area at a resolution the caller chose
	// (memory and time grow linearly; res 9 over a whole city is ~150,000).
	maxCells = 400000
	// graphCacheSize is how many study areas stay cached.
	graphCacheSize = 64
)

// Service runs hotspot analyses over the store's roll-ups.
// It is safe for concurrent use.
type Service struct {
	store *postgres.Store
	now   func() time.Time

	mu     sync.Mutex
	graphs map[string]any // *cellArea or *gridArea by cache key
}

// New returns a Service reading from store.
func New(store *postgres.Store) *Service {
	return &Service{store: store, now: time.Now, graphs: map[string]any{}}
}

// Area is the study area of an analysis: one of a grid subtree, a WGS-84
// box or a polygon. The zero Area means the whole city (the one top-level grid).
type Area struct {
	GridID  int64
	Bound   *orb.Bound
	Polygon orb.MultiPolygon // WGS-84
	// Key identifies Polygon in the graph cache (e.g. "team:7"); a
	// Polygon without a Key is not cached.
	Key string
}

// Query asks for Gi* per H3 cell.
type Query struct {
	Area       Area
	Res        int  // H3 resolution MinRes..MaxRes; 0 chooses from the area's size
	K          int  // k-ring radius MinK..MaxK; 0 means hotspot.DefaultK
	FDR        bool // Benjamini-Hochberg correction of the bins
	From, To   time.Time
	Categories []string // empty: every category
}

// normalize fills defaults and checks ranges; errors wrap grid110.ErrInvalid.
func (q *Query) normalize(now time.Time) error {
	if q.Res != 0 && (q.Res < MinRes || q.Res > MaxRes) {
		return grid110.Invalid("res", "%d is outside %d..%d", q.Res, MinRes, MaxRes)
	}
	if q.K == 0 {
		q.K = hotspot.DefaultK
	}
	if q.K < MinK || q.K > MaxK {
		return grid110.Invalid("k", "%d is outside %d..%d", q.K, MinK, MaxK)
	}
	if q.To.IsZero() {
		q.To = now
	}
	if q.From.IsZero() {
		q.From = q.To.Add(-DefaultWindow)
	}
	if !q.From.Before(q.To) {
		return grid110.Invalid("from", "must be before to")
	}
	return nil
}

func (q Query) window() postgres.CountWindow {
	return postgres.CountWindow{From: q.From, To: q.To, Categories: q.Categories}
}

// CellStat is the Gi* result of one H3 cell.
type CellStat struct {
	Cell  h3.Cell
	Count int64 // reports in the window
	hotspot.Stat
}

// CellResult is the answer to a Query.
type CellResult struct {
	Query     Query // as run: Res and K filled in
	AreaCells int   // cells in the study area, empty ones included
	Reports   int64 // reports counted in the study area
	Cells     []CellStat
}

// Hotspots runs Gi* over every H3 cell of q.Area. Errors wrap
// grid110.ErrInvalid for a bad query and grid110.ErrNotFound for an
// unknown grid.
func (s *Service) Hotspots(ctx context.Context, q Query) (*CellResult, error) {
	if err := q.normalize(s.now()); err != nil {
		return nil, err
	}
	a, err := s.cellArea(ctx, q.Area, q.Res, q.K)
	if err != nil {
		return nil, err
	}
	q.Res = a.res
	counts, err := s.store.CellCounts(ctx, a.res, a.cells, q.window())
	if err != nil {
		return nil, err
	}
	x, total := a.dense(counts)
	stats, err := a.graph.GiStar(x, hotspot.Options{FDR: q.FDR})
	if err != nil {
		return nil, fmt.Errorf("gi* at res %d: %w", a.res, err)
	}
	out := &CellResult{Query: q, AreaCells: a.graph.Len(), Reports: total, Cells: make([]CellStat, len(stats))}
	for i, c := range a.graph.IDs() {
		out.Cells[i] = CellStat{Cell: c, Count: int64(x[i]), Stat: stats[i]}
	}
	return out, nil
}

// cellArea is a cached study area of H3 cells with its k-ring graph.
type cellArea struct {
	res   int
	cells []int64 // the graph's IDs as the roll-ups store them
	graph *hotspot.Graph[h3.Cell]
}

// dense turns roll-up counts into Gi* input, dropping cells outside the area.
func (a *cellArea) dense(counts map[int64]int64) ([]float64, int64) {
	x := make([]float64, a.graph.Len())
	var total int64
	for c, n := range counts {
		if i, ok := a.graph.Index(h3.Cell(c)); ok {
			x[i] = float64(n)
			total += n
		}
	}
	return x, total
}

// cellArea returns the study area of area at res (0: chosen) with k-ring k,
// from the cache when the grids and teams have not changed since.
func (s *Service) cellArea(ctx context.Context, area Area, res, k int) (*cellArea, error) {
	key, err := s.areaKey(ctx, area)
	if err != nil {
		return nil, err
	}
	if key != "" {
		key = fmt.Sprintf("cells/%s/%d/%d", key, res, k)
		if a, ok := s.cached(key).(*cellArea); ok {
			return a, nil
		}
	}
	poly, areaM2, err := s.areaPolygon(ctx, area)
	if err != nil {
		return nil, err
	}
	if res == 0 {
		res = ChooseRes(areaM2)
	} else if est := estimateCells(areaM2, res); est > maxCells {
		return nil, grid110.Invalid("res", "res %d would split this area into about %d cells (at most %d); choose a coarser one", res, est, maxCells)
	}
	cells, err := CellsOf(poly, res)
	if err != nil {
		return nil, err
	}
	if len(cells) < 2 {
		return nil, grid110.Invalid("res", "the area holds %d cells at res %d; Gi* needs at least 2: choose a finer resolution or a larger area", len(cells), res)
	}
	g, err := hotspot.KRing(cells, k)
	if err != nil {
		return nil, fmt.Errorf("k-ring graph: %w", err)
	}
	a := &cellArea{res: res, graph: g, cells: make([]int64, len(cells))}
	for i, c := range cells {
		a.cells[i] = int64(c)
	}
	if key != "" {
		s.cache(key, a)
	}
	return a, nil
}

// areaKey is the cache key of area, including the grids and teams
// fingerprint so an import or a changed service area is seen at once;
// "" for an area that is not cached.
func (s *Service) areaKey(ctx context.Context, area Area) (string, error) {
	var key string
	switch {
	case area.Polygon != nil:
		if area.Key == "" {
			return "", nil
		}
		key = area.Key
	case area.Bound != nil:
		key = fmt.Sprintf("bbox:%v,%v,%v,%v", area.Bound.Min[0], area.Bound.Min[1], area.Bound.Max[0], area.Bound.Max[1])
	default:
		key = "grid:" + strconv.FormatInt(area.GridID, 10)
	}
	v, err := s.store.GridsVersion(ctx)
	if err != nil {
		return "", err
	}
	return key + "@" + v, nil
}

// areaPolygon returns the polygon of area and its size in m².
func (s *Service) areaPolygon(ctx context.Context, area Area) (orb.MultiPolygon, float64, error) {
	switch {
	case area.Polygon != nil:
		return area.Polygon, geo.Area(area.Polygon), nil
	case area.Bound != nil:
		p := area.Bound.ToPolygon()
		return orb.MultiPolygon{p}, geo.Area(p), nil
	}
	id, err := s.gridOrCity(ctx, area.GridID)
	if err != nil {
		return nil, 0, err
	}
	g, err := s.store.Grid(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	return g.Geom, g.AreaM, nil
}

// gridOrCity returns id, or the city's grid when id is 0.
func (s *Service) gridOrCity(ctx context.Context, id int64) (int64, error) {
	if id != 0 {
		return id, nil
	}
	roots, err := s.store.CityGrids(ctx)
	if err != nil {
		return 0, err
	}
	switch len(roots) {
	case 0:
		return 0, fmt.Errorf("no grids loaded: %w", grid110.ErrNotFound)
	case 1:
		return roots[0].ID, nil
	}
	return 0, grid110.Invalid("grid", "there are %d top-level grids: name one (grid=) or give a bbox", len(roots))
}

func (s *Service) cached(key string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.graphs[key]
}

// cache keeps v under key, forgetting an arbitrary entry when full
// (stale entries, whose fingerprint no longer matches, go first in practice
// only by chance; the cache is small and rebuilding is cheap).
func (s *Service) cache(key string, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.graphs) >= graphCacheSize {
		for k := range s.graphs {
			delete(s.graphs, k)
			break
		}
	}
	s.graphs[key] = v
}

// ChooseRes returns the finest resolution in MinRes..MaxRes at which an
// area of areaM2 square metres has at most about 30,000 cells.
func ChooseRes(areaM2 float64) int {
	for res := MaxRes; res > MinRes; res-- {
		if estimateCells(areaM2, res) <= autoCells {
			return res
		}
	}
	return MinRes
}

func estimateCells(areaM2 float64, res int) int {
	avg, err := h3.HexagonAreaAvgM2(res)
	if err != nil || avg <= 0 {
		return math.MaxInt32
	}
	return int(areaM2 / avg)
}

// CellsOf returns every H3 cell at res whose centre lies in mp (WGS-84),
// each once, in a deterministic order.
func CellsOf(mp orb.MultiPolygon, res int) ([]h3.Cell, error) {
	seen := map[h3.Cell]bool{}
	var out []h3.Cell
	for _, p := range mp {
		if len(p) == 0 {
			continue
		}
		gp := h3.GeoPolygon{GeoLoop: loop(p[0])}
		for _, hole := range p[1:] {
			gp.Holes = append(gp.Holes, loop(hole))
		}
		cells, err := h3.PolygonToCells(gp, res)
		if err != nil {
			return nil, fmt.Errorf("cells of the area at res %d: %w", res, err)
		}
		for _, c := range cells {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}

func loop(r orb.Ring) h3.GeoLoop {
	l := make(h3.GeoLoop, len(r))
	for i, p := range r {
		l[i] = h3.LatLng{Lat: p[1], Lng: p[0]}
	}
	return l
}

// CellCenter returns the centre of c as a WGS-84 point.
func CellCenter(c h3.Cell) orb.Point {
	ll, err := c.LatLng()
	if err != nil {
		return orb.Point{}
	}
	return orb.Point{ll.Lng, ll.Lat}
}

// CellPolygon returns the boundary of c as a closed WGS-84 polygon.
func CellPolygon(c h3.Cell) orb.Polygon {
	b, err := c.Boundary()
	if err != nil || len(b) == 0 {
		return nil
	}
	r := make(orb.Ring, 0, len(b)+1)
	for _, ll := range b {
		r = append(r, orb.Point{ll.Lng, ll.Lat})
	}
	return orb.Polygon{append(r, r[0])}
}
