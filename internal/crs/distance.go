package crs

import "math"

// EarthRadius is the sphere radius, in metres, used by Distance. It is the
// WGS-84 equatorial radius, as in googollee/eviltransform's Python and Rust
// ports; eviltransform's published Shanghai→Beijing vector (1,078,164 m ± 1 m)
// requires it. The mean radius 6371000 m would give distances about 0.11%
// shorter (1,076,958 m for that vector).
const EarthRadius = 6378137.0

// Distance returns the great-circle (haversine) distance in metres between
// the points (lon1, lat1) and (lon2, lat2), given in decimal degrees in
// (longitude, latitude) order, on a sphere of radius EarthRadius. Both points
// must be in the same datum. The true distance on the ellipsoid differs by up
// to about 0.7%, so use it for proximity checks and error estimates, not for
// surveying.
func Distance(lon1, lat1, lon2, lat2 float64) float64 {
	const rad = math.Pi / 180
	phi1, phi2 := lat1*rad, lat2*rad
	sinDPhi := math.Sin((phi2 - phi1) / 2)
	sinDLam := math.Sin((lon2 - lon1) * rad / 2)
	h := sinDPhi*sinDPhi + math.Cos(phi1)*math.Cos(phi2)*sinDLam*sinDLam
	return 2 * EarthRadius * math.Asin(math.Sqrt(math.Min(1, h)))
}
