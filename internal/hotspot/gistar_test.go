package hotspot

import (
	"math"
	"math/rand/v2"
	"testing"
)

// path returns the graph 0 - 1 - ... - (n-1).
func path(t *testing.T, n int) *Graph[int] {
	t.Helper()
	ids := make([]int, n)
	var pairs [][2]int
	for i := range n {
		ids[i] = i
		if i > 0 {
			pairs = append(pairs, [2]int{i - 1, i})
		}
	}
	g, err := Adjacency(ids, pairs)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGiStarHandComputed checks the formula on examples small enough to
// work by hand. For the path of four with x = 0 0 0 4: n = 4, x̄ = 1,
// S = √3; feature 3 has W = 2, numerator (0−1)+(4−1) = 2 and denominator
// √3·√((4·2−4)/3) = 2, so z = 1.
func TestGiStarHandComputed(t *testing.T) {
	sqrt3 := math.Sqrt(3)
	tests := []struct {
		name  string
		graph *Graph[int]
		x     []float64
		want  []float64
	}{
		{"path of four", path(t, 4), []float64{0, 0, 0, 4}, []float64{-1, -sqrt3, 1 / sqrt3, 1}},
		// Feature 1's neighbourhood is the whole area: no test, z = 0.
		{"neighbourhood is the whole area", path(t, 3), []float64{1, 2, 3}, []float64{-math.Sqrt(1.5), 0, math.Sqrt(1.5)}},
		// No neighbours: W = 1, z = (x − x̄)/S.
		{"no neighbours", mustAdjacency(t, []int{0, 1}, nil), []float64{0, 1}, []float64{-1, 1}},
		{"every value equal", path(t, 3), []float64{2, 2, 2}, []float64{0, 0, 0}},
		{"no reports at all", path(t, 3), []float64{0, 0, 0}, []float64{0, 0, 0}},
		// Rounding in the mean of many 0.1s must not make fake z-scores.
		{"every value 0.1", path(t, 7), []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, []float64{0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.graph.GiStar(tt.x, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range got {
				if math.Abs(s.Z-tt.want[i]) > 1e-12 {
					t.Errorf("GiStar(%v)[%d].Z = %.15g, want %.15g", tt.x, i, s.Z, tt.want[i])
				}
				if want := math.Erfc(math.Abs(tt.want[i]) / math.Sqrt2); math.Abs(s.P-want) > 1e-12 {
					t.Errorf("GiStar(%v)[%d].P = %.15g, want %.15g", tt.x, i, s.P, want)
				}
			}
		})
	}
}

func mustAdjacency(t *testing.T, ids []int, pairs [][2]int) *Graph[int] {
	t.Helper()
	g, err := Adjacency(ids, pairs)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGiStarKnownP pins the p-value of z = 1 and z = −1.959964 (95 %).
func TestGiStarKnownP(t *testing.T) {
	for _, tt := range []struct{ z, p float64 }{
		{0, 1}, {1, 0.31731050786291410}, {-1.959963984540054, 0.05}, {2.5758293035489, 0.01},
	} {
		if got := pValue(tt.z); math.Abs(got-tt.p) > 1e-12 {
			t.Errorf("pValue(%v) = %.15g, want %.15g", tt.z, got, tt.p)
		}
	}
}

// TestGiStarEmptyCellsCount shows why Dense fills in zeros: the hot cell of
// a mostly empty area is only hot against the empty cells around it.
func TestGiStarEmptyCellsCount(t *testing.T) {
	g := path(t, 4)
	x, err := g.Dense(map[int]float64{3: 4})
	if err != nil {
		t.Fatal(err)
	}
	got, err := g.GiStar(x, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got[3].Z-1) > 1e-12 {
		t.Errorf("GiStar(%v)[3].Z = %v, want 1", x, got[3].Z)
	}
	// Computed over the reporting cells alone there is nothing to compare.
	only := mustAdjacency(t, []int{3}, nil)
	if _, err := only.GiStar([]float64{4}, Options{}); err == nil {
		t.Error("GiStar over one feature: no error")
	}
}

func TestDense(t *testing.T) {
	g := path(t, 3)
	got, err := g.Dense(map[int]float64{0: 2, 2: 5})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{2, 0, 5}; !equalFloats(got, want) {
		t.Errorf("Dense = %v, want %v", got, want)
	}
	for name, values := range map[string]map[int]float64{
		"outside the area": {7: 1},
		"NaN":              {1: math.NaN()},
		"infinite":         {1: math.Inf(1)},
	} {
		if _, err := g.Dense(values); err == nil {
			t.Errorf("Dense(%s): no error", name)
		}
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGiStarErrors(t *testing.T) {
	g := path(t, 3)
	for name, x := range map[string][]float64{
		"too few values":  {1, 2},
		"too many values": {1, 2, 3, 4},
		"NaN":             {1, math.NaN(), 3},
		"infinite":        {1, math.Inf(-1), 3},
	} {
		if _, err := g.GiStar(x, Options{}); err == nil {
			t.Errorf("GiStar(%s): no error", name)
		}
	}
}

// bruteGiStar is the textbook formula with a dense weight matrix, written
// as ArcGIS documents it (S from Σx²/n − x̄²), to check the CSR version.
func bruteGiStar(w [][]float64, x []float64) []float64 {
	n := float64(len(x))
	var sum, sumSq float64
	for _, v := range x {
		sum += v
		sumSq += v * v
	}
	mean := sum / n
	s := math.Sqrt(sumSq/n - mean*mean)
	z := make([]float64, len(x))
	for i := range x {
		var wx, sw, sw2 float64
		for j := range x {
			wx += w[i][j] * x[j]
			sw += w[i][j]
			sw2 += w[i][j] * w[i][j]
		}
		z[i] = (wx - mean*sw) / (s * math.Sqrt((n*sw2-sw*sw)/(n-1)))
	}
	return z
}

// TestGiStarMatchesBruteForce runs random graphs, symmetric (Adjacency) and
// directed (NewGraph), with sparse counts, against bruteGiStar.
func TestGiStarMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		n := 5 + rng.IntN(80)
		ids := make([]int, n)
		x := make([]float64, n)
		w := make([][]float64, n)
		for i := range n {
			ids[i] = 100 + i // ids need not be positions
			x[i] = float64(poisson(rng, 0.7))
			w[i] = make([]float64, n)
			w[i][i] = 1
		}
		x[rng.IntN(n)] += 3 // never constant
		directed := trial%2 == 1
		var pairs [][2]int
		out := make(map[int][]int)
		for range rng.IntN(3 * n) {
			a, b := rng.IntN(n), rng.IntN(n)
			pairs = append(pairs, [2]int{ids[a], ids[b]})
			out[ids[a]] = append(out[ids[a]], ids[b])
			w[a][b] = 1
			if !directed {
				w[b][a] = 1
			}
		}
		var g *Graph[int]
		var err error
		if directed {
			g, err = NewGraph(ids, func(id int) ([]int, error) { return out[id], nil })
		} else {
			g, err = Adjacency(ids, pairs)
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := g.GiStar(x, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := bruteGiStar(w, x)
		for i := range n {
			if math.IsNaN(want[i]) { // neighbourhood covers the whole area
				want[i] = 0
			}
			if math.Abs(got[i].Z-want[i]) > 1e-9 {
				t.Fatalf("trial %d (directed %v): z[%d] = %.15g, brute force %.15g", trial, directed, i, got[i].Z, want[i])
			}
		}
	}
}
