package server

import (
	"cmp"
	"encoding/csv"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"grid110/internal/grid110"
	"grid110/internal/hotspot"
	"grid110/internal/patrol"
)

// callerIsStaff reports whether the caller is signed in (staff or an API
// client), who may see the counts of cells and grids with few reports;
// for the public, small counts are withheld.
func callerIsStaff(c echo.Context) bool { return !principalOf(c).Anonymous() }

// minReports is the suppression threshold in force.
func (s *Server) minReports() int {
	switch n := s.cfg.HotspotMinReports; {
	case n == 0:
		return patrol.DefaultMinReports
	case n < 0:
		return 0
	default:
		return n
	}
}

// hotspotCell is one H3 cell's Gi* result.
type hotspotCell struct {
	Cell       string  `json:"cell"` // H3 index, hexadecimal
	Count      int64   `json:"count"`
	Z          float64 `json:"z"`
	P          float64 `json:"p"`
	Bin        int     `json:"bin"`        // -3..3
	Confidence int     `json:"confidence"` // 99, 95, 90 or 0
}

func newHotspotCell(c patrol.CellStat) hotspotCell {
	return hotspotCell{Cell: c.Cell.String(), Count: c.Count, Z: round6(c.Z), P: c.P, Bin: int(c.Bin),
		Confidence: c.Bin.Confidence()}
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// hotspotsResponse answers GET /api/v1/hotspots.
type hotspotsResponse struct {
	Res        int           `json:"res"`
	K          int           `json:"k"`
	FDR        bool          `json:"fdr"`
	From       time.Time     `json:"from"`
	To         time.Time     `json:"to"`
	Categories []string      `json:"categories"`
	AreaCells  int           `json:"area_cells"`
	Reports    int64         `json:"reports"`
	Hot        int           `json:"hot"`
	Cold       int           `json:"cold"`
	MinReports int           `json:"min_reports"`
	Withheld   int           `json:"withheld"`
	Cells      []hotspotCell `json:"cells"`
}

// parseHotspotQuery reads the parameters every hotspot route shares:
// grid or bbox, res, k, fdr, from, to and category (repeated or comma-separated).
func (s *Server) parseHotspotQuery(c echo.Context) (patrol.Query, error) {
	qp := c.QueryParams()
	var q patrol.Query
	var err error
	if v := qp.Get("grid"); v != "" {
		if q.Area.GridID, err = parseID(v, "grid"); err != nil {
			return q, err
		}
	}
	if v := qp.Get("bbox"); v != "" {
		if q.Area.GridID != 0 {
			return q, grid110.Invalid("bbox", "give grid or bbox, not both")
		}
		b, err := parseBBox(v)
		if err != nil {
			return q, err
		}
		if b.Min == b.Max || b.Min[0] == b.Max[0] || b.Min[1] == b.Max[1] {
			return q, grid110.Invalid("bbox", "%q has no area", v)
		}
		q.Area.Bound = &b
	}
	if q.Res, err = parseIntRange(qp.Get("res"), "res", patrol.MinRes, patrol.MaxRes); err != nil {
		return q, err
	}
	if q.K, err = parseIntRange(qp.Get("k"), "k", patrol.MinK, patrol.MaxK); err != nil {
		return q, err
	}
	if v := qp.Get("fdr"); v != "" {
		if q.FDR, err = strconv.ParseBool(v); err != nil {
			return q, grid110.Invalid("fdr", "%q is not true or false", v)
		}
	}
	if q.From, err = parseTime(qp.Get("from"), "from"); err != nil {
		return q, err
	}
	if q.To, err = parseTime(qp.Get("to"), "to"); err != nil {
		return q, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return q, grid110.Invalid("from", "must be before to")
	}
	for _, v := range qp["category"] {
		for _, code := range strings.Split(v, ",") {
			if code = strings.TrimSpace(code); code == "" {
				continue
			}
			if _, err := s.cats.get(c.Request().Context(), code, "category"); err != nil {
				return q, err
			}
			q.Categories = append(q.Categories, code)
		}
	}
	return q, nil
}

// parseIntRange parses an optional whole number in lo..hi (0 when absent).
func parseIntRange(v, field string, lo, hi int) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, grid110.Invalid(field, "%q is not a whole number from %d to %d", v, lo, hi)
	}
	return n, nil
}

// getHotspots handles GET /api/v1/hotspots: Gi* per H3 cell. Listed are
// the cells with reports or a significant bin, strongest z first; as JSON,
// or as GeoJSON hexagons with format=geojson.
func (s *Server) getHotspots(c echo.Context) error {
	q, err := s.parseHotspotQuery(c)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	switch format {
	case "", "json", "geojson":
	default:
		return grid110.Invalid("format", "%q is not json or geojson", format)
	}
	res, err := s.hotspots.Hotspots(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := hotspotsResponse{Res: res.Query.Res, K: res.Query.K, FDR: res.Query.FDR, From: res.Query.From,
		To: res.Query.To, Categories: nonNil(res.Query.Categories), AreaCells: res.AreaCells, Reports: res.Reports,
		MinReports: s.minReports()}
	var listed []patrol.CellStat
	for _, cs := range res.Cells {
		switch {
		case cs.Bin > 0:
			out.Hot++
		case cs.Bin < 0:
			out.Cold++
		}
		if cs.Count > 0 || cs.Bin != 0 {
			listed = append(listed, cs)
		}
	}
	listed, out.Withheld = patrol.Disclose(listed, func(cs patrol.CellStat) int64 { return cs.Count },
		out.MinReports, callerIsStaff(c))
	slices.SortFunc(listed, func(a, b patrol.CellStat) int { return cmp.Or(cmp.Compare(b.Z, a.Z), cmp.Compare(a.Cell, b.Cell)) })
	out.Cells = make([]hotspotCell, len(listed))
	for i, cs := range listed {
		out.Cells[i] = newHotspotCell(cs)
	}
	if format == "geojson" {
		return hotspotsGeoJSON(c, out, listed)
	}
	return c.JSON(http.StatusOK, out)
}

// hotspotsGeoJSON writes the listed cells as hexagon Features.
func hotspotsGeoJSON(c echo.Context, out hotspotsResponse, listed []patrol.CellStat) error {
	fc := geojson.NewFeatureCollection()
	for i, hc := range out.Cells {
		ft := geojson.NewFeature(patrol.CellPolygon(listed[i].Cell))
		ft.ID = hc.Cell
		ft.Properties = geojson.Properties{"cell": hc.Cell, "res": out.Res, "count": hc.Count, "z": hc.Z, "p": hc.P,
			"bin": hc.Bin, "confidence": hc.Confidence}
		fc.Append(ft)
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/geo+json")
	return c.JSON(http.StatusOK, fc)
}

// gridHotspot is one grid's Gi* result.
type gridHotspot struct {
	grid110.GridRef
	Count      int64   `json:"count"`
	Neighbours int     `json:"neighbours"`
	Z          float64 `json:"z"`
	P          float64 `json:"p"`
	Bin        int     `json:"bin"`
	Confidence int     `json:"confidence"`
}

// gridHotspotsResponse answers GET /api/v1/hotspots/grids.
type gridHotspotsResponse struct {
	Grid       int64         `json:"grid"`
	Level      grid110.Level `json:"level"`
	FDR        bool          `json:"fdr"`
	From       time.Time     `json:"from"`
	To         time.Time     `json:"to"`
	Categories []string      `json:"categories"`
	Reports    int64         `json:"reports"`
	MinReports int           `json:"min_reports"`
	Withheld   int           `json:"withheld"`
	Grids      []gridHotspot `json:"grids"`
}

// getGridHotspots handles GET /api/v1/hotspots/grids?grid=&level=: Gi* per
// grid polygon, neighbours by shared edges, strongest z first.
func (s *Server) getGridHotspots(c echo.Context) error {
	q, err := s.parseHotspotQuery(c)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		field string
		set   bool
	}{{"bbox", q.Area.Bound != nil}, {"res", q.Res != 0}, {"k", q.K != 0}} {
		if f.set {
			return grid110.Invalid(f.field, "grid hotspots take a grid and a level; %s does not apply", f.field)
		}
	}
	gq := patrol.GridQuery{GridID: q.Area.GridID, FDR: q.FDR, From: q.From, To: q.To, Categories: q.Categories}
	if v := c.QueryParam("level"); v != "" {
		if gq.Level, err = grid110.ParseLevel(v); err != nil {
			return grid110.Invalid("level", "%q is not a grid level", v)
		}
	}
	res, err := s.hotspots.GridHotspots(c.Request().Context(), gq)
	if err != nil {
		return err
	}
	rq := res.Query
	out := gridHotspotsResponse{Grid: rq.GridID, Level: rq.Level, FDR: rq.FDR, From: rq.From, To: rq.To,
		Categories: nonNil(rq.Categories), Reports: res.Reports, MinReports: s.minReports()}
	shown, withheld := patrol.Disclose(res.Grids, func(g patrol.GridStat) int64 { return g.Count },
		out.MinReports, callerIsStaff(c))
	out.Withheld = withheld
	slices.SortFunc(shown, func(a, b patrol.GridStat) int {
		return cmp.Or(cmp.Compare(b.Z, a.Z), cmp.Compare(a.Grid.ID, b.Grid.ID))
	})
	out.Grids = make([]gridHotspot, len(shown))
	for i, g := range shown {
		out.Grids[i] = gridHotspot{GridRef: g.Grid.GridRef, Count: g.Count, Neighbours: g.Neighbours,
			Z: round6(g.Z), P: g.P, Bin: int(g.Bin), Confidence: g.Bin.Confidence()}
	}
	return c.JSON(http.StatusOK, out)
}

// emergingCell is one cell's emerging hot spot class.
type emergingCell struct {
	Cell    string  `json:"cell"`
	Count   int64   `json:"count"`
	Pattern string  `json:"pattern"`
	Z       float64 `json:"z"`   // Gi* z in the final period
	Bin     int     `json:"bin"` // Gi* bin in the final period
	TrendZ  float64 `json:"trend_z"`
	TrendP  float64 `json:"trend_p"`
}

// emergingResponse answers GET /api/v1/hotspots/emerging.
type emergingResponse struct {
	Res          int            `json:"res"`
	K            int            `json:"k"`
	FDR          bool           `json:"fdr"`
	Period       patrol.Period  `json:"period"`
	PeriodStarts []time.Time    `json:"period_starts"`
	To           time.Time      `json:"to"`
	Categories   []string       `json:"categories"`
	AreaCells    int            `json:"area_cells"`
	MinReports   int            `json:"min_reports"`
	Withheld     int            `json:"withheld"`
	Cells        []emergingCell `json:"cells"`
}

// getEmerging handles GET /api/v1/hotspots/emerging?period=&periods=:
// the cells with an emerging hot or cold spot pattern.
func (s *Server) getEmerging(c echo.Context) error {
	q, err := s.parseHotspotQuery(c)
	if err != nil {
		return err
	}
	eq := patrol.EmergingQuery{Query: q}
	if eq.Period, eq.Periods, err = parsePeriods(c); err != nil {
		return err
	}
	res, err := s.hotspots.Emerging(c.Request().Context(), eq)
	if err != nil {
		return err
	}
	rq := res.Query
	out := emergingResponse{Res: rq.Res, K: rq.K, FDR: rq.FDR, Period: rq.Period, PeriodStarts: res.Starts, To: rq.To,
		Categories: nonNil(rq.Categories), AreaCells: res.AreaCells, MinReports: s.minReports()}
	var listed []patrol.EmergingCell
	for _, ec := range res.Cells {
		if ec.Pattern != hotspot.NoPattern {
			listed = append(listed, ec)
		}
	}
	listed, out.Withheld = patrol.Disclose(listed, func(e patrol.EmergingCell) int64 { return e.Count },
		out.MinReports, callerIsStaff(c))
	slices.SortFunc(listed, func(a, b patrol.EmergingCell) int {
		return cmp.Or(cmp.Compare(a.Pattern, b.Pattern), cmp.Compare(b.Last.Z, a.Last.Z), cmp.Compare(a.Cell, b.Cell))
	})
	out.Cells = make([]emergingCell, len(listed))
	for i, e := range listed {
		out.Cells[i] = emergingCell{Cell: e.Cell.String(), Count: e.Count, Pattern: e.Pattern.String(),
			Z: round6(e.Last.Z), Bin: int(e.Last.Bin), TrendZ: round6(e.Trend.Z), TrendP: e.Trend.P}
	}
	return c.JSON(http.StatusOK, out)
}

// parsePeriods reads period= and periods=.
func parsePeriods(c echo.Context) (patrol.Period, int, error) {
	var p patrol.Period
	var err error
	if v := c.QueryParam("period"); v != "" {
		if p, err = patrol.ParsePeriod(v); err != nil {
			return "", 0, err
		}
	}
	n, err := parseIntRange(c.QueryParam("periods"), "periods", 2, patrol.MaxPeriods)
	return p, n, err
}

// priorityItem is one hot cell on a team's patrol list.
type priorityItem struct {
	Rank       int      `json:"rank"`
	Cell       string   `json:"cell"`
	Lon        float64  `json:"lon"` // cell centre, WGS-84
	Lat        float64  `json:"lat"`
	Count      int64    `json:"count"`
	Z          float64  `json:"z"`
	P          float64  `json:"p"`
	Bin        int      `json:"bin"`
	Confidence int      `json:"confidence"`
	Trend      string   `json:"trend"` // emerging hot spot pattern
	TrendZ     float64  `json:"trend_z"`
	TrendP     float64  `json:"trend_p"`
	DistanceM  *float64 `json:"distance_m,omitempty"` // from the team's base; absent without a base
}

// prioritiesResponse answers GET /api/v1/teams/{id}/patrol-priorities.
type prioritiesResponse struct {
	TeamID     int64            `json:"team_id"`
	TeamName   string           `json:"team_name"`
	TeamKind   grid110.TeamKind `json:"team_kind"`
	Res        int              `json:"res"`
	K          int              `json:"k"`
	FDR        bool             `json:"fdr"`
	From       time.Time        `json:"from"`
	To         time.Time        `json:"to"`
	Categories []string         `json:"categories"`
	Period     patrol.Period    `json:"period"`
	Periods    int              `json:"periods"`
	AreaCells  int              `json:"area_cells"`
	MinReports int              `json:"min_reports"`
	Withheld   int              `json:"withheld"`
	Items      []priorityItem   `json:"items"`
}

func newPriorityItem(p patrol.Priority) priorityItem {
	it := priorityItem{Rank: p.Rank, Cell: p.Cell.String(), Lon: round7(p.Center[0]), Lat: round7(p.Center[1]),
		Count: p.Count, Z: round6(p.Z), P: p.P, Bin: int(p.Bin), Confidence: p.Bin.Confidence(),
		Trend: p.Pattern.String(), TrendZ: round6(p.Trend.Z), TrendP: p.Trend.P}
	if p.DistanceM >= 0 {
		d := float64(int64(p.DistanceM + 0.5))
		it.DistanceM = &d
	}
	return it
}

// getPatrolPriorities handles GET /api/v1/teams/:id/patrol-priorities:
// the hot cells in the team's service area, ranked, as JSON (default),
// GeoJSON (format=geojson, hexagons) or CSV (format=csv).
func (s *Server) getPatrolPriorities(c echo.Context) error {
	id, err := parseID(c.Param("id"), "id")
	if err != nil {
		return err
	}
	q, err := s.parseHotspotQuery(c)
	if err != nil {
		return err
	}
	if q.Area.GridID != 0 || q.Area.Bound != nil {
		return grid110.Invalid("grid", "patrol priorities cover the team's service area; grid and bbox do not apply")
	}
	pq := patrol.PriorityQuery{TeamID: id, Query: q}
	if pq.Period, pq.Periods, err = parsePeriods(c); err != nil {
		return err
	}
	if pq.Limit, err = parseLimit(c.QueryParam("limit"), 100, 1000); err != nil {
		return err
	}
	format := c.QueryParam("format")
	switch format {
	case "", "json", "geojson", "csv":
	default:
		return grid110.Invalid("format", "%q is not json, geojson or csv", format)
	}
	res, err := s.hotspots.Priorities(c.Request().Context(), pq)
	if err != nil {
		return err
	}
	rq := res.Query
	out := prioritiesResponse{TeamID: res.Team.ID, TeamName: res.Team.Name, TeamKind: res.Team.Kind,
		Res: rq.Res, K: rq.K, FDR: rq.FDR, From: rq.From, To: rq.To, Categories: nonNil(rq.Categories),
		Period: rq.Period, Periods: rq.Periods, AreaCells: res.AreaCells, MinReports: s.minReports()}
	shown, withheld := patrol.Disclose(res.Items, func(p patrol.Priority) int64 { return p.Count },
		out.MinReports, callerIsStaff(c))
	out.Withheld = withheld
	out.Items = make([]priorityItem, len(shown))
	for i, p := range shown {
		p.Rank = i + 1 // ranks count what the caller sees, without gaps
		out.Items[i] = newPriorityItem(p)
	}
	switch format {
	case "geojson":
		return prioritiesGeoJSON(c, out, shown)
	case "csv":
		return prioritiesCSV(c, out)
	}
	return c.JSON(http.StatusOK, out)
}

// prioritiesGeoJSON writes the items as hexagon Features.
func prioritiesGeoJSON(c echo.Context, out prioritiesResponse, shown []patrol.Priority) error {
	fc := geojson.NewFeatureCollection()
	for i, it := range out.Items {
		ft := geojson.NewFeature(patrol.CellPolygon(shown[i].Cell))
		ft.ID = it.Cell
		ft.Properties = geojson.Properties{"rank": it.Rank, "cell": it.Cell, "count": it.Count, "z": it.Z,
			"p": it.P, "bin": it.Bin, "confidence": it.Confidence, "trend": it.Trend, "team_id": out.TeamID}
		if it.DistanceM != nil {
			ft.Properties["distance_m"] = *it.DistanceM
		}
		fc.Append(ft)
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/geo+json")
	return c.JSON(http.StatusOK, fc)
}

// prioritiesCSV writes the items as CSV with a header row.
func prioritiesCSV(c echo.Context, out prioritiesResponse) error {
	c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	c.Response().Header().Set(echo.HeaderContentDisposition,
		`attachment; filename="patrol-priorities-team-`+strconv.FormatInt(out.TeamID, 10)+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	w.Write([]string{"rank", "cell", "lon", "lat", "count", "z", "p", "bin", "confidence", "trend", "trend_z", "trend_p", "distance_m"}) //nolint:errcheck // Flush reports it
	for _, it := range out.Items {
		d := ""
		if it.DistanceM != nil {
			d = f(*it.DistanceM)
		}
		w.Write([]string{strconv.Itoa(it.Rank), it.Cell, f(it.Lon), f(it.Lat), strconv.FormatInt(it.Count, 10), //nolint:errcheck
			f(it.Z), f(it.P), strconv.Itoa(it.Bin), strconv.Itoa(it.Confidence), it.Trend, f(it.TrendZ), f(it.TrendP), d})
	}
	w.Flush()
	return w.Error()
}
