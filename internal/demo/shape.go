package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"
)

// metresPerDegree is the length of one degree of latitude, near enough for
// sampling distances (Zhangzhou lies at 23.5-25.2°N).
const metresPerDegree = 111_320.0

// shape is a MultiPolygon (WGS-84) prepared for point-in-polygon tests and
// random points: the bounding box of every ring is computed once (orb's
// planar.RingContains computes it on every call).
type shape struct {
	mp     orb.MultiPolygon
	bound  orb.Bound
	bounds [][]orb.Bound // per polygon, per ring
	kx     float64       // metres per degree of longitude at the shape's latitude
	areaM2 float64       // approximate (planar, scaled at the centre latitude)
}

func newShape(mp orb.MultiPolygon) *shape {
	s := &shape{mp: mp, bound: mp.Bound(), bounds: make([][]orb.Bound, len(mp))}
	for i, p := range mp {
		for _, r := range p {
			s.bounds[i] = append(s.bounds[i], r.Bound())
		}
	}
	s.kx = metresPerDegree * math.Cos(s.bound.Center()[1]*math.Pi/180)
	s.areaM2 = planar.Area(mp) * s.kx * metresPerDegree
	return s
}

// shapeFromWKB decodes a MultiPolygon from ST_AsBinary.
func shapeFromWKB(b []byte) (*shape, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode WKB: %w", err)
	}
	switch x := g.(type) {
	case orb.MultiPolygon:
		return newShape(x), nil
	case orb.Polygon:
		return newShape(orb.MultiPolygon{x}), nil
	}
	return nil, fmt.Errorf("decode WKB: got %s, want MultiPolygon", g.GeoJSONType())
}

// contains reports whether p is inside the shape. Points exactly on the
// boundary may go either way.
func (s *shape) contains(p orb.Point) bool {
	if !s.bound.Contains(p) {
		return false
	}
	for i, poly := range s.mp {
		if !s.bounds[i][0].Contains(p) || !ringContains(poly[0], p) {
			continue
		}
		inHole := false
		for j := 1; j < len(poly) && !inHole; j++ {
			inHole = s.bounds[i][j].Contains(p) && ringContains(poly[j], p)
		}
		if !inHole {
			return true
		}
	}
	return false
}

// ringContains is the even-odd rule: a ray from p to the east crosses the
// ring an odd number of times if p is inside.
func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// distM is the approximate distance in metres between a and b.
func (s *shape) distM(a, b orb.Point) float64 {
	return math.Hypot((a[0]-b[0])*s.kx, (a[1]-b[1])*metresPerDegree)
}

// offset returns p moved by dx, dy metres.
func (s *shape) offset(p orb.Point, dx, dy float64) orb.Point {
	return orb.Point{p[0] + dx/s.kx, p[1] + dy/metresPerDegree}
}

// uniform returns a uniformly random point inside the shape, or false if
// 10,000 tries in its bounding box all missed (a sliver).
func (s *shape) uniform(r *rand.Rand) (orb.Point, bool) {
	b := s.bound
	for range 10_000 {
		p := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
		if s.contains(p) {
			return p, true
		}
	}
	return orb.Point{}, false
}

// gaussian returns a point drawn from a normal distribution around c with
// sigma metres in each direction, inside the shape, or false if 30 draws
// all fell outside it (c far from the shape).
func (s *shape) gaussian(r *rand.Rand, c orb.Point, sigmaM float64) (orb.Point, bool) {
	for range 30 {
		p := s.offset(c, r.NormFloat64()*sigmaM, r.NormFloat64()*sigmaM)
		if s.contains(p) {
			return p, true
		}
	}
	return orb.Point{}, false
}

// centre is a point inside the shape near its middle: the area centroid
// when the shape contains it, else fallback (which must be inside).
func (s *shape) centre(fallback orb.Point) orb.Point {
	c, _ := planar.CentroidArea(s.mp)
	if s.contains(c) {
		return c
	}
	return fallback
}

// seedSpec says how to scatter the generator points of a Voronoi tiling.
type seedSpec struct {
	N       int
	Attract orb.Point // the seeds crowd towards it: smaller cells there
	SigmaM  float64   // spread of the crowd, metres
	PGauss  float64   // share of seeds drawn around Attract; the rest are uniform
}

// seeds scatters spec.N distinct points inside s: a mix of a Gaussian around
// spec.Attract and uniform points, rejection-sampled inside the shape. A
// minimum spacing keeps cells from becoming slivers; it is relaxed if the
// shape is too crowded to meet it.
func (s *shape) seeds(r *rand.Rand, spec seedSpec) ([]orb.Point, error) {
	minD := 0.15 * math.Sqrt(s.areaM2/float64(spec.N))
	pts := make([]orb.Point, 0, spec.N)
	misses := 0
	for len(pts) < spec.N {
		var p orb.Point
		ok := false
		if r.Float64() < spec.PGauss {
			p, ok = s.gaussian(r, spec.Attract, spec.SigmaM)
		}
		if !ok {
			if p, ok = s.uniform(r); !ok {
				return nil, fmt.Errorf("no room for %d seeds (area %.0f m²)", spec.N, s.areaM2)
			}
		}
		if tooClose(s, pts, p, minD) {
			if misses++; misses%200 == 0 {
				minD /= 2
			}
			continue
		}
		pts = append(pts, p)
	}
	return pts, nil
}

func tooClose(s *shape, pts []orb.Point, p orb.Point, minD float64) bool {
	for _, q := range pts {
		if s.distM(p, q) < minD || p == q {
			return true
		}
	}
	return false
}

// byDistance sorts pts by distance from c, nearest first (stable, so equal
// distances keep their drawn order).
func (s *shape) byDistance(pts []orb.Point, c orb.Point) {
	sort.SliceStable(pts, func(i, j int) bool { return s.distM(pts[i], c) < s.distM(pts[j], c) })
}

// planarDistM is the approximate distance in metres from p to the shape's
// boundary (0 inside).
func planarDistM(s *shape, p orb.Point) float64 {
	if s.contains(p) {
		return 0
	}
	return planar.DistanceFrom(s.mp, p) * metresPerDegree
}
