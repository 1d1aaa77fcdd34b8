package server

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// QR codes at compound gates lead residents to the report page of their
// compound, /r/{code}. Medium error correction (15 %) survives a worn or
// partly covered print and keeps the symbol small for a short URL.
const (
	qrLevel         = qrcode.Medium
	qrDefaultSize   = 512
	qrMinSize       = 128
	qrMaxSize       = 2048
	qrSheetMaxCodes = 500
	qrSheetPerPage  = 12 // 3 × 4 on A4
)

// reportURL is the page a compound's QR code opens: the configured public
// URL, else the scheme and host this request came in on.
func (s *Server) reportURL(c echo.Context, code string) string {
	base := s.cfg.PublicURL
	if base == "" {
		base = requestBase(c)
	}
	return base + "/r/" + code
}

// qrCompound returns the compound grid :id names, from the locate index.
// A grid that is not a compound answers 404: only compounds have gates.
func (s *Server) qrCompound(c echo.Context) (grid110.GridRef, error) {
	id, err := parseID(c.Param("id"), "id")
	if err != nil {
		return grid110.GridRef{}, err
	}
	chain, ok := s.locator.Snapshot().Chain(id)
	if !ok {
		return grid110.GridRef{}, fmt.Errorf("grid %d: %w", id, grid110.ErrNotFound)
	}
	g := chain[len(chain)-1]
	if g.Level != grid110.LevelCompound {
		return grid110.GridRef{}, fmt.Errorf("grid %d is a %s; QR codes are made for compounds: %w", id, g.Level, grid110.ErrNotFound)
	}
	return g, nil
}

// getGridQRPNG handles GET /api/v1/grids/:id/qr.png?size=: the compound's
// QR code as a size×size PNG (default 512 pixels).
func (s *Server) getGridQRPNG(c echo.Context) error {
	size := qrDefaultSize
	if v := c.QueryParam("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < qrMinSize || n > qrMaxSize {
			return grid110.Invalid("size", "%q is not a whole number of pixels from %d to %d", v, qrMinSize, qrMaxSize)
		}
		size = n
	}
	g, err := s.qrCompound(c)
	if err != nil {
		return err
	}
	q, err := qrcode.New(s.reportURL(c, g.Code), qrLevel)
	if err != nil {
		return fmt.Errorf("qr code for grid %d: %w", g.ID, err)
	}
	b, err := q.PNG(size)
	if err != nil {
		return fmt.Errorf("qr png for grid %d: %w", g.ID, err)
	}
	setQRHeaders(c, g, "png")
	return c.Blob(http.StatusOK, "image/png", b)
}

// getGridQRSVG handles GET /api/v1/grids/:id/qr.svg: the same code as a
// scalable SVG, one square unit per module, quiet zone included.
func (s *Server) getGridQRSVG(c echo.Context) error {
	g, err := s.qrCompound(c)
	if err != nil {
		return err
	}
	svg, err := qrSVG(s.reportURL(c, g.Code), g.Name)
	if err != nil {
		return fmt.Errorf("qr svg for grid %d: %w", g.ID, err)
	}
	setQRHeaders(c, g, "svg")
	return c.Blob(http.StatusOK, "image/svg+xml; charset=utf-8", []byte(svg))
}

// setQRHeaders names the download after the compound. The code depends on
// the public URL, which a restart may change, so caches revalidate daily.
func setQRHeaders(c echo.Context, g grid110.GridRef, ext string) {
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "public, max-age=86400")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`inline; filename="qr-%s.%s"`, g.Code, ext))
}

// qrSVG draws the QR code of content as SVG from the encoder's bitmap. Dark
// modules in a row are merged into one rectangle, so the path stays short.
func qrSVG(content, title string) (string, error) {
	q, err := qrcode.New(content, qrLevel)
	if err != nil {
		return "", err
	}
	bm := q.Bitmap()
	n := len(bm)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, n, n, n*8, n*8)
	b.WriteString("<title>")
	template.HTMLEscape(&b, []byte(title+" — "+content))
	b.WriteString("</title>")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bm {
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			run := 1
			for x+run < n && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}

// sheetPage is one A4 page of the printable sheet.
type sheetPage struct {
	Number int // from 1
	Codes  []sheetCode
}

// sheetPages cuts codes into A4 pages of qrSheetPerPage.
func sheetPages(codes []sheetCode) []sheetPage {
	var pages []sheetPage
	for i := 0; i < len(codes); i += qrSheetPerPage {
		pages = append(pages, sheetPage{Number: len(pages) + 1, Codes: codes[i:min(i+qrSheetPerPage, len(codes))]})
	}
	return pages
}

// sheetCode is one compound on the printable sheet.
type sheetCode struct {
	Name, Code, URL string
	SVG             template.HTML
}

// getQRSheet handles GET /api/v1/grids/:id/qr-sheet: a printable A4 page
// with the QR code and name of every compound of a community.
func (s *Server) getQRSheet(c echo.Context) error {
	id, err := parseID(c.Param("id"), "id")
	if err != nil {
		return err
	}
	chain, ok := s.locator.Snapshot().Chain(id)
	if !ok {
		return fmt.Errorf("grid %d: %w", id, grid110.ErrNotFound)
	}
	community := chain[len(chain)-1]
	if community.Level != grid110.LevelCommunity {
		return fmt.Errorf("grid %d is a %s; sheets are printed per community: %w", id, community.Level, grid110.ErrNotFound)
	}
	grids, err := s.store.Grids(c.Request().Context(), postgres.GridFilter{ParentID: id, Level: grid110.LevelCompound, Limit: qrSheetMaxCodes})
	if err != nil {
		return err
	}
	codes := make([]sheetCode, 0, len(grids))
	for _, g := range grids {
		u := s.reportURL(c, g.Code)
		svg, err := qrSVG(u, g.Name)
		if err != nil {
			return fmt.Errorf("qr svg for grid %d: %w", g.ID, err)
		}
		// Safe as HTML: drawn by qrSVG from the bitmap, with the title escaped.
		codes = append(codes, sheetCode{Name: g.Name, Code: g.Code, URL: u, SVG: template.HTML(svg)})
	}
	var names []string
	for _, g := range chain[1:] {
		names = append(names, g.Name)
	}
	var buf bytes.Buffer
	err = qrSheetTemplate.Execute(&buf, map[string]any{"Community": community, "Chain": strings.Join(names, " › "),
		"Total": len(codes), "Pages": sheetPages(codes)})
	if err != nil {
		return fmt.Errorf("qr sheet for grid %d: %w", id, err)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// qrSheetTemplate lays out 12 codes per A4 page (3 × 4 cards of 58 mm
// with 44 mm codes), each with the compound's name and the address under it
// for those who type; every page repeats the community's name.
var qrSheetTemplate = template.Must(template.New("sheet").Parse(`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{.Community.Name}} · 小区二维码 QR codes</title>
<style>
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { margin: 0; font: 11pt/1.35 "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; color: #111; }
.page { height: 277mm; overflow: hidden; break-after: page; page-break-after: always; }
.page:last-child { break-after: auto; page-break-after: auto; }
header { padding: 0 0 2.5mm; border-bottom: 0.3mm solid #999; margin-bottom: 3mm; }
header h1 { font-size: 14pt; margin: 0; }
header p { margin: 0.8mm 0 0; color: #444; font-size: 9pt; }
.grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; }
.card { border: 0.3mm dashed #888; padding: 2.5mm; text-align: center; break-inside: avoid; page-break-inside: avoid; height: 58mm; }
.card svg { width: 40mm; height: 40mm; display: block; margin: 0 auto; }
.card h2 { font-size: 12pt; margin: 1mm 0 0; }
.card .hint { font-size: 8.5pt; color: #333; margin: 0.3mm 0 0; }
.card .url { font: 7pt monospace; color: #555; word-break: break-all; margin: 0.3mm 0 0; }
.empty { color: #a00; }
@media screen { body { max-width: 210mm; margin: 8mm auto; padding: 0 6mm; } .page { height: auto; margin-bottom: 10mm; } }
@media print { .noprint { display: none; } }
button.noprint { float: right; font: inherit; padding: 1.5mm 4mm; cursor: pointer; }
</style>
</head>
<body>
{{if not .Pages}}<p class="empty">本社区没有小区网格。This community has no compounds.</p>{{end}}
{{range .Pages}}<section class="page">
<header>
{{if eq .Number 1}}<button class="noprint" type="button" onclick="print()">打印 Print</button>{{end}}
<h1>{{$.Community.Name}} · 社区(乡村)110 小区二维码</h1>
<p>{{$.Chain}} · 社区代码 {{$.Community.Code}} · 共 {{$.Total}} 个小区 · 第 {{.Number}}/{{len $.Pages}} 页 · 张贴于小区门口，居民扫码即可上报 · Scan to report</p>
</header>
<main class="grid">
{{range .Codes}}<section class="card">
{{.SVG}}
<h2>{{.Name}}</h2>
<p class="hint">扫码上报 · Scan to report</p>
<p class="url">{{.URL}}</p>
</section>
{{end}}</main>
</section>
{{end}}</body>
</html>
`))
