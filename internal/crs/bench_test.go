package crs

import "testing"

// Benchmark inputs: a point in Zhangzhou in each datum.
var (
	benchWLon, benchWLat = 117.6472, 24.5135
	benchGLon, benchGLat = WGS84ToGCJ02(benchWLon, benchWLat)
	benchBLon, benchBLat = WGS84ToBD09(benchWLon, benchWLat)
)

func BenchmarkWGS84ToGCJ02(b *testing.B) {
	for b.Loop() {
		WGS84ToGCJ02(benchWLon, benchWLat)
	}
}

func BenchmarkGCJ02ToWGS84(b *testing.B) {
	for b.Loop() {
		GCJ02ToWGS84(benchGLon, benchGLat)
	}
}

func BenchmarkGCJ02ToWGS84OneStep(b *testing.B) {
	for b.Loop() {
		oneStepGCJ02ToWGS84(benchGLon, benchGLat)
	}
}

func BenchmarkGCJ02ToBD09(b *testing.B) {
	for b.Loop() {
		GCJ02ToBD09(benchGLon, benchGLat)
	}
}

func BenchmarkBD09ToGCJ02(b *testing.B) {
	for b.Loop() {
		BD09ToGCJ02(benchBLon, benchBLat)
	}
}

func BenchmarkWGS84ToBD09(b *testing.B) {
	for b.Loop() {
		WGS84ToBD09(benchWLon, benchWLat)
	}
}

func BenchmarkBD09ToWGS84(b *testing.B) {
	for b.Loop() {
		BD09ToWGS84(benchBLon, benchBLat)
	}
}

func BenchmarkToWGS84(b *testing.B) {
	for b.Loop() {
		ToWGS84(GCJ02, benchGLon, benchGLat)
	}
}

func BenchmarkDistance(b *testing.B) {
	for b.Loop() {
		Distance(benchWLon, benchWLat, benchGLon, benchGLat)
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		_, _ = Parse("GCJ-02")
	}
}
