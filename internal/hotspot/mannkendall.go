package hotspot

import (
	"math"
	"slices"
)

// Trend is the result of a Mann-Kendall test for a monotonic trend.
type Trend struct {
	S   int     // Σ_{i<j} sign(x_j − x_i): positive when values rise over time
	Var float64 // variance of S under no trend, corrected for ties
	Z   float64 // S standardised with a continuity correction
	P   float64 // two-sided p-value of Z under the standard normal
}

// Increasing reports whether the trend is upward and significant at alpha.
func (t Trend) Increasing(alpha float64) bool { return t.S > 0 && t.P <= alpha }

// Decreasing reports whether the trend is downward and significant at alpha.
func (t Trend) Decreasing(alpha float64) bool { return t.S < 0 && t.P <= alpha }

// MannKendall tests the series x, in time order, for a monotonic trend
// (Mann 1945; Kendall 1975), using the normal approximation:
//
//	Var(S) = (n(n−1)(2n+5) − Σ_p t_p(t_p−1)(2t_p+5)) / 18
//	Z = (S − sign(S)) / √Var(S)
//
// where t_p is the size of the p-th group of tied values. This is what R's
// cor.test(seq_along(x), x, method = "kendall", exact = FALSE) computes.
// A series with fewer than two distinct values has no trend to test and
// gets Z = 0, P = 1. The normal approximation is rough below about ten
// values; that is when the p-value should be read with care.
//
// The S loop is O(n²), which is fine for the tens of periods of an emerging
// hot spot analysis.
func MannKendall(x []float64) Trend {
	return mannKendall(x, make([]float64, len(x)))
}

// mannKendall is MannKendall with buf, at least len(x) long, as scratch
// space for the tie count, so a loop over many cells allocates nothing.
func mannKendall(x, buf []float64) Trend {
	n := len(x)
	s := 0
	for i := range n {
		for j := i + 1; j < n; j++ {
			switch {
			case x[j] > x[i]:
				s++
			case x[j] < x[i]:
				s--
			}
		}
	}
	nf := float64(n)
	v := nf * (nf - 1) * (2*nf + 5)
	sorted := buf[:n]
	copy(sorted, x)
	slices.Sort(sorted)
	for i := 0; i < n; {
		j := i + 1
		for j < n && sorted[j] == sorted[i] {
			j++
		}
		t := float64(j - i)
		v -= t * (t - 1) * (2*t + 5)
		i = j
	}
	v /= 18
	t := Trend{S: s, Var: v, P: 1}
	if v > 0 && s != 0 {
		c := float64(s) - 1
		if s < 0 {
			c = float64(s) + 1
		}
		t.Z = c / math.Sqrt(v)
		t.P = pValue(t.Z)
	}
	return t
}
