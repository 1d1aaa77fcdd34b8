package crs

import (
	"math"
	"math/rand/v2"
	"testing"
)

// conversions lists every exported point conversion, for table tests.
var conversions = []struct {
	name string
	f    func(lon, lat float64) (float64, float64)
}{
	{"WGS84ToGCJ02", WGS84ToGCJ02},
	{"GCJ02ToWGS84", GCJ02ToWGS84},
	{"GCJ02ToBD09", GCJ02ToBD09},
	{"BD09ToGCJ02", BD09ToGCJ02},
	{"WGS84ToBD09", WGS84ToBD09},
	{"BD09ToWGS84", BD09ToWGS84},
}

// checkPassThrough asserts that every conversion, and ToWGS84/FromWGS84 for
// every CRS, returns (lon, lat) bit-for-bit unchanged.
func checkPassThrough(t testing.TB, label string, lon, lat float64) {
	t.Helper()
	same := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(lon) && math.Float64bits(y) == math.Float64bits(lat)
	}
	for _, c := range conversions {
		if x, y := c.f(lon, lat); !same(x, y) {
			t.Errorf("%s: %s(%v, %v) = (%v, %v); want unchanged", label, c.name, lon, lat, x, y)
		}
	}
	for _, c := range []CRS{WGS84, GCJ02, BD09} {
		if x, y := ToWGS84(c, lon, lat); !same(x, y) {
			t.Errorf("%s: ToWGS84(%s, %v, %v) = (%v, %v); want unchanged", label, c, lon, lat, x, y)
		}
		if x, y := FromWGS84(c, lon, lat); !same(x, y) {
			t.Errorf("%s: FromWGS84(%s, %v, %v) = (%v, %v); want unchanged", label, c, lon, lat, x, y)
		}
	}
}

// roundTripStats accumulates the worst round-trip errors, in metres.
type roundTripStats struct {
	n                      int
	gcj, bd, gcjInv, bdInv float64
}

// check converts the WGS-84 point (lon, lat) forward and back through GCJ-02
// and BD-09, and also checks the opposite direction starting from the
// converted points, failing when any round trip is worse than tolM metres.
func (s *roundTripStats) check(t testing.TB, lon, lat, tolM float64) {
	t.Helper()
	s.n++
	gLon, gLat := WGS84ToGCJ02(lon, lat)
	x, y := GCJ02ToWGS84(gLon, gLat)
	d := Distance(x, y, lon, lat)
	s.gcj = math.Max(s.gcj, d)
	if !(d <= tolM) {
		t.Errorf("WGS->GCJ->WGS at (%.9f, %.9f): %.6f m", lon, lat, d)
	}

	bLon, bLat := WGS84ToBD09(lon, lat)
	x, y = BD09ToWGS84(bLon, bLat)
	d = Distance(x, y, lon, lat)
	s.bd = math.Max(s.bd, d)
	if !(d <= tolM) {
		t.Errorf("WGS->BD->WGS at (%.9f, %.9f): %.6f m", lon, lat, d)
	}

	// Treat the WGS-84 point as a GCJ-02 / BD-09 input as well.
	x, y = GCJ02ToWGS84(lon, lat)
	x, y = WGS84ToGCJ02(x, y)
	d = Distance(x, y, lon, lat)
	s.gcjInv = math.Max(s.gcjInv, d)
	if !(d <= tolM) {
		t.Errorf("GCJ->WGS->GCJ at (%.9f, %.9f): %.6f m", lon, lat, d)
	}
	x, y = BD09ToWGS84(lon, lat)
	x, y = WGS84ToBD09(x, y)
	d = Distance(x, y, lon, lat)
	s.bdInv = math.Max(s.bdInv, d)
	if !(d <= tolM) {
		t.Errorf("BD->WGS->BD at (%.9f, %.9f): %.6f m", lon, lat, d)
	}
}

func (s *roundTripStats) log(t *testing.T, region string) {
	t.Logf("%s, %d points: max round-trip error WGS->GCJ->WGS %.3g m, WGS->BD->WGS %.3g m, GCJ->WGS->GCJ %.3g m, BD->WGS->BD %.3g m",
		region, s.n, s.gcj, s.bd, s.gcjInv, s.bdInv)
}

const roundTripTolM = 0.01 // metres

func TestRoundTripChina(t *testing.T) {
	// A box around China proper (wandergis/coordtransform's box), well inside
	// the eviltransform box.
	rng := rand.New(rand.NewPCG(20240601, 110))
	var s roundTripStats
	for range 10000 {
		lon := 73.66 + rng.Float64()*(135.05-73.66)
		lat := 3.86 + rng.Float64()*(53.55-3.86)
		s.check(t, lon, lat, roundTripTolM)
	}
	s.log(t, "China")
}

func TestRoundTripZhangzhou(t *testing.T) {
	rng := rand.New(rand.NewPCG(350600, 110))
	var s roundTripStats
	for range 10000 {
		lon := 116.9 + rng.Float64()*(118.3-116.9)
		lat := 23.5 + rng.Float64()*(25.3-23.5)
		s.check(t, lon, lat, roundTripTolM)
	}
	s.log(t, "Zhangzhou")
}

// TestRoundTripSpecialPoints covers lon = 105 and lat = 35, where the
// transform's sqrt(|lon-105|) term has an infinite derivative and its
// polynomial is centred, plus points near the box corners.
func TestRoundTripSpecialPoints(t *testing.T) {
	var s roundTripStats
	for _, dx := range []float64{0, 1e-300, -1e-300, 5e-324, 1e-15, -1e-15, 1e-12, -1e-12, 1e-9, -1e-9, 1e-6, -1e-6, 1e-3, -1e-3} {
		for _, lat := range []float64{3.9, 22.5, 35, 35 + dx, 53.5} {
			s.check(t, 105+dx, lat, roundTripTolM)
		}
	}
	for _, p := range [][2]float64{
		{72.1, 1}, {72.1, 55.7}, {137.7, 1}, {137.7, 55.7}, {105, 1}, {105, 55.7}, {72.1, 35}, {137.7, 35},
	} {
		s.check(t, p[0], p[1], roundTripTolM)
	}
	s.log(t, "special points")
}

// TestInverseQuality shows that the exact inverse is needed: across China the
// one-step inverse is off by metres, the iterated one by far less than 1 mm.
func TestInverseQuality(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var oneStep, exact float64
	for range 10000 {
		lon := 73.66 + rng.Float64()*(135.05-73.66)
		lat := 3.86 + rng.Float64()*(53.55-3.86)
		gLon, gLat := WGS84ToGCJ02(lon, lat)
		x, y := oneStepGCJ02ToWGS84(gLon, gLat)
		oneStep = math.Max(oneStep, Distance(x, y, lon, lat))
		x, y = GCJ02ToWGS84(gLon, gLat)
		exact = math.Max(exact, Distance(x, y, lon, lat))
	}
	t.Logf("GCJ02ToWGS84 max error over China: one-step %.3f m, exact %.3g m", oneStep, exact)
	if oneStep < 0.5 {
		t.Errorf("one-step inverse max error %.3f m; expected metres (is the sample too small?)", oneStep)
	}
	if exact > 1e-3 {
		t.Errorf("exact inverse max error %.3g m, want < 1 mm", exact)
	}
}

func TestOutsideChinaPassThrough(t *testing.T) {
	points := []struct {
		name     string
		lon, lat float64
	}{
		{"denver", -104.9903, 39.7392},
		{"brisbane", 153.0251, -27.4698},
		{"rio", -43.1729, -22.9068},
		{"null island", 0, 0},
		{"west of box", 72.0039, 35},
		{"east of box", 137.8348, 35},
		{"south of box", 105, 0.8292},
		{"north of box", 105, 55.8272},
		{"moscow", 37.6173, 55.7558},
		{"vladivostok north", 131.9, 56},
		{"negative zero", math.Copysign(0, -1), math.Copysign(0, -1)},
		{"poles", 105, 90},
		{"huge", 1e308, -1e308},
		{"+inf lon", math.Inf(1), 35},
		{"-inf lat", 105, math.Inf(-1)},
		{"nan lon", math.NaN(), 35},
		{"nan lat", 105, math.NaN()},
	}
	for _, p := range points {
		checkPassThrough(t, p.name, p.lon, p.lat)
	}
}

// TestBoxEdges checks the exact eviltransform box: its edges are inside
// (converted), the next representable values beyond them are outside.
func TestBoxEdges(t *testing.T) {
	edges := []struct{ lon, lat, outLon, outLat float64 }{
		{boxMinLon, 35, math.Nextafter(boxMinLon, math.Inf(-1)), 35},
		{boxMaxLon, 35, math.Nextafter(boxMaxLon, math.Inf(1)), 35},
		{105, boxMinLat, 105, math.Nextafter(boxMinLat, math.Inf(-1))},
		{105, boxMaxLat, 105, math.Nextafter(boxMaxLat, math.Inf(1))},
	}
	for _, e := range edges {
		for _, c := range conversions {
			if x, y := c.f(e.lon, e.lat); x == e.lon && y == e.lat {
				t.Errorf("%s(%v, %v) on the box edge was not converted", c.name, e.lon, e.lat)
			}
		}
		checkPassThrough(t, "just outside the box", e.outLon, e.outLat)
	}
	if outOfChina(72.004, 0.8293) || outOfChina(137.8347, 55.8271) {
		t.Error("box corners must be inside")
	}
}

// TestBD09ShiftOnlyInsideBox documents the chosen BD-09 behaviour: inside the
// box the Baidu shift (about +0.0065° lon, +0.006° lat) is applied; outside it
// nothing is, as in eviltransform.
func TestBD09ShiftOnlyInsideBox(t *testing.T) {
	gLon, gLat := 117.65, 24.51
	bLon, bLat := GCJ02ToBD09(gLon, gLat)
	if dx, dy := bLon-gLon, bLat-gLat; math.Abs(dx-0.0065) > 0.001 || math.Abs(dy-0.006) > 0.001 {
		t.Errorf("BD-09 shift in Zhangzhou = (%.5f, %.5f); want about (0.0065, 0.006)", dx, dy)
	}
	checkPassThrough(t, "bd outside", 140, 35)
}

// TestOffsetMagnitude checks that inside the box every conversion moves a
// point by a plausible amount (GCJ-02 offsets are well under 1 km; BD-09 adds
// under 1 km more) and returns finite values.
func TestOffsetMagnitude(t *testing.T) {
	var maxGCJ, maxBD float64
	for lon := boxMinLon; lon <= boxMaxLon; lon += 0.25 {
		for lat := boxMinLat; lat <= boxMaxLat; lat += 0.25 {
			for _, c := range conversions {
				x, y := c.f(lon, lat)
				if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
					t.Fatalf("%s(%v, %v) = (%v, %v)", c.name, lon, lat, x, y)
				}
				d := Distance(lon, lat, x, y)
				if c.name == "WGS84ToGCJ02" || c.name == "GCJ02ToWGS84" {
					maxGCJ = math.Max(maxGCJ, d)
				} else {
					maxBD = math.Max(maxBD, d)
				}
			}
		}
	}
	t.Logf("max displacement in the box: GCJ-02 %.1f m, BD-09 conversions %.1f m", maxGCJ, maxBD)
	if maxGCJ > 1000 || maxBD > 2000 {
		t.Errorf("implausible displacement: GCJ-02 %.1f m, BD-09 %.1f m", maxGCJ, maxBD)
	}
}

func TestDistance(t *testing.T) {
	degree := 2 * math.Pi * EarthRadius / 360
	tests := []struct {
		name                   string
		lon1, lat1, lon2, lat2 float64
		want, tol              float64
	}{
		{"same point", 117.65, 24.51, 117.65, 24.51, 0, 0},
		{"one degree of latitude", 117, 24, 117, 25, degree, 1e-6},
		{"one degree of longitude on the equator", 117, 0, 118, 0, degree, 1e-6},
		{"antipodes", 0, 0, 180, 0, math.Pi * EarthRadius, 1e-6},
		{"pole to pole", 10, 90, -50, -90, math.Pi * EarthRadius, 1e-6},
		{"across the antimeridian", 179.5, 0, -179.5, 0, degree, 1e-6},
		{"one millimetre", 117.65, 24.51, 117.65, 24.51 + 1e-3/degree, 1e-3, 1e-9},
	}
	for _, tt := range tests {
		got := Distance(tt.lon1, tt.lat1, tt.lon2, tt.lat2)
		if math.Abs(got-tt.want) > tt.tol {
			t.Errorf("%s: Distance = %.9f, want %.9f", tt.name, got, tt.want)
		}
		if back := Distance(tt.lon2, tt.lat2, tt.lon1, tt.lat1); math.Abs(back-got) > 1e-6 {
			t.Errorf("%s: Distance is not symmetric: %v vs %v", tt.name, got, back)
		}
	}
}

// TestConcurrent lets -race confirm the functions share no mutable state.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			rng := rand.New(rand.NewPCG(uint64(g), 0))
			for range 1000 {
				lon, lat := 100+rng.Float64()*20, 20+rng.Float64()*20
				x, y := BD09ToWGS84(WGS84ToBD09(lon, lat))
				if d := Distance(x, y, lon, lat); d > roundTripTolM {
					t.Errorf("concurrent round trip %.6f m", d)
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}
