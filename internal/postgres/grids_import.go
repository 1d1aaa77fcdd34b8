package postgres

import (
	"context"
	"embed"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

func mustSQL(name string) string {
	b, err := sqlFiles.ReadFile("sql/" + name)
	if err != nil {
		panic(err) // embedded at build time: a missing file is a programming error
	}
	return string(b)
}

// planarAreaM2 is the SQL for the area of %[1]s in m², measured in the
// plane of the stored lon/lat (scaled at its latitude) rather than on the
// spheroid. Overlaps, strays and gaps between neighbours are slivers along
// straight edges; read as geography, their edges become geodesics and a
// 1e-6 m² sliver along a 10 km border grows to thousands of m².
const planarAreaM2 = `coalesce(ST_Area(%[1]s) * 1.23287e10 * cos(radians(ST_Y(ST_Centroid(ST_Envelope(%[1]s))))), 0)`

var (
	sqlImportOverlaps = fmt.Sprintf(mustSQL("import_check_overlaps.sql"), fmt.Sprintf(planarAreaM2, "ST_Intersection(a.geom, b.geom)"))
	sqlImportGaps     = fmt.Sprintf(mustSQL("import_check_gaps.sql"), fmt.Sprintf(planarAreaM2, "ST_Difference(p.geom, ST_Union(c.geom))"))
)

// MinReportedAreaM2 is the smallest overlap, gap or uncovered area an import
// reports: below it lie the floating-point slivers of shared edges.
const MinReportedAreaM2 = 1.0

// ImportGrids loads boundaries at one level in a single transaction: it
// repairs invalid geometry (saying so per feature), rejects what cannot be
// repaired, finds each feature's parent, updates grids whose code already
// exists instead of duplicating them, and reports children not covered by
// their parent, overlapping siblings and gaps. If any feature is rejected and
// imp.SkipRejected is false, nothing is loaded and the error wraps
// grid110.ErrInvalid; the result still lists what was found.
func (s *Store) ImportGrids(ctx context.Context, imp grid110.GridImport) (*grid110.GridImportResult, error) {
	if imp.Level.Depth() < 0 {
		return nil, grid110.Invalid("level", "unknown level %q", imp.Level)
	}
	progress := imp.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	res := &grid110.GridImportResult{}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := stage(ctx, tx, imp, progress); err != nil {
			return err
		}
		progress("repair", 0, len(imp.Features))
		if err := repair(ctx, tx, res); err != nil {
			return err
		}
		progress("repair", len(imp.Features), len(imp.Features))
		if err := findParents(ctx, tx, imp, res); err != nil {
			return err
		}
		if len(res.Rejected) > 0 && !imp.SkipRejected {
			return fmt.Errorf("%d of %d features rejected (first: %s %s: %s): %w",
				len(res.Rejected), len(imp.Features), res.Rejected[0].Code, res.Rejected[0].Name, res.Rejected[0].Problem, grid110.ErrInvalid)
		}
		progress("check", 0, 2)
		if err := checkCoverage(ctx, tx, res); err != nil {
			return err
		}
		if err := checkOverlaps(ctx, tx, imp.Level, res); err != nil {
			return err
		}
		progress("check", 2, 2)
		if err := upsert(ctx, tx, imp.Level, res); err != nil {
			return err
		}
		progress("load", len(imp.Features), len(imp.Features))
		return checkGaps(ctx, tx, res)
	})
	return res, err
}

// stage copies the features into a temporary table.
func stage(ctx context.Context, tx pgx.Tx, imp grid110.GridImport, progress func(string, int, int)) error {
	const q = `
		CREATE TEMP TABLE import_stage (
			idx int PRIMARY KEY, code text NOT NULL, name text NOT NULL, wkb bytea NOT NULL,
			raw geometry, geom geometry, parent_id bigint, rejected text
		) ON COMMIT DROP`
	if _, err := tx.Exec(ctx, q); err != nil {
		return fmt.Errorf("create import stage: %w", err)
	}
	rows := make([][]any, 0, len(imp.Features))
	for i, f := range imp.Features {
		w, err := wkbBytes(f.Geom)
		if err != nil {
			return fmt.Errorf("feature %d %s: %w", f.Index, f.Code, err)
		}
		rows = append(rows, []any{f.Index, f.Code, f.Name, w})
		if i%500 == 0 {
			progress("stage", i, len(imp.Features))
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"import_stage"}, []string{"idx", "code", "name", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("stage features: %w", err)
	}
	progress("stage", len(rows), len(rows))
	_, err := tx.Exec(ctx, `UPDATE import_stage SET raw = ST_SetSRID(ST_GeomFromWKB(wkb), 4326)`)
	return err
}

// repair makes invalid geometry valid with ST_MakeValid's "linework"
// method and notes what it did; geometry that repairs to nothing, or to
// less than a square metre, is rejected. Linework rebuilds polygons from
// the rings' own lines, so a twisted loop stays out of the polygon; the
// "structure" method would fill it, and on the real Zhangzhou file that
// pushes 平和县 about 9,900 m² into 云霄县.
func repair(ctx context.Context, tx pgx.Tx, res *grid110.GridImportResult) error {
	const q = `
		WITH v AS (
			SELECT idx, ST_IsValidDetail(raw) AS d FROM import_stage
		), fixed AS (
			UPDATE import_stage s SET geom = CASE WHEN (v.d).valid THEN ST_Multi(s.raw)
				ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(s.raw, 'method=linework'), 3)) END
			FROM v WHERE v.idx = s.idx
			RETURNING s.idx, s.code, s.name, (v.d).valid AS valid, (v.d).reason AS reason,
				ST_X((v.d).location) AS x, ST_Y((v.d).location) AS y,
				s.geom IS NULL OR ST_IsEmpty(s.geom) OR ST_Area(s.geom::geography) < @min_area AS empty,
				coalesce(ST_Area(s.geom::geography), 0) AS area
		)
		SELECT idx, code, name, reason, x, y, empty, area FROM fixed WHERE NOT valid OR empty ORDER BY idx`
	rows, err := tx.Query(ctx, q, pgx.NamedArgs{"min_area": MinReportedAreaM2})
	if err != nil {
		return fmt.Errorf("repair geometry: %w", err)
	}
	type row struct {
		Idx        int
		Code, Name string
		Reason     *string
		X, Y       *float64
		Empty      bool
		Area       float64
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		return fmt.Errorf("repair geometry: %w", err)
	}
	for _, r := range got {
		n := grid110.FeatureNote{Index: r.Idx, Code: r.Code, Name: r.Name, AreaM2: r.Area}
		if r.X != nil && r.Y != nil {
			n.At = &[2]float64{*r.X, *r.Y}
		}
		reason := "no area"
		if r.Reason != nil && *r.Reason != "" && *r.Reason != "Valid Geometry" {
			reason = *r.Reason
		}
		if r.Empty {
			n.Problem = reason + "; no area is left after repair"
			res.Rejected = append(res.Rejected, n)
			if _, err := tx.Exec(ctx, `UPDATE import_stage SET rejected = $2 WHERE idx = $1`, r.Idx, n.Problem); err != nil {
				return err
			}
			continue
		}
		n.Problem = reason + "; repaired with ST_MakeValid"
		res.Repaired = append(res.Repaired, n)
	}
	return nil
}

// findParents sets each feature's parent: the named one, or else the grid
// one level up that shares the most area with it. A feature whose code
// exists at another level is rejected: changing a grid's level would orphan
// its children.
func findParents(ctx context.Context, tx pgx.Tx, imp grid110.GridImport, res *grid110.GridImportResult) error {
	const clash = `
		UPDATE import_stage s SET rejected = format('code already used by a %s grid (%s)', g.level, g.name)
		FROM grids g WHERE g.code = s.code AND g.level <> $1::grid_level AND s.rejected IS NULL
		RETURNING s.idx, s.code, s.name, s.rejected`
	if err := collectRejected(ctx, tx, res, clash, imp.Level); err != nil {
		return err
	}
	parentLevel := imp.Level.Parent()
	switch {
	case imp.ParentCode != "":
		var id int64
		var lvl grid110.Level
		err := tx.QueryRow(ctx, `SELECT id, level FROM grids WHERE code = $1`, imp.ParentCode).Scan(&id, &lvl)
		if err != nil {
			return translate(err, "parent grid "+imp.ParentCode)
		}
		if lvl != parentLevel {
			return grid110.Invalid("parent-code", "grid %s is a %s; a %s's parent must be a %s", imp.ParentCode, lvl, imp.Level, parentLevel)
		}
		_, err = tx.Exec(ctx, `UPDATE import_stage SET parent_id = $1`, id)
		return err
	case parentLevel == "":
		return nil
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM grids WHERE level = $1::grid_level`, parentLevel).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		// Nothing above yet (importing districts before the city): top-level grids.
		rows, err := tx.Query(ctx, `SELECT idx, code, name FROM import_stage WHERE rejected IS NULL ORDER BY idx`)
		if err != nil {
			return err
		}
		notes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[noteRow])
		for _, r := range notes {
			res.TopLevel = append(res.TopLevel, grid110.FeatureNote{Index: r.Idx, Code: r.Code, Name: r.Name,
				Problem: fmt.Sprintf("no %s grid exists; loaded as a top-level grid", parentLevel)})
		}
		return err
	}
	const best = `
		UPDATE import_stage s SET parent_id = (
			SELECT g.id FROM grids g
			WHERE g.level = $1::grid_level AND g.geom && s.geom AND ST_Intersects(g.geom, s.geom)
			ORDER BY ST_Area(ST_Intersection(g.geom, s.geom)) DESC, g.id
			LIMIT 1)
		WHERE s.rejected IS NULL`
	if _, err := tx.Exec(ctx, best, parentLevel); err != nil {
		return fmt.Errorf("find parents: %w", err)
	}
	orphan := `
		UPDATE import_stage SET rejected = 'no ` + string(parentLevel) + ` grid intersects it'
		WHERE parent_id IS NULL AND rejected IS NULL
		RETURNING idx, code, name, rejected`
	return collectRejected(ctx, tx, res, orphan)
}

type noteRow struct {
	Idx        int
	Code, Name string
}

func collectRejected(ctx context.Context, tx pgx.Tx, res *grid110.GridImportResult, q string, args ...any) error {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	type row struct {
		Idx                  int
		Code, Name, Rejected string
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	for _, r := range got {
		res.Rejected = append(res.Rejected, grid110.FeatureNote{Index: r.Idx, Code: r.Code, Name: r.Name, Problem: r.Rejected})
	}
	return err
}

// checkCoverage notes children that reach outside their parent.
func checkCoverage(ctx context.Context, tx pgx.Tx, res *grid110.GridImportResult) error {
	q := `
		SELECT s.idx, s.code, s.name, p.code, p.name, ` + fmt.Sprintf(planarAreaM2, "ST_Difference(s.geom, p.geom)") + ` AS outside,
			ST_Area(s.geom::geography) AS area
		FROM import_stage s JOIN grids p ON p.id = s.parent_id
		WHERE s.rejected IS NULL AND NOT ST_CoveredBy(s.geom, p.geom)
		ORDER BY s.idx`
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("check coverage: %w", err)
	}
	type row struct {
		Idx                    int
		Code, Name, PCode, PNm string
		Outside, Area          float64
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		return fmt.Errorf("check coverage: %w", err)
	}
	for _, r := range got {
		if r.Outside < MinReportedAreaM2 {
			continue
		}
		res.NotCovered = append(res.NotCovered, grid110.FeatureNote{Index: r.Idx, Code: r.Code, Name: r.Name, AreaM2: r.Outside,
			Problem: fmt.Sprintf("%.0f m² (%.3f%%) lies outside its parent %s %s", r.Outside, 100*r.Outside/math.Max(r.Area, 1), r.PCode, r.PNm)})
	}
	return nil
}

// checkOverlaps notes sibling pairs that share area.
func checkOverlaps(ctx context.Context, tx pgx.Tx, level grid110.Level, res *grid110.GridImportResult) error {
	rows, err := tx.Query(ctx, sqlImportOverlaps, pgx.NamedArgs{"level": level})
	if err != nil {
		return fmt.Errorf("check overlaps: %w", err)
	}
	type row struct {
		ACode, AName, BCode, BName string
		Area                       float64
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		return fmt.Errorf("check overlaps: %w", err)
	}
	for _, r := range got {
		if r.Area < MinReportedAreaM2 {
			continue
		}
		res.Overlaps = append(res.Overlaps, grid110.OverlapNote{
			A: grid110.GridRef{Level: level, Code: r.ACode, Name: r.AName},
			B: grid110.GridRef{Level: level, Code: r.BCode, Name: r.BName}, AreaM2: r.Area})
	}
	return nil
}

// upsert writes the staged features, updating grids whose code exists.
func upsert(ctx context.Context, tx pgx.Tx, level grid110.Level, res *grid110.GridImportResult) error {
	const q = `
		INSERT INTO grids (parent_id, level, code, name, geom)
		SELECT parent_id, $1::grid_level, code, name, geom FROM import_stage WHERE rejected IS NULL ORDER BY idx
		ON CONFLICT (code) DO UPDATE SET
			parent_id = EXCLUDED.parent_id, name = EXCLUDED.name, geom = EXCLUDED.geom, updated_at = now()
		RETURNING (xmax = 0) AS inserted`
	rows, err := tx.Query(ctx, q, level)
	if err != nil {
		return translate(err, "load grids")
	}
	ins, err := pgx.CollectRows(rows, pgx.RowTo[bool])
	if err != nil {
		return translate(err, "load grids")
	}
	for _, i := range ins {
		if i {
			res.Inserted++
		} else {
			res.Updated++
		}
	}
	return nil
}

// checkGaps notes parents that their children do not cover.
func checkGaps(ctx context.Context, tx pgx.Tx, res *grid110.GridImportResult) error {
	rows, err := tx.Query(ctx, sqlImportGaps)
	if err != nil {
		return fmt.Errorf("check gaps: %w", err)
	}
	type row struct {
		Code, Name string
		Gap        float64
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		return fmt.Errorf("check gaps: %w", err)
	}
	for _, r := range got {
		if r.Gap >= MinReportedAreaM2 {
			res.Gaps = append(res.Gaps, grid110.FeatureNote{Code: r.Code, Name: r.Name, AreaM2: r.Gap,
				Problem: fmt.Sprintf("%.0f m² of it is in none of its children", r.Gap)})
		}
	}
	return nil
}
