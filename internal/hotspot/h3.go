package hotspot

import (
	"fmt"

	"github.com/uber/h3-go/v4"
)

// DefaultK is the k-ring radius used when a caller does not choose one:
// each cell with its six (five at a pentagon) touching cells.
const DefaultK = 1

// KRing builds the graph of the study area cells in which each cell's
// neighbours are the cells within grid distance k (h3.GridDisk) that are
// also in the study area.
//
// cells must be the study area's full cell set at one resolution (for
// example every cell of the area from h3.PolygonToCells), not just the cells
// that have reports: see Graph.Dense for why empty cells count.
//
// It returns an error if k < 1, a cell is invalid or repeated, or the cells
// mix resolutions, because a k-ring across resolutions is meaningless.
func KRing(cells []h3.Cell, k int) (*Graph[h3.Cell], error) {
	if k < 1 {
		return nil, fmt.Errorf("k-ring radius %d: must be at least 1", k)
	}
	if len(cells) > 0 {
		res := cells[0].Resolution()
		for _, c := range cells {
			if !c.IsValid() {
				return nil, fmt.Errorf("cell %v: not a valid H3 cell", c)
			}
			if c.Resolution() != res {
				return nil, fmt.Errorf("cell %v: resolution %d, want %d like the rest of the area", c, c.Resolution(), res)
			}
		}
	}
	return NewGraph(cells, func(c h3.Cell) ([]h3.Cell, error) {
		disk, err := h3.GridDisk(c, k)
		if err != nil {
			return nil, fmt.Errorf("grid disk k=%d: %w", k, err)
		}
		return disk, nil
	})
}
