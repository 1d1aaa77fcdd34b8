package server

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"grid110/web"
)

// webHandler serves the front end built into web/dist: index.html is
// revalidated on every load, files under assets/ (named by content hash by
// the build) are cached for a year.
func webHandler() echo.HandlerFunc {
	dist, err := fs.Sub(web.Dist, "dist")
	if err != nil {
		panic(err) // embedded at build time
	}
	files := http.FileServerFS(dist)
	return func(c echo.Context) error {
		p := path.Clean("/" + c.Param("*"))
		if p != "/" {
			if _, err := fs.Stat(dist, strings.TrimPrefix(p, "/")); err != nil {
				return echo.NewHTTPError(http.StatusNotFound, "no such page: "+p)
			}
		}
		if strings.HasPrefix(p, "/assets/") {
			c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Response().Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}
