package postgres_test

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"grid110/internal/crs"
	"grid110/internal/demo"
	"grid110/internal/grid110"
	"grid110/internal/gridfile"
	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
)

// square is a lon/lat box with its lower-left corner at (lon, lat).
func square(lon, lat, size float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{lon, lat}, {lon + size, lat}, {lon + size, lat + size}, {lon, lat + size}, {lon, lat}}}}
}

func feature(i int, code, name string, g orb.MultiPolygon) grid110.ImportFeature {
	return grid110.ImportFeature{Index: i, Code: code, Name: name, Geom: g}
}

func mustImport(t *testing.T, s *postgres.Store, imp grid110.GridImport) *grid110.GridImportResult {
	t.Helper()
	res, err := s.ImportGrids(t.Context(), imp)
	if err != nil {
		t.Fatalf("ImportGrids(%s) = %v", imp.Level, err)
	}
	return res
}

func zhangzhou(t *testing.T) []grid110.ImportFeature {
	t.Helper()
	feats, err := gridfile.Read(bytes.NewReader(demo.ZhangzhouGeoJSON()), gridfile.Options{CRS: crs.GCJ02, CodeProp: "adcode"})
	if err != nil {
		t.Fatal(err)
	}
	var out []grid110.ImportFeature
	for _, f := range feats {
		out = append(out, feature(f.Index, f.Code, f.Name, f.Geom))
	}
	return out
}

func TestImportZhangzhouRepairsSelfIntersections(t *testing.T) {
	t.Parallel()
	s := postgres.NewStore(pgtest.New(t))
	ctx := t.Context()
	feats := zhangzhou(t)
	res := mustImport(t, s, grid110.GridImport{Level: grid110.LevelDistrict, Features: feats})
	if res.Inserted != 11 || res.Updated != 0 {
		t.Errorf("inserted, updated = %d, %d; want 11, 0", res.Inserted, res.Updated)
	}
	var repaired []string
	for _, n := range res.Repaired {
		repaired = append(repaired, n.Name)
		if !strings.Contains(n.Problem, "Self-intersection") || n.At == nil {
			t.Errorf("repair note for %s = %q at %v; want a self-intersection with its place", n.Name, n.Problem, n.At)
		}
	}
	if got := strings.Join(repaired, ","); got != "云霄县,平和县" {
		t.Errorf("repaired = %s; want 云霄县,平和县 (the two self-intersecting counties)", got)
	}
	if len(res.TopLevel) != 11 {
		t.Errorf("top-level notes = %d; want 11 (no city grid yet)", len(res.TopLevel))
	}
	if len(res.Overlaps) != 0 {
		t.Errorf("overlaps = %+v; the real counties only touch", res.Overlaps)
	}
	var invalid, n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom)), count(*) FROM grids`).Scan(&invalid, &n); err != nil {
		t.Fatal(err)
	}
	if invalid != 0 || n != 11 {
		t.Errorf("grids: %d invalid of %d; want 0 of 11", invalid, n)
	}
	// Re-running updates by code instead of duplicating.
	res = mustImport(t, s, grid110.GridImport{Level: grid110.LevelDistrict, Features: feats})
	if res.Inserted != 0 || res.Updated != 11 {
		t.Errorf("second import: inserted, updated = %d, %d; want 0, 11", res.Inserted, res.Updated)
	}
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM grids`).Scan(&n); err != nil || n != 11 {
		t.Errorf("grids after re-import = %d, %v; want 11", n, err)
	}
}

func TestImportFindsParentsAndReportsProblems(t *testing.T) {
	t.Parallel()
	s := postgres.NewStore(pgtest.New(t))
	ctx := t.Context()
	mustImport(t, s, grid110.GridImport{Level: grid110.LevelCity, Features: []grid110.ImportFeature{
		feature(0, "C1", "一市", square(117, 24, 0.2)),
		feature(1, "C2", "二市", square(117.3, 24, 0.2)),
	}})
	res := mustImport(t, s, grid110.GridImport{Level: grid110.LevelDistrict, Features: []grid110.ImportFeature{
		feature(0, "D1", "甲区", square(117, 24, 0.1)),
		feature(1, "D2", "乙区", square(117.05, 24, 0.1)),  // overlaps 甲区 by 0.05 x 0.1 degrees
		feature(2, "D3", "丙区", square(117.25, 24, 0.1)),  // mostly in 二市, reaching 0.05 degree outside
		feature(3, "D4", "丁区", square(117.1, 24.1, 0.1)), // inside 一市
	}})
	parents := map[string]string{}
	rows, err := s.Pool().Query(ctx, `SELECT c.code, p.code FROM grids c JOIN grids p ON p.id = c.parent_id WHERE c.level = 'district'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c, p string
		if err := rows.Scan(&c, &p); err != nil {
			t.Fatal(err)
		}
		parents[c] = p
	}
	want := map[string]string{"D1": "C1", "D2": "C1", "D3": "C2", "D4": "C1"}
	for c, p := range want {
		if parents[c] != p {
			t.Errorf("parent of %s = %q; want %s (largest shared area)", c, parents[c], p)
		}
	}
	// 0.05 x 0.1 degrees at latitude 24 is about 5.08 km x 11.1 km.
	approx := func(got, want float64) bool { return math.Abs(got-want)/want < 0.02 }
	if len(res.Overlaps) != 1 || !approx(res.Overlaps[0].AreaM2, 5.086e3*11.07e3) {
		t.Errorf("overlaps = %+v; want one of about 56 km² between D1 and D2", res.Overlaps)
	} else if res.Overlaps[0].A.Code != "D1" || res.Overlaps[0].B.Code != "D2" {
		t.Errorf("overlap between %s and %s; want D1 and D2", res.Overlaps[0].A.Code, res.Overlaps[0].B.Code)
	}
	if len(res.NotCovered) != 1 || res.NotCovered[0].Code != "D3" || !approx(res.NotCovered[0].AreaM2, 5.086e3*11.07e3) {
		t.Errorf("not covered = %+v; want D3 with about 56 km² outside 二市", res.NotCovered)
	}
	if len(res.Gaps) != 2 {
		t.Errorf("gaps = %+v; want both cities partly uncovered", res.Gaps)
	}
	var path []int64
	var id, parent int64
	if err := s.Pool().QueryRow(ctx, `SELECT c.path, c.id, c.parent_id FROM grids c WHERE code = 'D4'`).Scan(&path, &id, &parent); err != nil {
		t.Fatal(err)
	}
	if len(path) != 2 || path[0] != parent || path[1] != id {
		t.Errorf("path of D4 = %v; want [parent %d, self %d]", path, parent, id)
	}
}

func TestImportRejects(t *testing.T) {
	t.Parallel()
	s := postgres.NewStore(pgtest.New(t))
	ctx := t.Context()
	// A ring whose points all lie on one line has no area: nothing survives repair.
	line := orb.MultiPolygon{{{{116, 24}, {117, 25}, {118, 26}, {116, 24}}}}
	feats := []grid110.ImportFeature{feature(0, "OK", "好区", square(117, 24, 0.1)), feature(1, "FLAT", "扁区", line)}
	_, err := s.ImportGrids(ctx, grid110.GridImport{Level: grid110.LevelDistrict, Features: feats})
	if !errors.Is(err, grid110.ErrInvalid) || !strings.Contains(err.Error(), "FLAT") {
		t.Fatalf("ImportGrids with a flat ring = %v; want ErrInvalid naming FLAT", err)
	}
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM grids`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("grids after a failed import = %d, %v; want 0: the import is one transaction", n, err)
	}
	res, err := s.ImportGrids(ctx, grid110.GridImport{Level: grid110.LevelDistrict, Features: feats, SkipRejected: true})
	if err != nil {
		t.Fatalf("ImportGrids(SkipRejected) = %v", err)
	}
	if res.Inserted != 1 || len(res.Rejected) != 1 || res.Rejected[0].Code != "FLAT" {
		t.Errorf("SkipRejected: inserted %d, rejected %+v; want 1 and FLAT", res.Inserted, res.Rejected)
	}
	// A child that no parent-level grid touches is rejected too.
	_, err = s.ImportGrids(ctx, grid110.GridImport{Level: grid110.LevelTownship, Features: []grid110.ImportFeature{
		feature(0, "FAR", "远镇", square(120, 30, 0.01))}})
	if !errors.Is(err, grid110.ErrInvalid) || !strings.Contains(err.Error(), "no district grid intersects it") {
		t.Errorf("orphan township = %v; want rejected, no district intersects it", err)
	}
	// A code used at another level is not silently moved.
	_, err = s.ImportGrids(ctx, grid110.GridImport{Level: grid110.LevelTownship, ParentCode: "OK", Features: []grid110.ImportFeature{
		feature(0, "OK", "好镇", square(117, 24, 0.01))}})
	if !errors.Is(err, grid110.ErrInvalid) || !strings.Contains(err.Error(), "already used by a district") {
		t.Errorf("code clash = %v; want rejected, code already used by a district grid", err)
	}
	_, err = s.ImportGrids(ctx, grid110.GridImport{Level: grid110.LevelCommunity, ParentCode: "OK", Features: []grid110.ImportFeature{
		feature(0, "X", "某社区", square(117, 24, 0.01))}})
	if !errors.Is(err, grid110.ErrInvalid) || !strings.Contains(err.Error(), "parent must be a township") {
		t.Errorf("parent at the wrong level = %v; want ErrInvalid", err)
	}
}

func TestReportEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := t.Context()
	s := postgres.NewStore(pool)
	mustImport(t, s, grid110.GridImport{Level: grid110.LevelCity, Features: []grid110.ImportFeature{feature(0, "C", "市", square(117, 24, 1))}})
	var grid int64
	if err := pool.QueryRow(ctx, `SELECT id FROM grids`).Scan(&grid); err != nil {
		t.Fatal(err)
	}
	r, created, err := s.CreateReport(ctx, postgres.NewReport{Report: grid110.Report{TrackingCode: "T1", Category: "dispute",
		Description: "x", Channel: grid110.ChannelAPI, Location: orb.Point{117.5, 24.5}, InputCRS: "wgs84", GridID: grid, Priority: 3}, Actor: "test"})
	if err != nil || !created {
		t.Fatalf("CreateReport = %v, %v", created, err)
	}
	for _, q := range []string{`UPDATE report_events SET note = 'changed'`, `DELETE FROM report_events`, `TRUNCATE report_events CASCADE`} {
		if _, err := pool.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s = %v; want refused, append-only", q, err)
		}
	}
	evs, err := s.ReportEvents(ctx, r.ID)
	if err != nil || len(evs) != 1 || evs[0].To != grid110.StatusSubmitted {
		t.Errorf("events = %+v, %v; want one submitted event", evs, err)
	}
}
