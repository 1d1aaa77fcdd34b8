package hotspot

import (
	"fmt"
	"math"
	"slices"
)

// Graph is a study area and its binary spatial weights: the features (H3
// cells or grid polygons) that make up the area, in a fixed order, and for
// each feature the features it neighbours. Statistics take and return dense
// slices in the order of IDs.
//
// Neighbours are stored in compressed sparse row form (offsets into one
// []int32) so the Gi* loop reads two flat arrays and never touches a map.
// The feature itself is not stored among its neighbours; Gi* adds it.
//
// A Graph is immutable once built and safe for concurrent use, so a caller
// may build it once per (area, resolution, k) and reuse it for every time
// window and category.
type Graph[ID comparable] struct {
	ids   []ID
	index map[ID]int32
	start []int32 // neighbours of i are nbr[start[i]:start[i+1]]
	nbr   []int32
	// maxDeg is the largest number of neighbours of any feature.
	maxDeg int
}

// NewGraph builds the graph of ids with neighbours(id) as each feature's
// neighbours. Neighbours outside ids are dropped: the study area ends at its
// boundary, so edge features simply have fewer neighbours. The feature itself
// and repeated neighbours are dropped too. The relation is used as given; it
// is not made symmetric.
//
// It returns an error if ids holds a duplicate or neighbours fails.
func NewGraph[ID comparable](ids []ID, neighbours func(ID) ([]ID, error)) (*Graph[ID], error) {
	g, err := newIndexed(ids)
	if err != nil {
		return nil, err
	}
	// Rows come out in order, so the CSR arrays are written directly.
	g.start = make([]int32, len(ids)+1)
	for i, id := range ids {
		nbs, err := neighbours(id)
		if err != nil {
			return nil, fmt.Errorf("neighbours of %v: %w", id, err)
		}
		row := len(g.nbr)
		for _, nb := range nbs {
			if j, ok := g.index[nb]; ok && int(j) != i {
				g.nbr = append(g.nbr, j)
			}
		}
		g.nbr = g.nbr[:row+sortedSet(g.nbr[row:])]
		g.start[i+1] = int32(len(g.nbr))
		g.maxDeg = max(g.maxDeg, len(g.nbr)-row)
	}
	g.nbr = slices.Clip(g.nbr)
	return g, nil
}

// sortedSet sorts row, moves its distinct values to the front and returns
// how many there are.
func sortedSet(row []int32) int {
	slices.Sort(row)
	return len(slices.Compact(row))
}

// Adjacency builds the graph of ids from unordered neighbour pairs, such as
// the grid polygons that share an edge (ST_Touches with a shared boundary
// line, computed in PostGIS). Each pair makes both features neighbours of
// each other; pairs of a feature with itself and repeated pairs are ignored.
//
// It returns an error if ids holds a duplicate or a pair names a feature that
// is not in ids: pairs are expected to come from the same study area.
func Adjacency[ID comparable](ids []ID, pairs [][2]ID) (*Graph[ID], error) {
	g, err := newIndexed(ids)
	if err != nil {
		return nil, err
	}
	src := make([]int32, 0, 2*len(pairs))
	dst := make([]int32, 0, 2*len(pairs))
	for _, p := range pairs {
		a, ok := g.index[p[0]]
		if !ok {
			return nil, fmt.Errorf("adjacency pair %v: %v is not in the study area", p, p[0])
		}
		b, ok := g.index[p[1]]
		if !ok {
			return nil, fmt.Errorf("adjacency pair %v: %v is not in the study area", p, p[1])
		}
		if a != b {
			src = append(src, a, b)
			dst = append(dst, b, a)
		}
	}
	g.setArcs(src, dst)
	return g, nil
}

// newIndexed returns a graph with ids and their index but no neighbours.
func newIndexed[ID comparable](ids []ID) (*Graph[ID], error) {
	if len(ids) > math.MaxInt32 {
		return nil, fmt.Errorf("study area has %d features, more than %d", len(ids), math.MaxInt32)
	}
	g := &Graph[ID]{ids: slices.Clone(ids), index: make(map[ID]int32, len(ids))}
	for i, id := range ids {
		if _, dup := g.index[id]; dup {
			return nil, fmt.Errorf("feature %v appears twice in the study area", id)
		}
		g.index[id] = int32(i)
	}
	return g, nil
}

// setArcs fills the CSR arrays from directed arcs src[k] -> dst[k] by a
// counting sort on src, then sorts each row and drops repeats.
func (g *Graph[ID]) setArcs(src, dst []int32) {
	n := len(g.ids)
	start := make([]int32, n+1)
	for _, s := range src {
		start[s+1]++
	}
	for i := range n {
		start[i+1] += start[i]
	}
	nbr := make([]int32, len(src))
	next := slices.Clone(start[:n])
	for k, s := range src {
		nbr[next[s]] = dst[k]
		next[s]++
	}
	// Compact in place: rows only shrink, so the write cursor never passes
	// the read cursor.
	w := int32(0)
	for i := range n {
		row := nbr[start[i]:start[i+1]]
		row = row[:sortedSet(row)]
		start[i] = w
		w += int32(copy(nbr[w:], row))
	}
	start[n] = w
	g.start, g.nbr = start, slices.Clip(nbr[:w])
	for i := range n {
		g.maxDeg = max(g.maxDeg, int(start[i+1]-start[i]))
	}
}

// Len returns the number of features in the study area.
func (g *Graph[ID]) Len() int { return len(g.ids) }

// IDs returns the features in the order used by every dense slice.
// The caller must not modify it.
func (g *Graph[ID]) IDs() []ID { return g.ids }

// Index returns the position of id in IDs and whether it is in the area.
func (g *Graph[ID]) Index(id ID) (int, bool) {
	i, ok := g.index[id]
	return int(i), ok
}

// Neighbours returns the positions of the neighbours of the feature at
// position i, in increasing order, without i itself.
// The caller must not modify it.
func (g *Graph[ID]) Neighbours(i int) []int32 { return g.nbr[g.start[i]:g.start[i+1]] }

// Dense turns sparse per-feature values (report counts from the roll-ups,
// which only have rows for cells with reports) into a slice in the order of
// IDs, with 0 for every feature that has no value.
//
// Those zeros matter: Gi* compares each neighbourhood with the mean and
// spread over all n features of the study area, and a cell with no reports is
// an observation of zero, not a missing one. Dropping empty cells raises the
// mean, shrinks n and turns real hot spots into noise.
//
// It returns an error if values names a feature outside the study area or
// holds a value that is not finite.
func (g *Graph[ID]) Dense(values map[ID]float64) ([]float64, error) {
	x := make([]float64, len(g.ids))
	for id, v := range values {
		i, ok := g.index[id]
		if !ok {
			return nil, fmt.Errorf("value for %v: not in the study area", id)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("value for %v: %v is not finite", id, v)
		}
		x[i] = v
	}
	return x, nil
}
