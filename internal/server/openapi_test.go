package server

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"grid110/internal/grid110"
	"grid110/internal/intake"
	"grid110/internal/locate"
	"grid110/internal/postgres"
)

// loadOpenAPI parses openapi.json, the document GET /api/v1/openapi.json serves.
func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return doc
}

func TestOpenAPIVersion(t *testing.T) {
	doc := loadOpenAPI(t)
	if v, _ := doc["openapi"].(string); v != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", v)
	}
	info, _ := doc["info"].(map[string]any)
	for _, k := range []string{"title", "version", "description"} {
		if s, _ := info[k].(string); s == "" {
			t.Errorf("info.%s is missing", k)
		}
	}
}

var (
	// groupRe finds route groups, such as api := e.Group("/api/v1").
	groupRe = regexp.MustCompile(`(\w+)\s*:=\s*e\.Group\("([^"]*)"[^)]*\)`)
	// routeRe finds route registrations with a literal path, such as api.GET("/reports/:id", ...).
	routeRe = regexp.MustCompile(`\b(\w+)\.(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\("([^"]*)"`)
	// callRe finds every route registration, to catch any routeRe cannot read.
	callRe = regexp.MustCompile(`\b\w+\.(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\(`)
	// paramRe is an Echo path parameter.
	paramRe = regexp.MustCompile(`:(\w+)`)
)

// registeredRoutes reads routes.go and returns its routes as "METHOD /path"
// with OpenAPI path templates ({id} for Echo's :id).
func registeredRoutes(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	prefix := map[string]string{"e": ""}
	for _, m := range groupRe.FindAllStringSubmatch(src, -1) {
		prefix[m[1]] = m[2]
	}
	routes := map[string]bool{}
	for _, m := range routeRe.FindAllStringSubmatch(src, -1) {
		p, ok := prefix[m[1]]
		if !ok {
			t.Errorf("routes.go: route %s %q on unknown group %q", m[2], m[3], m[1])
			continue
		}
		routes[m[2]+" "+paramRe.ReplaceAllString(p+m[3], "{$1}")] = true
	}
	if n, m := len(callRe.FindAllString(src, -1)), len(routeRe.FindAllString(src, -1)); n != m {
		t.Errorf("routes.go registers %d routes, but only %d have a literal path this test can read", n, m)
	}
	if len(routes) == 0 {
		t.Fatal("found no routes in routes.go")
	}
	return routes
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true,
	"head": true, "patch": true, "trace": true}

func TestOpenAPIRoutesDocumented(t *testing.T) {
	doc := loadOpenAPI(t)
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("openapi.json has no paths")
	}
	documented := map[string]bool{}
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for method := range ops {
			if httpMethods[method] {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	routes := registeredRoutes(t)
	for _, r := range sortedKeys(routes) {
		if !documented[r] {
			t.Errorf("route %s is registered in routes.go but not documented in openapi.json", r)
		}
	}
	for _, d := range sortedKeys(documented) {
		if !routes[d] {
			t.Errorf("openapi.json documents %s, which routes.go does not register", d)
		}
	}
}

// TestOpenAPIOperations checks each operation: a unique operationId, a
// declared parameter for every path template, and at least one response.
func TestOpenAPIOperations(t *testing.T) {
	doc := loadOpenAPI(t)
	paths, _ := doc["paths"].(map[string]any)
	ids := map[string]string{}
	tmpl := regexp.MustCompile(`\{(\w+)\}`)
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for method, o := range ops {
			if !httpMethods[method] {
				continue
			}
			op, _ := o.(map[string]any)
			where := strings.ToUpper(method) + " " + path
			id, _ := op["operationId"].(string)
			if id == "" {
				t.Errorf("%s has no operationId", where)
			} else if other, dup := ids[id]; dup {
				t.Errorf("operationId %q is used by %s and %s", id, other, where)
			}
			ids[id] = where
			if resp, _ := op["responses"].(map[string]any); len(resp) == 0 {
				t.Errorf("%s has no responses", where)
			}
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			if common, ok := ops["parameters"].([]any); ok {
				params = append(params, common...)
			}
			for _, p := range params {
				pm, _ := resolve(doc, p).(map[string]any)
				if pm["in"] == "path" {
					if pm["required"] != true {
						t.Errorf("%s: path parameter %v is not required", where, pm["name"])
					}
					declared[pm["name"].(string)] = true
				}
			}
			for _, m := range tmpl.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter {%s} is not declared", where, m[1])
				}
			}
		}
	}
}

func TestOpenAPIRefsResolve(t *testing.T) {
	doc := loadOpenAPI(t)
	n := 0
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "$ref" {
					n++
					ref, _ := x.(string)
					if !strings.HasPrefix(ref, "#/components/") {
						t.Errorf("%s: $ref %q does not point into #/components", at, ref)
					} else if pointer(doc, ref) == nil {
						t.Errorf("%s: $ref %q does not resolve", at, ref)
					}
					continue
				}
				walk(at+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(at+"/"+strconv.Itoa(i), x)
			}
		}
	}
	walk("#", doc)
	if n == 0 {
		t.Error("openapi.json has no $ref at all")
	}
}

// pointer follows a local JSON pointer ("#/a/b") through doc; nil if it leads nowhere.
func pointer(doc map[string]any, ref string) any {
	var v any = doc
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		if v, ok = m[tok]; !ok {
			return nil
		}
	}
	return v
}

// resolve follows v's $ref, if it has one.
func resolve(doc map[string]any, v any) any {
	for i := 0; i < 8; i++ {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		v = pointer(doc, ref)
	}
	return v
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestOpenAPISchemasMatchGoTypes checks that each schema's property names are
// exactly the JSON keys the Go type it describes produces with every optional
// field set, and that its required properties are exactly the keys it
// produces with every field at its zero value (so omitempty fields are optional).
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	f := 1.5
	at := time.Date(2026, 11, 28, 21, 14, 5, 0, time.FixedZone("CST", 8*3600))
	ref := grid110.GridRef{ID: 2, ParentID: 1, Level: grid110.LevelDistrict, Code: "350602", Name: "芗城区"}
	team := locate.TeamRef{ID: 7, Code: "T", Kind: grid110.KindPatrol, Name: "巡逻队", OnDuty: true,
		Base: &[2]float64{117.6, 24.5}, Members: []locate.MemberRef{{Role: grid110.RoleLeader, Name: "黄"}}}
	near := locate.NearbyTeam{TeamRef: team, DistanceM: 300, OutsideServiceArea: true}
	ll := lonLat{117.65, 24.51, "gcj02"}
	res := locateResponse{Input: ll, Point: ll, Grid: ref, Chain: []grid110.GridRef{ref}, DutyTeam: &team,
		Teams: []locate.NearbyTeam{near}}
	eb := errorBody{Error: "e", Field: "lon", Nearest: &nearestGridRef{GridRef: ref, DistanceM: 3},
		CurrentStatus: grid110.StatusFiled, AllowedMoves: []grid110.Move{grid110.MoveDispatch}}
	ev := grid110.Event{ID: 1, At: at, Actor: "a", Kind: "k", From: grid110.StatusFiled, To: grid110.StatusDispatched,
		Note: "n", Data: map[string]any{"x": 1}}
	rep := reportResponse{ID: 1, Location: ll, Input: &ll, Grid: &ref, Chain: []grid110.GridRef{ref}, DutyTeam: &team,
		Team: &near, Department: "d", CreatedAt: at, UpdatedAt: at, DueAt: &at, Events: []grid110.Event{ev}}
	rep.Stage, rep.StageDueAt, rep.Overdue, rep.Escalations, rep.SupervisingGrid = grid110.StageHandling, &at, true, 1, &ref
	g := grid110.Grid{GridRef: ref, Geom: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}, AreaM: 10}
	detail := gridFeature(g)
	detail.Properties["chain"] = []grid110.GridRef{ref} // as getGrid adds them
	detail.Properties["duty_team"] = team
	fc := geojson.NewFeatureCollection()
	fc.Append(gridFeature(g))
	d := 3.0
	user := userResponse{Principal: grid110.Principal{TeamID: 1, Department: "d"}, Grid: &ref}
	dup := duplicateRef{ID: 1}
	att := attachmentRef{ID: 1, EventID: 2}
	cs := caseResponse{reportResponse: rep, Reporter: &reporterContact{}, ResolutionNote: "n", ExtensionRequestedUntil: &at,
		DuplicateOf: 3, LikelyDuplicates: []duplicateRef{dup}, Attachments: []attachmentRef{att}}
	step := postgres.TrackingStep{Status: "filed", Note: "n"}
	sh := stageHours{&d, &d, &d, &d, &d}
	sm := statsMetrics{ClosureRate: &d, OnTimeRate: &d, MedianHours: sh}
	sf := statsFilter{Grid: 2, GridCode: "350602", GridName: "芗城区", Category: "dispute", Status: grid110.StatusClosed,
		Team: 3, From: &at, To: &at}
	cases := []struct {
		schema    string
		full, min any // min nil: skip the required check (request bodies)
	}{
		{"Error", eb, errorBody{}},
		{"NearestGrid", nearestGridRef{GridRef: ref, DistanceM: 3}, nearestGridRef{}},
		{"GridRef", ref, grid110.GridRef{}},
		{"LonLat", ll, lonLat{}},
		{"MemberRef", locate.MemberRef{Role: grid110.RoleMedic, Name: "n"}, locate.MemberRef{}},
		{"TeamRef", team, locate.TeamRef{}},
		{"NearbyTeam", near, locate.NearbyTeam{}},
		{"LocateRequest", locateRequest{Lon: &f, Lat: &f, CRS: "gcj02", Category: "tip"}, nil},
		{"LocateResponse", res, locateResponse{}},
		{"BatchResult", batchItem{locateResponse: &res, Status: 200, Index: 1}, batchItem{locateResponse: &locateResponse{}}},
		{"BatchFailure", batchItem{Error: &eb, Status: 422, Index: 1}, batchItem{Error: &errorBody{}}},
		{"ReportRequest", intake.Request{Lon: &f, Lat: &f, IdempotencyKey: "k"}, nil},
		{"Event", ev, grid110.Event{}},
		{"Report", rep, reportResponse{}},
		{"ReportPage", reportPage{Items: []reportResponse{rep}, NextCursor: "MQ"}, reportPage{}},
		{"Category", categoryResponse{}, categoryResponse{}},
		{"LoginRequest", loginRequest{}, nil},
		{"User", user, userResponse{}},
		{"LoginResponse", loginResponse{User: user}, loginResponse{}},
		{"MoveRequest", moveRequest{DueAt: &at, Attachments: []int64{1}}, nil},
		{"MoveResponse", moveResponse{Event: ev, Report: cs}, moveResponse{}},
		{"Case", cs, caseResponse{}},
		{"ReporterContact", reporterContact{Name: "王**", Phone: "138****5678", Masked: true}, reporterContact{}},
		{"Duplicate", dup, duplicateRef{}},
		{"Attachment", att, attachmentRef{}},
		{"CreatedReport", createdResponse{reportResponse: rep, Attachments: []attachmentRef{att}, LikelyDuplicates: []duplicateRef{dup}}, createdResponse{}},
		{"Tracking", trackResponse{Rating: &postgres.Rating{}, History: []postgres.TrackingStep{step}}, trackResponse{}},
		{"TrackingStep", step, postgres.TrackingStep{}},
		{"Rating", postgres.Rating{Comment: "c"}, postgres.Rating{}},
		{"RatingRequest", ratingRequest{}, nil},
		{"LiveEvent", postgres.LiveEvent{From: "a", To: "b", TeamID: 1, Department: "d"}, postgres.LiveEvent{}},
		{"Team", teamResponse{TeamRef: team, GridID: 3, DistanceM: &d}, teamResponse{}},
		{"Open311Error", open311Error{Code: 400, Description: "d"}, open311Error{}},
		{"Open311Discovery", open311Discovery{Endpoints: []open311Endpoint{{}}}, open311Discovery{}},
		{"Open311Endpoint", open311Endpoint{Formats: []string{"text/xml"}}, open311Endpoint{}},
		{"Open311Service", open311Service{ServiceCode: "dispute"}, open311Service{}},
		{"Open311ServiceDefinition", open311Definition{ServiceCode: "dispute"}, open311Definition{}},
		{"Open311Created", open311Created{ServiceRequestID: 1, ServiceNotice: "n"}, open311Created{}},
		{"Open311Request", open311Request{ServiceRequestID: 1, Description: "d", MediaURL: "https://x"}, open311Request{}},
		{"GridFeature", gridFeature(g), gridFeature(g)},
		{"GridProperties", gridFeature(g).Properties, gridFeature(grid110.Grid{}).Properties},
		{"GridDetailProperties", detail.Properties, gridFeature(grid110.Grid{}).Properties},
		{"GridFeatureCollection", fc, geojson.NewFeatureCollection()},
		{"HotspotCell", hotspotCell{}, hotspotCell{}},
		{"Hotspots", hotspotsResponse{}, hotspotsResponse{}},
		{"GridHotspot", gridHotspot{GridRef: ref}, gridHotspot{}},
		{"GridHotspots", gridHotspotsResponse{}, gridHotspotsResponse{}},
		{"EmergingCell", emergingCell{}, emergingCell{}},
		{"Emerging", emergingResponse{}, emergingResponse{}},
		{"PatrolPriority", priorityItem{DistanceM: &d}, priorityItem{}},
		{"PatrolPriorities", prioritiesResponse{}, prioritiesResponse{}},
		{"StageHours", sh, stageHours{}},
		{"StatsMetrics", sm, statsMetrics{}},
		{"StatsRow", statsRow{GridID: 2, Direct: true, TeamID: 3, Start: &at, End: &at, statsMetrics: sm}, statsRow{}},
		{"StatsFilter", sf, statsFilter{}},
		{"Stats", statsResponse{Filter: sf, Rows: []statsRow{{statsMetrics: sm}}, Totals: sm}, statsResponse{}},
		{"Compound", compoundResponse{GridRef: ref, Chain: []grid110.GridRef{ref}, Point: ll, DutyTeam: &team}, compoundResponse{}},
		{"WebConfig", webConfig{BasemapStyleURL: "u", PublicURL: "p"}, webConfig{}},
	}
	for _, c := range cases {
		props, required := schemaProps(t, doc, "#/components/schemas/"+c.schema)
		if got := jsonKeys(t, c.full); !equalSets(got, props) {
			t.Errorf("schema %s has properties %v; the Go type has JSON keys %v", c.schema, sortedKeys(props), sortedKeys(got))
		}
		if c.min == nil {
			continue
		}
		if got := jsonKeys(t, c.min); !equalSets(got, required) {
			t.Errorf("schema %s requires %v; the Go type always has %v", c.schema, sortedKeys(required), sortedKeys(got))
		}
	}
}

// schemaProps collects the properties and required names of the schema at
// ref, through $ref and allOf.
func schemaProps(t *testing.T, doc map[string]any, ref string) (props, required map[string]bool) {
	t.Helper()
	props, required = map[string]bool{}, map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		s, ok := resolve(doc, v).(map[string]any)
		if !ok {
			t.Fatalf("%s: not a schema", ref)
		}
		if p, ok := s["properties"].(map[string]any); ok {
			for k := range p {
				props[k] = true
			}
		}
		if r, ok := s["required"].([]any); ok {
			for _, k := range r {
				required[k.(string)] = true
			}
		}
		if all, ok := s["allOf"].([]any); ok {
			for _, x := range all {
				walk(x)
			}
		}
	}
	walk(map[string]any{"$ref": ref})
	return props, required
}

// jsonKeys returns the top-level keys of v marshalled as JSON.
func jsonKeys(t *testing.T, v any) map[string]bool {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%T: %v", v, err)
	}
	keys := map[string]bool{}
	for k := range m {
		keys[k] = true
	}
	return keys
}

func equalSets(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}
