package grid110

import (
	"fmt"

	"github.com/paulmach/orb"
)

// Level is a grid's place in the hierarchy, from the whole city down to one
// compound (小区) or grid cell.
type Level string

// The levels, from the top.
const (
	LevelCity      Level = "city"
	LevelDistrict  Level = "district"  // district or county
	LevelTownship  Level = "township"  // township or street
	LevelCommunity Level = "community" // community or village
	LevelCompound  Level = "compound"  // compound or grid cell
)

// Levels lists every level from the top down.
var Levels = []Level{LevelCity, LevelDistrict, LevelTownship, LevelCommunity, LevelCompound}

// ParseLevel returns the level named s.
func ParseLevel(s string) (Level, error) {
	for _, l := range Levels {
		if string(l) == s {
			return l, nil
		}
	}
	return "", Invalid("level", "unknown level %q (want city, district, township, community or compound)", s)
}

// Depth is 0 for the city and 4 for a compound.
func (l Level) Depth() int {
	for i, x := range Levels {
		if x == l {
			return i
		}
	}
	return -1
}

// Parent is the level above l, or "" for the city.
func (l Level) Parent() Level {
	if d := l.Depth(); d > 0 {
		return Levels[d-1]
	}
	return ""
}

// ZhName is the level's Chinese name.
func (l Level) ZhName() string {
	switch l {
	case LevelCity:
		return "市"
	case LevelDistrict:
		return "区县"
	case LevelTownship:
		return "乡镇街道"
	case LevelCommunity:
		return "社区村"
	case LevelCompound:
		return "小区网格"
	}
	return string(l)
}

// GridRef names a grid without its geometry.
type GridRef struct {
	ID       int64  `json:"id"`
	ParentID int64  `json:"parent_id,omitempty"`
	Level    Level  `json:"level"`
	Code     string `json:"code"`
	Name     string `json:"name"`
}

// Grid is one polygon of the hierarchy. Geometry is WGS-84 lon/lat.
type Grid struct {
	GridRef
	Path  []int64 // ids from the root down to this grid
	Geom  orb.MultiPolygon
	AreaM float64 // square metres
}

func (g GridRef) String() string { return fmt.Sprintf("%s %s (%s)", g.Level, g.Name, g.Code) }
