// Package hotspot finds where reports cluster more than chance would explain,
// with the Getis-Ord Gi* statistic over H3 cells or grid polygons, and how
// those clusters change over time (emerging hot spots: Gi* per period, a
// Mann-Kendall trend test and the ArcGIS pattern classes).
//
// It is pure computation on dense slices: the caller builds a Graph for the
// study area once (KRing for H3 cells, Adjacency for polygons), turns the
// roll-up counts into a dense slice with Graph.Dense and runs Graph.GiStar or
// Graph.EmergingHotSpots. Nothing here touches the database.
//
// References: Getis, A. and Ord, J.K. (1992) The analysis of spatial
// association by use of distance statistics, Geographical Analysis 24(3);
// Ord, J.K. and Getis, A. (1995) Local spatial autocorrelation statistics:
// distributional issues and an application, Geographical Analysis 27(4);
// the ArcGIS Pro documentation for Hot Spot Analysis (Getis-Ord Gi*) and
// Emerging Hot Spot Analysis. Results agree with R's spdep::localG on
// include.self() neighbourhoods with binary weights (testdata/gen_reference.R).
package hotspot

import (
	"fmt"
	"math"
)

// Bin is the confidence bin of a Gi* result, as in ArcGIS's Gi_Bin field:
// +3, +2, +1 for a hot spot at 99, 95 and 90 % confidence, -1, -2, -3 for a
// cold spot at the same levels, and 0 when the result is not significant.
type Bin int8

// Confidence returns the confidence level of b in percent (99, 95 or 90),
// or 0 for a result that is not significant.
func (b Bin) Confidence() int {
	switch b {
	case 3, -3:
		return 99
	case 2, -2:
		return 95
	case 1, -1:
		return 90
	}
	return 0
}

// Stat is the Gi* result for one feature.
type Stat struct {
	Z   float64 // Gi* z-score; positive where high values cluster
	P   float64 // two-sided p-value of Z under the standard normal, before any FDR correction
	Bin Bin     // confidence bin, after FDR correction when it was asked for
}

// Options tunes GiStar.
type Options struct {
	// FDR corrects the bins for testing every feature at once with the
	// Benjamini-Hochberg false discovery rate, as ArcGIS's "Apply False
	// Discovery Rate (FDR) Correction" does: a feature gets a bin only where
	// its FDR-adjusted p-value passes that level. Z and P are not changed.
	// Without it, about 10 % of features in a patternless area land in a
	// ±1 bin by chance.
	FDR bool
}

// GiStar computes the Getis-Ord Gi* statistic of x over the graph, with
// binary weights and each feature included in its own neighbourhood:
//
//	Gi* = (Σ_j w_ij x_j − x̄ Σ_j w_ij) / (S √((n Σ_j w_ij² − (Σ_j w_ij)²) / (n−1)))
//
// where j runs over the feature and its neighbours (w_ij = 1), n is the
// number of features in the whole study area, x̄ is their mean and
// S = √(Σ (x_j − x̄)² / n) their population standard deviation. Gi* is
// already a z-score.
//
// x holds one value per feature in the order of g.IDs(), zeros included
// (see Dense). Two cases have no test to make and get Z = 0, P = 1, Bin 0
// instead of R's NaN: every value is equal (S = 0, e.g. a window with no
// reports), or a neighbourhood covers the whole study area (the variance of
// its sum is 0).
//
// It returns an error if len(x) is not g.Len(), the area has fewer than two
// features, or x holds a value that is not finite.
func (g *Graph[ID]) GiStar(x []float64, opts Options) ([]Stat, error) {
	if err := g.checkValues(x); err != nil {
		return nil, err
	}
	stats := make([]Stat, len(x))
	g.giStar(stats, x)
	assignBins(stats, opts.FDR)
	return stats, nil
}

// checkValues reports whether x can be the input of GiStar.
func (g *Graph[ID]) checkValues(x []float64) error {
	if len(x) != len(g.ids) {
		return fmt.Errorf("got %d values for a study area of %d features", len(x), len(g.ids))
	}
	if len(x) < 2 {
		return fmt.Errorf("study area has %d features: Gi* needs at least 2", len(x))
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("value for %v: %v is not finite", g.ids[i], v)
		}
	}
	return nil
}

// giStar writes Z and P for every feature into dst. It is the hot loop: two
// flat int32 arrays, no maps, no allocation beyond a tiny table.
func (g *Graph[ID]) giStar(dst []Stat, x []float64) {
	n := len(x)
	mean, sd := meanSD(x)
	if sd == 0 {
		for i := range dst {
			dst[i] = Stat{P: 1}
		}
		return
	}
	// With binary weights Σw = Σw² = W, the neighbourhood size including
	// the feature itself, so the denominator depends on W only: tabulate it.
	nf := float64(n)
	scale := make([]float64, g.maxDeg+2)
	for w := 1; w < len(scale); w++ {
		wf := float64(w)
		if v := (nf*wf - wf*wf) / (nf - 1); v > 0 {
			scale[w] = 1 / (sd * math.Sqrt(v))
		}
	}
	start, nbr := g.start, g.nbr
	for i := range n {
		lo, hi := start[i], start[i+1]
		// Summing centred values keeps the cancellation in the numerator small.
		sum := x[i] - mean
		for _, j := range nbr[lo:hi] {
			sum += x[j] - mean
		}
		z := sum * scale[hi-lo+1]
		dst[i] = Stat{Z: z, P: pValue(z)}
	}
}

// meanSD returns the mean and population standard deviation of x, with an
// exact 0 when every value is equal (rounding in the mean of, say, many
// 0.1s must not turn a constant window into tiny fake z-scores).
func meanSD(x []float64) (mean, sd float64) {
	lo, hi := x[0], x[0]
	var sum float64
	for _, v := range x {
		sum += v
		lo = min(lo, v)
		hi = max(hi, v)
	}
	if lo == hi {
		return lo, 0
	}
	mean = sum / float64(len(x))
	var ss float64
	for _, v := range x {
		d := v - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / float64(len(x)))
}

// pValue returns the two-sided p-value of z under the standard normal.
// Erfc keeps full relative precision far into the tails.
func pValue(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}
