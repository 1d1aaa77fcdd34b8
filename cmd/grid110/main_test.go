package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"grid110/internal/demo"
	"grid110/internal/grid110"
	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
	"grid110/internal/signin"
)

// TestImportAndLocateCommands runs the binary's commands end to end: import
// the real Zhangzhou counties (GCJ-02), import teams from CSV, then locate
// a CSV of points.
func TestImportAndLocateCommands(t *testing.T) {
	t.Parallel()
	url, _ := pgtest.NewFrom(t, "base", nil)
	dir := t.TempDir()
	zz := filepath.Join(dir, "350600_full.json")
	if err := os.WriteFile(zz, demo.ZhangzhouGeoJSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "DATABASE_URL" {
			return url
		}
		return ""
	}
	var out, errs bytes.Buffer
	if err := run(t.Context(), []string{"import", "grids", zz, "--level", "district", "--crs", "gcj02"}, env, &out, &errs); err != nil {
		t.Fatalf("import grids: %v\n%s", err, errs.String())
	}
	for _, want := range []string{"11 district grids inserted", "repaired (2)", "350622 云霄县: Self-intersection", "350628 平和县: Self-intersection"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("import report lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errs.String(), "stage=repair") {
		t.Errorf("no progress in the log:\n%s", errs.String())
	}
	teams := filepath.Join(dir, "teams.csv")
	err := os.WriteFile(teams, []byte("code,kind,name,grid_code,service_grid_code,lon,lat,on_duty,phone,members\n"+
		"P1,patrol,芗城区治安巡逻队,350602,350602,117.66,24.515,true,0596-1,leader:陈队长|member:李四\n"+
		"E1,emergency,龙文区应急救援队,350603,,117.70,24.52,false,,\n"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(t.Context(), []string{"import", "teams", teams, "--crs", "gcj02"}, env, &out, &errs); err != nil {
		t.Fatalf("import teams: %v", err)
	}
	if !strings.Contains(out.String(), "2 inserted") {
		t.Errorf("import teams said %q", out.String())
	}
	in := filepath.Join(dir, "points.csv")
	if err := os.WriteFile(in, []byte("id,lon,lat,crs\n1,117.65,24.51,gcj02\n2,118.10,24.48,wgs84\n3,abc,24.5,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	located := filepath.Join(dir, "located.csv")
	if err := run(t.Context(), []string{"locate", "--in", in, "--out", located}, env, &out, &errs); err != nil {
		t.Fatalf("locate: %v", err)
	}
	f, err := os.Open(located)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "id" || rows[0][len(rows[0])-1] != "error" {
		t.Fatalf("located.csv = %v", rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if r := rows[1]; r[col["grid_code"]] != "350602" || r[col["grid_name"]] != "芗城区" || r[col["nearest_team"]] != "芗城区治安巡逻队" || r[col["error"]] != "" {
		t.Errorf("row 1 = %v; want 芗城区 and its patrol team", r)
	}
	if r := rows[2]; !strings.Contains(r[col["error"]], "outside every grid") {
		t.Errorf("row 2 = %v; want an outside-every-grid error", r)
	}
	if r := rows[3]; !strings.Contains(r[col["error"]], "not a longitude/latitude") {
		t.Errorf("row 3 = %v; want a bad-coordinate error", r)
	}

	// The first administrator, then an API client and its key.
	withPW := func(k string) string {
		if k == "GRID110_PASSWORD" {
			return "a long enough password"
		}
		return env(k)
	}
	if err := run(t.Context(), []string{"users", "add", "--username", "Boss", "--role", "admin", "--grid", "350602"}, withPW, &out, &errs); err != nil {
		t.Fatalf("users add: %v\n%s", err, errs.String())
	}
	for _, bad := range [][]string{
		{"users", "add", "--username", "x2", "--role", "mayor", "--grid", "350602"},
		{"users", "add", "--username", "x3", "--role", "admin", "--grid", "999999"},
		{"users", "add", "--username", "boss", "--role", "admin", "--grid", "350602"},
		{"users", "add", "--username", "x4", "--role", "team_member", "--grid", "350602"},
	} {
		if err := run(t.Context(), bad, withPW, &out, &errs); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if err := run(t.Context(), []string{"users", "add", "--username", "hotline", "--role", "api_client", "--grid", "350602"}, env, &out, &errs); err != nil {
		t.Fatalf("users add api_client: %v", err)
	}
	out.Reset()
	if err := run(t.Context(), []string{"users", "key", "--username", "hotline", "--name", "12345 hotline"}, env, &out, &errs); err != nil {
		t.Fatalf("users key: %v", err)
	}
	key := strings.TrimSpace(out.String())
	pool, err := postgres.Open(t.Context(), url, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	svc := signin.New(postgres.NewStore(pool), 0)
	if p, err := svc.Recognise(t.Context(), key); err != nil || p.Username != "hotline" || p.Role != grid110.StaffAPIClient {
		t.Errorf("key %q recognised as %+v, %v", key, p, err)
	}
	if s, err := svc.SignIn(t.Context(), "boss", "a long enough password", "test"); err != nil || s.Principal.Role != grid110.StaffAdmin {
		t.Errorf("sign in as the administrator: %+v, %v", s, err)
	}
}

func TestUsageAndConfigErrors(t *testing.T) {
	t.Parallel()
	var out, errs bytes.Buffer
	noenv := func(string) string { return "" }
	if err := run(t.Context(), nil, noenv, &out, &errs); err == nil || !strings.Contains(errs.String(), "Usage") {
		t.Errorf("no command: %v, %q", err, errs.String())
	}
	if err := run(t.Context(), []string{"fly"}, noenv, &out, &errs); err == nil {
		t.Error("unknown command accepted")
	}
	if err := run(t.Context(), []string{"migrate"}, noenv, &out, &errs); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("migrate without a database = %v; want a message naming DATABASE_URL", err)
	}
	bad := func(k string) string {
		if k == "GRID110_REQUEST_TIMEOUT" {
			return "soon"
		}
		return ""
	}
	if err := run(t.Context(), []string{"serve"}, bad, &out, &errs); err == nil || !strings.Contains(err.Error(), "GRID110_REQUEST_TIMEOUT") {
		t.Errorf("bad timeout = %v", err)
	}
}
