package hotspot

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/uber/h3-go/v4"
)

// benchCells is the size of the city-wide benchmark area: more resolution-9
// cells than Zhangzhou's urban districts hold.
const benchCells = 150_000

// benchCity is a city of benchCells resolution-9 cells around Zhangzhou with
// about 1,000,000 reports: Poisson counts around a few hot centres, most
// cells empty or nearly so. Built once; KRing over 150,000 cells costs
// more than the statistic itself.
var benchCity = sync.OnceValues(func() (*Graph[h3.Cell], []float64) {
	origin, err := h3.LatLngToCell(h3.NewLatLng(24.5135, 117.6472), 9)
	if err != nil {
		panic(err)
	}
	disk, err := h3.GridDisk(origin, 224) // 151,201 cells, ring by ring
	if err != nil {
		panic(err)
	}
	cells := disk[:benchCells]
	slices.Sort(cells) // as the roll-up query would return them: ORDER BY h3_cell
	g, err := KRing(cells, DefaultK)
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(9, 150_000))
	centres := make([]h3.LatLng, 40)
	for i := range centres {
		centres[i] = h3.NewLatLng(24.5135+0.5*(rng.Float64()-0.5), 117.6472+0.5*(rng.Float64()-0.5))
	}
	x := make([]float64, len(cells))
	for i, c := range cells {
		ll, err := c.LatLng()
		if err != nil {
			panic(err)
		}
		lambda := 5.3
		for _, ce := range centres {
			d2 := (ll.Lat-ce.Lat)*(ll.Lat-ce.Lat) + (ll.Lng-ce.Lng)*(ll.Lng-ce.Lng)
			lambda += 60 * math.Exp(-d2/(2*0.01*0.01))
		}
		x[i] = float64(poisson(rng, lambda))
	}
	return g, x
})

// BenchmarkGiStar is the city-wide Gi* over 150,000 cells with k = 1, from
// a prebuilt graph and dense counts.
func BenchmarkGiStar(b *testing.B) {
	g, x := benchCity()
	for b.Loop() {
		if _, err := g.GiStar(x, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(g.Len()), "cells")
	b.ReportMetric(sum(x), "reports")
}

// BenchmarkGiStarFDR adds the FDR correction (a sort of 150,000 p-values).
func BenchmarkGiStarFDR(b *testing.B) {
	g, x := benchCity()
	for b.Loop() {
		if _, err := g.GiStar(x, Options{FDR: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGiStarFromRollup is the request path once the graph is cached:
// sparse roll-up counts to dense, then Gi* with FDR.
func BenchmarkGiStarFromRollup(b *testing.B) {
	g, x := benchCity()
	counts := make(map[h3.Cell]float64)
	for i, v := range x {
		if v != 0 {
			counts[g.IDs()[i]] = v
		}
	}
	for b.Loop() {
		dense, err := g.Dense(counts)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := g.GiStar(dense, Options{FDR: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKRing builds the k = 1 graph of the 150,000-cell area: the cost
// of a study area the first time it is seen.
func BenchmarkKRing(b *testing.B) {
	g, _ := benchCity()
	cells := g.IDs()
	for b.Loop() {
		if _, err := KRing(cells, DefaultK); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEmergingHotSpots runs twelve monthly periods over the city.
func BenchmarkEmergingHotSpots(b *testing.B) {
	g, x := benchCity()
	rng := rand.New(rand.NewPCG(12, 1))
	cube := make([][]float64, 12)
	for t := range cube {
		cube[t] = make([]float64, len(x))
		for i, v := range x {
			cube[t][i] = float64(poisson(rng, v/12+0.01))
		}
	}
	for b.Loop() {
		if _, err := g.EmergingHotSpots(cube, EmergingOptions{FDR: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func sum(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}
