package hotspot

import (
	"testing"
)

// series turns Gi* z-scores into the Stats GiStar would give for them.
func series(z ...float64) []Stat {
	s := make([]Stat, len(z))
	for i, v := range z {
		p := pValue(v)
		s[i] = Stat{Z: v, P: p, Bin: binFor(v, p)}
	}
	return s
}

// negate mirrors a series: hot spots become cold spots.
func negate(s []Stat) []Stat {
	out := make([]Stat, len(s))
	for i, v := range s {
		out[i] = Stat{Z: -v.Z, P: v.P, Bin: -v.Bin}
	}
	return out
}

// Series for each class, ten periods each. 3 is a 99 % hot spot, 0 is not
// significant, -3 is a 99 % cold spot.
var patternTests = []struct {
	name string
	z    []float64
	want Pattern
}{
	{"never significant", []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, NoPattern},
	{"hot once, long ago", []float64{0, 3, 0, 0, 0, 0, 0, 0, 0, 0}, NoPattern},
	{"hot 8 of 10, not at the end", []float64{3, 3, 3, 3, 0, 3, 3, 3, 3, 0}, NoPattern},

	{"new: hot only at the end", []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 3}, NewHotSpot},
	{"new: one period", []float64{0, 0.5, -0.4, 1, 0, 0.2, 0, 0.3, 1.1, 2.2}, NewHotSpot},

	{"consecutive: last three", []float64{0, 0, 0, 0, 0, 0, 0, 3, 3, 3}, ConsecutiveHotSpot},
	{"consecutive: last eight (80 %)", []float64{0, 0, 3, 3, 3, 3, 3, 3, 3, 3}, ConsecutiveHotSpot},

	// All hot, z rising every period: Mann-Kendall S = 45, p ≈ 8e-5.
	{"intensifying", []float64{2, 2.2, 2.4, 2.6, 2.8, 3, 3.2, 3.4, 3.6, 3.8}, IntensifyingHotSpot},
	{"intensifying: 9 of 10 hot", []float64{1.8, 1.5, 2.2, 2.4, 2.6, 2.8, 3, 3.2, 3.4, 3.8}, IntensifyingHotSpot},

	{"persistent: no trend", []float64{3, 2.5, 3, 2.5, 3, 2.5, 3, 2.5, 3, 2.5}, PersistentHotSpot},
	{"persistent: one gap (90 %)", []float64{3, 3, 3, 3, 0, 3, 3, 3, 3, 3}, PersistentHotSpot},

	{"diminishing", []float64{3.8, 3.6, 3.4, 3.2, 3, 2.8, 2.6, 2.4, 2.2, 2}, DiminishingHotSpot},

	{"sporadic: on and off", []float64{3, 0, 0, 3, 0, 3, 0, 0, 0, 3}, SporadicHotSpot},
	{"sporadic: two gaps (80 %)", []float64{3, 3, 0, 3, 3, 3, 0, 3, 3, 3}, SporadicHotSpot},

	{"oscillating", []float64{-3, 0, 3, 0, -3, 0, 0, 0, 0, 3}, OscillatingHotSpot},
	{"oscillating: cold, then hot once", []float64{-3, -3, -3, 0, 0, 0, 0, 0, 0, 3}, OscillatingHotSpot},

	{"historical: hot 9 of 10, not the last", []float64{3, 3, 3, 3, 3, 3, 3, 3, 3, 0}, HistoricalHotSpot},
	{"historical: rising, then not", []float64{2, 2.2, 2.4, 2.6, 2.8, 3, 3.2, 3.4, 3.6, 1}, HistoricalHotSpot},
}

// TestClassify checks every hot class on a constructed series and its cold
// mirror on the negated series.
func TestClassify(t *testing.T) {
	for _, tt := range patternTests {
		t.Run(tt.name, func(t *testing.T) {
			if got, tr := Classify(series(tt.z...), EmergingOptions{}); got != tt.want {
				t.Errorf("Classify(%v) = %v (trend %+v), want %v", tt.z, got, tr, tt.want)
			}
			want := tt.want
			if want != NoPattern {
				want += coldOffset
			}
			if got, tr := Classify(negate(series(tt.z...)), EmergingOptions{}); got != want {
				t.Errorf("Classify(−%v) = %v (trend %+v), want %v", tt.z, got, tr, want)
			}
		})
	}
}

// TestClassifyCovers makes sure the table above exercises every pattern.
func TestClassifyCovers(t *testing.T) {
	seen := map[Pattern]bool{}
	for _, tt := range patternTests {
		seen[tt.want] = true
		if tt.want != NoPattern {
			seen[tt.want+coldOffset] = true
		}
	}
	for p := NoPattern; p <= HistoricalColdSpot; p++ {
		if !seen[p] {
			t.Errorf("no test for %v", p)
		}
	}
}

func TestClassifyOptions(t *testing.T) {
	weak := []float64{1.7, 1.7, 1.7, 1.7, 1.7, 1.7, 1.7, 1.7, 1.7, 1.7} // 90 % bins
	if got, _ := Classify(series(weak...), EmergingOptions{}); got != PersistentHotSpot {
		t.Errorf("Classify(90 %% bins) = %v, want %v", got, PersistentHotSpot)
	}
	if got, _ := Classify(series(weak...), EmergingOptions{MinBin: 2}); got != NoPattern {
		t.Errorf("Classify(90 %% bins, MinBin 2) = %v, want %v", got, NoPattern)
	}
	// A short rise: S = 10 of 5 periods, p ≈ 0.027, significant at 0.05
	// but not at 0.01.
	rise := []float64{2, 2.5, 3, 3.5, 4}
	if got, _ := Classify(series(rise...), EmergingOptions{TrendAlpha: 0.05}); got != IntensifyingHotSpot {
		t.Errorf("Classify(%v, TrendAlpha 0.05) = %v, want %v", rise, got, IntensifyingHotSpot)
	}
	if got, _ := Classify(series(rise...), EmergingOptions{TrendAlpha: 0.01}); got != PersistentHotSpot {
		t.Errorf("Classify(%v, TrendAlpha 0.01) = %v, want %v", rise, got, PersistentHotSpot)
	}
	if got, _ := Classify(nil, EmergingOptions{}); got != NoPattern {
		t.Errorf("Classify(no periods) = %v, want %v", got, NoPattern)
	}
}

func TestPatternString(t *testing.T) {
	for p, want := range map[Pattern]string{
		NoPattern:            "no pattern",
		NewHotSpot:           "new hot spot",
		HistoricalHotSpot:    "historical hot spot",
		IntensifyingColdSpot: "intensifying cold spot",
		Pattern(200):         "Pattern(200)",
	} {
		if got := p.String(); got != want {
			t.Errorf("Pattern(%d).String() = %q, want %q", p, got, want)
		}
	}
	if !NewHotSpot.Hot() || NewHotSpot.Cold() || !HistoricalColdSpot.Cold() || NoPattern.Hot() || NoPattern.Cold() {
		t.Error("Hot/Cold disagree with the pattern lists")
	}
}

// lattice returns a rows×cols queen-contiguity lattice with ids r*cols+c.
func lattice(t *testing.T, rows, cols int) *Graph[int] {
	t.Helper()
	var ids []int
	var pairs [][2]int
	for r := range rows {
		for c := range cols {
			ids = append(ids, r*cols+c)
			for _, d := range [][2]int{{0, 1}, {1, -1}, {1, 0}, {1, 1}} {
				r2, c2 := r+d[0], c+d[1]
				if r2 < rows && c2 >= 0 && c2 < cols {
					pairs = append(pairs, [2]int{r*cols + c, r2*cols + c2})
				}
			}
		}
	}
	return mustAdjacency(t, ids, pairs)
}

// TestEmergingHotSpots runs the whole space-time analysis on a 12×12
// lattice over ten periods: one block grows every period (intensifying),
// another appears in the last three (consecutive), a third is hot until the
// final period (historical), and a background of low counts.
func TestEmergingHotSpots(t *testing.T) {
	const rows, cols, periods = 12, 12, 10
	g := lattice(t, rows, cols)
	block := func(r, c, r0, c0 int) bool { return r >= r0 && r < r0+3 && c >= c0 && c < c0+3 }
	cube := make([][]float64, periods)
	for p := range periods {
		cube[p] = make([]float64, rows*cols)
		for r := range rows {
			for c := range cols {
				v := float64((r*7 + c*3 + p) % 3 / 2) // 0 or 1
				switch {
				case block(r, c, 1, 1):
					v = float64(4 + 2*p)
				case block(r, c, 8, 8) && p >= 7:
					v = 12
				case block(r, c, 1, 8) && p < periods-1:
					v = 10
				}
				cube[p][r*cols+c] = v
			}
		}
	}
	e, err := g.EmergingHotSpots(cube, EmergingOptions{FDR: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Stats) != periods || len(e.Trends) != g.Len() || len(e.Patterns) != g.Len() {
		t.Fatalf("EmergingHotSpots sizes: %d periods, %d trends, %d patterns", len(e.Stats), len(e.Trends), len(e.Patterns))
	}
	for _, tt := range []struct {
		name string
		r, c int
		want Pattern
	}{
		{"growing block", 2, 2, IntensifyingHotSpot},
		{"new block", 9, 9, ConsecutiveHotSpot},
		{"gone block", 2, 9, HistoricalHotSpot},
	} {
		i := tt.r*cols + tt.c
		if got := e.Patterns[i]; got != tt.want {
			var z []float64
			for p := range periods {
				z = append(z, e.Stats[p][i].Z)
			}
			t.Errorf("%s (%d,%d): pattern %v, want %v (z %.2f, trend %+v)", tt.name, tt.r, tt.c, got, tt.want, z, e.Trends[i])
		}
	}
	// Each period's Stats are exactly GiStar of that period.
	for p := range periods {
		want, err := g.GiStar(cube[p], Options{FDR: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if e.Stats[p][i] != want[i] {
				t.Fatalf("period %d feature %d: %+v, GiStar %+v", p, i, e.Stats[p][i], want[i])
			}
		}
	}
}

func TestEmergingHotSpotsErrors(t *testing.T) {
	g := path(t, 3)
	if _, err := g.EmergingHotSpots(nil, EmergingOptions{}); err == nil {
		t.Error("EmergingHotSpots(no periods): no error")
	}
	if _, err := g.EmergingHotSpots([][]float64{{1, 2, 3}, {1, 2}}, EmergingOptions{}); err == nil {
		t.Error("EmergingHotSpots(short period): no error")
	}
}
