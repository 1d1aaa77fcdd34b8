package tiles

import (
	"container/list"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// The H3 cells of a tile do not depend on the reports: which cells meet
// the tile, their hexagons clipped and encoded in tile coordinates, their
// names and the index ranges that hold them. Enumerating them (h3's
// polygon fill through cgo) and drawing them was most of the CPU of a
// heatmap tile, so they are kept in their own cache, apart from rendered
// tiles: reports never invalidate it, and only a grid reload (which can
// move the city's bound) clears it. A heatmap tile drawn with the tile
// cache off then costs one roll-up query and the encoding of its features.

// cellKind says what a tileCells was built for.
type cellKind byte

const (
	cellsHeatmap  cellKind = 'h' // hexagons, at heatRes
	cellsClusters cellKind = 'c' // centres, at clusterRes
)

// tileCells is the data-independent part of a heatmap or cluster tile.
type tileCells struct {
	res   int
	cells []int64    // ascending
	names []string   // H3 strings of cells
	geoms [][]uint32 // heatmap: MVT geometry commands of each hexagon; nil if clipped away
	pts   []orb.Point
	in    []bool // clusters: the centre in tile coordinates, and whether it is in the tile
	// lo and hi are ascending, disjoint ranges of cell numbers at res
	// covering every cell (the descendants of coarser cells).
	lo, hi []int64
	size   int64
}

type cellsKey struct {
	kind    cellKind
	z, x, y int
}

// cellCache is an LRU of tileCells bounded in bytes, cleared by Reload.
type cellCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	gen   uint64
	lru   *list.List // of *cellEntry
	items map[cellsKey]*list.Element
}

type cellEntry struct {
	key cellsKey
	tc  *tileCells
}

func newCellCache(maxBytes int64) *cellCache {
	return &cellCache{max: maxBytes, lru: list.New(), items: map[cellsKey]*list.Element{}}
}

func (c *cellCache) get(k cellsKey) (*tileCells, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.lru.MoveToFront(el)
		return el.Value.(*cellEntry).tc, c.gen, true
	}
	return nil, c.gen, false
}

func (c *cellCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *cellCache) put(k cellsKey, gen uint64, tc *tileCells) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if el, ok := c.items[k]; ok {
		c.size -= el.Value.(*cellEntry).tc.size
		el.Value.(*cellEntry).tc = tc
		c.size += tc.size
		c.lru.MoveToFront(el)
	} else {
		c.items[k] = c.lru.PushFront(&cellEntry{key: k, tc: tc})
		c.size += tc.size
	}
	for c.size > c.max && c.lru.Len() > 0 {
		el := c.lru.Back()
		e := el.Value.(*cellEntry)
		c.lru.Remove(el)
		delete(c.items, e.key)
		c.size -= e.tc.size
	}
}

func (c *cellCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.lru.Init()
	clear(c.items)
	c.size = 0
}

// tileCellsFor returns the cells of the frame for kind, from the cache or
// computed (and cached).
func (s *Source) tileCellsFor(snap *snapshot, fr frame, kind cellKind) (*tileCells, error) {
	k := cellsKey{kind, fr.z, fr.x, fr.y}
	if tc, _, ok := s.cells.get(k); ok {
		return tc, nil
	}
	gen := s.cells.generation()
	tc, err := buildTileCells(snap, fr, kind)
	if err != nil {
		return nil, err
	}
	s.cells.put(k, gen, tc)
	return tc, nil
}

func buildTileCells(snap *snapshot, fr frame, kind cellKind) (*tileCells, error) {
	res := heatRes(fr.z)
	if kind == cellsClusters {
		res = clusterRes(fr.z)
	}
	cells, err := cellsIn(snap, fr, res)
	if err != nil {
		return nil, err
	}
	slices.Sort(cells)
	cells = slices.Compact(cells)
	tc := &tileCells{res: res, cells: cells, names: make([]string, len(cells)), size: 256}
	switch kind {
	case cellsHeatmap:
		tc.geoms = make([][]uint32, len(cells))
		enc := newLayerEncoder("")
		var buf orb.Ring
		for i, c := range cells {
			mp := fr.polygon(orb.MultiPolygon{{cellRing(h3.Cell(c))}}, buf)
			if len(mp) == 0 {
				continue
			}
			enc.beginGeom()
			for _, r := range mp[0] {
				enc.addRing(r)
			}
			tc.geoms[i] = slices.Clone(enc.geom)
			tc.size += int64(len(tc.geoms[i])*4) + 24
		}
	case cellsClusters:
		tc.pts = make([]orb.Point, len(cells))
		tc.in = make([]bool, len(cells))
		for i, c := range cells {
			tc.pts[i], tc.in[i] = fr.point(cellCenter(h3.Cell(c)))
		}
		tc.size += int64(len(cells)) * 17
	}
	for i, c := range cells {
		tc.names[i] = h3.Cell(c).String()
	}
	tc.size += int64(len(cells)) * (8 + 16 + 15)
	tc.lo, tc.hi = cellRanges(cells, res)
	tc.size += int64(len(tc.lo)) * 16
	return tc, nil
}

// maxRanges bounds the index ranges of a tile: past it the ranges are taken
// one resolution coarser (fewer, wider ranges, more cells outside the tile).
const maxRanges = 48

// cellRanges covers cells (ascending, all at res) with the ranges of cell
// numbers of the res descendants of coarser cells, merged where they touch.
func cellRanges(cells []int64, res int) (lo, hi []int64) {
	if len(cells) == 0 {
		return nil, nil
	}
	for p := max(0, res-2); ; p-- {
		lo, hi = lo[:0], hi[:0]
		for _, c := range cells {
			a, b := descendantRange(c, p, res)
			if n := len(hi); n > 0 && a <= hi[n-1]+1 {
				hi[n-1] = max(hi[n-1], b)
				continue
			}
			lo, hi = append(lo, a), append(hi, b)
		}
		if len(lo) <= maxRanges || p == 0 {
			return lo, hi
		}
	}
}

// descendantRange returns the range of cell numbers holding every
// descendant at res of c's ancestor at res p (p <= res = c's resolution):
// H3 keeps the resolution in bits 52-55 and one 3-bit digit per resolution
// 1..15 in bits 44..0 (7 below the cell's resolution), so the descendants
// at one resolution share the ancestor's digits and are consecutive.
func descendantRange(c int64, p, res int) (lo, hi int64) {
	var low int64 = 1<<(3*(15-p)) - 1    // digits p+1..15
	var fine int64 = 1<<(3*(15-res)) - 1 // digits res+1..15
	base := c &^ low                     // the ancestor's digits, keeping res
	return base | fine, base | low
}

// daySpans decomposes the window [from, to) (dates as UTC midnights) into
// 8-day blocks aligned on 2000-01-01 (report_span_start) and single days,
// as report_cell_spans keys them: at most 7 + 7 days plus the blocks.
func daySpans(from, to time.Time) (spans []int16, starts []time.Time) {
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := from; d.Before(to); {
		n := int(d.Sub(epoch) / (24 * time.Hour)) // exact: both are UTC midnights
		if ((n%8)+8)%8 == 0 && !d.AddDate(0, 0, 8).After(to) {
			spans, starts = append(spans, 8), append(starts, d)
			d = d.AddDate(0, 0, 8)
			continue
		}
		spans, starts = append(spans, 1), append(starts, d)
		d = d.AddDate(0, 0, 1)
	}
	return spans, starts
}

// find returns the index of cell c in tc, or -1.
func (tc *tileCells) find(c int64) int {
	if i, ok := slices.BinarySearch(tc.cells, c); ok {
		return i
	}
	return -1
}
