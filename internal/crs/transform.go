package crs

import "math"

// Parameters of the GCJ-02 and BD-09 transforms. These are part of the
// de-facto standard and must not be changed.
const (
	krasovskyA  = 6378245.0              // Krasovsky 1940 semi-major axis, metres
	krasovskyEE = 0.00669342162296594323 // Krasovsky 1940 first eccentricity squared
	bdXPi       = math.Pi * 3000.0 / 180.0
	bdDLon      = 0.0065 // BD-09 constant shift east, degrees
	bdDLat      = 0.006  // BD-09 constant shift north, degrees
)

// The rough "China" box of googollee/eviltransform, in degrees.
const (
	boxMinLon = 72.004
	boxMaxLon = 137.8347
	boxMinLat = 0.8293
	boxMaxLat = 55.8271
)

// Inverse iteration controls. The residual tolerance of 1e-10 degrees is about
// 0.01 mm; the iterations contract by a factor of roughly 300 (GCJ-02) or 50
// (BD-09) per step, so the bound on steps is never reached in practice.
const (
	inverseTol     = 1e-10
	inverseMaxIter = 30
)

// outOfChina reports whether (lon, lat) lies outside the eviltransform box
// (lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271). NaN
// coordinates count as outside, so they pass through instead of spreading.
func outOfChina(lon, lat float64) bool {
	return !(lon >= boxMinLon && lon <= boxMaxLon && lat >= boxMinLat && lat <= boxMaxLat)
}

// gcjOffset returns the GCJ-02 offset (gcj - wgs) in degrees for the WGS-84
// point (lon, lat), without any box test.
func gcjOffset(lon, lat float64) (dLon, dLat float64) {
	x, y := lon-105.0, lat-35.0
	xPi, yPi := x*math.Pi, y*math.Pi
	absX := math.Sqrt(math.Abs(x))
	common := 20.0*math.Sin(6.0*xPi) + 20.0*math.Sin(2.0*xPi)

	tLat := common + 20.0*math.Sin(yPi) + 40.0*math.Sin(yPi/3.0) +
		160.0*math.Sin(yPi/12.0) + 320.0*math.Sin(yPi/30.0)
	tLat = tLat*2.0/3.0 - 100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*absX

	tLon := common + 20.0*math.Sin(xPi) + 40.0*math.Sin(xPi/3.0) +
		150.0*math.Sin(xPi/12.0) + 300.0*math.Sin(xPi/30.0)
	tLon = tLon*2.0/3.0 + 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*absX

	radLat := lat / 180.0 * math.Pi
	sinLat, cosLat := math.Sincos(radLat)
	magic := 1 - krasovskyEE*sinLat*sinLat
	sqrtMagic := math.Sqrt(magic)
	dLat = (tLat * 180.0) / ((krasovskyA * (1 - krasovskyEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = (tLon * 180.0) / (krasovskyA / sqrtMagic * cosLat * math.Pi)
	return dLon, dLat
}

// WGS84ToGCJ02 converts the WGS-84 point (lon, lat), in decimal degrees, to
// GCJ-02 and returns it as (lon, lat). Points outside the China box (see the
// package documentation) are returned unchanged.
func WGS84ToGCJ02(lon, lat float64) (float64, float64) {
	if outOfChina(lon, lat) {
		return lon, lat
	}
	dLon, dLat := gcjOffset(lon, lat)
	return lon + dLon, lat + dLat
}

// GCJ02ToWGS84 converts the GCJ-02 point (lon, lat), in decimal degrees, to
// WGS-84 and returns it as (lon, lat). It is the exact inverse of
// WGS84ToGCJ02 (residual below 1e-10°, about 0.01 mm), found by fixed-point
// iteration rather than the one-step approximation that is off by metres.
// Points outside the China box (see the package documentation) are returned
// unchanged.
func GCJ02ToWGS84(lon, lat float64) (float64, float64) {
	if outOfChina(lon, lat) {
		return lon, lat
	}
	// Solve w + gcjOffset(w) = g. The offset varies slowly (its Jacobian is
	// about 3e-3), so w <- g - gcjOffset(w) converges quickly. Start with
	// the classic one-step inverse.
	dLon, dLat := gcjOffset(lon, lat)
	wLon, wLat := lon-dLon, lat-dLat
	for range inverseMaxIter {
		dLon, dLat = gcjOffset(wLon, wLat)
		rLon := wLon + dLon - lon
		rLat := wLat + dLat - lat
		wLon -= rLon
		wLat -= rLat
		if math.Abs(rLon) < inverseTol && math.Abs(rLat) < inverseTol {
			break
		}
	}
	return wLon, wLat
}

// gcjToBD applies the BD-09 transform to the GCJ-02 point (lon, lat) without
// any box test.
func gcjToBD(lon, lat float64) (float64, float64) {
	z := math.Hypot(lon, lat) + 0.00002*math.Sin(lat*bdXPi)
	theta := math.Atan2(lat, lon) + 0.000003*math.Cos(lon*bdXPi)
	s, c := math.Sincos(theta)
	return z*c + bdDLon, z*s + bdDLat
}

// bdToGCJApprox is the customary closed-form approximate inverse of gcjToBD
// (error up to about a metre), used as the starting point of BD09ToGCJ02.
func bdToGCJApprox(lon, lat float64) (float64, float64) {
	x, y := lon-bdDLon, lat-bdDLat
	z := math.Hypot(x, y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	s, c := math.Sincos(theta)
	return z * c, z * s
}

// GCJ02ToBD09 converts the GCJ-02 point (lon, lat), in decimal degrees, to
// BD-09 and returns it as (lon, lat). Points outside the China box are
// returned unchanged (no Baidu shift is applied), as in eviltransform.
func GCJ02ToBD09(lon, lat float64) (float64, float64) {
	if outOfChina(lon, lat) {
		return lon, lat
	}
	return gcjToBD(lon, lat)
}

// BD09ToGCJ02 converts the BD-09 point (lon, lat), in decimal degrees, to
// GCJ-02 and returns it as (lon, lat). It is the exact inverse of GCJ02ToBD09
// (residual below 1e-10°), refining the usual closed-form approximation by
// fixed-point iteration. Points outside the China box are returned unchanged.
func BD09ToGCJ02(lon, lat float64) (float64, float64) {
	if outOfChina(lon, lat) {
		return lon, lat
	}
	gLon, gLat := bdToGCJApprox(lon, lat)
	for range inverseMaxIter {
		bLon, bLat := gcjToBD(gLon, gLat)
		rLon, rLat := bLon-lon, bLat-lat
		gLon -= rLon
		gLat -= rLat
		if math.Abs(rLon) < inverseTol && math.Abs(rLat) < inverseTol {
			break
		}
	}
	return gLon, gLat
}

// WGS84ToBD09 converts the WGS-84 point (lon, lat), in decimal degrees, to
// BD-09 and returns it as (lon, lat). It is GCJ02ToBD09(WGS84ToGCJ02(lon,
// lat)), so points outside the China box are returned unchanged.
func WGS84ToBD09(lon, lat float64) (float64, float64) {
	return GCJ02ToBD09(WGS84ToGCJ02(lon, lat))
}

// BD09ToWGS84 converts the BD-09 point (lon, lat), in decimal degrees, to
// WGS-84 and returns it as (lon, lat). It is GCJ02ToWGS84(BD09ToGCJ02(lon,
// lat)), both steps exact, so it inverts WGS84ToBD09 to well under a
// millimetre. Points outside the China box are returned unchanged.
func BD09ToWGS84(lon, lat float64) (float64, float64) {
	return GCJ02ToWGS84(BD09ToGCJ02(lon, lat))
}
