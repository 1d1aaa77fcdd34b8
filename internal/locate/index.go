// The point-in-grid index: which grids cover a point, answered in memory with
// the same answer as
//
//	SELECT id FROM grids
//	WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($lon,$lat),4326))
//	ORDER BY depth DESC, id ASC LIMIT 1
//
// # Semantics
//
// A polygon covers a point when the point is in its interior or on its
// boundary (a vertex or a point of an edge). For a polygon/point pair ST_Covers
// does not go through GEOS: PostGIS runs its own winding-number test
// (itree_point_in_ring since PostGIS 3.4, point_in_ring /
// point_in_ring_rtree before), in plain double arithmetic:
//
//	side = (b.x-a.x)*(q.y-a.y) - (q.x-a.x)*(b.y-a.y)
//	on boundary  <=> side == 0 && q inside the bounding box of edge a→b
//
// The index uses that exact expression, evaluated with the ring's own vertex
// order and without fused multiply-add, so its "on the boundary" answer is
// bit for bit the PostGIS answer. That matters for points exactly on a vertex
// or on a shared edge. Off the boundary, the sign of the same expression
// decides which side of an edge a point is on. Like PostGIS, zero-length
// edges, edges with non-finite coordinates and closed rings of fewer than 4
// points are ignored, and non-finite points are covered by nothing. Known
// differences, all for points within about 1e-12° of an edge: the pre-3.4
// cached path (point_in_ring_rtree) also skips edges shorter than 1e-12°, and
// a PostGIS compiled with FMA contraction (GCC on arm64) rounds side
// differently.
//
// Away from edges the answer is the exact geometric one. Only for points within
// float rounding (about 1e-15 relative) of an edge, where PostGIS's own answer
// is a rounding artefact too, can the two differ.
//
// The rings of all parts and holes of an entry are combined with the even-odd
// rule. For valid (multi)polygons (parts with disjoint interiors, holes inside
// their shell), which ST_MakeValid guarantees, that is the same as PostGIS's
// "inside a shell and not inside one of its holes".
//
// # Structure
//
// Entries are grouped by Depth, one level per distinct depth, deepest first.
// Deepest looks at the levels in that order and stops at the first level
// where some entry covers the point. Inside a level, entries are sorted by id,
// so the first covering entry found is the one with the smallest id.
//
// Each level has its own square grid of 2^k × 2^k cells over the bound of
// its entries, with k chosen from the number of edges in the level. A cell
// whose clipped edges are still many (more than ixLeafEdges) is split again
// as a quadtree (2×2 per node, at most ixMaxExtraDepth more levels), so dense
// spots do not slow the index down. A leaf (a cell or quadtree node that is
// not split) has:
//
//   - a reference point r inside the leaf that is on no edge of any entry of
//     the leaf, chosen as far from the edges as a few tries allow;
//   - for every entry whose polygon meets the leaf, one item: the entry id,
//     whether r is inside that entry's polygon, and a copy of only those edges
//     of the entry that meet the leaf, grown by a small margin eps. Entries
//     with no edge in the leaf and r outside are left out; entries with no edge
//     in the leaf and r inside are "full": they cover the whole leaf and need
//     no test.
//
// All leaves are stored one after the other in a single []uint64 (float64
// values as their bits), a leaf's items and their edges right behind its
// header. A query then costs one random memory access for the grid cell and
// one for the leaf, whose few cache lines are read in order, instead of
// chasing leaf → items → edges through separate arrays. At 100-200 ns a
// point (a few tens when cached) the index is bound by memory latency, not
// arithmetic.
//
// # Point test
//
// For a query point q in a leaf, for each edge a→b of the item:
//
//   - if side(a,b,q) == 0 and q is in the bounding box of the edge, q is on the
//     boundary: covered;
//   - otherwise count the edge when it crosses segment q→r: q and r strictly
//     on opposite sides of line ab, and a and b on opposite sides of line qr,
//     where a vertex exactly on line qr counts as being on the positive side.
//
// The "zero counts as positive" rule is a symbolic perturbation of segment
// q→r: a vertex on the segment, or an edge along it, is counted the way it
// would be if the segment moved by an infinitesimal amount, so every vertex
// crossing is counted once or an even number of times, with no special cases.
// q is inside the polygon exactly when r is inside and the number of
// crossings is even, or r is outside and it is odd. Segment q→r lies in the
// leaf (grown by eps), so every edge it crosses is in the item's edge list.
//
// Whether r is inside each polygon comes from the build. The root square's
// reference point is tested against all edges with a ray-crossing test. Then
// the status is carried down: child status = parent status XOR the parity of
// crossings of segment r_parent→r_child with the parent's edges, using the
// same crossing rule as queries. That segment lies in the parent, so the
// parent's edge list is enough. The build therefore costs O(edges × depth),
// not O(cells × edges).
//
// Cells are located with a multiply and a floor, then quadtree splits with
// exact comparisons against the stored split coordinates. The float rounding
// in locating a cell is orders of magnitude smaller than eps, so a query point
// may be a rounding error outside its leaf but never outside the grown leaf
// whose edges were stored.
//
// Deepest and Covering do not allocate (Covering only appends to dst). The
// Index is read-only after NewIndex and safe for concurrent use.

package locate

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// Entry is one grid polygon to index.
type Entry struct {
	ID    int64
	Depth int              // larger = deeper (0 city … 4 compound)
	Geom  orb.MultiPolygon // lon/lat, closed rings, any orientation
}

// Index answers point-in-grid queries in memory. It is immutable after
// NewIndex, safe for concurrent use.
type Index struct {
	n      int
	bound  orb.Bound
	levels []ixLevel // by depth descending
	// data holds all leaves. A leaf at offset o is
	//
	//	data[o], data[o+1]    reference point rx, ry (float64 bits)
	//	data[o+2]             number of items
	//	then for each item, sorted by id:
	//	  id (int64 bits)
	//	  nEdges<<1 | rIn      rIn: the reference point is inside the entry
	//	  nEdges × ax, ay, bx, by (float64 bits), the entry's edges meeting
	//	                       the leaf, in ring direction
	//
	// An item with no edges covers the whole leaf.
	data []uint64
}

// Tuning constants.
const (
	// ixLeafEdges is the largest number of edges (all entries together) a cell
	// keeps before it is split again as a quadtree.
	ixLeafEdges = 24
	// ixMaxExtraDepth bounds the quadtree below a grid cell: edges that meet
	// in one point (many polygons sharing a vertex) cannot be split apart.
	ixMaxExtraDepth = 8
	// ixMaxGridLog2 bounds the per-level grid to 2^10 × 2^10 cells.
	ixMaxGridLog2 = 10
	// ixEdgesPerCell is the number of edges per grid cell the grid size aims
	// for (over the level's square bound).
	ixEdgesPerCell = 2
)

// level is the grid for all entries of one depth.
type ixLevel struct {
	depth int
	// bound of the level's entries; points outside it are skipped.
	minX, minY, maxX, maxY float64
	// grid: origin, cells per unit, cells per side (a power of two).
	ox, oy, inv float64
	g           int
	// cells[cy*g+cx]: >= 0 offset of a leaf in Index.data, -1 empty,
	// <= -2 quadtree node -c-2.
	cells []int32
	nodes []ixNode
}

// qnode is a quadtree split: child[k] for k = (x >= mx) | (y >= my)<<1, with
// the same codes as ixLevel.cells.
type ixNode struct {
	mx, my float64
	child  [4]int32
}

// side is PostGIS's determineSide(a, b, q): > 0 when q is left of a→b, 0 when
// collinear. The conversions keep the compiler from fusing into FMA, which
// would change the rounding (and which results are exactly zero).
func ixSide(ax, ay, bx, by, qx, qy float64) float64 {
	return float64((bx-ax)*(qy-ay)) - float64((qx-ax)*(by-ay))
}

// inBox reports whether q is in the closed bounding box of edge a–b.
func ixInBox(ax, ay, bx, by, qx, qy float64) bool {
	if ax > bx {
		ax, bx = bx, ax
	}
	if ay > by {
		ay, by = by, ay
	}
	return qx >= ax && qx <= bx && qy >= ay && qy <= by
}

// crosses reports whether edge a→b crosses segment q→r, for q and r not on
// the edge, with the perturbation rule of the package comment. oq is
// side(a, b, q).
func ixCrosses(ax, ay, bx, by, oq, qx, qy, rx, ry float64) bool {
	or := ixSide(ax, ay, bx, by, rx, ry)
	if !((oq > 0 && or < 0) || (oq < 0 && or > 0)) {
		return false
	}
	sa := ixSide(qx, qy, rx, ry, ax, ay) >= 0
	sb := ixSide(qx, qy, rx, ry, bx, by) >= 0
	return sa != sb
}

// NewIndex builds the index. Entries without rings are counted by Len but
// never cover anything. The entries are not retained.
func NewIndex(entries []Entry) *Index {
	ix := &Index{n: len(entries), bound: orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}}}

	var leaves ixLeafData
	// Depth descending, id ascending, input order for equal ids.
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := &entries[order[i]], &entries[order[j]]
		if a.Depth != b.Depth {
			return a.Depth > b.Depth
		}
		return a.ID < b.ID
	})
	for lo := 0; lo < len(order); {
		hi := lo
		for hi < len(order) && entries[order[hi]].Depth == entries[order[lo]].Depth {
			hi++
		}
		group := make([]*Entry, 0, hi-lo)
		for _, k := range order[lo:hi] {
			group = append(group, &entries[k])
		}
		ix.buildLevel(group, &leaves)
		lo = hi
	}
	ix.data = leaves.join()
	return ix
}

// Len returns the number of entries given to NewIndex.
func (ix *Index) Len() int { return ix.n }

// Bound returns the bound of all indexed polygons (empty when there is none).
func (ix *Index) Bound() orb.Bound { return ix.bound }

// Deepest returns the id of the deepest entry whose polygon covers p
// (interior or boundary); ties on depth go to the smallest id. ok is false
// when none covers p.
func (ix *Index) Deepest(p orb.Point) (id int64, ok bool) {
	x, y := p[0], p[1]
	for li := range ix.levels {
		off := ix.levels[li].locate(x, y)
		if off < 0 {
			continue
		}
		d := ix.data[off:]
		rx, ry := math.Float64frombits(d[0]), math.Float64frombits(d[1])
		n := d[2]
		d = d[3:]
		for ; n > 0; n-- {
			id, h := int64(d[0]), d[1]
			ne := 4 * int(h>>1)
			if ne == 0 || ixCovers(d[2:2+ne], h&1 != 0, rx, ry, x, y) {
				return id, true
			}
			d = d[2+ne:]
		}
	}
	return 0, false
}

// Covering appends to dst the ids of all entries covering p, in order depth
// DESC, id ASC.
func (ix *Index) Covering(dst []int64, p orb.Point) []int64 {
	x, y := p[0], p[1]
	for li := range ix.levels {
		off := ix.levels[li].locate(x, y)
		if off < 0 {
			continue
		}
		d := ix.data[off:]
		rx, ry := math.Float64frombits(d[0]), math.Float64frombits(d[1])
		n := d[2]
		d = d[3:]
		for ; n > 0; n-- {
			id, h := int64(d[0]), d[1]
			ne := 4 * int(h>>1)
			if ne == 0 || ixCovers(d[2:2+ne], h&1 != 0, rx, ry, x, y) {
				dst = append(dst, id)
			}
			d = d[2+ne:]
		}
	}
	return dst
}

// locate returns the offset of the leaf holding (x, y) or -1.
func (lv *ixLevel) locate(x, y float64) int32 {
	// Written so that NaN fails.
	if !(x >= lv.minX && x <= lv.maxX && y >= lv.minY && y <= lv.maxY) {
		return -1
	}
	cx := int((x - lv.ox) * lv.inv)
	cy := int((y - lv.oy) * lv.inv)
	cx = min(max(cx, 0), lv.g-1)
	cy = min(max(cy, 0), lv.g-1)
	c := lv.cells[cy*lv.g+cx]
	for c <= -2 {
		n := &lv.nodes[-c-2]
		k := 0
		if x >= n.mx {
			k = 1
		}
		if y >= n.my {
			k |= 2
		}
		c = n.child[k]
	}
	return c
}

// covers runs the point test of the package comment: edges holds an item's
// edges (4 words each), rIn the status of the reference point (rx, ry).
func ixCovers(edges []uint64, rIn bool, rx, ry, qx, qy float64) bool {
	// Bounding box of segment q→r: an edge outside it can neither hold q
	// nor cross the segment.
	x0, x1 := min(qx, rx), max(qx, rx)
	y0, y1 := min(qy, ry), max(qy, ry)
	in := rIn
	for ; len(edges) >= 4; edges = edges[4:] {
		ax, ay := math.Float64frombits(edges[0]), math.Float64frombits(edges[1])
		bx, by := math.Float64frombits(edges[2]), math.Float64frombits(edges[3])
		if (ax < x0 && bx < x0) || (ax > x1 && bx > x1) ||
			(ay < y0 && by < y0) || (ay > y1 && by > y1) {
			continue
		}
		oq := ixSide(ax, ay, bx, by, qx, qy)
		if oq == 0 {
			if ixInBox(ax, ay, bx, by, qx, qy) {
				return true
			}
			// On the line of the edge but not on the edge: q and r are
			// not strictly on opposite sides, no crossing.
			continue
		}
		if ixCrosses(ax, ay, bx, by, oq, qx, qy, rx, ry) {
			in = !in
		}
	}
	return in
}

// ---------------------------------------------------------------------------
// Build

// seg is an edge a→b in the ring's own direction.
type ixSeg struct {
	ax, ay, bx, by float64
}

func (s *ixSeg) onEdge(qx, qy float64) bool {
	return ixSide(s.ax, s.ay, s.bx, s.by, qx, qy) == 0 && ixInBox(s.ax, s.ay, s.bx, s.by, qx, qy)
}

// bitem is an item during the build: entry e of the level, whether the
// node's reference point is inside it, and its edges meeting the node.
type ixItem struct {
	e     int32
	in    bool
	edges []int32
}

type ixRect struct{ x0, y0, x1, y1 float64 }

type ixBuilder struct {
	ix     *Index
	leaves *ixLeafData
	lv     *ixLevel
	ids    []int64 // per level entry
	segs   []ixSeg // all edges of the level
	eps    float64
	cw     float64 // grid cell width
}

func (ix *Index) buildLevel(group []*Entry, leaves *ixLeafData) {
	b := &ixBuilder{ix: ix, leaves: leaves}
	nseg := 0
	for _, e := range group {
		for _, poly := range e.Geom {
			for _, ring := range poly {
				nseg += len(ring)
			}
		}
	}
	b.segs = make([]ixSeg, 0, nseg)
	owner := make([]int32, 0, nseg) // entry of each edge
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, e := range group {
		ei := int32(len(b.ids))
		n0 := len(b.segs)
		for _, poly := range e.Geom {
			for _, ring := range poly {
				n := len(ring)
				if n < 3 || (n < 4 && ring[0] == ring[n-1]) {
					continue // PostGIS skips rings of fewer than 4 points
				}
				for i, p := range ring {
					q := ring[0] // closing edge, in case the ring is not closed
					if i+1 < n {
						q = ring[i+1]
					}
					if !ixFinite(p) || !ixFinite(q) || p == q {
						continue // as PostGIS: no zero-length or non-finite edges
					}
					minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
					minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
					b.segs = append(b.segs, ixSeg{p[0], p[1], q[0], q[1]})
					owner = append(owner, ei)
				}
			}
		}
		if len(b.segs) == n0 {
			continue // no edges: covers nothing
		}
		b.ids = append(b.ids, e.ID)
	}
	if len(b.ids) == 0 {
		return
	}
	ix.bound = ix.bound.Union(orb.Bound{Min: orb.Point{minX, minY}, Max: orb.Point{maxX, maxY}})

	span := math.Max(maxX-minX, maxY-minY)
	if !(span > 0) || math.IsInf(span, 0) {
		span = math.Max(1e-9, math.Abs(minX)*1e-12)
	}
	// Grid size: about ixEdgesPerCell edges per cell over the square.
	k := 0
	for k < ixMaxGridLog2 && (1<<(2*k))*ixEdgesPerCell < len(b.segs) {
		k++
	}
	g := 1 << k
	b.cw = span / float64(g)
	// eps: far above the rounding of cell lookups (a few ulps of the
	// coordinates), far below any cell size.
	mag := math.Max(math.Max(math.Abs(minX), math.Abs(maxX)), math.Max(math.Abs(minY), math.Abs(maxY)))
	b.eps = span*1e-9 + mag*1e-12

	ix.levels = append(ix.levels, ixLevel{
		depth: group[0].Depth,
		minX:  minX, minY: minY, maxX: maxX, maxY: maxY,
		ox: minX, oy: minY, inv: float64(g) / span, g: g,
		cells: make([]int32, g*g),
	})
	b.lv = &ix.levels[len(ix.levels)-1]
	for i := range b.lv.cells {
		b.lv.cells[i] = -1
	}

	// Root: every entry with all its edges; status of r by a ray crossing
	// test (PostGIS's half-open rule; r is on no edge).
	all := make([]int32, len(b.segs))
	for i := range all {
		all[i] = int32(i)
	}
	rx, ry := b.reference(ixRect{minX, minY, minX + span, minY + span}, all)
	items := make([]ixItem, len(b.ids))
	for i := range items {
		items[i].e = int32(i)
	}
	for i, s := range b.segs {
		it := &items[owner[i]]
		it.edges = append(it.edges, int32(i))
		o := ixSide(s.ax, s.ay, s.bx, s.by, rx, ry)
		if (s.ay <= ry && s.by > ry && o > 0) || (s.by <= ry && s.ay > ry && o < 0) {
			it.in = !it.in
		}
	}
	b.fill(0, 0, g, rx, ry, items)
}

func ixFinite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}

// cellRect is the rectangle of grid cells [cx, cx+n) × [cy, cy+n).
func (b *ixBuilder) cellRect(cx, cy, n int) ixRect {
	return ixRect{
		b.lv.ox + float64(cx)*b.cw, b.lv.oy + float64(cy)*b.cw,
		b.lv.ox + float64(cx+n)*b.cw, b.lv.oy + float64(cy+n)*b.cw,
	}
}

// fill builds the block of grid cells [cx, cx+n) × [cy, cy+n) whose
// reference point is (rx, ry).
func (b *ixBuilder) fill(cx, cy, n int, rx, ry float64, items []ixItem) {
	if len(items) == 0 {
		return
	}
	g := b.lv.g
	if n == 1 {
		b.lv.cells[cy*g+cx] = b.node(b.cellRect(cx, cy, 1), rx, ry, items, 0)
		return
	}
	if ixTotalEdges(items) == 0 {
		// Only full entries: one shared leaf for the whole block.
		l := b.leaf(rx, ry, items)
		for y := cy; y < cy+n; y++ {
			for x := cx; x < cx+n; x++ {
				b.lv.cells[y*g+x] = l
			}
		}
		return
	}
	h := n / 2
	for q := 0; q < 4; q++ {
		qx, qy := cx+(q&1)*h, cy+(q>>1)*h
		crx, cry, citems := b.child(b.cellRect(qx, qy, h), rx, ry, items)
		b.fill(qx, qy, h, crx, cry, citems)
	}
}

// node builds a leaf or a quadtree below a grid cell and returns its code.
func (b *ixBuilder) node(r ixRect, rx, ry float64, items []ixItem, extra int) int32 {
	if len(items) == 0 {
		return -1
	}
	if ixTotalEdges(items) <= ixLeafEdges || extra >= ixMaxExtraDepth {
		return b.leaf(rx, ry, items)
	}
	mx, my := r.x0+(r.x1-r.x0)/2, r.y0+(r.y1-r.y0)/2
	if !(mx > r.x0 && mx < r.x1 && my > r.y0 && my < r.y1) {
		return b.leaf(rx, ry, items) // too small to split in float64
	}
	ni := len(b.lv.nodes)
	b.lv.nodes = append(b.lv.nodes, ixNode{mx: mx, my: my})
	subs := [4]ixRect{
		{r.x0, r.y0, mx, my}, {mx, r.y0, r.x1, my},
		{r.x0, my, mx, r.y1}, {mx, my, r.x1, r.y1},
	}
	for q, sr := range subs {
		crx, cry, citems := b.child(sr, rx, ry, items)
		c := b.node(sr, crx, cry, citems, extra+1)
		b.lv.nodes[ni].child[q] = c
	}
	return int32(-ni - 2)
}

func ixTotalEdges(items []ixItem) int {
	n := 0
	for i := range items {
		n += len(items[i].edges)
	}
	return n
}

// child derives the reference point and items of sub-rectangle r from the
// parent's reference point (px, py) and items.
func (b *ixBuilder) child(r ixRect, px, py float64, items []ixItem) (float64, float64, []ixItem) {
	grown := ixRect{r.x0 - b.eps, r.y0 - b.eps, r.x1 + b.eps, r.y1 + b.eps}
	all := make([]int32, 0, ixTotalEdges(items))
	cut := make([]int, len(items)+1)
	for i := range items {
		for _, e := range items[i].edges {
			if b.segs[e].meets(grown) {
				all = append(all, e)
			}
		}
		cut[i+1] = len(all)
	}
	rx, ry := b.reference(r, all)
	x0, x1 := min(px, rx), max(px, rx)
	y0, y1 := min(py, ry), max(py, ry)
	var out []ixItem
	for i := range items {
		in := items[i].in
		for _, e := range items[i].edges {
			s := &b.segs[e]
			if (s.ax < x0 && s.bx < x0) || (s.ax > x1 && s.bx > x1) ||
				(s.ay < y0 && s.by < y0) || (s.ay > y1 && s.by > y1) {
				continue
			}
			oq := ixSide(s.ax, s.ay, s.bx, s.by, px, py)
			if oq != 0 && ixCrosses(s.ax, s.ay, s.bx, s.by, oq, px, py, rx, ry) {
				in = !in
			}
		}
		edges := all[cut[i]:cut[i+1]:cut[i+1]]
		if len(edges) == 0 && !in {
			continue
		}
		out = append(out, ixItem{e: items[i].e, in: in, edges: edges})
	}
	return rx, ry, out
}

// leaf appends a leaf to the leaf data and returns its offset, or -1 when no
// entry meets it.
func (b *ixBuilder) leaf(rx, ry float64, items []ixItem) int32 {
	n, words := 0, 3
	for _, it := range items {
		if len(it.edges) > 0 || it.in {
			n++
			words += 2 + 4*len(it.edges)
		}
	}
	if n == 0 {
		return -1
	}
	ls := b.leaves
	if cap(ls.cur)-len(ls.cur) < words {
		ls.done += len(ls.cur)
		ls.chunks = append(ls.chunks, ls.cur)
		ls.cur = make([]uint64, 0, max(words, 1<<20))
	}
	off := ls.done + len(ls.cur)
	if off+words > math.MaxInt32 {
		panic("locate: index too large")
	}
	d := append(ls.cur, math.Float64bits(rx), math.Float64bits(ry), uint64(n))
	for _, it := range items {
		if len(it.edges) == 0 && !it.in {
			continue
		}
		h := uint64(len(it.edges)) << 1
		if it.in {
			h |= 1
		}
		d = append(d, uint64(b.ids[it.e]), h)
		for _, e := range it.edges {
			s := &b.segs[e]
			d = append(d, math.Float64bits(s.ax), math.Float64bits(s.ay),
				math.Float64bits(s.bx), math.Float64bits(s.by))
		}
	}
	ls.cur = d
	return int32(off)
}

// leafData collects leaf records in chunks during the build, so the final
// array is allocated once at its exact size.
type ixLeafData struct {
	chunks [][]uint64
	cur    []uint64
	done   int // words in chunks
}

func (ls *ixLeafData) join() []uint64 {
	out := make([]uint64, 0, ls.done+len(ls.cur))
	for _, c := range ls.chunks {
		out = append(out, c...)
	}
	return append(out, ls.cur...)
}

// meets reports whether edge s meets rectangle r (conservatively: float
// rounding only adds edges).
func (s *ixSeg) meets(r ixRect) bool {
	x0, x1 := min(s.ax, s.bx), max(s.ax, s.bx)
	y0, y1 := min(s.ay, s.by), max(s.ay, s.by)
	if x1 < r.x0 || x0 > r.x1 || y1 < r.y0 || y0 > r.y1 {
		return false
	}
	if (s.ax >= r.x0 && s.ax <= r.x1 && s.ay >= r.y0 && s.ay <= r.y1) ||
		(s.bx >= r.x0 && s.bx <= r.x1 && s.by >= r.y0 && s.by <= r.y1) {
		return true
	}
	// The bounding boxes overlap: the edge meets the rectangle unless all
	// four corners are strictly on one side of its line.
	o1 := ixSide(s.ax, s.ay, s.bx, s.by, r.x0, r.y0)
	o2 := ixSide(s.ax, s.ay, s.bx, s.by, r.x1, r.y0)
	o3 := ixSide(s.ax, s.ay, s.bx, s.by, r.x0, r.y1)
	o4 := ixSide(s.ax, s.ay, s.bx, s.by, r.x1, r.y1)
	return !((o1 > 0 && o2 > 0 && o3 > 0 && o4 > 0) || (o1 < 0 && o2 < 0 && o3 < 0 && o4 < 0))
}

// refFractions are the candidate reference points, as fractions of the
// rectangle; irrational so they do not line up with round coordinates.
var ixRefFractions = [...][2]float64{
	{0.5, 0.5}, {0.3819660112501051, 0.6180339887498949},
	{0.6180339887498949, 0.3819660112501051}, {0.2928932188134524, 0.3247448713915890},
	{0.7071067811865476, 0.6752551286084110}, {0.4142135623730950, 0.2679491924311228},
	{0.5857864376269050, 0.7320508075688772}, {0.2679491924311228, 0.7320508075688772},
	{0.7320508075688772, 0.2679491924311228},
}

// reference picks a point inside r that is on none of the edges (exactly as
// the point test decides "on"), preferring one far from them.
func (b *ixBuilder) reference(r ixRect, edges []int32) (float64, float64) {
	w, h := r.x1-r.x0, r.y1-r.y0
	good := 0.1 * math.Min(w, h)
	good *= good
	bestX, bestY, best := 0.0, 0.0, -1.0
	// try evaluates a candidate; it returns true when it is good enough to stop.
	try := func(fx, fy float64) bool {
		x, y := r.x0+fx*w, r.y0+fy*h
		d := math.Inf(1)
		for _, e := range edges {
			s := &b.segs[e]
			if s.onEdge(x, y) {
				return false
			}
			if d = min(d, s.dist2(x, y)); d <= best {
				return false // cannot beat the best so far
			}
		}
		bestX, bestY, best = x, y, d
		return d >= good
	}
	for _, f := range ixRefFractions {
		if try(f[0], f[1]) {
			return bestX, bestY
		}
	}
	if best >= 0 {
		return bestX, bestY
	}
	// Every candidate is on an edge: a deterministic low-discrepancy
	// sequence. Running out needs a rectangle of zero size.
	for i := 1; i < 4096; i++ {
		try(0.05+0.9*ixFrac(float64(i)*0.7548776662466927), 0.05+0.9*ixFrac(float64(i)*0.5698402909980532))
		if best >= 0 {
			return bestX, bestY
		}
	}
	panic("locate: no reference point off the polygon edges")
}

func ixFrac(x float64) float64 { return x - math.Floor(x) }

// dist2 is the (approximate) squared distance from (x, y) to edge s.
func (s *ixSeg) dist2(x, y float64) float64 {
	dx, dy := s.bx-s.ax, s.by-s.ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = min(1, max(0, ((x-s.ax)*dx+(y-s.ay)*dy)/l))
	}
	ex, ey := x-(s.ax+t*dx), y-(s.ay+t*dy)
	return ex*ex + ey*ey
}
