package hotspot

import (
	"math"
	"testing"
)

func TestBinFor(t *testing.T) {
	tests := []struct {
		z, p float64
		want Bin
	}{
		{2.7, 0.0069, 3},
		{-2.7, 0.0069, -3},
		{2.0, 0.0455, 2},
		{-2.0, 0.0455, -2},
		{1.7, 0.0891, 1},
		{-1.7, 0.0891, -1},
		{1.6, 0.1096, 0},
		{0, 1, 0},
		// The boundaries belong to the stricter bin (p ≤ α).
		{2.58, 0.01, 3},
		{1.96, 0.05, 2},
		{1.65, 0.10, 1},
	}
	for _, tt := range tests {
		if got := binFor(tt.z, tt.p); got != tt.want {
			t.Errorf("binFor(%v, %v) = %d, want %d", tt.z, tt.p, got, tt.want)
		}
	}
}

func TestBinConfidence(t *testing.T) {
	for b, want := range map[Bin]int{3: 99, -3: 99, 2: 95, -2: 95, 1: 90, -1: 90, 0: 0} {
		if got := b.Confidence(); got != want {
			t.Errorf("Bin(%d).Confidence() = %d, want %d", b, got, want)
		}
	}
}

// TestAdjustBH checks a hand-worked example: sorted p 0.005, 0.01, 0.03,
// 0.04 give n·p/k = 0.02, 0.02, 0.04, 0.04, already monotone.
func TestAdjustBH(t *testing.T) {
	tests := []struct {
		name string
		p    []float64
		want []float64
	}{
		{"hand worked", []float64{0.01, 0.04, 0.03, 0.005}, []float64{0.02, 0.04, 0.04, 0.02}},
		// 0.02·3/2 = 0.03 > 0.03·3/3 = 0.03: the running minimum from the top.
		{"running minimum", []float64{0.02, 0.03, 0.01}, []float64{0.03, 0.03, 0.03}},
		{"capped at 1", []float64{0.9, 0.8}, []float64{0.9, 0.9}},
		{"ties", []float64{0.01, 0.01}, []float64{0.01, 0.01}},
		{"empty", nil, []float64{}},
	}
	for _, tt := range tests {
		got := AdjustBH(tt.p)
		if len(got) != len(tt.want) {
			t.Fatalf("%s: AdjustBH(%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
		for i := range got {
			if math.Abs(got[i]-tt.want[i]) > 1e-15 {
				t.Errorf("%s: AdjustBH(%v) = %v, want %v", tt.name, tt.p, got, tt.want)
				break
			}
		}
	}
}

// TestAssignBinsFDR: ten tests, four small p-values. BH-adjusted they are
// 0.01, 0.04, 0.1, 0.1, so each drops a bin (3→3, 3→2, 2→1, 2→1) and the
// rest stay 0.
func TestAssignBinsFDR(t *testing.T) {
	z := []float64{3.3, -2.65, 2.17, 2.05, 1.28, 1.04, 0.84, 0.67, 0.52, 0.39}
	p := []float64{0.001, 0.008, 0.03, 0.04, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}
	tests := []struct {
		fdr  bool
		want []Bin
	}{
		{false, []Bin{3, -3, 2, 2, 0, 0, 0, 0, 0, 0}},
		{true, []Bin{3, -2, 1, 1, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		stats := make([]Stat, len(z))
		for i := range z {
			stats[i] = Stat{Z: z[i], P: p[i]}
		}
		assignBins(stats, tt.fdr)
		for i, s := range stats {
			if s.Bin != tt.want[i] {
				t.Errorf("assignBins(fdr=%v)[%d] = %d, want %d", tt.fdr, i, s.Bin, tt.want[i])
			}
			if s.P != p[i] {
				t.Errorf("assignBins(fdr=%v) changed P[%d] to %v", tt.fdr, i, s.P)
			}
		}
	}
}

// TestGiStarFDR checks GiStar wires the option through: on a patternless
// area (independent noise) FDR removes the chance ±1 bins.
func TestGiStarFDR(t *testing.T) {
	g := path(t, 200)
	x := make([]float64, g.Len())
	for i := range x {
		x[i] = float64((i * 7919) % 13) // deterministic, no clustering
	}
	plain, err := g.GiStar(x, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fdr, err := g.GiStar(x, Options{FDR: true})
	if err != nil {
		t.Fatal(err)
	}
	var nPlain, nFDR int
	for i := range plain {
		if plain[i].Bin != 0 {
			nPlain++
		}
		if fdr[i].Bin != 0 {
			nFDR++
		}
		if abs(int(fdr[i].Bin)) > abs(int(plain[i].Bin)) {
			t.Errorf("feature %d: FDR bin %d is stronger than plain %d", i, fdr[i].Bin, plain[i].Bin)
		}
	}
	if nPlain == 0 || nFDR >= nPlain {
		t.Errorf("significant features: %d plain, %d with FDR; want some plain and fewer with FDR", nPlain, nFDR)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
