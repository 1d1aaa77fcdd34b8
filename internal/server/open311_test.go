package server_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The field names of GeoReport v2 (wiki.open311.org/GeoReport_v2 and
// /Service_Discovery), per element.
var (
	specDiscovery  = []string{"changeset", "contact", "key_service", "endpoints"}
	specEndpoint   = []string{"specification", "url", "changeset", "type", "formats"}
	specService    = []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
	specDefinition = []string{"service_code", "attributes"}
	specCreated    = []string{"service_request_id", "service_notice", "account_id"}
	specRequest    = []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
		"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
		"address_id", "zipcode", "lat", "long", "media_url"}
	specError = []string{"code", "description"}
)

// o311Reply is one answer of the Open311 API.
type o311Reply struct {
	status int
	header http.Header
	body   []byte
}

// o311 calls the Open311 API: a GET with query, or a form-encoded POST.
func (a *app) o311(method, path string, form url.Values, hdr map[string]string) o311Reply {
	a.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, a.url+"/open311/v2"+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return a.send(req)
}

func (a *app) send(req *http.Request) o311Reply {
	a.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return o311Reply{resp.StatusCode, resp.Header, b}
}

// jsonList decodes a JSON array of objects, checking the content type.
func (r o311Reply) jsonList(t *testing.T, what string) []map[string]json.RawMessage {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	var out []map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("%s: %d %s: not a JSON array of objects: %v", what, r.status, r.body, err)
	}
	return out
}

// node is any XML element.
type node struct {
	XMLName xml.Name
	Nodes   []node `xml:",any"`
	Text    string `xml:",chardata"`
}

func (n node) child(name string) (node, bool) {
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			return c, true
		}
	}
	return node{}, false
}

func (n node) names() []string {
	var out []string
	for _, c := range n.Nodes {
		out = append(out, c.XMLName.Local)
	}
	return out
}

// xmlDoc parses an XML reply, checking the declaration, the content type
// and the root element.
func (r o311Reply) xmlDoc(t *testing.T, what, root string) node {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	if !bytes.HasPrefix(r.body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("%s: no XML declaration with the encoding: %.80s", what, r.body)
	}
	var n node
	if err := xml.Unmarshal(r.body, &n); err != nil {
		t.Fatalf("%s: %d %s: %v", what, r.status, r.body, err)
	}
	if n.XMLName.Local != root {
		t.Fatalf("%s: root <%s>, want <%s>", what, n.XMLName.Local, root)
	}
	return n
}

// xmlItems checks that every child of root is an <item> with exactly the
// fields and returns them.
func (r o311Reply) xmlItems(t *testing.T, what, root, item string, fields []string) []node {
	t.Helper()
	n := r.xmlDoc(t, what, root)
	for _, c := range n.Nodes {
		if c.XMLName.Local != item {
			t.Errorf("%s: <%s> holds <%s>, want only <%s>", what, root, c.XMLName.Local, item)
		}
		sameFields(t, what+" <"+item+">", c.names(), fields)
	}
	return n.Nodes
}

func sameFields(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	sort.Strings(g)
	sort.Strings(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s has fields %v; the specification lists %v", what, g, w)
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func str(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	if string(raw) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s is not a string: %v", raw, err)
	}
	return s
}

// wantError checks an Open311 error reply in the format of path.
func wantError(t *testing.T, r o311Reply, what string, code int, contains string) {
	t.Helper()
	if r.status != code {
		t.Errorf("%s = %d %s; want %d", what, r.status, r.body, code)
		return
	}
	var desc string
	if bytes.HasPrefix(r.body, []byte("<?xml")) {
		items := r.xmlItems(t, what, "errors", "error", specError)
		if len(items) == 0 {
			t.Fatalf("%s: no <error>", what)
		}
		c, _ := items[0].child("code")
		d, _ := items[0].child("description")
		if c.Text != fmt.Sprint(code) {
			t.Errorf("%s: <code>%s</code>, want %d", what, c.Text, code)
		}
		desc = d.Text
	} else {
		list := r.jsonList(t, what)
		if len(list) == 0 {
			t.Fatalf("%s: empty errors array", what)
		}
		sameFields(t, what+" error", keys(list[0]), specError)
		if string(list[0]["code"]) != fmt.Sprint(code) {
			t.Errorf("%s: code %s, want %d", what, list[0]["code"], code)
		}
		desc = str(t, list[0]["description"])
	}
	if !strings.Contains(desc, contains) {
		t.Errorf("%s: description %q does not mention %q", what, desc, contains)
	}
}

// compoundIn returns the code of a compound inside community p.
func compoundIn(t *testing.T, a *app, p place) string {
	t.Helper()
	var code string
	if err := a.pool.QueryRow(t.Context(), `SELECT code FROM grids WHERE parent_id = $1 AND level = 'compound' ORDER BY code LIMIT 1`, p.id).Scan(&code); err != nil {
		t.Fatalf("compound in %s: %v", p.code, err)
	}
	return code
} // o311Case is what the parts of TestOpen311 share.
type o311Case struct {
	a          *app
	key        string // an API key of 芗城区
	ca, other  place  // a community of 芗城区, and one of another district
	byLatLong  int64  // submitted with lat/long, in JSON
	byCompound int64  // submitted with address_id, in XML
	compound   string
	far        int64 // in the other district
}

// TestOpen311 calls every Open311 endpoint in both formats and checks the
// field names, the status mapping, visibility, the default window, paging
// and the error codes against the specification. The parts run in order
// on one database, each building on the last.
func TestOpen311(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := &o311Case{a: a, key: a.apiKey("hotline311", "350602")["X-API-Key"]}
	c.ca, _, c.other = communities(t, a)
	for _, part := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"discovery", c.discovery}, {"services", c.services}, {"submit", c.submit}, {"read", c.read},
		{"states", c.states}, {"window and pages", c.windowAndPages},
	} {
		if !t.Run(part.name, part.run) {
			return
		}
	}
}

// discovery checks discovery.json and .xml.
func (c *o311Case) discovery(t *testing.T) {
	a := c.a
	r := a.o311("GET", "/discovery.json", nil, nil)
	var disc map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &disc); r.status != 200 || err != nil {
		t.Fatalf("discovery.json = %d %s", r.status, r.body)
	}
	sameFields(t, "discovery.json", keys(disc), specDiscovery)
	var eps []map[string]json.RawMessage
	if err := json.Unmarshal(disc["endpoints"], &eps); err != nil || len(eps) != 1 {
		t.Fatalf("endpoints %s", disc["endpoints"])
	}
	sameFields(t, "discovery.json endpoint", keys(eps[0]), specEndpoint)
	if str(t, eps[0]["specification"]) != "http://wiki.open311.org/GeoReport_v2" || str(t, eps[0]["url"]) != a.url+"/open311/v2" ||
		string(eps[0]["formats"]) != `["application/json","text/xml"]` || str(t, eps[0]["type"]) != "production" {
		t.Errorf("endpoint %v", eps[0])
	}
	r = a.o311("GET", "/discovery.xml", nil, nil)
	d := r.xmlDoc(t, "discovery.xml", "discovery")
	sameFields(t, "discovery.xml", d.names(), specDiscovery)
	ep, _ := d.child("endpoints")
	if len(ep.Nodes) != 1 || ep.Nodes[0].XMLName.Local != "endpoint" {
		t.Fatalf("discovery.xml endpoints %v", ep.names())
	}
	sameFields(t, "discovery.xml <endpoint>", ep.Nodes[0].names(), specEndpoint)
	if f, _ := ep.Nodes[0].child("formats"); strings.Join(f.names(), ",") != "format,format" {
		t.Errorf("discovery.xml <formats> holds %v", f.names())
	}
}

// services checks the service list, Chinese by default and English with
// locale=en, and the service definitions.
func (c *o311Case) services(t *testing.T) {
	a := c.a
	services := a.o311("GET", "/services.json", nil, nil).jsonList(t, "services.json")
	var dispute map[string]json.RawMessage
	for _, s := range services {
		sameFields(t, "services.json service", keys(s), specService)
		if str(t, s["service_code"]) == "dispute" {
			dispute = s
		}
	}
	if dispute == nil || str(t, dispute["service_name"]) != "矛盾纠纷" || string(dispute["metadata"]) != "false" ||
		str(t, dispute["type"]) != "realtime" || str(t, dispute["group"]) != "司法所" {
		t.Errorf("service dispute = %v", dispute)
	}
	en := a.o311("GET", "/services.json?locale=en", nil, nil).jsonList(t, "services.json?locale=en")
	if len(en) != len(services) || !slices.ContainsFunc(en, func(s map[string]json.RawMessage) bool { return str(t, s["service_name"]) == "Dispute" }) {
		t.Errorf("English services %d, want %d with Dispute", len(en), len(services))
	}
	if items := a.o311("GET", "/services.xml", nil, nil).xmlItems(t, "services.xml", "services", "service", specService); len(items) != len(services) {
		t.Errorf("services.xml has %d services; JSON %d", len(items), len(services))
	}

	// Service definitions: none of ours has attributes.
	r := a.o311("GET", "/services/dispute.json", nil, nil)
	var def map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &def); r.status != 200 || err != nil {
		t.Fatalf("services/dispute.json = %d %s", r.status, r.body)
	}
	sameFields(t, "service definition", keys(def), specDefinition)
	if str(t, def["service_code"]) != "dispute" || string(def["attributes"]) != "[]" {
		t.Errorf("definition %s", r.body)
	}
	d := a.o311("GET", "/services/dispute.xml", nil, nil).xmlDoc(t, "services/dispute.xml", "service_definition")
	sameFields(t, "services/dispute.xml", d.names(), specDefinition)
	wantError(t, a.o311("GET", "/services/ufo.json", nil, nil), "unknown service (JSON)", 404, "ufo")
	wantError(t, a.o311("GET", "/services/ufo.xml", nil, nil), "unknown service (XML)", 404, "ufo")
}

// submit posts requests form-encoded in JSON and multipart in XML, and
// checks the errors of POST.
func (c *o311Case) submit(t *testing.T) {
	a, key, ca := c.a, c.key, c.ca
	form := url.Values{"api_key": {key}, "service_code": {"dispute"}, "lat": {fmt.Sprint(ca.lat)}, "long": {fmt.Sprint(ca.lon)},
		"description": {"楼上漏水，邻里争执"}, "first_name": {"小明"}, "last_name": {"王"}, "phone": {"13812345678"},
		"email": {"wang@example.com"}, "device_id": {"d1"}, "media_url": {"https://img.example.com/a.jpg"}}
	r := a.o311("POST", "/requests.json", form, nil)
	if r.status != 201 {
		t.Fatalf("POST requests.json = %d %s", r.status, r.body)
	}
	created := r.jsonList(t, "POST requests.json")
	if len(created) != 1 {
		t.Fatalf("POST requests.json = %s; want one request", r.body)
	}
	sameFields(t, "POST requests.json", keys(created[0]), specCreated)
	var byLatLong int64
	if err := json.Unmarshal(created[0]["service_request_id"], &byLatLong); err != nil || byLatLong <= 0 {
		t.Fatalf("service_request_id %s", created[0]["service_request_id"])
	}
	if n := str(t, created[0]["service_notice"]); !strings.Contains(n, "司法所") || !strings.Contains(n, "跟踪码") {
		t.Errorf("service_notice %q; want the department and the tracking code", n)
	}
	var actor, channel, name, phone, media string
	if err := a.pool.QueryRow(t.Context(), `SELECT e.actor, r.channel, r.reporter_name, r.reporter_phone, r.media_url
		FROM reports r JOIN report_events e ON e.report_id = r.id WHERE r.id = $1`, byLatLong).
		Scan(&actor, &channel, &name, &phone, &media); err != nil || actor != "api_client:hotline311" || channel != "open311" ||
		name != "王小明" || phone != "13812345678" || media != "https://img.example.com/a.jpg" {
		t.Errorf("stored: actor %q channel %q name %q phone %q media %q, %v", actor, channel, name, phone, media, err)
	}

	// POST requests in XML, multipart, located by address_id (a compound code).
	compound := compoundIn(t, a, ca)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"api_key": key, "service_code": "public_order", "address_id": compound, "description": "门口有人打架"} {
		mw.WriteField(k, v) //nolint:errcheck // a bytes.Buffer
	}
	mw.Close()
	req, _ := http.NewRequest("POST", a.url+"/open311/v2/requests.xml", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r = a.send(req)
	if r.status != 201 {
		t.Fatalf("POST requests.xml = %d %s", r.status, r.body)
	}
	items := r.xmlItems(t, "POST requests.xml", "service_requests", "request", specCreated)
	idNode, _ := items[0].child("service_request_id")
	var byCompound int64
	fmt.Sscan(idNode.Text, &byCompound) //nolint:errcheck // checked next
	if byCompound <= 0 || r.header.Get("Location") != fmt.Sprintf("%s/open311/v2/requests/%d.xml", a.url, byCompound) {
		t.Errorf("POST requests.xml: id %q, Location %q", idNode.Text, r.header.Get("Location"))
	}

	// Idempotency-Key: a retry gets the same request back.
	retry := url.Values{"api_key": {key}, "service_code": {"complaint"}, "address_id": {compound}, "description": {"路灯坏了"}}
	first := a.o311("POST", "/requests.json", retry, map[string]string{"Idempotency-Key": "o311-1"}).jsonList(t, "idempotent 1")
	again := a.o311("POST", "/requests.json", retry, map[string]string{"Idempotency-Key": "o311-1"})
	if again.status != 200 || again.header.Get("Idempotent-Replayed") != "true" ||
		string(again.jsonList(t, "idempotent 2")[0]["service_request_id"]) != string(first[0]["service_request_id"]) {
		t.Errorf("retry = %d %s; want 200 with the same id %s", again.status, again.body, first[0]["service_request_id"])
	}

	// POST errors: 403 for a missing or wrong key, 400 naming the field, 404 for an unknown service.
	post := func(change map[string]string, format string) o311Reply {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		for k, v := range change {
			if v == "" {
				f.Del(k)
			} else {
				f.Set(k, v)
			}
		}
		return a.o311("POST", "/requests."+format, f, nil)
	}
	wantError(t, post(map[string]string{"api_key": ""}, "json"), "no api_key (JSON)", 403, "api_key")
	wantError(t, post(map[string]string{"api_key": ""}, "xml"), "no api_key (XML)", 403, "api_key")
	wantError(t, post(map[string]string{"api_key": "g110k_forged"}, "json"), "wrong api_key", 403, "api_key")
	wantError(t, post(map[string]string{"api_key": "g110k_forged"}, "xml"), "wrong api_key (XML)", 403, "api_key")
	wantError(t, a.o311("POST", "/requests.json?api_key=nonsense", url.Values{"service_code": {"dispute"}}, nil), "wrong api_key in the query", 403, "")
	wantError(t, post(map[string]string{"service_code": ""}, "json"), "no service_code", 400, "service_code")
	wantError(t, post(map[string]string{"service_code": ""}, "xml"), "no service_code (XML)", 400, "service_code")
	wantError(t, post(map[string]string{"service_code": "ufo"}, "json"), "unknown service_code", 404, "ufo")
	wantError(t, post(map[string]string{"lat": "abc"}, "json"), "lat not a number", 400, "lat")
	wantError(t, post(map[string]string{"lat": "95"}, "xml"), "lat out of range", 400, "lat")
	wantError(t, post(map[string]string{"long": ""}, "json"), "lat without long", 400, "long")
	wantError(t, post(map[string]string{"lat": "", "long": "", "address_string": "新华路 1 号"}, "json"), "address_string alone", 400, "address_string")
	wantError(t, post(map[string]string{"lat": "", "long": ""}, "json"), "no location", 400, "location")
	wantError(t, post(map[string]string{"lat": "", "long": "", "address_id": "nowhere"}, "json"), "unknown address_id", 400, "address_id")
	wantError(t, post(map[string]string{"phone": "call me"}, "json"), "bad phone", 400, "phone")
	wantError(t, post(map[string]string{"media_url": "javascript:alert(1)"}, "json"), "bad media_url", 400, "media_url")
	wantError(t, post(map[string]string{"lat": "0", "long": "0"}, "json"), "outside every grid", 400, "nearest")
	wantError(t, post(map[string]string{"jurisdiction_id": "999999"}, "json"), "unknown jurisdiction_id", 404, "jurisdiction_id")
	bad, _ := http.NewRequest("POST", a.url+"/open311/v2/requests.json", strings.NewReader(`{"service_code":"dispute"}`))
	bad.Header.Set("Content-Type", "application/json")
	wantError(t, a.send(bad), "JSON body", 400, "x-www-form-urlencoded")
	c.byLatLong, c.byCompound, c.compound = byLatLong, byCompound, compound
}

// read checks GET requests and requests/{id}: public fields for anonymous
// callers, the key's jurisdiction in full for a key, and the 404s.
func (c *o311Case) read(t *testing.T) {
	a, key, ca, other := c.a, c.key, c.ca, c.other
	byLatLong, byCompound, compound := c.byLatLong, c.byCompound, c.compound
	withKey := map[string]string{"X-API-Key": key}
	r := a.o311("GET", fmt.Sprintf("/requests/%d.json", byLatLong), nil, nil)
	list := r.jsonList(t, "requests/{id}.json")
	if r.status != 200 || len(list) != 1 {
		t.Fatalf("requests/%d.json = %d %s", byLatLong, r.status, r.body)
	}
	pub := list[0]
	sameFields(t, "requests/{id}.json", keys(pub), specRequest)
	if str(t, pub["status"]) != "open" || !strings.HasPrefix(str(t, pub["status_notes"]), "submitted — ") ||
		str(t, pub["service_code"]) != "dispute" || str(t, pub["service_name"]) != "矛盾纠纷" {
		t.Errorf("public request %s", r.body)
	}
	for _, f := range []string{"description", "media_url", "address_id", "zipcode"} {
		if string(pub[f]) != "null" {
			t.Errorf("public request shows %s = %s; want null", f, pub[f])
		}
	}
	var lat float64
	json.Unmarshal(pub["lat"], &lat) //nolint:errcheck // compared next
	if lat != math.Round(ca.lat*1000)/1000 {
		t.Errorf("public lat %v; want %v rounded to 3 decimals", lat, ca.lat)
	}
	if addr := str(t, pub["address"]); strings.Count(addr, ", ") != 3 || !strings.HasSuffix(addr, "芗城区, 漳州市") {
		t.Errorf("public address %q; want the community, its township, 芗城区, 漳州市", addr)
	}
	for _, f := range []string{"requested_datetime", "updated_datetime", "expected_datetime"} {
		if _, err := time.Parse(time.RFC3339, str(t, pub[f])); err != nil || !strings.HasSuffix(str(t, pub[f]), "+08:00") {
			t.Errorf("%s = %s; want a W3C datetime with its zone", f, pub[f])
		}
	}
	items := a.o311("GET", fmt.Sprintf("/requests/%d.xml", byCompound), nil, nil).
		xmlItems(t, "requests/{id}.xml", "service_requests", "request", specRequest)
	if len(items) != 1 {
		t.Fatalf("requests/{id}.xml has %d requests", len(items))
	}
	wantError(t, a.o311("GET", "/requests/999999999.json", nil, nil), "unknown request (JSON)", 404, "999999999")
	wantError(t, a.o311("GET", "/requests/999999999.xml", nil, nil), "unknown request (XML)", 404, "999999999")
	wantError(t, a.o311("GET", "/requests/abc.json", nil, nil), "not an id", 404, "abc")
	wantError(t, a.o311("GET", "/requests/1.csv", nil, nil), "unknown format", 404, "csv")
	wantError(t, a.o311("GET", "/nothing.json", nil, nil), "unknown resource", 404, "")
	// Echo answers a method no route has, under a group with middleware, as
	// an unknown path: 404, in Open311's format.
	wantError(t, a.o311("PUT", "/requests.json", url.Values{}, nil), "wrong method", 404, "")

	// With a key: the key's jurisdiction (芗城区), in full, never the reporter's contact.
	c.far = submit(t, a, other, "dispute").ID
	ids := fmt.Sprintf("%d,%d,%d", byLatLong, byCompound, c.far)
	full := a.o311("GET", "/requests.json?service_request_id="+ids, nil, withKey).jsonList(t, "requests.json with key")
	if len(full) != 2 {
		t.Fatalf("with the key of 芗城区: %d requests of %s; want the 2 in 芗城区", len(full), ids)
	}
	for _, x := range full {
		sameFields(t, "requests.json with key", keys(x), specRequest)
	}
	if r := a.o311("GET", "/requests.json?service_request_id="+ids, nil, withKey); bytes.Contains(r.body, []byte("13812345678")) ||
		bytes.Contains(r.body, []byte("王小明")) {
		t.Errorf("the reporter's contact shows: %s", r.body)
	}
	if str(t, full[1]["description"]) != "楼上漏水，邻里争执" || str(t, full[1]["media_url"]) != "https://img.example.com/a.jpg" {
		t.Errorf("with key, first request = %v", full[1])
	}
	if str(t, full[0]["address_id"]) != compound || !strings.HasSuffix(str(t, full[0]["address"]), "芗城区, 漳州市") {
		t.Errorf("with key, address_id %s, address %s; want %s, down to the compound", full[0]["address_id"], full[0]["address"], compound)
	}
	if anon := a.o311("GET", "/requests.json?service_request_id="+ids, nil, nil).jsonList(t, "anonymous ids"); len(anon) != 3 {
		t.Errorf("anonymous: %d of %s; want all 3", len(anon), ids)
	}
	wantError(t, a.o311("GET", fmt.Sprintf("/requests/%d.json?api_key=%s", c.far, key), nil, nil), "outside the key's jurisdiction", 404, "")
	wantError(t, a.o311("GET", "/requests.json?api_key=g110k_forged", nil, nil), "wrong key on GET", 403, "")
	if xs := a.o311("GET", "/requests.json?jurisdiction_id=350623&service_request_id="+ids, nil, nil).jsonList(t, "jurisdiction_id"); len(xs) != 1 {
		t.Errorf("jurisdiction_id=350623: %d requests; want the one there", len(xs))
	}
	wantError(t, a.o311("GET", "/requests.xml?jurisdiction_id=999999", nil, nil), "unknown jurisdiction_id", 404, "999999")
}

// states checks that workflow moves show in status and status_notes, and
// the status filter.
func (c *o311Case) states(t *testing.T) {
	a, byLatLong, byCompound := c.a, c.byLatLong, c.byCompound
	adm := a.admin()
	move(t, a, adm, byLatLong, map[string]any{"move": "file"}, 200)
	move(t, a, adm, byLatLong, map[string]any{"move": "dispatch", "team_id": teamIDOf(t, a, "mediation"), "department": "judicial"}, 200)
	move(t, a, adm, byCompound, map[string]any{"move": "reject", "note": "重复", "duplicate_of": c.far}, 200)
	x := a.o311("GET", fmt.Sprintf("/requests/%d.json", byLatLong), nil, nil).jsonList(t, "dispatched")[0]
	if str(t, x["status"]) != "open" || str(t, x["status_notes"]) != "dispatched — 已分流交办" || !strings.Contains(str(t, x["agency_responsible"]), "司法所") {
		t.Errorf("dispatched: %s, %q, agency %q", x["status"], x["status_notes"], x["agency_responsible"])
	}
	x = a.o311("GET", fmt.Sprintf("/requests/%d.json?locale=en", byCompound), nil, nil).jsonList(t, "rejected")[0]
	if str(t, x["status"]) != "closed" || str(t, x["status_notes"]) != fmt.Sprintf("rejected — not taken up (a duplicate of %d)", c.far) {
		t.Errorf("rejected: %s, %q", x["status"], x["status_notes"])
	}
	it := a.o311("GET", fmt.Sprintf("/requests/%d.xml", byCompound), nil, nil).xmlItems(t, "rejected xml", "service_requests", "request", specRequest)
	if st, _ := it[0].child("status"); st.Text != "closed" {
		t.Errorf("rejected in XML: <status>%s</status>", st.Text)
	}
	statusOf := func(q string) map[int64]string {
		out := map[int64]string{}
		for _, x := range a.o311("GET", "/requests.json?service_code=dispute,public_order&"+q, nil, nil).jsonList(t, q) {
			var id int64
			json.Unmarshal(x["service_request_id"], &id) //nolint:errcheck // 0 fails below
			out[id] = str(t, x["status"])
		}
		return out
	}
	if open, closed := statusOf("status=open"), statusOf("status=closed"); open[byLatLong] != "open" || open[byCompound] != "" ||
		closed[byCompound] != "closed" || closed[byLatLong] != "" {
		t.Errorf("status=open has %d: %q and %d: %q; status=closed has %d: %q and %d: %q", byLatLong, open[byLatLong],
			byCompound, open[byCompound], byCompound, closed[byCompound], byLatLong, closed[byLatLong])
	}
	if both := statusOf("status=open,closed"); both[byLatLong] == "" || both[byCompound] == "" {
		t.Errorf("status=open,closed lacks one of %d, %d", byLatLong, byCompound)
	}
	wantError(t, a.o311("GET", "/requests.json?status=pending", nil, nil), "bad status", 400, "status")
	wantError(t, a.o311("GET", "/requests.json?service_code=ufo", nil, nil), "unknown service_code filter", 400, "ufo")
}

// windowAndPages checks the default 90-day window, dates that select
// older reports (up to 90 days at once), and page and page_size.
func (c *o311Case) windowAndPages(t *testing.T) {
	a := c.a
	if _, err := a.pool.Exec(t.Context(), `UPDATE reports SET created_at = now() - interval '100 days' WHERE id = $1`, c.far); err != nil {
		t.Fatal(err)
	}
	farID := func(q string) bool {
		for _, x := range a.o311("GET", "/requests.json?service_code=dispute&"+q, nil, nil).jsonList(t, q) {
			if string(x["service_request_id"]) == fmt.Sprint(c.far) {
				return true
			}
		}
		return false
	}
	old := time.Now().Add(-100 * 24 * time.Hour)
	if farID("") || !farID("start_date="+url.QueryEscape(old.Add(-time.Hour).Format(time.RFC3339))) ||
		!farID("end_date="+old.Add(time.Hour).UTC().Format(time.RFC3339)) {
		t.Errorf("a report of 100 days ago: in the default window %v; want only when the dates reach it", farID(""))
	}
	wantError(t, a.o311("GET", "/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", nil, nil), "span over 90 days", 400, "90 days")
	wantError(t, a.o311("GET", "/requests.xml?start_date=yesterday", nil, nil), "bad start_date", 400, "start_date")

	// page and page_size.
	p1 := a.o311("GET", "/requests.json?page_size=2", nil, nil)
	p2 := a.o311("GET", "/requests.json?page_size=2&page=2", nil, nil)
	l1, l2 := p1.jsonList(t, "page 1"), p2.jsonList(t, "page 2")
	if len(l1) != 2 || len(l2) != 2 || string(l1[1]["service_request_id"]) == string(l2[0]["service_request_id"]) {
		t.Errorf("pages of 2: %d then %d, overlapping", len(l1), len(l2))
	}
	if link := p1.header.Get("Link"); !strings.Contains(link, "page=2") || !strings.Contains(link, `rel="next"`) {
		t.Errorf("Link %q; want the next page", link)
	}
	if all := a.o311("GET", "/requests.json", nil, nil).jsonList(t, "default page"); len(all) < 4 || len(all) > 1000 {
		t.Errorf("default page: %d requests", len(all))
	}
	wantError(t, a.o311("GET", "/requests.json?page_size=1001", nil, nil), "page_size too big", 400, "page_size")
	wantError(t, a.o311("GET", "/requests.xml?page=0", nil, nil), "page 0", 400, "page")
	if items := a.o311("GET", "/requests.xml?page_size=3", nil, nil).xmlItems(t, "requests.xml", "service_requests", "request", specRequest); len(items) != 3 {
		t.Errorf("requests.xml?page_size=3 has %d", len(items))
	}
}

func teamIDOf(t *testing.T, a *app, kind string) int64 {
	t.Helper()
	var id int64
	if err := a.pool.QueryRow(t.Context(), `SELECT id FROM teams WHERE kind = $1 ORDER BY id LIMIT 1`, kind).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
