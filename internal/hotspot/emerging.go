package hotspot

import "fmt"

// Pattern is an emerging hot spot class of one feature over a run of
// periods, after ArcGIS's Emerging Hot Spot Analysis. The rules are on
// Classify.
type Pattern uint8

// The patterns. Each cold pattern mirrors the hot one with hot and cold
// swapped and the trend reversed.
const (
	NoPattern Pattern = iota
	NewHotSpot
	ConsecutiveHotSpot
	IntensifyingHotSpot
	PersistentHotSpot
	DiminishingHotSpot
	SporadicHotSpot
	OscillatingHotSpot
	HistoricalHotSpot
	NewColdSpot
	ConsecutiveColdSpot
	IntensifyingColdSpot
	PersistentColdSpot
	DiminishingColdSpot
	SporadicColdSpot
	OscillatingColdSpot
	HistoricalColdSpot
)

// coldOffset turns a hot pattern into its cold mirror.
const coldOffset = NewColdSpot - NewHotSpot

var patternNames = [...]string{
	"no pattern",
	"new hot spot", "consecutive hot spot", "intensifying hot spot", "persistent hot spot",
	"diminishing hot spot", "sporadic hot spot", "oscillating hot spot", "historical hot spot",
	"new cold spot", "consecutive cold spot", "intensifying cold spot", "persistent cold spot",
	"diminishing cold spot", "sporadic cold spot", "oscillating cold spot", "historical cold spot",
}

// String returns the ArcGIS label of p in lower case, such as "new hot spot".
func (p Pattern) String() string {
	if int(p) < len(patternNames) {
		return patternNames[p]
	}
	return fmt.Sprintf("Pattern(%d)", uint8(p))
}

// Hot reports whether p is one of the hot spot patterns.
func (p Pattern) Hot() bool { return p >= NewHotSpot && p <= HistoricalHotSpot }

// Cold reports whether p is one of the cold spot patterns.
func (p Pattern) Cold() bool { return p >= NewColdSpot && p <= HistoricalColdSpot }

// EmergingOptions tunes EmergingHotSpots and Classify. The zero value gives
// 90 % confidence for hot and cold spots, 0.10 for the trend and no FDR
// correction.
type EmergingOptions struct {
	// FDR applies the false discovery rate correction to each period's
	// bins, as Options.FDR does for one period. ArcGIS applies it in
	// Emerging Hot Spot Analysis, so set it to compare with ArcGIS.
	FDR bool
	// MinBin is the smallest |Bin| that counts as a significant hot or cold
	// spot: 1 (90 %), 2 (95 %) or 3 (99 %). 0 means 1, ArcGIS's threshold.
	MinBin Bin
	// TrendAlpha is the significance level of the Mann-Kendall trend that
	// separates intensifying and diminishing from persistent. 0 means 0.10.
	TrendAlpha float64
}

func (o EmergingOptions) minBin() Bin {
	if o.MinBin <= 0 {
		return 1
	}
	return o.MinBin
}

func (o EmergingOptions) trendAlpha() float64 {
	if o.TrendAlpha <= 0 {
		return 0.10
	}
	return o.TrendAlpha
}

// Emerging is the result of an emerging hot spot analysis of a study area.
// Every slice is in the order of the graph's IDs.
type Emerging struct {
	Stats    [][]Stat  // Gi* of each period: Stats[t][i] for period t, feature i
	Trends   []Trend   // Mann-Kendall test of each feature's Gi* z-scores over the periods
	Patterns []Pattern // class of each feature
}

// EmergingHotSpots runs an emerging hot spot analysis over periods, the
// values of consecutive equal time periods (day, week or month) in time
// order, each a dense slice as for GiStar. Gi* is computed for each period
// on its own (its own mean and spread over all features), the Mann-Kendall
// test runs on each feature's series of z-scores, and Classify assigns the
// pattern.
//
// This differs from ArcGIS in one respect: ArcGIS's space-time cube by
// default also counts the same neighbours in the previous period
// (Neighborhood Time Step 1); here each period stands alone, so a period's
// hot spots depend on that period's reports only. Ten or more periods make
// the trend test meaningful.
//
// Memory is about 24 bytes per feature and period for Stats.
//
// It returns an error if there are no periods or a period fails GiStar's
// checks.
func (g *Graph[ID]) EmergingHotSpots(periods [][]float64, opts EmergingOptions) (*Emerging, error) {
	if len(periods) == 0 {
		return nil, fmt.Errorf("emerging hot spots: no periods")
	}
	n := len(g.ids)
	e := &Emerging{
		Stats:    make([][]Stat, len(periods)),
		Trends:   make([]Trend, n),
		Patterns: make([]Pattern, n),
	}
	for t, x := range periods {
		if err := g.checkValues(x); err != nil {
			return nil, fmt.Errorf("period %d: %w", t, err)
		}
		e.Stats[t] = make([]Stat, n)
		g.giStar(e.Stats[t], x)
		assignBins(e.Stats[t], opts.FDR)
	}
	series := make([]Stat, len(periods))
	z := make([]float64, len(periods))
	buf := make([]float64, len(periods))
	for i := range n {
		for t := range periods {
			series[t] = e.Stats[t][i]
			z[t] = series[t].Z
		}
		e.Trends[i] = mannKendall(z, buf)
		e.Patterns[i] = classify(series, e.Trends[i], opts)
	}
	return e, nil
}

// Classify returns the emerging hot spot pattern of one feature from its Gi*
// results over consecutive periods, in time order, together with the
// Mann-Kendall trend of their z-scores.
//
// A period is a significant hot (cold) spot when its Bin is at least
// opts.MinBin (at most −MinBin). "90 %" below means at least 90 % of the
// periods (10·count ≥ 9·n, so with fewer than ten periods: all of them).
// The definitions follow the ArcGIS documentation; where they overlap, the
// first rule that matches wins. If the final period is a hot spot:
//
//   - intensifying: hot in 90 % of periods, including the final one, and
//     the z-scores rise with a significant trend (p ≤ TrendAlpha);
//   - diminishing: hot in 90 % of periods, including the final one, and
//     the z-scores fall with a significant trend;
//   - persistent: hot in 90 % of periods with no significant trend either
//     way;
//   - oscillating: hot in fewer than 90 % of periods and a significant cold
//     spot in some earlier period. ArcGIS's "new" and "consecutive" do not
//     mention cold history while "sporadic" excludes it; we let the cold
//     history win, since a place that flipped from cold to hot is what
//     "oscillating" describes;
//   - new: hot in the final period and in no earlier one;
//   - consecutive: one unbroken run of at least two hot periods at the end,
//     never hot before the run, and hot in fewer than 90 % of periods;
//   - sporadic: every other case: on-and-off hot, fewer than 90 %, never
//     cold.
//
// If the final period is a cold spot, the same rules apply with hot and
// cold swapped and the trend reversed (an intensifying cold spot has
// falling z-scores). If the final period is neither:
//
//   - historical hot spot: hot in at least 90 % of periods (so the only
//     miss is the final one);
//   - historical cold spot: the same for cold;
//   - no pattern otherwise, including a feature never significant at all.
func Classify(series []Stat, opts EmergingOptions) (Pattern, Trend) {
	z := make([]float64, len(series))
	for i, s := range series {
		z[i] = s.Z
	}
	tr := MannKendall(z)
	return classify(series, tr, opts), tr
}

// classify is Classify with the trend already computed.
func classify(series []Stat, tr Trend, opts EmergingOptions) Pattern {
	n := len(series)
	if n == 0 {
		return NoPattern
	}
	minBin, alpha := opts.minBin(), opts.trendAlpha()
	state := func(t int) int {
		switch b := series[t].Bin; {
		case b >= minBin:
			return 1
		case b <= -minBin:
			return -1
		}
		return 0
	}
	switch state(n - 1) {
	case 1:
		return classifyFinal(n, state, 1, tr.Increasing(alpha), tr.Decreasing(alpha))
	case -1:
		return classifyFinal(n, state, -1, tr.Decreasing(alpha), tr.Increasing(alpha)) + coldOffset
	}
	hot, cold := 0, 0
	for t := range n {
		switch state(t) {
		case 1:
			hot++
		case -1:
			cold++
		}
	}
	switch {
	case mostly(hot, n):
		return HistoricalHotSpot
	case mostly(cold, n):
		return HistoricalColdSpot
	}
	return NoPattern
}

// classifyFinal applies the rules for a feature whose final period has
// state sign (+1 hot, −1 cold) and returns the hot-side pattern. stronger
// and weaker report a significant trend towards and away from sign.
func classifyFinal(n int, state func(int) int, sign int, stronger, weaker bool) Pattern {
	same, opposite := 0, 0
	for t := range n {
		switch state(t) {
		case sign:
			same++
		case -sign:
			opposite++
		}
	}
	run := 0 // length of the unbroken run of sign that ends the series
	for t := n - 1; t >= 0 && state(t) == sign; t-- {
		run++
	}
	switch {
	case mostly(same, n) && stronger:
		return IntensifyingHotSpot
	case mostly(same, n) && weaker:
		return DiminishingHotSpot
	case mostly(same, n):
		return PersistentHotSpot
	case opposite > 0:
		return OscillatingHotSpot
	case same == 1:
		return NewHotSpot
	case same == run:
		return ConsecutiveHotSpot
	}
	return SporadicHotSpot
}

// mostly reports whether count is at least 90 % of n, in integers so that
// 9 of 10 passes exactly.
func mostly(count, n int) bool { return 10*count >= 9*n }
