// Package teamfile reads teams from CSV or GeoJSON for "grid110 import teams".
//
// CSV columns (header row required, any order; only code, kind and name are
// mandatory): code, kind, name, grid_code, service_grid_code, lon, lat,
// on_duty (true/false, default true), phone, members. members lists people
// as "role:name[:phone]" separated by "|", e.g.
// "grid_worker:林晓燕:13800000000|police_officer:陈志强".
// GeoJSON: Point features (the base) with the same properties.
package teamfile

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"grid110/internal/crs"
	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// MaxBytes bounds a teams file.
const MaxBytes = 64 << 20

// Read parses a teams file; name's extension picks the format (.csv, or
// .geojson/.json). Coordinates are converted from c to WGS-84. Errors name
// the row (or feature) and the column.
func Read(r io.Reader, name string, c crs.CRS) ([]postgres.TeamImport, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, grid110.Invalid("file", "larger than %d MiB", MaxBytes>>20)
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return readCSV(data, c)
	case ".geojson", ".json":
		return readGeoJSON(data, c)
	}
	return nil, grid110.Invalid("file", "%s: want a .csv or .geojson file", name)
}

func readCSV(data []byte, c crs.CRS) ([]postgres.TeamImport, error) {
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, grid110.Invalid("file", "not valid CSV: %v", err)
	}
	if len(recs) < 2 {
		return nil, grid110.Invalid("file", "no teams: want a header row and at least one team")
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"code", "kind", "name"} {
		if _, ok := col[need]; !ok {
			return nil, grid110.Invalid("header", "missing column %q", need)
		}
	}
	var out []postgres.TeamImport
	for i, rec := range recs[1:] {
		get := func(k string) string {
			if j, ok := col[k]; ok && j < len(rec) {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		props := map[string]string{}
		for k := range col {
			props[k] = get(k)
		}
		t, err := team(props, nil, c, fmt.Sprintf("row %d", i+2))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func readGeoJSON(data []byte, c crs.CRS) ([]postgres.TeamImport, error) {
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, grid110.Invalid("file", "not a GeoJSON FeatureCollection: %v", err)
	}
	var out []postgres.TeamImport
	for i, f := range fc.Features {
		props := map[string]string{}
		for k, v := range f.Properties {
			switch x := v.(type) {
			case string:
				props[k] = strings.TrimSpace(x)
			case float64, bool:
				props[k] = fmt.Sprint(x)
			}
		}
		var base *orb.Point
		if f.Geometry != nil {
			p, ok := f.Geometry.(orb.Point)
			if !ok {
				return nil, grid110.Invalid(fmt.Sprintf("features[%d].geometry", i), "a team's base is a Point, not a %s", f.Geometry.GeoJSONType())
			}
			base = &p
		}
		t, err := team(props, base, c, fmt.Sprintf("features[%d]", i))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// team builds one team from its properties; where names the row for errors.
func team(p map[string]string, base *orb.Point, c crs.CRS, where string) (postgres.TeamImport, error) {
	t := grid110.Team{Code: p["code"], Kind: grid110.TeamKind(p["kind"]), Name: p["name"], Phone: p["phone"], OnDuty: true}
	for _, k := range []string{"code", "kind", "name"} {
		if p[k] == "" {
			return postgres.TeamImport{}, grid110.Invalid(where+"."+k, "required")
		}
	}
	if v := p["on_duty"]; v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return postgres.TeamImport{}, grid110.Invalid(where+".on_duty", "%q is not true or false", v)
		}
		t.OnDuty = b
	}
	if base == nil && (p["lon"] != "" || p["lat"] != "") {
		lon, err1 := strconv.ParseFloat(p["lon"], 64)
		lat, err2 := strconv.ParseFloat(p["lat"], 64)
		if err1 != nil || err2 != nil {
			return postgres.TeamImport{}, grid110.Invalid(where+".lon", "lon %q and lat %q must both be numbers", p["lon"], p["lat"])
		}
		base = &orb.Point{lon, lat}
	}
	if base != nil {
		if math.IsNaN(base[0]) || base[0] < -180 || base[0] > 180 || math.IsNaN(base[1]) || base[1] < -90 || base[1] > 90 {
			return postgres.TeamImport{}, grid110.Invalid(where+".lon", "(%v, %v) is not a longitude/latitude", base[0], base[1])
		}
		lon, lat := crs.ToWGS84(c, base[0], base[1])
		t.Base, t.HasBase = orb.Point{lon, lat}, true
	}
	if t.Kind != grid110.KindDuty && !t.HasBase {
		return postgres.TeamImport{}, grid110.Invalid(where+".lon", "an N-team needs a base (lon, lat)")
	}
	if t.Kind == grid110.KindDuty && p["grid_code"] == "" {
		return postgres.TeamImport{}, grid110.Invalid(where+".grid_code", "a duty team needs its community's grid_code")
	}
	if m := p["members"]; m != "" {
		for j, part := range strings.Split(m, "|") {
			f := strings.Split(strings.TrimSpace(part), ":")
			if len(f) < 2 || len(f) > 3 || f[1] == "" {
				return postgres.TeamImport{}, grid110.Invalid(where+".members", "member %d %q: want role:name or role:name:phone", j+1, part)
			}
			role := grid110.Role(f[0])
			if !knownRole(role) {
				return postgres.TeamImport{}, grid110.Invalid(where+".members", "member %d: unknown role %q", j+1, f[0])
			}
			mem := grid110.Member{Role: role, Name: f[1]}
			if len(f) == 3 {
				mem.Phone = f[2]
			}
			t.Members = append(t.Members, mem)
		}
	}
	return postgres.TeamImport{Team: t, GridCode: p["grid_code"], ServiceGridCode: p["service_grid_code"]}, nil
}

func knownRole(r grid110.Role) bool {
	for _, x := range grid110.Roles {
		if x == r {
			return true
		}
	}
	return false
}
