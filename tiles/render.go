package tiles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// Geometry is kept in normalised Web Mercator: x and y from 0 to 1 over the
// whole world, y growing southwards, as tile coordinates do. A tile's
// coordinates are then a scale and a shift away.

const maxLat = 85.0511287798066

// merc projects WGS-84 longitude/latitude to normalised Web Mercator.
func merc(p orb.Point) orb.Point {
	lat := math.Max(-maxLat, math.Min(maxLat, p[1]))
	s := math.Sin(lat * math.Pi / 180)
	return orb.Point{(p[0] + 180) / 360, 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)}
}

// unmerc is merc's inverse.
func unmerc(p orb.Point) orb.Point {
	n := math.Pi - 2*math.Pi*p[1]
	return orb.Point{p[0]*360 - 180, 180 / math.Pi * math.Atan(math.Sinh(n))}
}

// mercBound projects a WGS-84 bound.
func mercBound(b orb.Bound) orb.Bound {
	a, c := merc(b.Min), merc(b.Max)
	return orb.Bound{Min: orb.Point{a[0], c[1]}, Max: orb.Point{c[0], a[1]}}
}

// frame maps normalised Mercator to the coordinates of one tile.
type frame struct {
	z, x, y int
	scale   float64   // 2^z * Extent
	clip    orb.Bound // the tile plus its buffer, in tile coordinates
	merc    orb.Bound // the same in normalised Mercator
	grain   float64   // vertices snap to multiples of this many tile units
}

func newFrame(z, x, y int) frame {
	n := float64(uint64(1) << z)
	f := frame{z: z, x: x, y: y, scale: n * Extent,
		clip: orb.Bound{Min: orb.Point{-Buffer, -Buffer}, Max: orb.Point{Extent + Buffer, Extent + Buffer}}}
	buf := Buffer / float64(Extent)
	f.merc = orb.Bound{Min: orb.Point{(float64(x) - buf) / n, (float64(y) - buf) / n},
		Max: orb.Point{(float64(x) + 1 + buf) / n, (float64(y) + 1 + buf) / n}}
	// Coarser snapping at low zoom is the per-zoom simplification: it is a
	// function of each vertex alone, so two grids sharing a boundary get the
	// same simplified boundary and never crack apart.
	switch {
	case z < 14:
		f.grain = 4
	case z < 16:
		f.grain = 2
	default:
		f.grain = 1
	}
	return f
}

// wgs84 is the frame's buffered bound in longitude/latitude.
func (f frame) wgs84() orb.Bound {
	a, b := unmerc(f.merc.Min), unmerc(f.merc.Max)
	return orb.Bound{Min: orb.Point{a[0], b[1]}, Max: orb.Point{b[0], a[1]}}
}

// px converts normalised Mercator to tile coordinates (unrounded).
func (f frame) px(p orb.Point) orb.Point {
	return orb.Point{p[0]*f.scale - float64(f.x)*Extent, p[1]*f.scale - float64(f.y)*Extent}
}

// point returns p (normalised Mercator) as integer tile coordinates, and
// whether it lies within the buffered tile.
func (f frame) point(p orb.Point) (orb.Point, bool) {
	q := f.px(p)
	q = orb.Point{math.Round(q[0]), math.Round(q[1])}
	return q, f.clip.Contains(q)
}

// polygon clips, snaps and orients mp (normalised Mercator) for the tile.
// Rings that collapse are dropped, and a polygon whose outer ring collapses
// is dropped with its holes. The result may be empty.
func (f frame) polygon(mp orb.MultiPolygon, buf orb.Ring) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, poly := range mp {
		var p orb.Polygon
		for i, r := range poly {
			rr := f.ring(r, buf)
			if rr == nil {
				if i == 0 {
					break
				}
				continue
			}
			// MVT 2.1: outer rings wind clockwise on screen, which is
			// counter-clockwise in orb's (y-up) reckoning; holes the other way.
			if (rr.Orientation() == orb.CCW) != (i == 0) {
				rr.Reverse()
			}
			p = append(p, rr)
		}
		if len(p) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// ring returns r in tile coordinates, clipped to the buffered tile, snapped
// to the grain, without repeated or collinear vertices; nil if nothing with
// an area is left.
func (f frame) ring(r orb.Ring, buf orb.Ring) orb.Ring {
	if len(r) < 4 {
		return nil
	}
	pts := buf[:0]
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, p := range r {
		q := f.px(p)
		pts = append(pts, q)
		b = b.Extend(q)
	}
	if !b.Intersects(f.clip) {
		return nil
	}
	if !(f.clip.Contains(b.Min) && f.clip.Contains(b.Max)) {
		pts = clip.Ring(f.clip, pts)
	}
	out := make(orb.Ring, 0, len(pts))
	g := f.grain
	for _, p := range pts {
		q := orb.Point{math.Round(p[0]/g) * g, math.Round(p[1]/g) * g}
		if n := len(out); n > 0 && out[n-1] == q {
			continue
		}
		for n := len(out); n >= 2 && collinear(out[n-2], out[n-1], q); n = len(out) {
			out = out[:n-1]
		}
		out = append(out, q)
	}
	// The ring is closed: drop the closing point and settle the seam.
	if n := len(out); n > 1 && out[0] == out[n-1] {
		out = out[:n-1]
	}
	for len(out) >= 3 && collinear(out[len(out)-2], out[len(out)-1], out[0]) {
		out = out[:len(out)-1]
	}
	for len(out) >= 3 && collinear(out[len(out)-1], out[0], out[1]) {
		out = out[1:]
	}
	if len(out) < 3 {
		return nil
	}
	out = append(out, out[0])
	if signedArea(out) == 0 {
		return nil
	}
	return out
}

// collinear reports whether b lies on the line through a and c (including
// a spike back along it). Coordinates are integers, so the test is exact.
func collinear(a, b, c orb.Point) bool {
	return (b[0]-a[0])*(c[1]-a[1])-(b[1]-a[1])*(c[0]-a[0]) == 0
}

// tileRange returns the tiles at zoom z whose buffered area meets b
// (normalised Mercator), as inclusive x and y ranges.
func tileRange(z int, b orb.Bound) (x0, y0, x1, y1 int) {
	n := float64(uint64(1) << z)
	buf := Buffer / float64(Extent)
	last := int(n) - 1
	clampi := func(v float64) int { return max(0, min(last, int(math.Floor(v)))) }
	return clampi(b.Min[0]*n - buf), clampi(b.Min[1]*n - buf), clampi(b.Max[0]*n + buf), clampi(b.Max[1]*n + buf)
}

// signedArea is twice the shoelace area of a closed ring.
func signedArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a
}
