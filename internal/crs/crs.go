// Package crs converts point coordinates between the three geographic
// coordinate reference systems found on phones in mainland China:
//
//   - WGS-84 (EPSG:4326): what GPS receivers report, and the datum of
//     GeoJSON and most GIS software.
//   - GCJ-02 ("Mars coordinates"): the obfuscated datum required for maps
//     published in China (AMap/Gaode, Tencent Maps, Google Maps in China, Apple
//     Maps in China). It is WGS-84 shifted by a smooth, position-dependent
//     offset of up to several hundred metres (about 750 m at most).
//   - BD-09: Baidu's datum, a further distortion applied on top of
//     GCJ-02 (roughly another 0.0065° east and 0.006° north).
//
// # Units and argument order
//
// All functions take and return decimal degrees in (longitude, latitude)
// order, i.e. (x, y) as in GeoJSON, never (lat, lon). Distance returns metres.
// All functions are pure and safe for concurrent use; the conversions do not
// allocate.
//
// # Algorithm
//
// The forward GCJ-02 transform is the widely published reconstruction on the
// Krasovsky 1940 ellipsoid (a = 6378245.0 m, e² = 0.00669342162296594323),
// identical to googollee/eviltransform (Go) and wandergis/coordtransform (JS).
// The BD-09 transform is the usual one with x_pi = π·3000/180.
//
// Neither transform has a closed-form inverse. The one-step inverses in
// common circulation (subtract the offset evaluated at the wrong point) are
// off by up to a few metres, which is too much for placing people. Here
// GCJ02ToWGS84 and BD09ToGCJ02 are computed by fixed-point iteration on the
// forward transform until the residual is below 1e-10° (about 0.01 mm); the
// iteration contracts by a factor of roughly 300 (GCJ-02) or 50 (BD-09) per
// step and, starting from the one-step estimate, takes 2 to 4 steps. Round
// trips are exact to well under a millimetre.
//
// # Points outside China
//
// Like googollee/eviltransform, every conversion returns its input unchanged
// when the input point lies outside the rough bounding box
//
//	72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271
//
// (a point is "outside" when lon < 72.004 || lon > 137.8347 ||
// lat < 0.8293 || lat > 55.8271; a NaN coordinate also counts as outside, so
// NaN passes through instead of spreading to the other coordinate). The box
// is rough: besides China it takes in Mongolia, the Koreas, part of Japan,
// much of South-East Asia and a lot of sea, where the offset is applied
// although GCJ-02 is not normally used there, and its edges follow no border. Callers who know a point is not in mainland China should not
// convert it at all.
//
// The box test is made on each function's own input, in that function's
// datum, exactly as eviltransform does. The same rule applies to BD-09:
// GCJ02ToBD09 and BD09ToGCJ02 pass a point outside the box through unchanged,
// so outside the box the 0.0065°/0.006° Baidu shift is not applied either.
// WGS84ToBD09 is GCJ02ToBD09(WGS84ToGCJ02(p)) and BD09ToWGS84 is
// GCJ02ToWGS84(BD09ToGCJ02(p)), the same composition (and therefore the same
// box behaviour) as eviltransform's wgs2bd/bd2wgs; the only difference is that
// the inverse steps here are exact rather than one-step approximations.
// The BD-09 formulas use the standard x_pi = π·3000/180, which reproduces
// Baidu's and wandergis/coordtransform's published values; beware that
// eviltransform's JavaScript port uses π there instead, which moves BD-09
// points by tens of metres (its published bd2wgs vectors were made with it).
//
// Because the offsets move a point by up to about 0.02°, a point within that
// distance of the box edge can be inside the box in one datum and outside it
// in the other; in that thin band (all of it outside China proper) round
// trips are not exact. Everywhere else, including all of China, they are.
package crs

import (
	"errors"
	"fmt"
)

// CRS identifies one of the supported geographic coordinate reference
// systems. Its value is the canonical lower-case name; use Parse to obtain
// one from user input.
type CRS string

// The supported coordinate reference systems.
const (
	// WGS84 is the GPS datum (EPSG:4326), longitude/latitude in degrees.
	WGS84 CRS = "wgs84"
	// GCJ02 is the Chinese "Mars" datum used by AMap/Gaode, Tencent and
	// other maps published in mainland China.
	GCJ02 CRS = "gcj02"
	// BD09 is Baidu's datum (BD-09 longitude/latitude, "bd09ll"), not
	// Baidu's Mercator metres ("bd09mc").
	BD09 CRS = "bd09"
)

// acceptedNames lists the aliases Parse accepts, for error messages.
const acceptedNames = "wgs84, wgs-84, epsg:4326, 4326, gcj02, gcj-02, bd09, bd-09, bd09ll (case-insensitive)"

// ErrUnknownCRS is wrapped by the error Parse returns for an empty or
// unrecognised name, so callers can test for it with errors.Is.
var ErrUnknownCRS = errors.New("crs: unknown coordinate reference system")

// Parse returns the CRS named by s. Matching ignores ASCII case and leading
// and trailing white space. The accepted names are "wgs84", "wgs-84",
// "epsg:4326" and "4326" for WGS84; "gcj02" and "gcj-02" for GCJ02; "bd09",
// "bd-09" and "bd09ll" for BD09. Any other value, including the empty string,
// is an error wrapping ErrUnknownCRS whose message lists the accepted names;
// callers that want a default must apply it themselves.
func Parse(s string) (CRS, error) {
	switch asciiLower(trimSpace(s)) {
	case "wgs84", "wgs-84", "epsg:4326", "4326":
		return WGS84, nil
	case "gcj02", "gcj-02":
		return GCJ02, nil
	case "bd09", "bd-09", "bd09ll":
		return BD09, nil
	case "":
		return "", fmt.Errorf("%w: empty name; accepted: %s", ErrUnknownCRS, acceptedNames)
	}
	const maxEcho = 64 // do not echo arbitrarily long user input into logs
	if len(s) > maxEcho {
		s = s[:maxEcho] + "..."
	}
	return "", fmt.Errorf("%w %q; accepted: %s", ErrUnknownCRS, s, acceptedNames)
}

// String returns the canonical name of c ("wgs84", "gcj02" or "bd09").
func (c CRS) String() string { return string(c) }

// Valid reports whether c is one of WGS84, GCJ02 or BD09.
func (c CRS) Valid() bool {
	switch c {
	case WGS84, GCJ02, BD09:
		return true
	}
	return false
}

// ToWGS84 converts the point (lon, lat), given in degrees in the datum c, to
// WGS-84 degrees, returned as (lon, lat). A WGS84 point is returned as is.
// ToWGS84 panics if c is not Valid: silently returning an unconverted point
// would misplace it by hundreds of metres, so an unchecked CRS is treated as
// a programming error (obtain c from Parse).
func ToWGS84(c CRS, lon, lat float64) (float64, float64) {
	switch c {
	case WGS84:
		return lon, lat
	case GCJ02:
		return GCJ02ToWGS84(lon, lat)
	case BD09:
		return BD09ToWGS84(lon, lat)
	}
	panic(fmt.Sprintf("crs.ToWGS84: invalid CRS %q", string(c)))
}

// FromWGS84 converts the WGS-84 point (lon, lat), in degrees, to the datum c
// and returns it as (lon, lat). For WGS84 the point is returned as is.
// FromWGS84 panics if c is not Valid, for the same reason as ToWGS84.
func FromWGS84(c CRS, lon, lat float64) (float64, float64) {
	switch c {
	case WGS84:
		return lon, lat
	case GCJ02:
		return WGS84ToGCJ02(lon, lat)
	case BD09:
		return WGS84ToBD09(lon, lat)
	}
	panic(fmt.Sprintf("crs.FromWGS84: invalid CRS %q", string(c)))
}

// trimSpace removes leading and trailing ASCII white space.
func trimSpace(s string) string {
	isSpace := func(b byte) bool {
		return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
	}
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// asciiLower lower-cases ASCII letters only, so that exotic Unicode case
// mappings (the Kelvin sign, dotted I, long s, ...) never turn a non-ASCII
// string into an accepted name.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
