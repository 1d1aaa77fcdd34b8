// Package gridfile reads grid boundaries from GeoJSON: Polygon and
// MultiPolygon features with a code and a name, converted to WGS-84.
package gridfile

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"grid110/internal/crs"
	"grid110/internal/grid110"
)

// MaxFileBytes bounds what Read accepts: a whole province of villages at
// fine resolution fits well inside.
const MaxFileBytes = 512 << 20

// Feature is one boundary read from a file.
type Feature struct {
	Index int    // 0-based position in the file, for messages
	Code  string // from CodeProp
	Name  string // from NameProp
	Geom  orb.MultiPolygon
	Props map[string]any
}

// Options say how to read a file.
type Options struct {
	CRS      crs.CRS // coordinate system of the file (default WGS-84)
	CodeProp string  // property holding the code (default "code", then "adcode")
	NameProp string  // property holding the name (default "name")
}

// Read parses a GeoJSON FeatureCollection (or a single Feature) of Polygon and
// MultiPolygon features. Every problem names the feature (index, and code
// when known) and the property or coordinate at fault.
func Read(r io.Reader, opt Options) ([]Feature, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read geojson: %w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, grid110.Invalid("file", "larger than %d MiB", MaxFileBytes>>20)
	}
	if opt.CRS == "" {
		opt.CRS = crs.WGS84
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil || (fc.Type != "FeatureCollection" && len(fc.Features) == 0) {
		f, ferr := geojson.UnmarshalFeature(data)
		if ferr != nil || f.Type != "Feature" {
			if err == nil {
				err = ferr
			}
			return nil, grid110.Invalid("file", "not a GeoJSON FeatureCollection or Feature: %v", err)
		}
		fc = geojson.NewFeatureCollection()
		fc.Append(f)
	}
	if len(fc.Features) == 0 {
		return nil, grid110.Invalid("file", "the FeatureCollection has no features")
	}
	out := make([]Feature, 0, len(fc.Features))
	seen := map[string]int{}
	for i, f := range fc.Features {
		ft, err := feature(i, f, opt)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[ft.Code]; dup {
			return nil, grid110.Invalid(fmt.Sprintf("features[%d].properties.%s", i, codeProp(opt, f)),
				"code %s repeats feature %d", ft.Code, j)
		}
		seen[ft.Code] = i
		out = append(out, ft)
	}
	return out, nil
}

func codeProp(opt Options, f *geojson.Feature) string {
	if opt.CodeProp != "" {
		return opt.CodeProp
	}
	if _, ok := f.Properties["code"]; !ok {
		if _, ok := f.Properties["adcode"]; ok {
			return "adcode"
		}
	}
	return "code"
}

func feature(i int, f *geojson.Feature, opt Options) (Feature, error) {
	where := fmt.Sprintf("features[%d]", i)
	cp := codeProp(opt, f)
	code, err := propString(f.Properties, cp)
	if err != nil {
		return Feature{}, grid110.Invalid(where+".properties."+cp, "%v", err)
	}
	np := opt.NameProp
	if np == "" {
		np = "name"
	}
	name, err := propString(f.Properties, np)
	if err != nil {
		return Feature{}, grid110.Invalid(where+".properties."+np, "%v (feature %s)", err, code)
	}
	var mp orb.MultiPolygon
	switch g := f.Geometry.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	case nil:
		return Feature{}, grid110.Invalid(where+".geometry", "feature %s %s has no geometry", code, name)
	default:
		return Feature{}, grid110.Invalid(where+".geometry", "feature %s %s is a %s; want Polygon or MultiPolygon", code, name, g.GeoJSONType())
	}
	if len(mp) == 0 {
		return Feature{}, grid110.Invalid(where+".geometry", "feature %s %s has an empty geometry", code, name)
	}
	for pi, poly := range mp {
		if len(poly) == 0 {
			return Feature{}, grid110.Invalid(where+".geometry", "feature %s %s: polygon %d has no rings", code, name, pi)
		}
		for ri, ring := range poly {
			if len(ring) < 4 {
				return Feature{}, grid110.Invalid(where+".geometry", "feature %s %s: polygon %d ring %d has %d positions; a ring needs at least 4", code, name, pi, ri, len(ring))
			}
			for k, p := range ring {
				if !finite(p[0]) || !finite(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
					return Feature{}, grid110.Invalid(where+".geometry", "feature %s %s: polygon %d ring %d position %d (%v, %v) is not a longitude/latitude", code, name, pi, ri, k, p[0], p[1])
				}
				ring[k][0], ring[k][1] = crs.ToWGS84(opt.CRS, p[0], p[1])
			}
			if ring[0] != ring[len(ring)-1] {
				// Conversion keeps closed rings closed; an open ring in the file is closed here.
				poly[ri] = append(ring, ring[0])
			}
		}
	}
	return Feature{Index: i, Code: code, Name: name, Geom: mp, Props: f.Properties}, nil
}

// propString reads a string or integer property.
func propString(props geojson.Properties, key string) (string, error) {
	v, ok := props[key]
	if !ok || v == nil {
		return "", fmt.Errorf("missing")
	}
	switch x := v.(type) {
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return "", fmt.Errorf("empty")
		}
		if len(s) > 200 {
			return "", fmt.Errorf("longer than 200 bytes")
		}
		return s, nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return "", fmt.Errorf("number %v is not a whole code", x)
		}
		return strconv.FormatInt(int64(x), 10), nil
	}
	return "", fmt.Errorf("is a %T, want a string or a number", v)
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
