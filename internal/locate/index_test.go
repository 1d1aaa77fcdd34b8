package locate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// ---------------------------------------------------------------------------
// Geometry helpers

// ixRing builds a closed ring from x, y pairs.
func ixRing(xy ...float64) orb.Ring {
	r := make(orb.Ring, 0, len(xy)/2+1)
	for i := 0; i+1 < len(xy); i += 2 {
		r = append(r, orb.Point{xy[i], xy[i+1]})
	}
	return append(r, r[0])
}

// ixBox is the counter-clockwise ring of [x0,x1]×[y0,y1].
func ixBox(x0, y0, x1, y1 float64) orb.Ring { return ixRing(x0, y0, x1, y0, x1, y1, x0, y1) }

func ixRev(r orb.Ring) orb.Ring {
	out := slices.Clone(r)
	slices.Reverse(out)
	return out
}

func ixMP(polys ...orb.Polygon) orb.MultiPolygon { return orb.MultiPolygon(polys) }

func ixPoly(rings ...orb.Ring) orb.Polygon { return orb.Polygon(rings) }

// ixStar is a random star-shaped (hence simple) ring around (cx, cy) with n
// vertices at radii in [minF*r, r] and jittered angles (gaps below 2·2π/n, so
// for n >= 5 the disc of radius 0.4·minF·r around the centre is inside).
func ixStar(rng *rand.Rand, cx, cy, r float64, n int, minF float64) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for k := 0; k < n; k++ {
		a := (float64(k) + 0.9*rng.Float64()) / float64(n) * 2 * math.Pi
		d := r * (minF + (1-minF)*rng.Float64())
		ring = append(ring, orb.Point{cx + d*math.Cos(a), cy + d*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// ixMesh cuts [x0,x1]×[y0,y1] into nx×ny counter-clockwise cells whose shared
// sides have exactly the same vertices. Inner grid corners move by up to cj of
// a cell, each side is cut into sub pieces whose inner points move across the
// side by up to 0.3/sub of a cell (outer sides stay straight). Cell (i, j) is
// at index j*nx+i.
func ixMesh(rng *rand.Rand, x0, y0, x1, y1 float64, nx, ny, sub int, cj float64) []orb.Ring {
	cw, ch := (x1-x0)/float64(nx), (y1-y0)/float64(ny)
	corner := make([][]orb.Point, nx+1)
	for i := range corner {
		corner[i] = make([]orb.Point, ny+1)
		for j := range corner[i] {
			p := orb.Point{x0 + float64(i)*cw, y0 + float64(j)*ch}
			if i > 0 && i < nx && j > 0 && j < ny {
				p[0] += (2*rng.Float64() - 1) * cj * cw
				p[1] += (2*rng.Float64() - 1) * cj * ch
			}
			corner[i][j] = p
		}
	}
	jit := 0.3 / float64(sub)
	side := func(a, b orb.Point, border bool, horizontal bool) []orb.Point {
		pts := []orb.Point{a}
		for k := 1; k < sub; k++ {
			t := float64(k) / float64(sub)
			p := orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
			if !border {
				if horizontal {
					p[1] += (2*rng.Float64() - 1) * jit * ch
				} else {
					p[0] += (2*rng.Float64() - 1) * jit * cw
				}
			}
			pts = append(pts, p)
		}
		return append(pts, b)
	}
	hs := make([][][]orb.Point, nx) // hs[i][j]: corner (i,j) → (i+1,j)
	for i := range hs {
		hs[i] = make([][]orb.Point, ny+1)
		for j := range hs[i] {
			hs[i][j] = side(corner[i][j], corner[i+1][j], j == 0 || j == ny, true)
		}
	}
	vs := make([][][]orb.Point, nx+1) // vs[i][j]: corner (i,j) → (i,j+1)
	for i := range vs {
		vs[i] = make([][]orb.Point, ny)
		for j := range vs[i] {
			vs[i][j] = side(corner[i][j], corner[i][j+1], i == 0 || i == nx, false)
		}
	}
	cells := make([]orb.Ring, 0, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			var r orb.Ring
			r = append(r, hs[i][j][:sub]...)
			r = append(r, vs[i+1][j][:sub]...)
			top := slices.Clone(hs[i][j+1])
			slices.Reverse(top)
			r = append(r, top[:sub]...)
			left := slices.Clone(vs[i][j])
			slices.Reverse(left)
			r = append(r, left[:sub]...)
			cells = append(cells, append(r, r[0]))
		}
	}
	return cells
}

// ixSimpleRing reports whether no two non-adjacent edges of r touch (r closed).
func ixSimpleRing(r orb.Ring) bool {
	n := len(r) - 1
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if j == i+1 || (i == 0 && j == n-1) {
				continue
			}
			if ixSegsTouch(r[i], r[i+1], r[j], r[j+1]) {
				return false
			}
		}
	}
	return true
}

// ixValid checks what the even-odd rule of the index relies on:
// simple rings that do not touch each other, holes inside their shell, parts
// not inside each other.
func ixValid(g orb.MultiPolygon) bool {
	var rings []orb.Ring
	for _, p := range g {
		for k, r := range p {
			if !ixSimpleRing(r) {
				return false
			}
			if k > 0 && ixBruteRing(p[0], r[0]) != 1 {
				return false
			}
			rings = append(rings, r)
		}
	}
	for i := range rings {
		for j := i + 1; j < len(rings); j++ {
			for a := 0; a+1 < len(rings[i]); a++ {
				for b := 0; b+1 < len(rings[j]); b++ {
					if ixSegsTouch(rings[i][a], rings[i][a+1], rings[j][b], rings[j][b+1]) {
						return false
					}
				}
			}
		}
	}
	for i := range g {
		for j := range g {
			if i != j && ixBruteCovers(ixMP(g[j]), g[i][0][0]) {
				return false
			}
		}
	}
	return true
}

func ixSegsTouch(a, b, c, d orb.Point) bool {
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (r[0]-p[0])*(q[1]-p[1]) }
	d1, d2, d3, d4 := o(a, b, c), o(a, b, d), o(c, d, a), o(c, d, b)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	on := func(p, q, r orb.Point) bool {
		return math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) &&
			math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	return (d1 == 0 && on(a, b, c)) || (d2 == 0 && on(a, b, d)) || (d3 == 0 && on(c, d, a)) || (d4 == 0 && on(c, d, b))
}

// ---------------------------------------------------------------------------
// Brute force: a plain transcription of PostGIS's point_in_ring /
// point_in_multipolygon (winding number, double arithmetic, boundary when
// determineSide == 0 and the point is in the segment's box).

func ixBruteRing(r orb.Ring, p orb.Point) int {
	wn := 0
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		side := (b[0]-a[0])*(p[1]-a[1]) - (p[0]-a[0])*(b[1]-a[1])
		if side == 0 &&
			p[0] >= math.Min(a[0], b[0]) && p[0] <= math.Max(a[0], b[0]) &&
			p[1] >= math.Min(a[1], b[1]) && p[1] <= math.Max(a[1], b[1]) {
			return 0
		}
		if a[1] <= p[1] && b[1] > p[1] && side > 0 {
			wn++
		} else if b[1] <= p[1] && a[1] > p[1] && side < 0 {
			wn--
		}
	}
	if wn == 0 {
		return -1
	}
	return 1
}

func ixBruteCovers(g orb.MultiPolygon, p orb.Point) bool {
	for _, poly := range g {
		if len(poly) == 0 {
			continue
		}
		res := ixBruteRing(poly[0], p)
		if res == -1 {
			continue
		}
		if res == 0 {
			return true
		}
		inHole := false
		for _, h := range poly[1:] {
			switch ixBruteRing(h, p) {
			case 0:
				return true
			case 1:
				inHole = true
			}
			if inHole {
				break
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

type ixBrute struct {
	entries []Entry
	bounds  []orb.Bound
}

func newIxBrute(entries []Entry) *ixBrute {
	b := &ixBrute{entries: entries}
	for _, e := range entries {
		bd := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
		for _, poly := range e.Geom {
			for _, r := range poly {
				for _, p := range r {
					bd.Min[0], bd.Min[1] = math.Min(bd.Min[0], p[0]), math.Min(bd.Min[1], p[1])
					bd.Max[0], bd.Max[1] = math.Max(bd.Max[0], p[0]), math.Max(bd.Max[1], p[1])
				}
			}
		}
		b.bounds = append(b.bounds, bd)
	}
	return b
}

// covering returns the covering entries' ids ordered depth DESC, id ASC.
func (b *ixBrute) covering(p orb.Point) []int64 {
	var hit []int
	for i, bd := range b.bounds {
		if p[0] < bd.Min[0] || p[0] > bd.Max[0] || p[1] < bd.Min[1] || p[1] > bd.Max[1] {
			continue
		}
		if ixBruteCovers(b.entries[i].Geom, p) {
			hit = append(hit, i)
		}
	}
	slices.SortFunc(hit, func(i, j int) int {
		a, c := &b.entries[i], &b.entries[j]
		if a.Depth != c.Depth {
			return c.Depth - a.Depth
		}
		switch {
		case a.ID < c.ID:
			return -1
		case a.ID > c.ID:
			return 1
		}
		return 0
	})
	ids := make([]int64, len(hit))
	for k, i := range hit {
		ids[k] = b.entries[i].ID
	}
	return ids
}

// ---------------------------------------------------------------------------
// Hand-written cases

type ixProbe struct {
	x, y float64
	want bool
}

func TestIndexSingleShapes(t *testing.T) {
	square := []ixProbe{
		{1, 1, true}, {3, 1, false}, {2, 1, true}, {0, 0, true}, {2, 2, true}, {0, 2, true},
		{1, 2, true}, {1, 0, true}, {0, 1, true}, {-1e-9, 1, false}, {2 + 1e-12, 1, false},
		{2, 3, false}, {-1, 0, false}, {1.999999, 1.999999, true}, {2, -1e-300, false},
	}
	triangle := []ixProbe{
		{1, 1, true}, {2, 2, true}, {2.5, 2.5, false}, {3, 1, true}, {0, 2, true}, {2, 0, true},
		{4, 0, true}, {0, 4, true}, {5, -1, false}, {-1, 5, false}, {4.1, 0, false}, {1.9, 1.9, true},
	}
	holed := []ixProbe{
		{5, 5, false}, {4, 5, true}, {6, 5, true}, {5, 4, true}, {4, 4, true}, {6, 6, true},
		{2, 2, true}, {3, 5, true}, {0, 10, true}, {10, 5, true}, {11, 5, false}, {4.5, 5.5, false},
	}
	// Vertices on the axes: the ray from the centre of the bound (the first
	// reference point) runs exactly through vertex (1, 0).
	diamond := []ixProbe{
		{0, 0, true}, {0.5, 0.5, true}, {1, 0, true}, {0, -1, true}, {0.25, -0.75, true},
		{0.75, 0.25, true}, {0.9, 0, true}, {1.1, 0, false}, {0.6, 0.6, false}, {-0.5, 0, true},
		{-0.5, -0.6, false}, {0.3, 0.3, true},
	}
	island := []ixProbe{
		{5, 5, true}, {3, 3, false}, {1, 1, true}, {4, 5, true}, {2, 5, true}, {8, 8, true},
		{7, 7, false}, {6, 6, true}, {9, 5, true}, {12, 5, true}, {11, 5, true}, {11.5, 5, true},
		{12.5, 5, false}, {10.5, 0.5, false}, {11.5, 7.5, true}, {11.5, 7.6, false},
	}
	cases := []struct {
		name   string
		geom   orb.MultiPolygon
		probes []ixProbe
	}{
		{"square ccw", ixMP(ixPoly(ixBox(0, 0, 2, 2))), square},
		{"square cw", ixMP(ixPoly(ixRev(ixBox(0, 0, 2, 2)))), square},
		{"square open ring", ixMP(ixPoly(orb.Ring{{0, 0}, {2, 0}, {2, 2}, {0, 2}})), square},
		{"square repeated vertex", ixMP(ixPoly(orb.Ring{{0, 0}, {2, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 2}, {0, 0}})), square},
		{"triangle ccw", ixMP(ixPoly(ixRing(0, 0, 4, 0, 0, 4))), triangle},
		{"triangle cw", ixMP(ixPoly(ixRev(ixRing(0, 0, 4, 0, 0, 4)))), triangle},
		{"diamond ccw", ixMP(ixPoly(ixRing(0, -1, 1, 0, 0, 1, -1, 0))), diamond},
		{"diamond cw", ixMP(ixPoly(ixRev(ixRing(0, -1, 1, 0, 0, 1, -1, 0)))), diamond},
		{"diamond from the east vertex", ixMP(ixPoly(ixRing(1, 0, 0, 1, -1, 0, 0, -1))), diamond},
		{"hole opposite orientation", ixMP(ixPoly(ixBox(0, 0, 10, 10), ixRev(ixBox(4, 4, 6, 6)))), holed},
		{"hole same orientation", ixMP(ixPoly(ixBox(0, 0, 10, 10), ixBox(4, 4, 6, 6))), holed},
		{"hole, cw shell", ixMP(ixPoly(ixRev(ixBox(0, 0, 10, 10)), ixBox(4, 4, 6, 6))), holed},
		{"multipolygon with island in hole", ixMP(
			ixPoly(ixBox(0, 0, 10, 10), ixRev(ixBox(2, 2, 8, 8))),
			ixPoly(ixRev(ixBox(4, 4, 6, 6))),
			ixPoly(ixRing(11, 0, 12, 5, 11, 10)),
		), island},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ix := NewIndex([]Entry{{ID: 42, Depth: 3, Geom: tc.geom}})
			for _, pr := range tc.probes {
				p := orb.Point{pr.x, pr.y}
				// PostGIS rings are closed; the brute force relies on it.
				if got := ixBruteCovers(tc.geom, p); got != pr.want && tc.name != "square open ring" {
					t.Fatalf("brute force disagrees with the table at %v: %v", p, got)
				}
				id, ok := ix.Deepest(p)
				if ok != pr.want || (ok && id != 42) {
					t.Errorf("Deepest(%v) = %d, %v; want covered=%v", p, id, ok, pr.want)
				}
			}
		})
	}
}

// TestEdgeDirectionRounding uses an edge whose float midpoint q is exactly on
// the edge when side() is evaluated from a to b but 4e-22 off it from b to a.
// PostGIS evaluates each ring in its own direction, so the two neighbours
// sharing the edge disagree about q; the index must follow each ring's own
// direction, not a canonical one.
func TestIndexEdgeDirectionRounding(t *testing.T) {
	a := orb.Point{116.67640133632618, 40.33175967981608}
	b := orb.Point{116.68015001343795, 40.32988529803876}
	q := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
	sideOf := func(a, b, q orb.Point) float64 { return (b[0]-a[0])*(q[1]-a[1]) - (q[0]-a[0])*(b[1]-a[1]) }
	if sideOf(a, b, q) != 0 || sideOf(b, a, q) == 0 {
		t.Fatalf("premise: side a→b %g, b→a %g", sideOf(a, b, q), sideOf(b, a, q))
	}
	n := orb.Point{a[1] - b[1], b[0] - a[0]} // left normal of a→b
	left := orb.Point{q[0] + n[0], q[1] + n[1]}
	right := orb.Point{q[0] - n[0], q[1] - n[1]}
	rings := []orb.Ring{
		{a, b, left, a}, {a, left, b, a}, // a→b and b→a with the apex on the left
		{b, a, right, b}, {a, right, b, a}, // b→a and a→b with the apex on the right
	}
	var es []Entry
	for i, r := range rings {
		g := ixMP(ixPoly(r))
		want := ixBruteCovers(g, q)
		id, ok := NewIndex([]Entry{{ID: 1, Depth: 1, Geom: g}}).Deepest(q)
		if ok != want || (ok && id != 1) {
			t.Errorf("ring %d: Deepest = %d, %v; PostGIS rule says %v", i, id, ok, want)
		}
		es = append(es, Entry{ID: int64(10 - i), Depth: 1, Geom: g})
	}
	// All four together: the smallest id among those PostGIS says cover q.
	want := newIxBrute(es).covering(q)
	got := NewIndex(es).Covering(nil, q)
	if !slices.Equal(got, want) {
		t.Errorf("Covering = %v, brute force %v", got, want)
	}
}

// hierarchy: city 100 ⊃ district 50 ⊃ three compounds sharing edges.
func ixHierarchy() []Entry {
	return []Entry{
		{ID: 5, Depth: 4, Geom: ixMP(ixPoly(ixRev(ixBox(0, 1, 2, 2))))},
		{ID: 100, Depth: 0, Geom: ixMP(ixPoly(ixBox(-10, -10, 10, 10)))},
		{ID: 7, Depth: 4, Geom: ixMP(ixPoly(ixBox(0, 0, 1, 1)))},
		{ID: 50, Depth: 1, Geom: ixMP(ixPoly(ixRev(ixBox(-5, -5, 5, 5))))},
		{ID: 3, Depth: 4, Geom: ixMP(ixPoly(ixBox(1, 0, 2, 1)))},
		{ID: 60, Depth: 1, Geom: ixMP(ixPoly(ixBox(5, -5, 10, 5)))},
	}
}

func TestIndexHierarchyAndTies(t *testing.T) {
	ix := NewIndex(ixHierarchy())
	cases := []struct {
		x, y     float64
		want     int64
		ok       bool
		covering []int64
	}{
		{0.5, 0.5, 7, true, []int64{7, 50, 100}},
		{1, 0.5, 3, true, []int64{3, 7, 50, 100}},     // shared edge 7|3
		{1, 1, 3, true, []int64{3, 5, 7, 50, 100}},    // vertex of 3, 5 and 7
		{0.5, 1, 5, true, []int64{5, 7, 50, 100}},     // shared edge 7|5
		{1.5, 1, 3, true, []int64{3, 5, 50, 100}},     // shared edge 3|5
		{2, 2, 5, true, []int64{5, 50, 100}},          // corner of 5
		{1.5, 1.5, 5, true, []int64{5, 50, 100}},      //
		{-1, -1, 50, true, []int64{50, 100}},          // district only
		{5, 0, 50, true, []int64{50, 60, 100}},        // shared district edge
		{7, 0, 60, true, []int64{60, 100}},            //
		{8, 8, 100, true, []int64{100}},               // city only
		{-10, -10, 100, true, []int64{100}},           // city corner
		{20, 20, 0, false, nil},                       // outside
		{10.000001, 0, 0, false, nil},                 //
		{math.NaN(), 0, 0, false, nil},                //
		{0, math.Inf(1), 0, false, nil},               //
		{2.0000000001, 1, 50, true, []int64{50, 100}}, // just right of the compounds
		{1, 2.0000000001, 50, true, []int64{50, 100}}, //
		{0, 0, 7, true, []int64{7, 50, 100}},          //
		{10, 5, 60, true, []int64{60, 100}},           // corner of district 60 on the city edge
		{5, 5, 50, true, []int64{50, 60, 100}},        // shared district corner
		{-5, 5, 50, true, []int64{50, 100}},           //
		{-5.0000001, 5, 100, true, []int64{100}},      //
		{9.9999999, 4.9999999, 60, true, []int64{60, 100}},
	}
	b := newIxBrute(ixHierarchy())
	for _, c := range cases {
		p := orb.Point{c.x, c.y}
		id, ok := ix.Deepest(p)
		if id != c.want || ok != c.ok {
			t.Errorf("Deepest(%v) = %d, %v; want %d, %v", p, id, ok, c.want, c.ok)
		}
		got := ix.Covering(nil, p)
		if !slices.Equal(got, c.covering) {
			t.Errorf("Covering(%v) = %v; want %v", p, got, c.covering)
		}
		if bw := b.covering(p); !slices.Equal(bw, c.covering) {
			t.Errorf("brute covering(%v) = %v; want %v", p, bw, c.covering)
		}
	}
	// Covering appends.
	got := ix.Covering([]int64{-1}, orb.Point{1, 1})
	if !slices.Equal(got, []int64{-1, 3, 5, 7, 50, 100}) {
		t.Errorf("Covering with prefix = %v", got)
	}
	if ix.Len() != 6 {
		t.Errorf("Len = %d", ix.Len())
	}
	if bd := ix.Bound(); bd != (orb.Bound{Min: orb.Point{-10, -10}, Max: orb.Point{10, 10}}) {
		t.Errorf("Bound = %v", bd)
	}
}

func TestIndexSameDepthOverlap(t *testing.T) {
	// Overlapping polygons at the same depth: smallest id wins everywhere
	// both cover; the larger one wins where it alone covers.
	ix := NewIndex([]Entry{
		{ID: 9, Depth: 2, Geom: ixMP(ixPoly(ixBox(0, 0, 4, 4)))},
		{ID: 2, Depth: 2, Geom: ixMP(ixPoly(ixBox(2, 2, 6, 6)))},
		{ID: -4, Depth: 2, Geom: ixMP(ixPoly(ixBox(3, 3, 3.5, 3.5)))},
	})
	for _, c := range []struct {
		x, y float64
		want int64
	}{{1, 1, 9}, {3, 3, -4}, {2.5, 2.5, 2}, {5, 5, 2}, {2, 3, 2}, {4, 4, 2}, {3.25, 3.25, -4}} {
		if id, ok := ix.Deepest(orb.Point{c.x, c.y}); !ok || id != c.want {
			t.Errorf("Deepest(%v,%v) = %d, %v; want %d", c.x, c.y, id, ok, c.want)
		}
	}
	if got := ix.Covering(nil, orb.Point{3.25, 3.25}); !slices.Equal(got, []int64{-4, 2, 9}) {
		t.Errorf("Covering = %v", got)
	}
}

func TestIndexEmpty(t *testing.T) {
	ix := NewIndex(nil)
	if _, ok := ix.Deepest(orb.Point{0, 0}); ok {
		t.Error("empty index covers a point")
	}
	if ix.Len() != 0 || !ix.Bound().IsEmpty() {
		t.Errorf("Len %d, Bound %v", ix.Len(), ix.Bound())
	}
	if got := ix.Covering(nil, orb.Point{0, 0}); len(got) != 0 {
		t.Errorf("Covering = %v", got)
	}
	ix = NewIndex([]Entry{{ID: 1, Depth: 1}, {ID: 2, Depth: 1, Geom: ixMP(ixPoly())}, {ID: 3, Depth: 0, Geom: ixMP(ixPoly(ixBox(0, 0, 1, 1)))}})
	if ix.Len() != 3 {
		t.Errorf("Len = %d", ix.Len())
	}
	if id, ok := ix.Deepest(orb.Point{0.5, 0.5}); !ok || id != 3 {
		t.Errorf("Deepest = %d, %v", id, ok)
	}
}

// ---------------------------------------------------------------------------
// Randomised cross-check against the brute force

type ixDataset struct {
	entries []Entry
	points  []orb.Point
}

func ixCrossCheckData(t testing.TB, nRandom int) ixDataset {
	rng := rand.New(rand.NewPCG(110, 2024))
	var es []Entry
	nextID := int64(1000)
	id := func() int64 { nextID += 1 + rng.Int64N(5); return nextID }
	orient := func(r orb.Ring) orb.Ring {
		if rng.IntN(2) == 0 {
			return ixRev(r)
		}
		return r
	}
	// Frame: lon 116..117, lat 39.5..40.5.
	// City: a big star with a hole, plus an island part.
	city := ixStar(rng, 116.5, 40.0, 0.55, 300, 0.4)
	es = append(es, Entry{ID: 1, Depth: 0, Geom: ixMP(
		ixPoly(city, orient(ixStar(rng, 116.5, 40.0, 0.05, 40, 0.5))),
		ixPoly(orient(ixBox(116.0, 39.5, 116.04, 39.54))),
	)})
	// Districts: 3×3 mesh with wiggly shared sides.
	for _, c := range ixMesh(rng, 116.0, 39.5, 117.0, 40.5, 3, 3, 40, 0.15) {
		es = append(es, Entry{ID: id(), Depth: 1, Geom: ixMP(ixPoly(orient(c)))})
	}
	// Townships: random stars, some with holes, some with two parts.
	for i := 0; i < 40; i++ {
		r := 0.01 + 0.07*rng.Float64()
		cx, cy := 116.1+0.8*rng.Float64(), 39.6+0.8*rng.Float64()
		p := ixPoly(orient(ixStar(rng, cx, cy, r, 5+rng.IntN(56), 0.4)))
		if rng.IntN(10) < 3 {
			p = append(p, orient(ixStar(rng, cx, cy, 0.15*r, 3+rng.IntN(10), 0.5)))
		}
		g := ixMP(p)
		if rng.IntN(10) < 2 {
			a := rng.Float64() * 2 * math.Pi
			g = append(g, ixPoly(orient(ixStar(rng, cx+2.5*r*math.Cos(a), cy+2.5*r*math.Sin(a), r, 5+rng.IntN(20), 0.4))))
		}
		es = append(es, Entry{ID: id(), Depth: 2, Geom: g})
	}
	// Dense spots that force the quadtree below the grid: a small star with
	// 3000 vertices, and a fan of 48 triangles around one shared vertex
	// (cells there can never get under leafEdges edges).
	es = append(es, Entry{ID: id(), Depth: 2, Geom: ixMP(ixPoly(orient(ixStar(rng, 116.8, 39.7, 0.01, 3000, 0.2))))})
	fan := orb.Point{116.2, 40.3}
	for k := 0; k < 48; k++ {
		a0, a1 := float64(k)/48*2*math.Pi, float64(k+1)/48*2*math.Pi
		p0 := orb.Point{fan[0] + 0.02*math.Cos(a0), fan[1] + 0.02*math.Sin(a0)}
		p1 := orb.Point{fan[0] + 0.02*math.Cos(a1), fan[1] + 0.02*math.Sin(a1)}
		if k == 47 {
			p1 = orb.Point{fan[0] + 0.02, fan[1]}
		}
		es = append(es, Entry{ID: id(), Depth: 2, Geom: ixMP(ixPoly(orient(orb.Ring{fan, p0, p1, fan})))})
	}
	// Communities: 16×16 mesh on dyadic corners, 15% missing; ids shuffled.
	comm := ixMesh(rng, 116.25, 39.75, 116.75, 40.25, 16, 16, 4, 0.15)
	perm := rng.Perm(len(comm))
	for i, c := range comm {
		if rng.IntN(100) < 15 {
			continue
		}
		es = append(es, Entry{ID: int64(500 + perm[i]), Depth: 3, Geom: ixMP(ixPoly(orient(c)))})
	}
	// Compounds: dyadic squares (many sharing edges and corners), a few
	// triangles and small stars overlapping them.
	const cs = 1.0 / 256
	seen := map[[2]int]bool{}
	for len(seen) < 300 {
		i, j := rng.IntN(40), rng.IntN(40)
		if seen[[2]int{i, j}] {
			continue
		}
		seen[[2]int{i, j}] = true
		x, y := 116.375+float64(i)*cs, 39.875+float64(j)*cs
		es = append(es, Entry{ID: id(), Depth: 4, Geom: ixMP(ixPoly(orient(ixBox(x, y, x+cs, y+cs))))})
	}
	for i := 0; i < 10; i++ {
		x, y := 116.375+float64(rng.IntN(40))*cs, 39.875+float64(rng.IntN(40))*cs
		es = append(es, Entry{ID: id(), Depth: 4, Geom: ixMP(ixPoly(orient(ixRing(x, y, x+2*cs, y, x, y+2*cs))))})
		es = append(es, Entry{ID: id(), Depth: 4, Geom: ixMP(ixPoly(orient(ixStar(rng, x, y, 3*cs, 12, 0.3))))})
	}
	for _, e := range es {
		if !ixValid(e.Geom) {
			t.Fatalf("generator made an invalid multipolygon, entry %d", e.ID)
		}
	}
	rng.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })

	// Points.
	var pts []orb.Point
	for i := 0; i < nRandom; i++ {
		pts = append(pts, orb.Point{115.95 + 1.1*rng.Float64(), 39.45 + 1.1*rng.Float64()})
	}
	var verts []orb.Point
	for _, e := range es {
		for _, p := range e.Geom {
			for _, r := range p {
				for k := 0; k+1 < len(r); k++ {
					a, b := r[k], r[k+1]
					verts = append(verts, a)
					pts = append(pts, a, orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2})
					// A point on the edge up to rounding.
					f := rng.Float64()
					pts = append(pts, orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])})
				}
			}
		}
	}
	for i := 0; i < nRandom/20; i++ { // the dense spots
		a, d := rng.Float64()*2*math.Pi, 0.025*math.Sqrt(rng.Float64())
		pts = append(pts,
			orb.Point{116.2 + d*math.Cos(a), 40.3 + d*math.Sin(a)},
			orb.Point{116.8 + 0.5*d*math.Cos(a), 39.7 + 0.5*d*math.Sin(a)})
	}
	for i := 0; i < nRandom/10; i++ {
		v := verts[rng.IntN(len(verts))]
		pts = append(pts,
			orb.Point{115.95 + 1.1*rng.Float64(), v[1]}, // ray through a vertex
			orb.Point{v[0], 39.45 + 1.1*rng.Float64()},
			orb.Point{116 + float64(rng.IntN(1025))/1024, 39.5 + float64(rng.IntN(1025))/1024}, // dyadic
		)
	}
	return ixDataset{entries: es, points: pts}
}

func TestIndexCrossCheckBruteForce(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	ds := ixCrossCheckData(t, n)
	ix := NewIndex(ds.entries)
	b := newIxBrute(ds.entries)
	nodes := 0
	for _, lv := range ix.levels {
		nodes += len(lv.nodes)
	}
	t.Logf("%d entries, %d points, %d levels, %d quadtree nodes, %d words of leaf data",
		len(ds.entries), len(ds.points), len(ix.levels), nodes, len(ix.data))
	if nodes == 0 {
		t.Error("the data set does not exercise the quadtree below the grid")
	}
	bad := 0
	var buf []int64
	covered := 0
	for _, p := range ds.points {
		want := b.covering(p)
		buf = ix.Covering(buf[:0], p)
		id, ok := ix.Deepest(p)
		wid, wok := int64(0), len(want) > 0
		if wok {
			wid = want[0]
			covered++
		}
		if id != wid || ok != wok || !slices.Equal(buf, want) {
			bad++
			if bad <= 10 {
				t.Errorf("point %v (%.17g, %.17g): Deepest = %d, %v; Covering = %v; brute force %v",
					p, p[0], p[1], id, ok, buf, want)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d points disagree", bad, len(ds.points))
	}
	t.Logf("%d of %d points covered by something", covered, len(ds.points))
}

func TestIndexMeshPartition(t *testing.T) {
	// A partition with exactly shared edges: every point of the square is in
	// some cell, and Deepest agrees with the brute force, also on the grid
	// lines of the index itself (dyadic coordinates).
	rng := rand.New(rand.NewPCG(7, 7))
	cells := ixMesh(rng, 0, 0, 1, 1, 20, 20, 3, 0.15)
	var es []Entry
	for i, c := range cells {
		r := c
		if i%3 == 0 {
			r = ixRev(c)
		}
		es = append(es, Entry{ID: int64(i + 1), Depth: 4, Geom: ixMP(ixPoly(r))})
	}
	ix := NewIndex(es)
	b := newIxBrute(es)
	for i := 0; i < 20000; i++ {
		var p orb.Point
		if i%2 == 0 {
			p = orb.Point{rng.Float64(), rng.Float64()}
		} else {
			p = orb.Point{float64(rng.IntN(1025)) / 1024, float64(rng.IntN(1025)) / 1024}
		}
		id, ok := ix.Deepest(p)
		if !ok {
			t.Fatalf("point %v of the square not covered", p)
		}
		if want := b.covering(p); want[0] != id {
			t.Fatalf("Deepest(%v) = %d, brute force %v", p, id, want)
		}
	}
}

func TestIndexConcurrentAndNoAllocs(t *testing.T) {
	ds := ixCrossCheckData(t, 20_000)
	ix := NewIndex(ds.entries)
	want := make([]int64, len(ds.points))
	for i, p := range ds.points {
		if id, ok := ix.Deepest(p); ok {
			want[i] = id
		} else {
			want[i] = math.MinInt64
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			var buf []int64
			for i := g; i < len(ds.points); i += 3 {
				id, ok := ix.Deepest(ds.points[i])
				if !ok {
					id = math.MinInt64
				}
				buf = ix.Covering(buf[:0], ds.points[i])
				if id != want[i] || (ok && buf[0] != id) {
					errs <- fmt.Errorf("goroutine %d point %v: %d", g, ds.points[i], id)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	p := ds.points[:1000]
	i := 0
	if a := testing.AllocsPerRun(1000, func() {
		ix.Deepest(p[i%len(p)])
		i++
	}); a != 0 {
		t.Errorf("Deepest allocates %v times per call", a)
	}
	buf := make([]int64, 0, 16)
	if a := testing.AllocsPerRun(1000, func() {
		buf = ix.Covering(buf[:0], p[i%len(p)])
		i++
	}); a != 0 {
		t.Errorf("Covering allocates %v times per call", a)
	}
}

// ---------------------------------------------------------------------------
// Benchmarks

var (
	ixBenchOnce    sync.Once
	ixBenchEntries []Entry
	ixBenchIndex   *Index
	ixBenchPoints  []orb.Point
)

// ixBenchData is a city-like hierarchy over 1°×1°: a 5000-vertex city, four
// 5000-vertex districts, 64 townships (240 vertices), 1024 communities (60
// vertices) and ~10,000 compounds (32 vertices; 20% of a 112×112 mesh are
// missing so some points fall through to shallower levels).
func ixBenchData() {
	ixBenchOnce.Do(func() {
		rng := rand.New(rand.NewPCG(1, 10))
		var es []Entry
		es = append(es, Entry{ID: 1, Depth: 0, Geom: ixMP(ixPoly(ixStar(rng, 116.5, 40.0, 0.7, 5000, 0.9)))})
		id := int64(10)
		add := func(depth int, cells []orb.Ring, keep int) {
			for _, c := range cells {
				if rng.IntN(100) < keep {
					es = append(es, Entry{ID: id, Depth: depth, Geom: ixMP(ixPoly(c))})
				}
				id++
			}
		}
		add(1, ixMesh(rng, 116, 39.5, 117, 40.5, 2, 2, 1250, 0.15), 100)
		add(2, ixMesh(rng, 116, 39.5, 117, 40.5, 8, 8, 60, 0.15), 100)
		add(3, ixMesh(rng, 116, 39.5, 117, 40.5, 32, 32, 15, 0.15), 100)
		add(4, ixMesh(rng, 116, 39.5, 117, 40.5, 112, 112, 8, 0.15), 80)
		ixBenchEntries = es
		ixBenchIndex = NewIndex(es)
		for i := 0; i < 1<<16; i++ {
			ixBenchPoints = append(ixBenchPoints, orb.Point{116 + rng.Float64(), 39.5 + rng.Float64()})
		}
	})
}

func BenchmarkDeepest(b *testing.B) {
	ixBenchData()
	ix, pts := ixBenchIndex, ixBenchPoints
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ix.Deepest(pts[i&(len(pts)-1)])
	}
}

func BenchmarkDeepestParallel(b *testing.B) {
	ixBenchData()
	ix, pts := ixBenchIndex, ixBenchPoints
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := rand.IntN(len(pts))
		for pb.Next() {
			ix.Deepest(pts[i&(len(pts)-1)])
			i++
		}
	})
}

func BenchmarkIndexCovering(b *testing.B) {
	ixBenchData()
	ix, pts := ixBenchIndex, ixBenchPoints
	buf := make([]int64, 0, 8)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		buf = ix.Covering(buf[:0], pts[i&(len(pts)-1)])
	}
}

func BenchmarkNewIndex(b *testing.B) {
	ixBenchData()
	for b.Loop() {
		NewIndex(ixBenchEntries)
	}
}
