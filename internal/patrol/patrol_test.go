package patrol

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"grid110/internal/hotspot"
)

func TestDisclose(t *testing.T) {
	items := []int64{0, 1, 2, 3, 4, 40}
	id := func(n int64) int64 { return n }
	for _, c := range []struct {
		name     string
		min      int
		staff    bool
		want     int
		withheld int
	}{
		{"public, default threshold", DefaultMinReports, false, 3, 3},
		{"staff see everything", DefaultMinReports, true, 6, 0},
		{"threshold 5", 5, false, 1, 5},
		{"threshold off", 0, false, 6, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			shown, withheld := Disclose(items, id, c.min, c.staff)
			if len(shown) != c.want || withheld != c.withheld {
				t.Fatalf("Disclose(min %d, staff %v) = %v, %d withheld; want %d shown, %d withheld",
					c.min, c.staff, shown, withheld, c.want, c.withheld)
			}
			for _, n := range shown {
				if !c.staff && n < int64(c.min) {
					t.Errorf("shown %d reports below the threshold %d", n, c.min)
				}
			}
		})
	}
}

func TestChooseRes(t *testing.T) {
	for _, c := range []struct {
		km2  float64
		want int
	}{
		{12600, 8}, // Zhangzhou
		{3000, 9},  // a county
		{400, 10},  // a district
		{1e7, 5},   // a country: as coarse as allowed
	} {
		if got := ChooseRes(c.km2 * 1e6); got != c.want {
			t.Errorf("ChooseRes(%v km²) = %d, want %d", c.km2, got, c.want)
		}
	}
}

func TestCellsOf(t *testing.T) {
	// A 0.1° box around Zhangzhou: every cell centre inside, each once.
	b := orb.Bound{Min: orb.Point{117.6, 24.45}, Max: orb.Point{117.7, 24.55}}
	cells, err := CellsOf(orb.MultiPolygon{b.ToPolygon(), b.ToPolygon()}, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) < 100 || len(cells) > 200 {
		t.Fatalf("got %d cells; want the ~150 res-8 cells of a 10 km box", len(cells))
	}
	seen := map[h3.Cell]bool{}
	for _, c := range cells {
		if seen[c] || !b.Contains(CellCenter(c)) {
			t.Fatalf("cell %v repeated or centred outside the box", c)
		}
		seen[c] = true
	}
	if p := CellPolygon(cells[0]); len(p) != 1 || len(p[0]) != 7 || p[0][0] != p[0][6] {
		t.Errorf("CellPolygon = %v; want a closed hexagon", p)
	}
}

func TestRank(t *testing.T) {
	items := []Priority{
		{CellStat: CellStat{Cell: 3, Count: 5, Stat: hotspot.Stat{Z: 2.0, Bin: 2}}},
		{CellStat: CellStat{Cell: 1, Count: 9, Stat: hotspot.Stat{Z: 2.7, Bin: 3}}},
		{CellStat: CellStat{Cell: 2, Count: 4, Stat: hotspot.Stat{Z: 3.5, Bin: 3}}},
		{CellStat: CellStat{Cell: 4, Count: 7, Stat: hotspot.Stat{Z: 2.0, Bin: 2}}},
	}
	rank(items)
	want := []h3.Cell{2, 1, 4, 3} // bin, then z, then count
	for i, it := range items {
		if it.Cell != want[i] || it.Rank != i+1 {
			t.Errorf("rank %d = cell %v (rank %d); want cell %v", i+1, it.Cell, it.Rank, want[i])
		}
	}
}
