package server_test

import (
	"image"
	"image/png"
	"io/fs"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"grid110/internal/server"
	"grid110/web"
)

// mustGrid returns the id, code and name of the first grid at level (by id).
func (a *app) mustGrid(level string) (int64, string, string) {
	a.t.Helper()
	var id int64
	var code, name string
	err := a.pool.QueryRow(a.t.Context(), `SELECT id, code, name FROM grids WHERE level = $1 ORDER BY id LIMIT 1`, level).
		Scan(&id, &code, &name)
	if err != nil {
		a.t.Fatalf("a %s grid: %v", level, err)
	}
	return id, code, name
}

// wantBitmap is the QR symbol (quiet zone included) that encodes url.
func wantBitmap(t *testing.T, url string) [][]bool {
	t.Helper()
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	return q.Bitmap()
}

// pngModules reads the module at the centre of each cell of an n×n grid
// laid over img: dark pixels are set modules.
func pngModules(img image.Image, n int) [][]bool {
	b := img.Bounds()
	out := make([][]bool, n)
	for my := range n {
		out[my] = make([]bool, n)
		for mx := range n {
			x := b.Min.X + int((float64(mx)+0.5)*float64(b.Dx())/float64(n))
			y := b.Min.Y + int((float64(my)+0.5)*float64(b.Dy())/float64(n))
			r, g, bl, _ := img.At(x, y).RGBA()
			out[my][mx] = r+g+bl < 3*0x8000
		}
	}
	return out
}

// svgPathRe is one run of dark modules in the SVG's path: M x y h run v1 h-run z.
var svgPathRe = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// svgModules rebuilds the module bitmap from an SVG drawn by qr.svg.
func svgModules(t *testing.T, svg string) [][]bool {
	t.Helper()
	m := regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`).FindStringSubmatch(svg)
	if m == nil || m[1] != m[2] {
		t.Fatalf("svg has no square viewBox: %.200s", svg)
	}
	n, _ := strconv.Atoi(m[1])
	out := make([][]bool, n)
	for i := range out {
		out[i] = make([]bool, n)
	}
	for _, r := range svgPathRe.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		run, _ := strconv.Atoi(r[3])
		if r[3] != r[4] || y >= n || x+run > n {
			t.Fatalf("bad run %q in a %d×%d svg", r[0], n, n)
		}
		for i := range run {
			out[y][x+i] = true
		}
	}
	return out
}

func sameBitmap(a, b [][]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for y := range a {
		if len(a[y]) != len(b[y]) {
			return false
		}
		for x := range a[y] {
			if a[y][x] != b[y][x] {
				return false
			}
		}
	}
	return true
}

func TestGridQRCodes(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	id, code, name := a.mustGrid("compound")
	path := "/api/v1/grids/" + strconv.FormatInt(id, 10)
	want := wantBitmap(t, a.url+"/r/"+code)

	for _, tc := range []struct {
		query string
		size  int
	}{{"", 512}, {"?size=300", 300}, {"?size=2048", 2048}} {
		resp, body := a.get(path+"/qr.png"+tc.query, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("GET qr.png%s = %d %s", tc.query, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		img, err := png.Decode(strings.NewReader(body))
		if err != nil {
			t.Fatalf("qr.png%s: %v", tc.query, err)
		}
		if b := img.Bounds(); b.Dx() != tc.size || b.Dy() != tc.size {
			t.Errorf("qr.png%s is %d×%d, want %d×%d", tc.query, b.Dx(), b.Dy(), tc.size, tc.size)
		}
		if got := pngModules(img, len(want)); !sameBitmap(got, want) {
			t.Errorf("qr.png%s does not encode %s/r/%s", tc.query, a.url, code)
		}
	}

	resp, body := a.get(path+"/qr.svg", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") {
		t.Fatalf("GET qr.svg = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	svg := body
	if got := svgModules(t, svg); !sameBitmap(got, want) {
		t.Errorf("qr.svg does not encode %s/r/%s", a.url, code)
	}
	if !strings.Contains(svg, "<title>"+name) {
		t.Errorf("qr.svg has no title naming %s", name)
	}
	// Another compound's code is another symbol: the comparison can fail.
	if other := wantBitmap(t, a.url+"/r/"+code+"9"); sameBitmap(svgModules(t, svg), other) {
		t.Error("qr.svg matches the code of another compound too")
	}
}

func TestGridQRCodePublicURL(t *testing.T) {
	t.Parallel()
	a := newAppFrom(t, "demo", seedDemo, func(c *server.Config) { c.PublicURL = "https://grid110.example.cn/zz" })
	id, code, _ := a.mustGrid("compound")
	_, body := a.get("/api/v1/grids/"+strconv.FormatInt(id, 10)+"/qr.svg", nil)
	got := svgModules(t, body)
	if !sameBitmap(got, wantBitmap(t, "https://grid110.example.cn/zz/r/"+code)) {
		t.Errorf("qr.svg does not encode the public URL https://grid110.example.cn/zz/r/%s", code)
	}
	var cfg struct {
		PublicURL string `json:"public_url"`
		Basemap   string `json:"basemap_style_url"`
	}
	a.do("GET", "/api/v1/web-config", nil, nil, &cfg)
	if cfg.PublicURL != "https://grid110.example.cn/zz" || cfg.Basemap != "" {
		t.Errorf("web-config = %+v", cfg)
	}
}

func TestGridQRErrors(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	community, _, _ := a.mustGrid("community")
	compound, _, _ := a.mustGrid("compound")
	c, k := strconv.FormatInt(community, 10), strconv.FormatInt(compound, 10)
	tests := []struct {
		path  string
		code  int
		field string
	}{
		{"/api/v1/grids/abc/qr.png", 400, "id"},
		{"/api/v1/grids/0/qr.svg", 400, "id"},
		{"/api/v1/grids/" + k + "/qr.png?size=12", 400, "size"},
		{"/api/v1/grids/" + k + "/qr.png?size=big", 400, "size"},
		{"/api/v1/grids/" + c + "/qr.png", 404, ""},
		{"/api/v1/grids/" + c + "/qr.svg", 404, ""},
		{"/api/v1/grids/99999999/qr.png", 404, ""},
		{"/api/v1/grids/abc/qr-sheet", 400, "id"},
		{"/api/v1/grids/" + k + "/qr-sheet", 404, ""},
		{"/api/v1/grids/99999999/qr-sheet", 404, ""},
	}
	for _, tc := range tests {
		var e apiError
		resp := a.do("GET", tc.path, nil, nil, &e)
		if resp.StatusCode != tc.code || e.Field != tc.field || e.Error == "" {
			t.Errorf("GET %s = %d %+v, want %d with field %q", tc.path, resp.StatusCode, e, tc.code, tc.field)
		}
	}
}

func TestQRSheet(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	id, _, name := a.mustGrid("community")
	rows, err := a.pool.Query(t.Context(), `SELECT code, name FROM grids WHERE parent_id = $1 AND level = 'compound' ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	var codes, names []string
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			t.Fatal(err)
		}
		codes, names = append(codes, c), append(names, n)
	}
	if rows.Err() != nil || len(codes) == 0 {
		t.Fatalf("compounds of community %d: %v (%d)", id, rows.Err(), len(codes))
	}
	resp, body := a.get("/api/v1/grids/"+strconv.FormatInt(id, 10)+"/qr-sheet", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET qr-sheet = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	page := body
	if !strings.Contains(page, "size: A4") || !strings.Contains(page, name) {
		t.Errorf("sheet lacks the A4 page rule or the community's name %s", name)
	}
	svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1)
	if len(svgs) != len(codes) {
		t.Fatalf("sheet has %d codes; the community has %d compounds", len(svgs), len(codes))
	}
	for i, c := range codes {
		if !sameBitmap(svgModules(t, svgs[i]), wantBitmap(t, a.url+"/r/"+c)) {
			t.Errorf("code %d on the sheet does not encode %s/r/%s", i, a.url, c)
		}
		if !strings.Contains(page, "<h2>"+names[i]+"</h2>") {
			t.Errorf("sheet does not name compound %s", names[i])
		}
	}
}

func TestGetCompound(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	id, code, name := a.mustGrid("compound")
	var got struct {
		gridRef
		ParentID int64     `json:"parent_id"`
		Chain    []gridRef `json:"chain"`
		Point    struct {
			Lon, Lat float64
			CRS      string
		} `json:"point"`
		DutyTeam *teamRef `json:"duty_team"`
	}
	resp := a.do("GET", "/api/v1/compounds/"+code, nil, nil, &got)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /api/v1/compounds/%s = %d", code, resp.StatusCode)
	}
	if got.ID != id || got.Name != name || got.Level != "compound" || got.ParentID == 0 {
		t.Errorf("compound = %+v, want id %d %s", got.gridRef, id, name)
	}
	if len(got.Chain) != 5 || got.Chain[4].ID != id || got.Chain[0].Level != "city" {
		t.Errorf("chain = %+v, want city … this compound", got.Chain)
	}
	var inside bool
	err := a.pool.QueryRow(t.Context(), `SELECT ST_Covers(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326)) FROM grids WHERE id = $1`,
		id, got.Point.Lon, got.Point.Lat).Scan(&inside)
	if err != nil || !inside || got.Point.CRS != "wgs84" {
		t.Errorf("point %+v is not inside the compound (%v)", got.Point, err)
	}
	if got.DutyTeam == nil || got.DutyTeam.Kind != "duty" {
		t.Errorf("duty team = %+v, want the community's \"2\" team", got.DutyTeam)
	}
	for _, p := range []string{"/api/v1/compounds/350602", "/api/v1/compounds/nope"} {
		var e apiError
		if resp := a.do("GET", p, nil, nil, &e); resp.StatusCode != 404 || e.Error == "" {
			t.Errorf("GET %s = %d %+v, want 404", p, resp.StatusCode, e)
		}
	}
}

// TestWebPages checks that every page route serves its HTML, revalidated on
// each load, and that hashed assets are cached for good.
func TestWebPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, tc := range []struct{ path, marker string }{
		{"/", `id="map"`}, {"/index.html", `id="map"`}, {"/r/350602001001001", `id="report-form"`},
		{"/track/ABCD2345", `id="track"`}, {"/login", `id="login-form"`},
	} {
		resp, body := a.get(tc.path, nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s = %d %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
			continue
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", tc.path, cc)
		}
		if !strings.Contains(body, tc.marker) {
			t.Errorf("GET %s does not hold %s", tc.path, tc.marker)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q does not keep connections to this server", tc.path, csp)
		}
		// Revalidation: the same page is 304 Not Modified by its ETag.
		req, _ := http.NewRequest("GET", a.url+tc.path, nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		again, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		again.Body.Close()
		if resp.Header.Get("ETag") == "" || again.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match %q = %d, want 304", tc.path, resp.Header.Get("ETag"), again.StatusCode)
		}
	}
	for _, p := range []string{"/r", "/r/", "/nope", "/assets/nope.js"} {
		if resp, _ := a.get(p, nil); resp.StatusCode != 404 {
			t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
		}
	}
	assets, err := fs.Glob(web.Dist, "dist/assets/*.js")
	if err != nil || len(assets) == 0 {
		t.Fatalf("no scripts in web/dist/assets (%v): build the front end with npm run build", err)
	}
	resp, _ := a.get(strings.TrimPrefix(assets[0], "dist"), nil)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		!strings.Contains(resp.Header.Get("Content-Type"), "javascript") {
		t.Errorf("GET %s = %d, Cache-Control %q, type %q", assets[0], resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Type"))
	}
}
