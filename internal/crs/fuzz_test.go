package crs

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// FuzzRoundTrip checks, for any (lon, lat):
//   - finite inputs give finite outputs from every conversion;
//   - outside the box every conversion is the identity;
//   - inside China every round trip is exact to 0.01 m.
//
// "Inside" for a round trip means every intermediate point is inside the box
// too; see the package documentation about the thin band along the box edge
// where that does not hold.
func FuzzRoundTrip(f *testing.F) {
	for _, p := range [][2]float64{
		{121.5272106, 31.1774276}, {113.912316, 22.543847}, {116.377817, 39.911954},
		{117.6472, 24.5135}, {120.019809, 29.199786}, {116.404, 39.915},
		{105, 35}, {105, 0.8293}, {72.004, 55.8271}, {137.8347, 0.8293},
		{72.0039, 35}, {137.8348, 35}, {-104.9903, 39.7392}, {153.0251, -27.4698},
		{0, 0}, {180, 90}, {-180, -90}, {1e300, 1e-300},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, lon, lat float64) {
		checkFuzzPoint(t, lon, lat)
		// Raw float64 inputs rarely land in the box, so also fold finite
		// inputs into it to exercise the inside of China.
		if isFinite(lon) && isFinite(lat) {
			u, v := math.Mod(math.Abs(lon), 1), math.Mod(math.Abs(lat), 1)
			checkFuzzPoint(t, boxMinLon+u*(boxMaxLon-boxMinLon), boxMinLat+v*(boxMaxLat-boxMinLat))
		}
	})
}

// checkFuzzPoint checks the FuzzRoundTrip properties at one point.
func checkFuzzPoint(t *testing.T, lon, lat float64) {
	t.Helper()
	finite := isFinite(lon) && isFinite(lat)
	if finite {
		for _, c := range conversions {
			if x, y := c.f(lon, lat); !isFinite(x) || !isFinite(y) {
				t.Fatalf("%s(%v, %v) = (%v, %v): not finite", c.name, lon, lat, x, y)
			}
		}
	}
	if outOfChina(lon, lat) {
		checkPassThrough(t, "fuzz", lon, lat)
		return
	}
	if !finite {
		t.Fatalf("non-finite (%v, %v) treated as inside the box", lon, lat)
	}

	inBox := func(x, y float64) bool { return !outOfChina(x, y) }
	near := func(x1, y1, x2, y2 float64) bool { return Distance(x1, y1, x2, y2) <= roundTripTolM }

	// WGS-84 -> GCJ-02 -> WGS-84.
	gLon, gLat := WGS84ToGCJ02(lon, lat)
	if inBox(gLon, gLat) {
		if x, y := GCJ02ToWGS84(gLon, gLat); !near(x, y, lon, lat) {
			t.Errorf("WGS->GCJ->WGS at (%v, %v): %.6f m", lon, lat, Distance(x, y, lon, lat))
		}
		// WGS-84 -> BD-09 -> WGS-84.
		bLon, bLat := GCJ02ToBD09(gLon, gLat)
		if inBox(bLon, bLat) {
			if x, y := BD09ToWGS84(bLon, bLat); !near(x, y, lon, lat) {
				t.Errorf("WGS->BD->WGS at (%v, %v): %.6f m", lon, lat, Distance(x, y, lon, lat))
			}
		}
	}
	// GCJ-02 -> WGS-84 -> GCJ-02.
	if wLon, wLat := GCJ02ToWGS84(lon, lat); inBox(wLon, wLat) {
		if x, y := WGS84ToGCJ02(wLon, wLat); !near(x, y, lon, lat) {
			t.Errorf("GCJ->WGS->GCJ at (%v, %v): %.6f m", lon, lat, Distance(x, y, lon, lat))
		}
	}
	// BD-09 -> GCJ-02 -> BD-09.
	if g2Lon, g2Lat := BD09ToGCJ02(lon, lat); inBox(g2Lon, g2Lat) {
		if x, y := GCJ02ToBD09(g2Lon, g2Lat); !near(x, y, lon, lat) {
			t.Errorf("BD->GCJ->BD at (%v, %v): %.6f m", lon, lat, Distance(x, y, lon, lat))
		}
	}
}

// parseOracle is an independent statement of Parse's contract.
func parseOracle(s string) (CRS, bool) {
	s = strings.Trim(s, " \t\n\r\v\f")
	s = strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
	switch s {
	case "wgs84", "wgs-84", "epsg:4326", "4326":
		return WGS84, true
	case "gcj02", "gcj-02":
		return GCJ02, true
	case "bd09", "bd-09", "bd09ll":
		return BD09, true
	}
	return "", false
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", " ", "wgs84", "WGS-84", "epsg:4326", "4326", "gcj02", "GCJ-02",
		"bd09", "BD-09", "bd09ll", " bd09LL\n", "epſg:4326", "bd09\u212Al", "x",
		"\xff\xfe", strings.Repeat("wgs84", 100),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		want, ok := parseOracle(s)
		if ok != (err == nil) || got != want {
			t.Fatalf("Parse(%q) = %q, %v; oracle says %q, %v", s, got, err, want, ok)
		}
		if err != nil {
			if !errors.Is(err, ErrUnknownCRS) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrUnknownCRS", s, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "accepted:") || len(msg) > 400 {
				t.Fatalf("Parse(%q) error message %q", s, msg)
			}
			return
		}
		if !got.Valid() {
			t.Fatalf("Parse(%q) = %q, not Valid", s, got)
		}
		if again, err := Parse(got.String()); err != nil || again != got {
			t.Fatalf("Parse(%q) = %q, %v; not idempotent", got.String(), again, err)
		}
		if up, err := Parse(strings.ToUpper(s)); err != nil || up != got {
			t.Fatalf("Parse(ToUpper(%q)) = %q, %v; want %q", s, up, err, got)
		}
	})
}
