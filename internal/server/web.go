package server

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"grid110/web"
)

// pageFor maps a path of the front end to the file in dist that renders
// it; the page reads the rest of the path (a compound or tracking code) itself.
func pageFor(p string) string {
	switch {
	case p == "/":
		return "index.html" // the command-centre map
	case strings.HasPrefix(p, "/r/"):
		return "resident.html" // /r/{compound code}: a compound's QR code leads here
	case strings.HasPrefix(p, "/track/"):
		return "track.html" // /track/{tracking code}
	case p == "/login":
		return "login.html" // staff sign-in
	}
	return strings.TrimPrefix(p, "/")
}

// pageCSP keeps the pages to their own server, as on a closed network:
// scripts, styles, tiles, API calls and the live stream all come from here
// (inline style attributes are used by the pages and MapLibre; photos and
// voice notes are shown from blob: URLs). With a basemap configured its
// hosts are unknown, so connections and images may go anywhere.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'self'; frame-ancestors 'self'"

const pageCSPBasemap = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src * data: blob:; media-src 'self' blob:; worker-src 'self' blob:; connect-src *; " +
	"object-src 'none'; base-uri 'self'; frame-ancestors 'self'"

// webHandler serves the front end built into web/dist. HTML pages are
// revalidated on every load (by a strong ETag of their content); files
// under assets/ are named by content hash by the build and cached for a year.
func (s *Server) webHandler() echo.HandlerFunc {
	dist, err := fs.Sub(web.Dist, "dist")
	if err != nil {
		panic(err) // embedded at build time
	}
	etags := map[string]string{}
	err = fs.WalkDir(dist, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(dist, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		etags[name] = `"` + hex.EncodeToString(sum[:12]) + `"`
		return nil
	})
	if err != nil {
		panic(err) // embedded at build time
	}
	csp := pageCSP
	if s.cfg.BasemapStyle != "" {
		csp = pageCSPBasemap
	}
	return func(c echo.Context) error {
		p := path.Clean("/" + c.Param("*"))
		file := pageFor(p)
		etag, ok := etags[file]
		if !ok {
			return echo.NewHTTPError(http.StatusNotFound, "no such page: "+p)
		}
		h := c.Response().Header()
		if strings.HasPrefix(file, "assets/") {
			h.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
		} else {
			h.Set(echo.HeaderCacheControl, "no-cache")
			h.Set(echo.HeaderContentSecurityPolicy, csp)
			h.Set(echo.HeaderReferrerPolicy, "same-origin")
		}
		h.Set(echo.HeaderXContentTypeOptions, "nosniff")
		// ServeFileFS sets the type from the extension and answers
		// If-None-Match with 304 from the ETag set here.
		h.Set("ETag", etag)
		http.ServeFileFS(c.Response(), c.Request(), dist, file)
		return nil
	}
}

// webConfig is what the pages need to know about this deployment.
type webConfig struct {
	// BasemapStyleURL is a MapLibre style drawn under the map's own layers;
	// "" on a closed network, where the map shows only grid110's tiles.
	BasemapStyleURL string `json:"basemap_style_url"`
	// PublicURL is where residents reach the service ("" : this host).
	PublicURL string `json:"public_url"`
}

// getWebConfig handles GET /api/v1/web-config.
func (s *Server) getWebConfig(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.JSON(http.StatusOK, webConfig{BasemapStyleURL: s.cfg.BasemapStyle, PublicURL: s.cfg.PublicURL})
}
