package hotspot

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/uber/h3-go/v4"
)

// neighbourIDs lists each feature's neighbours by id, for comparing graphs.
func neighbourIDs[ID comparable](g *Graph[ID]) map[ID][]ID {
	m := make(map[ID][]ID, g.Len())
	for i, id := range g.IDs() {
		var nbs []ID
		for _, j := range g.Neighbours(i) {
			nbs = append(nbs, g.IDs()[j])
		}
		m[id] = nbs
	}
	return m
}

func TestAdjacency(t *testing.T) {
	// Grid polygons 10, 20, 30, 40: 10|20 and 20|30 share edges, one pair
	// listed both ways and twice, one pair with itself; 40 touches nothing.
	g, err := Adjacency([]int{30, 10, 20, 40}, [][2]int{{10, 20}, {20, 10}, {30, 20}, {10, 20}, {30, 30}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]int{10: {20}, 20: {30, 10}, 30: {20}, 40: nil}
	if diff := cmp.Diff(want, neighbourIDs(g)); diff != "" {
		t.Errorf("Adjacency neighbours (-want +got):\n%s", diff)
	}
	if got, want := g.IDs(), []int{30, 10, 20, 40}; !slices.Equal(got, want) {
		t.Errorf("IDs() = %v, want the input order %v", got, want)
	}
	if i, ok := g.Index(20); !ok || i != 2 {
		t.Errorf("Index(20) = %d, %v, want 2, true", i, ok)
	}
	if _, ok := g.Index(50); ok {
		t.Error("Index(50) found a feature outside the area")
	}
}

func TestAdjacencyErrors(t *testing.T) {
	if _, err := Adjacency([]int{1, 2, 1}, nil); err == nil {
		t.Error("Adjacency with a duplicate id: no error")
	}
	if _, err := Adjacency([]int{1, 2}, [][2]int{{1, 3}}); err == nil {
		t.Error("Adjacency with a pair outside the area: no error")
	}
}

func TestNewGraph(t *testing.T) {
	// Directed, with a neighbour outside the area, itself and a repeat.
	nbs := map[string][]string{"a": {"b", "zz", "a", "b"}, "b": {"c"}, "c": nil}
	g, err := NewGraph([]string{"a", "b", "c"}, func(id string) ([]string, error) { return nbs[id], nil })
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"a": {"b"}, "b": {"c"}, "c": nil}
	if diff := cmp.Diff(want, neighbourIDs(g)); diff != "" {
		t.Errorf("NewGraph neighbours (-want +got):\n%s", diff)
	}
	boom := errors.New("boom")
	_, err = NewGraph([]string{"a"}, func(string) ([]string, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("NewGraph with a failing neighbours func = %v, want it to wrap %v", err, boom)
	}
}

func TestKRing(t *testing.T) {
	origin, err := h3.LatLngToCell(h3.NewLatLng(24.5135, 117.6472), 9)
	if err != nil {
		t.Fatal(err)
	}
	area, err := h3.GridDisk(origin, 3) // 37 cells
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		k      int
		center int // neighbours of the origin
		corner int // neighbours of a corner of the hexagonal area
	}{
		// A corner of a radius-3 disk keeps 3 of its 6 touching cells and
		// 8 of its 18 cells within distance 2: the area ends at its edge.
		{k: 1, center: 6, corner: 3},
		{k: 2, center: 18, corner: 8},
	}
	ring3, err := h3.GridRing(origin, 3)
	if err != nil {
		t.Fatal(err)
	}
	corner := cornerOf(t, ring3, area)
	for _, tt := range tests {
		g, err := KRing(area, tt.k)
		if err != nil {
			t.Fatal(err)
		}
		i, _ := g.Index(origin)
		if got := len(g.Neighbours(i)); got != tt.center {
			t.Errorf("KRing(k=%d): origin has %d neighbours, want %d", tt.k, got, tt.center)
		}
		c, _ := g.Index(corner)
		if got := len(g.Neighbours(c)); got != tt.corner {
			t.Errorf("KRing(k=%d): corner has %d neighbours, want %d", tt.k, got, tt.corner)
		}
		// Every neighbour is within k and the relation is symmetric.
		for a := range g.Len() {
			for _, b := range g.Neighbours(a) {
				d, err := h3.GridDistance(g.IDs()[a], g.IDs()[b])
				if err != nil || d < 1 || d > tt.k {
					t.Errorf("KRing(k=%d): %v and %v are neighbours at distance %d (%v)", tt.k, g.IDs()[a], g.IDs()[b], d, err)
				}
				if !slices.Contains(g.Neighbours(int(b)), int32(a)) {
					t.Errorf("KRing(k=%d): %v -> %v but not back", tt.k, g.IDs()[a], g.IDs()[b])
				}
			}
		}
	}
}

// cornerOf returns the cell of ring with the fewest neighbours in area.
func cornerOf(t *testing.T, ring, area []h3.Cell) h3.Cell {
	t.Helper()
	best, fewest := ring[0], 7
	for _, c := range ring {
		n := 0
		for _, o := range area {
			if ok, _ := c.IsNeighbor(o); ok {
				n++
			}
		}
		if n < fewest {
			best, fewest = c, n
		}
	}
	return best
}

func TestKRingPentagon(t *testing.T) {
	pents, err := h3.Pentagons(9)
	if err != nil {
		t.Fatal(err)
	}
	area, err := h3.GridDisk(pents[0], 2)
	if err != nil {
		t.Fatal(err)
	}
	g, err := KRing(area, 1)
	if err != nil {
		t.Fatal(err)
	}
	i, _ := g.Index(pents[0])
	if got := len(g.Neighbours(i)); got != 5 {
		t.Errorf("KRing: pentagon has %d neighbours, want 5", got)
	}
}

func TestKRingErrors(t *testing.T) {
	c9, err := h3.LatLngToCell(h3.NewLatLng(24.5135, 117.6472), 9)
	if err != nil {
		t.Fatal(err)
	}
	c8, err := c9.Parent(8)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		cells []h3.Cell
		k     int
	}{
		"k = 0":             {[]h3.Cell{c9}, 0},
		"mixed resolutions": {[]h3.Cell{c9, c8}, 1},
		"invalid cell":      {[]h3.Cell{c9, 12345}, 1},
		"duplicate cell":    {[]h3.Cell{c9, c9}, 1},
	}
	for name, tt := range tests {
		if _, err := KRing(tt.cells, tt.k); err == nil {
			t.Errorf("KRing(%s): no error", name)
		}
	}
}
