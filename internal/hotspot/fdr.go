package hotspot

import (
	"cmp"
	"slices"
)

// levels are the confidence bins from the strictest down. A result is
// significant at a level when its p-value (or FDR-adjusted p-value) is at
// most alpha.
var levels = [...]struct {
	alpha float64
	bin   Bin
}{{0.01, 3}, {0.05, 2}, {0.10, 1}}

// binFor returns the bin of a result with z-score z and p-value p.
func binFor(z, p float64) Bin {
	if z == 0 {
		return 0
	}
	for _, l := range levels {
		if p <= l.alpha {
			if z < 0 {
				return -l.bin
			}
			return l.bin
		}
	}
	return 0
}

// assignBins sets the Bin of every stat from its Z and either its P or, with
// fdr, its Benjamini-Hochberg adjusted p-value over all the stats.
func assignBins(stats []Stat, fdr bool) {
	if !fdr {
		for i, s := range stats {
			stats[i].Bin = binFor(s.Z, s.P)
		}
		return
	}
	p := make([]float64, len(stats))
	for i, s := range stats {
		p[i] = s.P
	}
	for i, q := range AdjustBH(p) {
		stats[i].Bin = binFor(stats[i].Z, q)
	}
}

// AdjustBH returns the Benjamini-Hochberg (1995) adjusted p-values of p, in
// the same order, as R's p.adjust(p, "BH") does:
//
//	q_(k) = min over m ≥ k of min(1, n p_(m) / m)
//
// for the k-th smallest p-value of n. A test passes at false discovery rate
// α exactly when q ≤ α, which is the step-up rule ArcGIS applies at each of
// its 90, 95 and 99 % levels: reject the k smallest p-values for the largest
// k with p_(k) ≤ k α / n.
func AdjustBH(p []float64) []float64 {
	n := len(p)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(p[a], p[b]) })
	q := make([]float64, n)
	running := 1.0
	for k := n - 1; k >= 0; k-- {
		i := order[k]
		running = min(running, p[i]*float64(n)/float64(k+1))
		q[i] = running
	}
	return q
}
