package server

import (
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

// webHandler serves the front end built into web/dist. HTML pages are
// revalidated on every load; files under assets/ are named by content hash
// by the build and cached for a year.
func webHandler() echo.HandlerFunc {
	dist, err := fs.Sub(web.Dist, "dist")
	if err != nil {
		panic(err) // embedded at build time
	}
	return func(c echo.Context) error {
		p := path.Clean("/" + c.Param("*"))
		file := pageFor(p)
		st, err := fs.Stat(dist, file)
		if err != nil || st.IsDir() {
			return echo.NewHTTPError(http.StatusNotFound, "no such page: "+p)
		}
		h := c.Response().Header()
		if strings.HasPrefix(file, "assets/") {
			h.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
		} else {
			h.Set(echo.HeaderCacheControl, "no-cache")
		}
		// ServeFileFS sets the type from the extension and answers ranges and
		// If-Modified-Since (embedded files have no time, so it is skipped).
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
