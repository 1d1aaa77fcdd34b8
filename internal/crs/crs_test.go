package crs

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want CRS
	}{
		{"wgs84", WGS84},
		{"WGS84", WGS84},
		{"wgs-84", WGS84},
		{"WGS-84", WGS84},
		{"epsg:4326", WGS84},
		{"EPSG:4326", WGS84},
		{"4326", WGS84},
		{"  wgs84\t", WGS84},
		{"gcj02", GCJ02},
		{"GCJ02", GCJ02},
		{"gcj-02", GCJ02},
		{"Gcj-02", GCJ02},
		{"bd09", BD09},
		{"BD09", BD09},
		{"bd-09", BD09},
		{"bd09ll", BD09},
		{"BD09LL", BD09},
		{"\nbd09ll ", BD09},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	accepted := []string{"wgs84", "wgs-84", "epsg:4326", "4326", "gcj02", "gcj-02", "bd09", "bd-09", "bd09ll"}
	for _, in := range []string{
		"", "   ", "wgs", "wgs 84", "wgs_84", "epsg:3857", "3857", "epsg4326",
		"gcj", "gcj 02", "mars", "bd", "bd09mc", "baidu",
		"epſg:4326",   // long s: Unicode-folds to 's', must still be rejected
		"bd09\u212Al", // Kelvin sign
		"wgs84\u00a0", // no-break space is not trimmed
		"\x00wgs84",
		strings.Repeat("x", 10000),
	} {
		got, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) = %q, nil; want error", in, got)
			continue
		}
		if got != "" {
			t.Errorf("Parse(%q) returned %q with error", in, got)
		}
		if !errors.Is(err, ErrUnknownCRS) {
			t.Errorf("Parse(%q) error %v does not wrap ErrUnknownCRS", in, err)
		}
		msg := err.Error()
		for _, name := range accepted {
			if !strings.Contains(msg, name) {
				t.Errorf("Parse(%q) error %q does not name %q", in, msg, name)
			}
		}
		if len(msg) > 400 {
			t.Errorf("Parse(%q...) error message is %d bytes; user input must be truncated", in[:10], len(msg))
		}
	}
}

func TestCRSValidString(t *testing.T) {
	for _, c := range []CRS{WGS84, GCJ02, BD09} {
		if !c.Valid() {
			t.Errorf("%q.Valid() = false", c)
		}
		if p, err := Parse(c.String()); err != nil || p != c {
			t.Errorf("Parse(%q.String()) = %q, %v", c, p, err)
		}
	}
	for _, c := range []CRS{"", "WGS84", "wgs-84", "bd09ll", "epsg:4326"} {
		if c.Valid() {
			t.Errorf("%q.Valid() = true; only canonical constants are valid", c)
		}
	}
}

func TestToFromWGS84(t *testing.T) {
	const lon, lat = 117.6472, 24.5135 // Zhangzhou
	gLon, gLat := WGS84ToGCJ02(lon, lat)
	bLon, bLat := WGS84ToBD09(lon, lat)
	tests := []struct {
		c          CRS
		cLon, cLat float64
	}{
		{WGS84, lon, lat},
		{GCJ02, gLon, gLat},
		{BD09, bLon, bLat},
	}
	for _, tt := range tests {
		x, y := FromWGS84(tt.c, lon, lat)
		if x != tt.cLon || y != tt.cLat {
			t.Errorf("FromWGS84(%s) = (%v, %v); want (%v, %v)", tt.c, x, y, tt.cLon, tt.cLat)
		}
		x, y = ToWGS84(tt.c, tt.cLon, tt.cLat)
		if d := Distance(x, y, lon, lat); d > 1e-3 {
			t.Errorf("ToWGS84(%s) is %.6f m from the original point", tt.c, d)
		}
	}
	if gLon == lon || bLon == gLon {
		t.Fatal("conversion did not move a point in Zhangzhou")
	}
}

func TestToFromWGS84PanicsOnInvalidCRS(t *testing.T) {
	for _, c := range []CRS{"", "WGS84", "bd09mc"} {
		for name, f := range map[string]func(CRS, float64, float64) (float64, float64){
			"ToWGS84": ToWGS84, "FromWGS84": FromWGS84,
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s(%q) did not panic", name, c)
					}
				}()
				f(c, 117.6, 24.5)
			}()
		}
	}
}
