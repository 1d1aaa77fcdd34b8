package demo

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"grid110/internal/crs"
	"grid110/internal/gridfile"
)

// dataFS holds the real boundaries and code lists the demo city is built
// from; see data/README.md for their origin and terms.
//
//go:embed data/README.md data/zhangzhou-datav/* data/cn-admin-codes/*
var dataFS embed.FS

const (
	countiesFile  = "data/zhangzhou-datav/350600_full.json"
	divisionsFile = "data/cn-admin-codes/zhangzhou_divisions_2021.csv"

	cityCode = "350600"
	cityName = "漳州市"
)

// renamedCounties maps the codes DataV still carries to the current ones:
// both became districts in 2021.
var renamedCounties = map[string]string{
	"350681": "350604", // 龙海市 -> 龙海区
	"350625": "350605", // 长泰县 -> 长泰区
}

// division is one row of the NBS code list below the county level.
type division struct {
	Code, Name string // Name is the display name (official suffixes shortened)
	Official   string // the name as the code list has it
	Parent     string
}

// divisions is the code list: county names by code and the townships and
// villages under each parent, sorted by code.
type divisions struct {
	countyName map[string]string
	townships  map[string][]division // by county code
	villages   map[string][]division // by township code
}

// readDivisions parses the embedded 2021 code list.
func readDivisions() (*divisions, error) {
	b, err := dataFS.ReadFile(divisionsFile)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	head, err := r.Read()
	if err != nil || strings.Join(head, ",") != "code,name,level,parent_code" {
		return nil, fmt.Errorf("%s: unexpected header %v (%v)", divisionsFile, head, err)
	}
	d := &divisions{countyName: map[string]string{}, townships: map[string][]division{}, villages: map[string][]division{}}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", divisionsFile, err)
		}
		code, name, level, parent := rec[0], rec[1], rec[2], rec[3]
		switch level {
		case "county":
			d.countyName[code] = name
		case "township":
			d.townships[parent] = append(d.townships[parent], division{Code: code, Name: townshipName(name), Official: name, Parent: parent})
		case "village":
			d.villages[parent] = append(d.villages[parent], division{Code: code, Name: villageName(name), Official: name, Parent: parent})
		}
	}
	for _, m := range []map[string][]division{d.townships, d.villages} {
		for _, l := range m {
			sort.Slice(l, func(i, j int) bool { return l[i].Code < l[j].Code })
		}
	}
	return d, nil
}

// townshipName drops the "管委会" (management committee) that three zones
// carried in 2021; the 2023 list names them without it.
func townshipName(s string) string { return strings.TrimSuffix(s, "管委会") }

// villageName is the display name of a village or community: "金宝社区居委会"
// becomes "金宝社区", "南山村委会" becomes "南山村", and a residents' committee
// without "社区" in its name ("城内居委会") becomes a 社区 ("城内社区").
// Farm living areas ("…生活区") keep their names.
func villageName(s string) string {
	switch {
	case strings.HasSuffix(s, "社区居委会"):
		return strings.TrimSuffix(s, "居委会")
	case strings.HasSuffix(s, "社区居民委员会"):
		return strings.TrimSuffix(s, "居民委员会")
	case strings.HasSuffix(s, "居委会"):
		return strings.TrimSuffix(s, "居委会") + "社区"
	case strings.HasSuffix(s, "村委会"):
		return strings.TrimSuffix(s, "村委会") + "村"
	}
	return s
}

// villageKind says how urban a village-level division is.
type villageKind int

const (
	kindFarm      villageKind = iota // farm or forest living area (生活区)
	kindVillage                      // 村
	kindCommunity                    // 社区 or residents' committee
)

func (d division) kind() villageKind {
	switch {
	case strings.Contains(d.Official, "社区") || strings.HasSuffix(d.Official, "居委会"):
		return kindCommunity
	case strings.HasSuffix(d.Official, "村委会"):
		return kindVillage
	}
	return kindFarm
}

// isStreet reports whether a township code is a 街道 (urban sub-district):
// the NBS numbers them 001-099 within their county.
func isStreet(code string) bool { return len(code) == 9 && code[6] == '0' }

// urbanTownships marks the townships that make up a county's town: its
// 街道, or, in a county without any, its first 镇 (numbered 100), which in
// every such county of Zhangzhou is the seat (云陵镇, 绥安镇, 南诏镇 …).
func urbanTownships(ts []division) []bool {
	urban := make([]bool, len(ts))
	streets := false
	for i, t := range ts {
		urban[i] = isStreet(t.Code)
		streets = streets || urban[i]
	}
	if !streets {
		for i, t := range ts {
			urban[i] = strings.HasSuffix(t.Code, "100")
		}
	}
	return urban
}

// gaussShare is the share of seeds to crowd around the attractor: enough
// for the urban children, plus a little, so that a rural county or
// township is tiled fairly evenly.
func gaussShare(urban []bool, lo, hi float64) float64 {
	n := 0
	for _, u := range urban {
		if u {
			n++
		}
	}
	return min(hi, max(lo, (float64(n)+1)/float64(len(urban))))
}

// county is one district or county of the GeoJSON, with current code and name.
type county struct {
	Feature gridfile.Feature // Geom in WGS-84
	Code    string
	Name    string
	Seat    orb.Point // the GeoJSON "center" (the county seat), in WGS-84
}

// readCounties reads the embedded DataV file, converting GCJ-02 to WGS-84
// and old codes to current ones (names from the code list).
func readCounties(div *divisions) ([]county, error) {
	b, err := dataFS.ReadFile(countiesFile)
	if err != nil {
		return nil, err
	}
	fs, err := gridfile.Read(bytes.NewReader(b), gridfile.Options{CRS: crs.GCJ02, CodeProp: "adcode"})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", countiesFile, err)
	}
	out := make([]county, 0, len(fs))
	for _, f := range fs {
		c := county{Feature: f, Code: f.Code, Name: f.Name}
		if nc, ok := renamedCounties[c.Code]; ok {
			c.Code = nc
		}
		if n, ok := div.countyName[c.Code]; ok {
			c.Name = n
		} else {
			return nil, fmt.Errorf("%s: county %s %s is not in the code list", countiesFile, f.Code, f.Name)
		}
		seat, ok := f.Props["center"].([]any)
		if !ok || len(seat) != 2 {
			return nil, fmt.Errorf("%s: county %s has no center", countiesFile, f.Code)
		}
		lon, ok1 := seat[0].(float64)
		lat, ok2 := seat[1].(float64)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: county %s: center %v is not [lon, lat]", countiesFile, f.Code, seat)
		}
		c.Seat[0], c.Seat[1] = crs.ToWGS84(crs.GCJ02, lon, lat)
		c.Feature.Code, c.Feature.Name = c.Code, c.Name
		out = append(out, c)
	}
	return out, nil
}
