package postgres

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// wkbBytes encodes g as WKB for ST_GeomFromWKB.
func wkbBytes(g orb.Geometry) ([]byte, error) {
	b, err := wkb.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("encode %s as WKB: %w", g.GeoJSONType(), err)
	}
	return b, nil
}

// multiPolygon decodes WKB (from ST_AsBinary) holding a Polygon or MultiPolygon.
func multiPolygon(b []byte) (orb.MultiPolygon, error) {
	if len(b) == 0 {
		return nil, nil
	}
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode WKB: %w", err)
	}
	switch x := g.(type) {
	case orb.MultiPolygon:
		return x, nil
	case orb.Polygon:
		return orb.MultiPolygon{x}, nil
	}
	return nil, fmt.Errorf("decode WKB: got %s, want MultiPolygon", g.GeoJSONType())
}

// point decodes WKB holding a Point.
func point(b []byte) (orb.Point, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return orb.Point{}, fmt.Errorf("decode WKB: %w", err)
	}
	p, ok := g.(orb.Point)
	if !ok {
		return orb.Point{}, fmt.Errorf("decode WKB: got %s, want Point", g.GeoJSONType())
	}
	return p, nil
}
