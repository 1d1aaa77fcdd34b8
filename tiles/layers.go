package tiles

import (
	"time"

	"grid110/internal/grid110"
)

// Tile geometry constants. Coordinates inside a tile run from 0 to Extent;
// features reach Buffer units past each edge so that lines and labels
// meet across tile borders.
const (
	Extent  = 4096
	Buffer  = 64
	MaxZoom = 22 // the deepest zoom served; TileJSON tells clients to overzoom past a layer's maxzoom
)

// Layer names.
const (
	LayerGrids     = "grids"
	LayerGridStats = "grid-stats"
	LayerReports   = "reports"
	LayerHeatmap   = "heatmap"
	LayerTeams     = "teams"
	LayerHotspots  = "hotspots"
)

// Layer describes one tile layer: what it holds and how long a client may
// keep its tiles.
type Layer struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Geometry    string            `json:"geometry_type"` // "polygon" or "point"
	Fields      map[string]string `json:"fields"`        // property -> type and meaning
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	// Filtered layers take the report filter (category, status, from, to).
	Filtered bool `json:"filtered"`
	// MaxAge is how long a client may use a tile without asking again;
	// 0 means always revalidate (with the ETag, answered by 304).
	MaxAge time.Duration `json:"-"`
	// reportBased layers change when reports do.
	reportBased bool
}

// catalogue is every layer, in the order GET /tiles lists them.
var catalogue = []Layer{
	{Name: LayerGrids, Geometry: "polygon", MinZoom: 0, MaxZoom: 16, MaxAge: 5 * time.Minute,
		Description: "Grid polygons by level as the zoom grows: districts and counties to z9, townships z10-11, " +
			"communities and villages z12-14, compounds from z15. Shared boundaries are snapped to the tile grid " +
			"vertex by vertex, so neighbours never crack.",
		Fields: map[string]string{"id": "Number: grid id", "level": "String: district, township, community or compound",
			"code": "String: administrative or generated code", "name": "String: name",
			"duty_team_id": "Number: the \"2\" team of the community (communities and compounds)",
			"duty_team":    "String: the \"2\" team's name"}},
	{Name: LayerGridStats, Geometry: "polygon", MinZoom: 0, MaxZoom: 16, Filtered: true, reportBased: true,
		Description: "The grid polygons of the grids layer with the number of reports in each grid (its whole " +
			"subtree) for the filter: category, status, from, to (default the last 30 days). For a choropleth.",
		Fields: map[string]string{"id": "Number: grid id", "level": "String: grid level", "code": "String: code",
			"name": "String: name", "count": "Number: reports in the grid for the filter"}},
	{Name: LayerReports, Geometry: "point", MinZoom: 0, MaxZoom: 16, Filtered: true, reportBased: true,
		Description: "Reports for the filter. From z14, one point per report; below z14, or where a tile would " +
			"hold more than 4096 reports, one point per H3 cell with the number of reports in it (cluster=true): " +
			"aggregated, never dropped.",
		Fields: map[string]string{"id": "Number: report id", "category": "String: category code",
			"status": "String: workflow status", "priority": "Number: 1 urgent ... 4 low",
			"age":     "Number: hours since the report was made, when the tile was drawn",
			"cluster": "Boolean: true for an aggregate of several reports", "count": "Number: reports in the cluster",
			"cell": "String: H3 cell of the cluster"}},
	{Name: LayerHeatmap, Geometry: "polygon", MinZoom: 0, MaxZoom: 16, Filtered: true, reportBased: true,
		Description: "Report counts per H3 hexagon for the filter, from roll-ups kept current at intake. The H3 " +
			"resolution follows the zoom (res 3 at z5 ... res 11 at z16).",
		Fields: map[string]string{"cell": "String: H3 cell index", "res": "Number: H3 resolution",
			"count": "Number: reports in the cell for the filter"}},
	{Name: LayerHotspots, Geometry: "polygon", MinZoom: 0, MaxZoom: 16, Filtered: true, reportBased: true,
		Description: "Getis-Ord Gi* hot and cold spots per H3 hexagon (k-ring 1), computed city-wide from the " +
			"roll-ups for the filter's category, from and to (status does not apply; fdr=true applies the " +
			"Benjamini-Hochberg correction) and kept until reports change. The H3 resolution follows the zoom " +
			"as in the heatmap, within res 5 to 10 (coarser if the city is too large). Shown are the " +
			"significant cells and those with at least the public minimum of reports; count only for the latter.",
		Fields: map[string]string{"cell": "String: H3 cell index", "res": "Number: H3 resolution",
			"z": "Number: Gi* z-score", "p": "Number: two-sided p-value",
			"bin":        "Number: -3..3, hot (+) or cold (-) at 99/95/90 % confidence, 0 not significant",
			"confidence": "Number: 99, 95, 90 or 0",
			"count":      "Number: reports in the cell; absent below the public minimum (3 by default)"}},
	{Name: LayerTeams, Geometry: "point", MinZoom: 0, MaxZoom: 16, MaxAge: time.Minute,
		Description: "N-team bases with their kind and on-duty state.",
		Fields: map[string]string{"id": "Number: team id", "code": "String: team code", "name": "String: name",
			"kind":    "String: patrol, legal_aid, volunteer, anti_counterfeit, emergency, mediation, medical ...",
			"on_duty": "Boolean: on duty now"}},
}

// Layers returns the layer catalogue.
func Layers() []Layer { return append([]Layer(nil), catalogue...) }

// LayerNamed returns the layer called name.
func LayerNamed(name string) (Layer, bool) {
	for _, l := range catalogue {
		if l.Name == name {
			return l, true
		}
	}
	return Layer{}, false
}

// levelAt is the grid level the grids and grid-stats layers show at zoom z.
func levelAt(z int) grid110.Level {
	switch {
	case z <= 9:
		return grid110.LevelDistrict
	case z <= 11:
		return grid110.LevelTownship
	case z <= 14:
		return grid110.LevelCommunity
	}
	return grid110.LevelCompound
}

// Heatmap resolutions kept in the roll-up (report_cell_counts).
const (
	minRes = 3
	maxRes = 11
)

// heatRes is the H3 resolution of the heatmap at zoom z: about 10 to 25
// hexagons across a tile.
func heatRes(z int) int {
	r := [...]int{3, 3, 3, 3, 3, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 10, 11}
	if z < len(r) {
		return r[z]
	}
	return maxRes
}

// clusterRes is the H3 resolution reports are aggregated at, one step finer
// than the heatmap.
func clusterRes(z int) int { return min(heatRes(z)+1, maxRes) }

// pointsZoom is the first zoom that shows reports one by one, and
// maxPoints the most a tile holds before it aggregates instead.
const (
	pointsZoom = 14
	maxPoints  = 4096
)
