package demo

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"grid110/internal/grid110"
)

//go:embed sql/tile.sql
var sqlTile string

// loadCity inserts 漳州市 as the union of its 11 districts and counties
// (converted to WGS-84 and repaired the way ImportGrids repairs them, so
// that every district is covered by the city).
func (l *loader) loadCity(ctx context.Context) error {
	div, err := readDivisions()
	if err != nil {
		return err
	}
	counties, err := readCounties(div)
	if err != nil {
		return err
	}
	l.div, l.counties = div, counties
	ws := make([][]byte, len(counties))
	for i, c := range counties {
		if ws[i], err = wkb.Marshal(c.Feature.Geom); err != nil {
			return fmt.Errorf("encode %s: %w", c.Code, err)
		}
	}
	const q = `
		INSERT INTO grids (level, code, name, geom)
		SELECT 'city', $1, $2, ST_Multi(ST_Union(CASE WHEN ST_IsValid(g) THEN g
			ELSE ST_CollectionExtract(ST_MakeValid(g, 'method=structure keepcollapsed=false'), 3) END))
		FROM (SELECT ST_SetSRID(ST_GeomFromWKB(w), 4326) AS g FROM unnest($3::bytea[]) AS w) AS c
		RETURNING id, ST_Area(geom::geography) / 1e6`
	var id int64
	var km2 float64
	if err := l.pool.QueryRow(ctx, q, cityCode, cityName, ws).Scan(&id, &km2); err != nil {
		return fmt.Errorf("insert city: %w", err)
	}
	l.log.Info("demo city grid loaded", "code", cityCode, "name", cityName, "id", id, "counties", len(counties), "area_km2", math.Round(km2))
	return nil
}

// loadDistricts imports the 11 districts and counties through
// Store.ImportGrids, which repairs the two self-intersecting ones and
// finds their parent (the city) spatially, and logs what it found.
func (l *loader) loadDistricts(ctx context.Context) error {
	imp := grid110.GridImport{Level: grid110.LevelDistrict}
	for i, c := range l.counties {
		imp.Features = append(imp.Features, grid110.ImportFeature{Index: i, Code: c.Code, Name: c.Name, Geom: c.Feature.Geom})
	}
	imp.Progress = func(stage string, done, total int) {
		l.log.Debug("demo district import", "stage", stage, "done", done, "total", total)
	}
	res, err := l.store.ImportGrids(ctx, imp)
	if res != nil {
		l.logImport(res)
	}
	if err != nil {
		return err
	}
	areas, err := l.fetchAreas(ctx, grid110.LevelDistrict, nil)
	if err != nil {
		return err
	}
	seats := map[string]orb.Point{}
	for _, c := range l.counties {
		seats[c.Code] = c.Seat
	}
	for _, a := range areas {
		a.County, a.Seat, a.Seed = a, seats[a.Code], seats[a.Code]
		if !a.Shape.contains(a.Seed) {
			p, ok := a.Shape.uniform(l.rng(streamTownships))
			if !ok {
				return fmt.Errorf("district %s %s has no area", a.Code, a.Name)
			}
			a.Seed = a.Shape.centre(p)
			l.log.Info("demo county seat lies outside its polygon; county teams are based inside it", "code", a.Code, "name", a.Name,
				"seat_m_outside", math.Round(planarDistM(a.Shape, a.Seat)))
		}
	}
	l.districts = areas
	return nil
}

// logImport logs an import's result, naming every feature it has a note on.
func (l *loader) logImport(res *grid110.GridImportResult) {
	l.log.Info("demo districts imported", "inserted", res.Inserted, "updated", res.Updated,
		"repaired", len(res.Repaired), "rejected", len(res.Rejected), "not_covered", len(res.NotCovered),
		"overlaps", len(res.Overlaps), "gaps", len(res.Gaps), "top_level", len(res.TopLevel))
	notes := func(msg string, ns []grid110.FeatureNote) {
		for _, n := range ns {
			args := []any{"code", n.Code, "name", n.Name, "problem", n.Problem}
			if n.At != nil {
				args = append(args, "lon", n.At[0], "lat", n.At[1])
			}
			l.log.Info(msg, args...)
		}
	}
	notes("demo district repaired", res.Repaired)
	notes("demo district rejected", res.Rejected)
	notes("demo district not covered by the city", res.NotCovered)
	notes("demo gap between the city and its districts", res.Gaps)
	notes("demo district without a parent", res.TopLevel)
	for _, o := range res.Overlaps {
		l.log.Info("demo districts overlap", "a", o.A.Name, "b", o.B.Name, "area_m2", o.AreaM2)
	}
}

// loadTownships tiles each county with its real townships. Some seeds crowd
// towards the county seat, and the county town's townships (its 街道, or
// the seat town) get the seeds nearest to it, so they come out small and
// central.
func (l *loader) loadTownships(ctx context.Context) error {
	r := l.rng(streamTownships)
	var seeds []seed
	urbanCode := map[string]bool{}
	for _, d := range l.districts {
		ts := l.div.townships[d.Code]
		if len(ts) == 0 {
			return fmt.Errorf("district %s %s has no townships in the code list", d.Code, d.Name)
		}
		urban := urbanTownships(ts)
		spec := seedSpec{N: len(ts), Attract: d.Seat, SigmaM: math.Max(1500, 0.12*math.Sqrt(d.Shape.areaM2)),
			PGauss: gaussShare(urban, 0.1, 0.6)}
		pts, err := d.Shape.seeds(r, spec)
		if err != nil {
			return fmt.Errorf("district %s %s: %w", d.Code, d.Name, err)
		}
		for i, t := range ts {
			urbanCode[t.Code] = urban[i]
		}
		for i, p := range assign(d.Shape, pts, d.Seat, urban) {
			seeds = append(seeds, seed{ParentID: d.ID, Code: ts[i].Code, Name: ts[i].Name, Pt: p})
		}
	}
	if err := l.tile(ctx, grid110.LevelTownship, seeds); err != nil {
		return err
	}
	areas, err := l.fetchAreas(ctx, grid110.LevelTownship, l.districts)
	if err != nil {
		return err
	}
	linkSeeds(areas, seeds)
	for _, a := range areas {
		a.County, a.Urban = a.Parent, urbanCode[a.Code]
	}
	l.townships = areas
	return nil
}

// loadCommunities tiles each township with its real communities and
// villages. In the county town the seeds crowd towards the seat, elsewhere
// towards the township's own seat (its seed); the 社区 get the nearest
// seeds, so urban communities are small and villages large.
func (l *loader) loadCommunities(ctx context.Context) error {
	r := l.rng(streamCommunities)
	var seeds []seed
	kinds := map[string]villageKind{}
	for _, t := range l.townships {
		vs := l.div.villages[t.Code]
		if len(vs) == 0 {
			l.log.Warn("demo township without villages", "code", t.Code, "name", t.Name)
			continue
		}
		urban := make([]bool, len(vs))
		for i, v := range vs {
			urban[i] = v.kind() == kindCommunity
			kinds[v.Code] = v.kind()
		}
		spec := seedSpec{N: len(vs), Attract: t.Seed, SigmaM: math.Max(500, 0.15*math.Sqrt(t.Shape.areaM2)),
			PGauss: gaussShare(urban, 0.15, 0.7)}
		if t.Urban {
			spec.Attract, spec.SigmaM = t.County.Seat, math.Max(800, 0.3*math.Sqrt(t.Shape.areaM2))
		}
		pts, err := t.Shape.seeds(r, spec)
		if err != nil {
			return fmt.Errorf("township %s %s: %w", t.Code, t.Name, err)
		}
		for i, p := range assign(t.Shape, pts, spec.Attract, urban) {
			seeds = append(seeds, seed{ParentID: t.ID, Code: vs[i].Code, Name: vs[i].Name, Pt: p})
		}
	}
	if err := l.tile(ctx, grid110.LevelCommunity, seeds); err != nil {
		return err
	}
	areas, err := l.fetchAreas(ctx, grid110.LevelCommunity, l.townships)
	if err != nil {
		return err
	}
	linkSeeds(areas, seeds)
	for _, a := range areas {
		a.County, a.Urban, a.Kind = a.Parent.County, a.Parent.Urban, kinds[a.Code]
	}
	l.communities = areas
	return nil
}

// loadCompounds tiles each community with compounds (小区, for 社区) or
// numbered grid cells (网格, for villages and farms): 4-6 in a 社区, 3-5 in
// a village, 2-3 in a farm living area.
func (l *loader) loadCompounds(ctx context.Context) error {
	r := l.rng(streamCompounds)
	namer := &compoundNamer{r: r, used: map[string]bool{}}
	var seeds []seed
	for _, c := range l.communities {
		var n int
		switch c.Kind {
		case kindCommunity:
			n = 4 + r.IntN(3)
		case kindVillage:
			n = 3 + r.IntN(3)
		default:
			n = 2 + r.IntN(2)
		}
		spec := seedSpec{N: n, Attract: c.Seed, SigmaM: math.Max(150, 0.3*math.Sqrt(c.Shape.areaM2)), PGauss: 0.3}
		pts, err := c.Shape.seeds(r, spec)
		if err != nil {
			return fmt.Errorf("community %s %s: %w", c.Code, c.Name, err)
		}
		for i, p := range pts {
			name := cellName(c.Name, i+1)
			if c.Kind == kindCommunity {
				name = namer.next()
			}
			seeds = append(seeds, seed{ParentID: c.ID, Code: fmt.Sprintf("%s%03d", c.Code, i+1), Name: name, Pt: p})
		}
	}
	return l.tile(ctx, grid110.LevelCompound, seeds)
}

// assign hands out seed points to children: the urban ones, in order, get
// the points nearest to c; the others get the rest in the order drawn.
func assign(s *shape, pts []orb.Point, c orb.Point, urban []bool) []orb.Point {
	near := append([]orb.Point(nil), pts...)
	s.byDistance(near, c)
	nUrban := 0
	for _, u := range urban {
		if u {
			nUrban++
		}
	}
	taken := map[orb.Point]bool{}
	for _, p := range near[:nUrban] {
		taken[p] = true
	}
	var rest []orb.Point
	for _, p := range pts {
		if !taken[p] {
			rest = append(rest, p)
		}
	}
	out := make([]orb.Point, len(urban))
	for i, u := range urban {
		if u {
			out[i], near = near[0], near[1:]
		} else {
			out[i], rest = rest[0], rest[1:]
		}
	}
	return out
}

// seed is the generator of one child grid's Voronoi cell.
type seed struct {
	ParentID   int64
	Code, Name string
	Pt         orb.Point
}

// tile inserts one child grid per seed at level: the seed's Voronoi cell
// within its parent (sql/tile.sql), one statement for the whole level. It
// fails if any piece is missing, empty or invalid.
func (l *loader) tile(ctx context.Context, level grid110.Level, seeds []seed) error {
	defer l.heartbeat(string(level))()
	return l.bulk(ctx, func(tx pgx.Tx) error {
		const create = `CREATE TEMP TABLE demo_seeds (parent_id bigint, code text, name text, lon float8, lat float8) ON COMMIT DROP`
		if _, err := tx.Exec(ctx, create); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"demo_seeds"}, []string{"parent_id", "code", "name", "lon", "lat"},
			pgx.CopyFromSlice(len(seeds), func(i int) ([]any, error) {
				s := seeds[i]
				return []any{s.ParentID, s.Code, s.Name, s.Pt[0], s.Pt[1]}, nil
			}))
		if err != nil {
			return fmt.Errorf("stage seeds: %w", err)
		}
		if _, err := tx.Exec(ctx, sqlTile); err != nil {
			return fmt.Errorf("tile %s grids: %w", level, err)
		}
		const check = `
			SELECT count(*), count(DISTINCT code),
				count(*) FILTER (WHERE geom IS NULL OR ST_IsEmpty(geom) OR NOT ST_IsValid(geom)),
				coalesce(string_agg(code, ', ' ORDER BY code) FILTER (WHERE geom IS NULL OR ST_IsEmpty(geom) OR NOT ST_IsValid(geom)), '')
			FROM demo_pieces`
		var n, distinct, bad int
		var badCodes string
		if err := tx.QueryRow(ctx, check).Scan(&n, &distinct, &bad, &badCodes); err != nil {
			return fmt.Errorf("check %s grids: %w", level, err)
		}
		if n != len(seeds) || distinct != n || bad > 0 {
			return fmt.Errorf("tiling made %d pieces (%d distinct) for %d seeds; empty or invalid: %d %s", n, distinct, len(seeds), bad, badCodes)
		}
		const ins = `
			INSERT INTO grids (parent_id, level, code, name, geom)
			SELECT parent_id, $1::grid_level, code, name, geom FROM demo_pieces ORDER BY code COLLATE "C"`
		if _, err := tx.Exec(ctx, ins, level); err != nil {
			return fmt.Errorf("insert %s grids: %w", level, err)
		}
		l.log.Info("demo grids loaded", "level", level, "count", n)
		return nil
	})
}

// fetchAreas reads back the grids of a level, sorted by code, linking each
// to its parent among parents.
func (l *loader) fetchAreas(ctx context.Context, level grid110.Level, parents []*area) ([]*area, error) {
	const q = `SELECT id, coalesce(parent_id, 0), code, name, ST_AsBinary(geom) FROM grids WHERE level = $1::grid_level ORDER BY code COLLATE "C"`
	rows, err := l.pool.Query(ctx, q, level)
	if err != nil {
		return nil, fmt.Errorf("read %s grids: %w", level, err)
	}
	byID := map[int64]*area{}
	for _, p := range parents {
		byID[p.ID] = p
	}
	var out []*area
	for rows.Next() {
		var a area
		var parentID int64
		var geom []byte
		if err := rows.Scan(&a.ID, &parentID, &a.Code, &a.Name, &geom); err != nil {
			return nil, err
		}
		if a.Shape, err = shapeFromWKB(geom); err != nil {
			return nil, fmt.Errorf("grid %s: %w", a.Code, err)
		}
		a.Parent = byID[parentID]
		if parents != nil && a.Parent == nil {
			return nil, fmt.Errorf("grid %s: parent %d is not a loaded %s", a.Code, parentID, level.Parent())
		}
		out = append(out, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s grids: %w", level, err)
	}
	return out, nil
}

// linkSeeds gives each area the point its cell grew from.
func linkSeeds(areas []*area, seeds []seed) {
	byCode := make(map[string]orb.Point, len(seeds))
	for _, s := range seeds {
		byCode[s.Code] = s.Pt
	}
	for _, a := range areas {
		a.Seed = byCode[a.Code]
	}
	sort.Slice(areas, func(i, j int) bool { return areas[i].Code < areas[j].Code })
}
