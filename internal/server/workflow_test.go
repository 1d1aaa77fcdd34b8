package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"grid110/internal/grid110"
	"grid110/internal/signin"
)

// place is a community of the demo city with a point inside it.
type place struct {
	id       int64
	code     string
	district string
	township string
	lon, lat float64
}

// communities returns two communities of one township of 芗城区 and one of
// another district, each with a point surely inside it.
func communities(t *testing.T, a *app) (a1, a2, other place) {
	t.Helper()
	const q = `
		SELECT c.id, c.code, d.code, tw.code, ST_X(ST_PointOnSurface(c.geom)), ST_Y(ST_PointOnSurface(c.geom))
		FROM grids c JOIN grids tw ON tw.id = c.parent_id JOIN grids d ON d.id = tw.parent_id
		WHERE c.level = 'community' AND d.code = $1
		ORDER BY tw.code, c.code LIMIT 2`
	scan := func(district string, n int) []place {
		rows, err := a.pool.Query(t.Context(), q, district)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []place
		for rows.Next() {
			var p place
			if err := rows.Scan(&p.id, &p.code, &p.district, &p.township, &p.lon, &p.lat); err != nil {
				t.Fatal(err)
			}
			out = append(out, p)
		}
		if len(out) < n {
			t.Fatalf("district %s has %d communities; want %d", district, len(out), n)
		}
		return out
	}
	x := scan("350602", 2)
	if x[0].township != x[1].township {
		t.Fatalf("want two communities of one township, got %+v", x)
	}
	return x[0], x[1], scan("350623", 1)[0]
}

type caseReply struct {
	report
	AllowedMoves []string `json:"allowed_moves"`
	Reporter     *struct {
		Name   string `json:"name"`
		Phone  string `json:"phone"`
		Masked bool   `json:"masked"`
	} `json:"reporter"`
	ResolutionNote   string `json:"resolution_note"`
	LikelyDuplicates []struct {
		ID        int64   `json:"id"`
		DistanceM float64 `json:"distance_m"`
	} `json:"likely_duplicates"`
	Attachments []struct {
		ID          int64  `json:"id"`
		Kind        string `json:"kind"`
		ContentType string `json:"content_type"`
		SizeBytes   int64  `json:"size_bytes"`
		URL         string `json:"url"`
	} `json:"attachments"`
}

type moveError struct {
	Error         string   `json:"error"`
	Field         string   `json:"field"`
	CurrentStatus string   `json:"current_status"`
	AllowedMoves  []string `json:"allowed_moves"`
}

// submit files a report at p as a resident and returns it.
func submit(t *testing.T, a *app, p place, category string) caseReply {
	t.Helper()
	var r caseReply
	body := map[string]any{"category": category, "description": "测试 " + category, "lon": p.lon, "lat": p.lat,
		"crs": "wgs84", "reporter_name": "王小明", "reporter_phone": "13812345678", "channel": "qr"}
	if resp := a.do("POST", "/api/v1/reports", body, nil, &r); resp.StatusCode != 201 {
		t.Fatalf("submit = %d", resp.StatusCode)
	}
	return r
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	hdr := a.account("wang.fang", grid110.StaffGridWorker, "350602", "", "")
	var me struct {
		Username string   `json:"username"`
		Role     string   `json:"role"`
		Moves    []string `json:"moves"`
		Grid     gridRef  `json:"grid"`
	}
	if resp := a.do("GET", "/api/v1/auth/me", nil, hdr, &me); resp.StatusCode != 200 || me.Username != "wang.fang" ||
		me.Role != "grid_worker" || me.Grid.Code != "350602" || strings.Join(me.Moves, ",") != "file,reject,verify" {
		t.Errorf("me = %d %+v", resp.StatusCode, me)
	}
	// A wrong password and an unknown user get the same answer.
	var e1, e2 apiError
	r1 := a.do("POST", "/api/v1/auth/login", map[string]string{"username": "wang.fang", "password": "wrong password!"}, nil, &e1)
	r2 := a.do("POST", "/api/v1/auth/login", map[string]string{"username": "nobody", "password": "wrong password!"}, nil, &e2)
	if r1.StatusCode != 401 || r2.StatusCode != 401 || e1.Error != e2.Error {
		t.Errorf("bad sign-ins = %d %q, %d %q; want the same 401", r1.StatusCode, e1.Error, r2.StatusCode, e2.Error)
	}
	if resp := a.do("POST", "/api/v1/auth/login", map[string]string{"username": "wang.fang"}, nil, &e1); resp.StatusCode != 400 || e1.Field != "password" {
		t.Errorf("no password = %d %+v; want 400 naming password", resp.StatusCode, e1)
	}
	// A made-up token is refused, not served as anonymous.
	if resp := a.do("GET", "/api/v1/categories", nil, map[string]string{"Authorization": "Bearer g110s_forged"}, &e1); resp.StatusCode != 401 {
		t.Errorf("forged token = %d; want 401", resp.StatusCode)
	}
	if resp := a.do("GET", "/api/v1/auth/me", nil, nil, nil); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("anonymous me = %d; want 401 with WWW-Authenticate", resp.StatusCode)
	}
	// Signing out ends the token.
	if resp := a.do("POST", "/api/v1/auth/logout", nil, hdr, nil); resp.StatusCode != 204 {
		t.Errorf("logout = %d", resp.StatusCode)
	}
	if resp := a.do("GET", "/api/v1/auth/me", nil, hdr, nil); resp.StatusCode != 401 {
		t.Errorf("me after logout = %d; want 401", resp.StatusCode)
	}
	// Passwords are stored as argon2id, never in clear.
	var hash string
	if err := a.pool.QueryRow(t.Context(), `SELECT password_hash FROM staff WHERE username = 'wang.fang'`).Scan(&hash); err != nil ||
		!strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, testPassword) {
		t.Errorf("stored hash %q, %v", hash, err)
	}
}

func TestJurisdiction(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ca, cb, other := communities(t, a)
	inA, inB, far := submit(t, a, ca, "dispute"), submit(t, a, cb, "dispute"), submit(t, a, other, "dispute")
	gwA := a.account("gw-a", grid110.StaffGridWorker, ca.code, "", "")
	township := a.account("town", grid110.StaffCommandTownship, ca.township, "", "")
	district := a.account("xiangcheng", grid110.StaffCommandDistrict, "350602", "", "")
	city := a.account("city", grid110.StaffCommandCity, "350600", "", "")
	get := func(h map[string]string, id int64) int {
		return a.do("GET", fmt.Sprintf("/api/v1/reports/%d", id), nil, h, nil).StatusCode
	}
	for _, c := range []struct {
		who  string
		h    map[string]string
		id   int64
		want int
	}{
		{"grid worker of A, case in A", gwA, inA.ID, 200},
		{"grid worker of A, case in B", gwA, inB.ID, 404},
		{"grid worker of A, case in another district", gwA, far.ID, 404},
		{"township command, case in B", township, inB.ID, 200},
		{"township command, case in another district", township, far.ID, 404},
		{"district command, case in A", district, inA.ID, 200},
		{"district command, case in B", district, inB.ID, 200},
		{"district command, case in another district", district, far.ID, 404},
		{"city command, case in another district", city, far.ID, 200},
	} {
		if got := get(c.h, c.id); got != c.want {
			t.Errorf("%s: GET = %d; want %d", c.who, got, c.want)
		}
	}
	// A move on a case outside one's jurisdiction is 404 too, and writes nothing.
	if resp := a.do("POST", fmt.Sprintf("/api/v1/reports/%d/moves", inB.ID), map[string]any{"move": "file"}, gwA, nil); resp.StatusCode != 404 {
		t.Errorf("grid worker of A files a case in B = %d; want 404", resp.StatusCode)
	}
	// Listings hold only what the caller may see.
	list := func(h map[string]string) map[int64]bool {
		var page struct {
			Items []report `json:"items"`
		}
		if resp := a.do("GET", "/api/v1/reports?category=dispute&from=2026-11-20&limit=500", nil, h, &page); resp.StatusCode != 200 {
			t.Fatalf("list = %d", resp.StatusCode)
		}
		got := map[int64]bool{}
		for _, r := range page.Items {
			got[r.ID] = true
		}
		return got
	}
	if l := list(gwA); !l[inA.ID] || l[inB.ID] || l[far.ID] {
		t.Errorf("grid worker of A lists %v; want A's case only of the three", l)
	}
	if l := list(district); !l[inA.ID] || !l[inB.ID] || l[far.ID] {
		t.Errorf("district command lists %v; want A's and B's, not the other district's", l)
	}
	// An N-team member sees what was dispatched to the team, wherever it is.
	var teamID int64
	var teamCode string
	if err := a.pool.QueryRow(t.Context(), `SELECT id, code FROM teams WHERE kind = 'mediation' ORDER BY id LIMIT 1`).Scan(&teamID, &teamCode); err != nil {
		t.Fatal(err)
	}
	member := a.account("mediator", grid110.StaffTeamMember, ca.code, teamCode, "")
	if got := get(member, far.ID); got != 404 {
		t.Errorf("team member before dispatch: GET = %d; want 404", got)
	}
	move(t, a, city, far.ID, map[string]any{"move": "file"}, 200)
	move(t, a, city, far.ID, map[string]any{"move": "dispatch", "team_id": teamID}, 200)
	if got := get(member, far.ID); got != 200 {
		t.Errorf("team member after dispatch to the team: GET = %d; want 200", got)
	}
}

// move posts a workflow move and checks the status code.
func move(t *testing.T, a *app, h map[string]string, id int64, body map[string]any, want int) (caseReply, moveError) {
	t.Helper()
	var raw json.RawMessage
	resp := a.do("POST", fmt.Sprintf("/api/v1/reports/%d/moves", id), body, h, &raw)
	var out struct {
		Report caseReply `json:"report"`
	}
	var e moveError
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
	} else {
		_ = json.Unmarshal(raw, &e)
	}
	if resp.StatusCode != want {
		t.Fatalf("move %v on %d = %d %s; want %d", body, id, resp.StatusCode, raw, want)
	}
	return out.Report, e
}

func TestWorkflowOverHTTP(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ca, _, _ := communities(t, a)
	r := submit(t, a, ca, "dispute")
	var teamID int64
	var teamCode string
	if err := a.pool.QueryRow(t.Context(), `SELECT id, code FROM teams WHERE kind = 'mediation' ORDER BY id LIMIT 1`).Scan(&teamID, &teamCode); err != nil {
		t.Fatal(err)
	}
	gw := a.account("gw", grid110.StaffGridWorker, ca.code, "", "")
	cmd := a.account("town", grid110.StaffCommandTownship, ca.township, "", "")
	member := a.account("mediator", grid110.StaffTeamMember, ca.code, teamCode, "")
	other := a.account("other.team", grid110.StaffTeamMember, ca.code, teamCodeOf(t, a, "legal_aid"), "")

	var c caseReply
	a.do("GET", fmt.Sprintf("/api/v1/reports/%d", r.ID), nil, gw, &c)
	if strings.Join(c.AllowedMoves, ",") != "file,reject" || c.Reporter == nil || c.Reporter.Phone != "13812345678" || c.Reporter.Masked {
		t.Errorf("grid worker sees moves %v, reporter %+v; want file,reject and the full contact", c.AllowedMoves, c.Reporter)
	}
	// The role decides the move: a grid worker does not dispatch (403).
	move(t, a, gw, r.ID, map[string]any{"move": "file", "note": "已核实"}, 200)
	_, e := move(t, a, gw, r.ID, map[string]any{"move": "dispatch", "team_id": teamID}, 403)
	if !strings.Contains(e.Error, "grid_worker") {
		t.Errorf("403 says %q; want it to name the role", e.Error)
	}
	// The state decides too: closing a filed case is 409 with the current state.
	_, e = move(t, a, cmd, r.ID, map[string]any{"move": "close"}, 409)
	if e.CurrentStatus != "filed" || strings.Join(e.AllowedMoves, ",") != "reject,dispatch" {
		t.Errorf("409 body %+v; want current_status filed and its moves", e)
	}
	move(t, a, cmd, r.ID, map[string]any{"move": "dispatch", "team_id": 99999999}, 400)
	c, _ = move(t, a, cmd, r.ID, map[string]any{"move": "dispatch", "team_id": teamID, "note": "请调解"}, 200)
	if c.Status != "dispatched" || c.Team == nil || c.Team.ID != teamID {
		t.Errorf("after dispatch: %s team %+v", c.Status, c.Team)
	}
	// Only the assigned team works the case (another team's member sees
	// it, being of the same community, but may not start it); the
	// assignee sees the reporter's contact masked.
	if _, e := move(t, a, other, r.ID, map[string]any{"move": "start"}, 403); !strings.Contains(e.Error, "not assigned") {
		t.Errorf("another team's member: %+v", e)
	}
	a.do("GET", fmt.Sprintf("/api/v1/reports/%d", r.ID), nil, member, &c)
	if c.Reporter == nil || !c.Reporter.Masked || c.Reporter.Phone != "138****5678" || c.Reporter.Name != "王**" {
		t.Errorf("team member sees reporter %+v; want masked", c.Reporter)
	}
	if strings.Join(c.AllowedMoves, ",") != "start,return,request_extension" {
		t.Errorf("team member may %v", c.AllowedMoves)
	}
	move(t, a, member, r.ID, map[string]any{"move": "start"}, 200)
	_, e = move(t, a, member, r.ID, map[string]any{"move": "resolve"}, 400)
	if e.Field != "note" {
		t.Errorf("resolve without a note: %+v; want 400 naming note", e)
	}
	// The result photo is uploaded first, then claimed by the resolve move.
	ct, body := multipartFiles(t, map[string][]byte{"photo#result.png": pngBytes(t, 32, 32)})
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/reports/%d/attachments", a.url, r.ID), body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", member["Authorization"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var atts []struct {
		ID int64 `json:"id"`
	}
	json.NewDecoder(resp.Body).Decode(&atts) //nolint:errcheck
	resp.Body.Close()
	if resp.StatusCode != 201 || len(atts) != 1 {
		t.Fatalf("upload result photo = %d %v", resp.StatusCode, atts)
	}
	move(t, a, member, r.ID, map[string]any{"move": "resolve", "note": "双方已和解", "attachments": []int64{atts[0].ID}}, 200)
	move(t, a, gw, r.ID, map[string]any{"move": "verify", "note": "现场核查属实"}, 200)
	c, _ = move(t, a, cmd, r.ID, map[string]any{"move": "close"}, 200)
	if c.Status != "closed" || c.ResolutionNote != "双方已和解" || len(c.AllowedMoves) != 1 || c.AllowedMoves[0] != "reopen" {
		t.Errorf("closed case: %s note %q moves %v", c.Status, c.ResolutionNote, c.AllowedMoves)
	}
	if len(c.Attachments) != 1 || c.Attachments[0].ID != atts[0].ID {
		t.Errorf("attachments %+v; want the result photo", c.Attachments)
	}
	var claimedBy int64
	if err := a.pool.QueryRow(t.Context(), `SELECT e.id FROM attachments a JOIN report_events e ON e.id = a.event_id
		WHERE a.id = $1 AND e.kind = 'resolved'`, atts[0].ID).Scan(&claimedBy); err != nil {
		t.Errorf("the result photo is not claimed by the resolved event: %v", err)
	}
	var kinds []string
	for _, ev := range c.Events {
		kinds = append(kinds, ev.Kind)
	}
	if strings.Join(kinds, ",") != "submitted,filed,dispatched,in_progress,resolved,verified,closed" {
		t.Errorf("audit trail %v", kinds)
	}
	var actor string
	if err := a.pool.QueryRow(t.Context(), `SELECT actor FROM report_events WHERE report_id = $1 AND kind = 'filed'`, r.ID).Scan(&actor); err != nil || actor != "grid_worker:gw" {
		t.Errorf("filed by %q, %v; want grid_worker:gw", actor, err)
	}
	// Unknown moves and bad ids are 400 naming the field.
	if _, e := move(t, a, cmd, r.ID, map[string]any{"move": "teleport"}, 400); e.Field != "move" {
		t.Errorf("unknown move: %+v", e)
	}
	if resp := a.do("POST", "/api/v1/reports/x/moves", map[string]any{"move": "file"}, cmd, nil); resp.StatusCode != 400 {
		t.Errorf("bad id = %d", resp.StatusCode)
	}
}

func teamCodeOf(t *testing.T, a *app, kind string) string {
	t.Helper()
	var code string
	if err := a.pool.QueryRow(t.Context(), `SELECT code FROM teams WHERE kind = $1 ORDER BY id LIMIT 1`, kind).Scan(&code); err != nil {
		t.Fatal(err)
	}
	return code
}

// apiKey creates an API client account and returns headers with its key.
func (a *app) apiKey(username, gridCode string) map[string]string {
	a.t.Helper()
	svc := signin.New(a.store, 0)
	if _, err := svc.AddAccount(a.t.Context(), signin.NewAccount{Username: username, DisplayName: username,
		Role: grid110.StaffAPIClient, GridCode: gridCode}); err != nil {
		a.t.Fatal(err)
	}
	key, err := svc.NewAPIKey(a.t.Context(), username, "test")
	if err != nil {
		a.t.Fatal(err)
	}
	return map[string]string{"X-API-Key": key}
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ca, _, other := communities(t, a)
	key := a.apiKey("hotline", "350602")
	var r caseReply
	body := map[string]any{"category": "tip", "description": "12345 热线转来", "lon": ca.lon, "lat": ca.lat}
	if resp := a.do("POST", "/api/v1/reports", body, key, &r); resp.StatusCode != 201 {
		t.Fatalf("submit with key = %d", resp.StatusCode)
	}
	var actor, channel string
	if err := a.pool.QueryRow(t.Context(), `SELECT e.actor, r.channel FROM report_events e JOIN reports r ON r.id = e.report_id
		WHERE e.report_id = $1`, r.ID).Scan(&actor, &channel); err != nil || actor != "api_client:hotline" || channel != "api" {
		t.Errorf("submitted by %q via %q, %v; want api_client:hotline via api", actor, channel, err)
	}
	if resp := a.do("GET", fmt.Sprintf("/api/v1/reports/%d", r.ID), nil, key, &r); resp.StatusCode != 200 || len(r.AllowedMoves) != 0 {
		t.Errorf("read with key = %d, moves %v; want 200 and no moves", resp.StatusCode, r.AllowedMoves)
	}
	if r.Reporter != nil && !r.Reporter.Masked {
		t.Errorf("API client sees contact %+v unmasked", r.Reporter)
	}
	far := submit(t, a, other, "tip")
	if resp := a.do("GET", fmt.Sprintf("/api/v1/reports/%d", far.ID), nil, key, nil); resp.StatusCode != 404 {
		t.Errorf("key of 芗城区 reads a case elsewhere = %d; want 404", resp.StatusCode)
	}
	move(t, a, key, r.ID, map[string]any{"move": "file"}, 403)
	// The key is stored hashed, and a revoked key stops working.
	var n int
	if err := a.pool.QueryRow(t.Context(), `SELECT count(*) FROM api_keys WHERE key_hash = sha256(convert_to($1, 'UTF8'))`, key["X-API-Key"]).Scan(&n); err != nil || n != 1 {
		t.Errorf("keys with that hash = %d, %v", n, err)
	}
	if _, err := a.pool.Exec(t.Context(), `UPDATE api_keys SET revoked_at = now()`); err != nil {
		t.Fatal(err)
	}
	if resp := a.do("GET", fmt.Sprintf("/api/v1/reports/%d", r.ID), nil, key, nil); resp.StatusCode != 401 {
		t.Errorf("revoked key = %d; want 401", resp.StatusCode)
	}
}

type tracking struct {
	TrackingCode string `json:"tracking_code"`
	Status       string `json:"status"`
	Open         bool   `json:"open"`
	History      []struct {
		Kind   string `json:"kind"`
		Status string `json:"status"`
		Note   string `json:"note"`
	} `json:"history"`
	CanRate bool `json:"can_rate"`
	Rating  *struct {
		Satisfied bool   `json:"satisfied"`
		Comment   string `json:"comment"`
	} `json:"rating"`
}

func TestTrackAndRate(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ca, _, _ := communities(t, a)
	r := submit(t, a, ca, "environment")
	cmd := a.account("town", grid110.StaffCommandTownship, ca.township, "", "")
	path := "/api/v1/track/" + strings.ToLower(strings.ReplaceAll(r.TrackingCode, "-", ""))
	var tr tracking
	if resp := a.do("GET", path, nil, nil, &tr); resp.StatusCode != 200 || tr.TrackingCode != r.TrackingCode || tr.CanRate {
		t.Fatalf("track (typed in lower case, no dashes) = %d %+v", resp.StatusCode, tr)
	}
	rate := func(body map[string]any, want int) tracking {
		t.Helper()
		var out tracking
		if resp := a.do("POST", path+"/rating", body, nil, &out); resp.StatusCode != want {
			t.Fatalf("rate %v = %d; want %d", body, resp.StatusCode, want)
		}
		return out
	}
	rate(map[string]any{"satisfied": true}, 409) // nothing to rate yet
	rate(map[string]any{"comment": "?"}, 400)    // satisfied is required
	dept := a.account("urban", grid110.StaffDepartment, "350602", "", "urban_mgmt")
	gw := a.account("gw", grid110.StaffGridWorker, ca.code, "", "")
	move(t, a, gw, r.ID, map[string]any{"move": "file"}, 200)
	move(t, a, cmd, r.ID, map[string]any{"move": "dispatch", "department": "urban_mgmt", "note": "内部备注: 联系王小明"}, 200)
	move(t, a, dept, r.ID, map[string]any{"move": "start"}, 200)
	move(t, a, dept, r.ID, map[string]any{"move": "resolve", "note": "垃圾已清运"}, 200)

	a.do("GET", path, nil, nil, &tr)
	if !tr.CanRate || tr.Status != "resolved" {
		t.Errorf("resolved case: %+v; want can_rate", tr)
	}
	var body bytes.Buffer
	resp, err := http.Get(a.url + path)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(&body, resp.Body) //nolint:errcheck
	resp.Body.Close()
	for _, secret := range []string{"王小明", "13812345678", "town", "gw", "urban", "内部备注"} {
		if strings.Contains(body.String(), secret) {
			t.Errorf("tracking page shows %q: %s", secret, body.String())
		}
	}
	if !strings.Contains(body.String(), "垃圾已清运") {
		t.Errorf("tracking page lacks the result note: %s", body.String())
	}
	// Not satisfied reopens the case; the same result cannot be rated twice.
	tr = rate(map[string]any{"satisfied": false, "comment": "还有垃圾"}, 200)
	if tr.Status != "reopened" || tr.CanRate || tr.Rating == nil || tr.Rating.Satisfied {
		t.Errorf("after an unsatisfied rating: %+v; want reopened", tr)
	}
	rate(map[string]any{"satisfied": true}, 409)
	// Worked again, verified on site, then a satisfied rating closes it.
	move(t, a, cmd, r.ID, map[string]any{"move": "dispatch", "department": "urban_mgmt"}, 200)
	move(t, a, dept, r.ID, map[string]any{"move": "start"}, 200)
	move(t, a, dept, r.ID, map[string]any{"move": "resolve", "note": "已彻底清理"}, 200)
	move(t, a, gw, r.ID, map[string]any{"move": "verify"}, 200)
	tr = rate(map[string]any{"satisfied": true, "comment": "谢谢"}, 200)
	if tr.Status != "closed" || tr.Open || tr.CanRate {
		t.Errorf("after a satisfied rating of a verified case: %+v; want closed", tr)
	}
	var priority int
	if err := a.pool.QueryRow(t.Context(), `SELECT priority FROM reports WHERE id = $1`, r.ID).Scan(&priority); err != nil || priority >= r.Priority {
		t.Errorf("priority %d after a reopen, was %d; want raised", priority, r.Priority)
	}
	if resp := a.do("GET", "/api/v1/track/0000-0000-0000", nil, nil, nil); resp.StatusCode != 404 {
		t.Errorf("unknown code = %d; want 404", resp.StatusCode)
	}
	var e apiError
	if resp := a.do("GET", "/api/v1/track/robert'); DROP", nil, nil, &e); resp.StatusCode != 400 || e.Field != "code" {
		t.Errorf("bad code = %d %+v; want 400", resp.StatusCode, e)
	}
}

// sse reads Server-Sent Events from path into a channel of data lines.
func sse(t *testing.T, a *app, path string, hdr map[string]string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", a.url+path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET %s = %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan string, 100)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				out <- d
			}
		}
		close(out)
	}()
	return out
}

type liveEvent struct {
	EventID int64   `json:"event_id"`
	ID      int64   `json:"id"`
	Op      string  `json:"op"`
	Status  string  `json:"status"`
	GridID  int64   `json:"grid_id"`
	Lon     float64 `json:"lon"`
}

// next waits up to d for an event about report id.
func next(t *testing.T, ch <-chan string, id int64, d time.Duration) (liveEvent, bool) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case data, ok := <-ch:
			if !ok {
				return liveEvent{}, false
			}
			var ev liveEvent
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Fatalf("event %q: %v", data, err)
			}
			if ev.ID == id {
				return ev, true
			}
		case <-deadline:
			return liveEvent{}, false
		}
	}
}

func TestLiveEvents(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ca, _, other := communities(t, a)
	district := a.account("xiangcheng", grid110.StaffCommandDistrict, "350602", "", "")
	if resp := a.do("GET", "/api/v1/events", nil, nil, nil); resp.StatusCode != 401 {
		t.Errorf("anonymous events = %d; want 401", resp.StatusCode)
	}
	// EventSource cannot send headers: the token may come as access_token.
	token := strings.TrimPrefix(district["Authorization"], "Bearer ")
	ch := sse(t, a, "/api/v1/events?access_token="+token, nil)
	start := time.Now()
	r := submit(t, a, ca, "public_order")
	ev, ok := next(t, ch, r.ID, 2*time.Second)
	if !ok || ev.Op != "created" || ev.Status != "submitted" || ev.GridID != r.Grid.ID {
		t.Fatalf("live event for a new report in the district: %+v, %v", ev, ok)
	}
	t.Logf("new report on the live stream after %v", time.Since(start))
	// A case elsewhere does not reach this district's stream.
	far := submit(t, a, other, "public_order")
	if ev, ok := next(t, ch, far.ID, 500*time.Millisecond); ok {
		t.Errorf("district stream got a case of another district: %+v", ev)
	}
	// Moves stream too.
	move(t, a, district, r.ID, map[string]any{"move": "file"}, 200)
	if ev, ok := next(t, ch, r.ID, 2*time.Second); !ok || ev.Op != "moved" || ev.Status != "filed" {
		t.Errorf("live event for the move: %+v, %v", ev, ok)
	}
	// A client that reconnects with Last-Event-ID gets what it missed.
	hdr := map[string]string{"Authorization": district["Authorization"], "Last-Event-ID": fmt.Sprint(ev.EventID - 1)}
	again := sse(t, a, "/api/v1/events", hdr)
	if ev2, ok := next(t, again, r.ID, 2*time.Second); !ok || ev2.EventID != ev.EventID {
		t.Errorf("catch-up after Last-Event-ID %d: %+v, %v; want event %d", ev.EventID-1, ev2, ok, ev.EventID)
	}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range w {
		img.Set(i, i%h, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// multipartFiles builds a multipart form of files only.
func multipartFiles(t *testing.T, files map[string][]byte) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for name, data := range files {
		field, _, _ := strings.Cut(name, "#")
		fw, err := w.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data) //nolint:errcheck
	}
	w.Close()
	return w.FormDataContentType(), &b
}

// multipartReport builds a multipart report with the given files.
func multipartReport(t *testing.T, report map[string]any, files map[string][]byte) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	js, _ := json.Marshal(report)
	if err := w.WriteField("report", string(js)); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		field, _, _ := strings.Cut(name, "#")
		fw, err := w.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data) //nolint:errcheck
	}
	w.Close()
	return w.FormDataContentType(), &b
}

func postMultipart(t *testing.T, a *app, ct string, body io.Reader, hdr map[string]string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("POST", a.url+"/api/v1/reports", body)
	req.Header.Set("Content-Type", ct)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out) //nolint:errcheck
	}
	return resp.StatusCode
}

func TestReportWithPhotoAndDuplicates(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ca, _, _ := communities(t, a)
	first := submit(t, a, ca, "safety_hazard")
	photo := pngBytes(t, 64, 48)
	rep := map[string]any{"category": "safety_hazard", "description": "楼道堆放杂物", "lon": ca.lon + 0.0002, "lat": ca.lat, "channel": "qr"}
	ct, body := multipartReport(t, rep, map[string][]byte{"photo#1.png": photo})
	data := body.Bytes()
	var got caseReply
	key := map[string]string{"Idempotency-Key": "photo-report-1"}
	if code := postMultipart(t, a, ct, bytes.NewReader(data), key, &got); code != 201 {
		t.Fatalf("multipart report = %d", code)
	}
	if len(got.Attachments) != 1 || got.Attachments[0].ContentType != "image/png" || got.Attachments[0].SizeBytes != int64(len(photo)) {
		t.Errorf("attachments %+v; want the one PNG", got.Attachments)
	}
	if len(got.LikelyDuplicates) != 1 || got.LikelyDuplicates[0].ID != first.ID || got.LikelyDuplicates[0].DistanceM < 15 || got.LikelyDuplicates[0].DistanceM > 25 {
		t.Errorf("likely duplicates %+v; want report %d about 20 m away", got.LikelyDuplicates, first.ID)
	}
	// A retry of the same upload stores nothing new.
	var again caseReply
	if code := postMultipart(t, a, ct, bytes.NewReader(data), key, &again); code != 201 || again.ID != got.ID || len(again.Attachments) != 1 {
		t.Errorf("retry = %d, report %d with %d attachments; want the same report", code, again.ID, len(again.Attachments))
	}
	// Staff fetch the photo's bytes; the public cannot.
	admin := a.admin()
	req, _ := http.NewRequest("GET", a.url+got.Attachments[0].URL, nil)
	req.Header.Set("Authorization", admin["Authorization"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(b, photo) || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("attachment = %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(b))
	}
	if resp := a.do("GET", got.Attachments[0].URL, nil, nil, nil); resp.StatusCode != 401 {
		t.Errorf("anonymous attachment = %d; want 401", resp.StatusCode)
	}
	// Staff see the duplicate and link it to its original.
	var c caseReply
	a.do("GET", fmt.Sprintf("/api/v1/reports/%d", got.ID), nil, admin, &c)
	if len(c.LikelyDuplicates) != 1 || c.LikelyDuplicates[0].ID != first.ID {
		t.Errorf("staff see duplicates %+v", c.LikelyDuplicates)
	}
	move(t, a, admin, got.ID, map[string]any{"move": "reject", "note": "重复", "duplicate_of": first.ID}, 200)
	// Files that are not what they claim are refused, naming the field and why.
	for _, tc := range []struct {
		files map[string][]byte
		field string
		says  string
	}{
		{map[string][]byte{"photo#a.jpg": []byte("#!/bin/sh\necho not a photo\n")}, "photo", "text/plain"},
		{map[string][]byte{"voice#v.webm": photo}, "voice", "image/png"},
		{map[string][]byte{"video#x.mp4": photo}, "video", "unknown form field"},
		{map[string][]byte{"photo#big.png": append(pngBytes(t, 8, 8), make([]byte, 11<<20)...)}, "photo", "larger than 10 MB"},
	} {
		ct, body := multipartReport(t, rep, tc.files)
		var e apiError
		if code := postMultipart(t, a, ct, body, nil, &e); code != 400 || e.Field != tc.field || !strings.Contains(e.Error, tc.says) {
			t.Errorf("%v: %d %+v; want 400 on %s saying %q", sortedNames(tc.files), code, e, tc.field, tc.says)
		}
	}
}

func sortedNames(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestWrongMethodIs405(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var e apiError
	if resp := a.do("DELETE", "/api/v1/categories", nil, nil, &e); resp.StatusCode != 405 || e.Error == "" {
		t.Errorf("DELETE /api/v1/categories = %d %+v; want 405 with a message", resp.StatusCode, e)
	}
	if resp := a.do("GET", "/api/v1/no-such-thing", nil, nil, nil); resp.StatusCode != 404 {
		t.Errorf("unknown path = %d; want 404", resp.StatusCode)
	}
}
