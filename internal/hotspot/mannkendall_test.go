package hotspot

import (
	"math"
	"testing"
)

func TestMannKendall(t *testing.T) {
	// Strictly increasing, n = 10: all 45 pairs rise, Var = 10·9·25/18 = 125.
	inc := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	dec := []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	tests := []struct {
		name string
		x    []float64
		want Trend
	}{
		{"increasing", inc, Trend{S: 45, Var: 125, Z: 44 / math.Sqrt(125)}},
		{"decreasing", dec, Trend{S: -45, Var: 125, Z: -44 / math.Sqrt(125)}},
		// 1 2 2 3: five rising pairs, one tie; Var = (4·3·13 − 2·1·9)/18.
		{"ties", []float64{1, 2, 2, 3}, Trend{S: 5, Var: 138.0 / 18, Z: 4 / math.Sqrt(138.0/18)}},
		{"constant", []float64{3, 3, 3, 3, 3}, Trend{S: 0, Var: 0, Z: 0}},
		// S = 1 is 0 after the continuity correction.
		{"two values", []float64{1, 2}, Trend{S: 1, Var: 1, Z: 0}},
		{"one value", []float64{1}, Trend{}},
		{"empty", nil, Trend{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MannKendall(tt.x)
			tt.want.P = math.Erfc(math.Abs(tt.want.Z) / math.Sqrt2)
			if got.S != tt.want.S || math.Abs(got.Var-tt.want.Var) > 1e-12 ||
				math.Abs(got.Z-tt.want.Z) > 1e-12 || math.Abs(got.P-tt.want.P) > 1e-12 {
				t.Errorf("MannKendall(%v) = %+v, want %+v", tt.x, got, tt.want)
			}
		})
	}
	// Published value for n = 10 increasing: z = 3.9355, p ≈ 8.3e-5.
	if got := MannKendall(inc); math.Abs(got.Z-3.9355) > 1e-4 || math.Abs(got.P-8.303e-5) > 1e-8 {
		t.Errorf("MannKendall(1..10) = %+v, want Z 3.9355, P 8.303e-5", got)
	}
}

func TestTrendDirection(t *testing.T) {
	up, down, flat := MannKendall([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
		MannKendall([]float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}),
		MannKendall([]float64{1, 3, 2, 3, 1, 2, 3, 1, 2, 1})
	tests := []struct {
		name      string
		tr        Trend
		inc, decr bool
	}{
		{"up", up, true, false},
		{"down", down, false, true},
		{"flat", flat, false, false},
	}
	for _, tt := range tests {
		if got := tt.tr.Increasing(0.05); got != tt.inc {
			t.Errorf("%s: Increasing(0.05) = %v, want %v", tt.name, got, tt.inc)
		}
		if got := tt.tr.Decreasing(0.05); got != tt.decr {
			t.Errorf("%s: Decreasing(0.05) = %v, want %v", tt.name, got, tt.decr)
		}
	}
}
