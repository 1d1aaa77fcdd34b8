package demo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func mustCounties(t *testing.T) []county {
	t.Helper()
	div, err := readDivisions()
	if err != nil {
		t.Fatal(err)
	}
	cs, err := readCounties(div)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestReadCounties(t *testing.T) {
	cs := mustCounties(t)
	if len(cs) != 11 {
		t.Fatalf("readCounties = %d counties, want 11", len(cs))
	}
	names := map[string]string{}
	for _, c := range cs {
		names[c.Code] = c.Name
		if b := c.Feature.Geom.Bound(); !b.Contains(c.Seat) && c.Code != "350603" {
			t.Errorf("county %s %s: seat %v outside its bounds %v", c.Code, c.Name, c.Seat, b)
		}
	}
	for code, want := range map[string]string{"350604": "龙海区", "350605": "长泰区", "350602": "芗城区"} {
		if names[code] != want {
			t.Errorf("county %s = %q, want %q", code, names[code], want)
		}
	}
}

// TestShapeContains checks the prepared point-in-polygon test against orb's
// on the real county outlines.
func TestShapeContains(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range mustCounties(t) {
		s := newShape(c.Feature.Geom)
		b := s.bound
		for range 2000 {
			p := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
			if got, want := s.contains(p), planar.MultiPolygonContains(c.Feature.Geom, p); got != want {
				t.Errorf("%s: contains(%v) = %v, want %v", c.Name, p, got, want)
			}
		}
	}
}

func TestShapeSeeds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range mustCounties(t) {
		s := newShape(c.Feature.Geom)
		pts, err := s.seeds(r, seedSpec{N: 40, Attract: c.Seat, SigmaM: 3000, PGauss: 0.5})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		seen := map[orb.Point]bool{}
		for _, p := range pts {
			if !s.contains(p) || seen[p] {
				t.Errorf("%s: seed %v outside or repeated", c.Name, p)
			}
			seen[p] = true
		}
		if len(pts) != 40 {
			t.Errorf("%s: %d seeds, want 40", c.Name, len(pts))
		}
	}
}

func TestAssign(t *testing.T) {
	s := newShape(orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}})
	pts := []orb.Point{{0.9, 0.9}, {0.1, 0.1}, {0.5, 0.5}, {0.2, 0.2}}
	got := assign(s, pts, orb.Point{0, 0}, []bool{false, true, false, true})
	want := []orb.Point{{0.9, 0.9}, {0.1, 0.1}, {0.5, 0.5}, {0.2, 0.2}}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("assign = %v, want %v", got, want)
		}
	}
	got = assign(s, pts, orb.Point{1, 1}, []bool{true, false, false, false})
	if got[0] != (orb.Point{0.9, 0.9}) || got[1] != (orb.Point{0.1, 0.1}) {
		t.Errorf("assign towards (1, 1) = %v, want the urban child at (0.9, 0.9)", got)
	}
}

func TestUrbanTownships(t *testing.T) {
	div, err := readDivisions()
	if err != nil {
		t.Fatal(err)
	}
	for county, want := range map[string]string{"350602": "东铺头街道", "350622": "云陵镇", "350629": "华丰镇"} {
		ts := div.townships[county]
		urban := urbanTownships(ts)
		found := false
		for i, u := range urban {
			found = found || (u && ts[i].Name == want)
		}
		if !found {
			t.Errorf("urbanTownships(%s) does not include %s", county, want)
		}
	}
}
