package tiles

import (
	"fmt"
	"math"

	"grid110/internal/grid110"
)

// TileJSON is a TileJSON 3.0.0 document for one layer.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Attribution  string        `json:"attribution"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes the one layer in a tile (TileJSON vector_layers).
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	Fields      map[string]string `json:"fields"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
}

// TileJSON describes layer; tilesURL is the tile URL template clients use
// (with {z}, {x}, {y} and any filter query). The bounds and centre are the
// loaded grids' (the whole world if none). The error wraps
// grid110.ErrNotFound for an unknown layer.
func (s *Source) TileJSON(layer, tilesURL string) (TileJSON, error) {
	l, ok := LayerNamed(layer)
	if !ok {
		return TileJSON{}, fmt.Errorf("tile layer %q: %w", layer, grid110.ErrNotFound)
	}
	tj := TileJSON{TileJSON: "3.0.0", Name: "grid110 " + l.Name, Description: l.Description, Version: "1.0.0",
		Attribution: "grid110", Scheme: "xyz", Tiles: []string{tilesURL}, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom,
		Bounds: [4]float64{-180, -85.0511, 180, 85.0511}, Center: [3]float64{0, 0, 2},
		VectorLayers: []VectorLayer{{ID: l.Name, Description: l.Description, Fields: l.Fields,
			MinZoom: l.MinZoom, MaxZoom: l.MaxZoom}}}
	snap := s.snap.Load()
	if len(snap.byID) > 0 {
		b := snap.bound
		tj.Bounds = [4]float64{round6(b.Min[0]), round6(b.Min[1]), round6(b.Max[0]), round6(b.Max[1])}
		c := b.Center()
		tj.Center = [3]float64{round6(c[0]), round6(c[1]), 10}
	}
	return tj, nil
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
