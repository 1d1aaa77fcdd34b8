package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
	"grid110/tiles"
)

// mvtContentType is the media type of Mapbox Vector Tiles.
const mvtContentType = "application/vnd.mapbox-vector-tile"

// tileLayerResponse is one entry of the GET /tiles catalogue.
type tileLayerResponse struct {
	tiles.Layer
	TileJSON string `json:"tilejson"`
	Tiles    string `json:"tiles"`
}

// tileSource returns the tile source, or an error if tiles are not served.
func (s *Server) tileSource() (*tiles.Source, error) {
	if s.cfg.Tiles == nil {
		return nil, fmt.Errorf("tiles are not served by this instance: %w", grid110.ErrNotFound)
	}
	return s.cfg.Tiles, nil
}

// listTileLayers handles GET /tiles: the layer catalogue.
func (s *Server) listTileLayers(c echo.Context) error {
	if _, err := s.tileSource(); err != nil {
		return err
	}
	base := requestBase(c)
	var out []tileLayerResponse
	for _, l := range tiles.Layers() {
		out = append(out, tileLayerResponse{Layer: l, TileJSON: base + "/tiles/" + l.Name + ".json",
			Tiles: base + "/tiles/" + l.Name + "/{z}/{x}/{y}.mvt"})
	}
	return c.JSON(http.StatusOK, map[string]any{"layers": out})
}

// getTileJSON handles GET /tiles/:layer.json (TileJSON 3.0.0). Filter
// parameters carry over into the tiles URL.
func (s *Server) getTileJSON(c echo.Context) error {
	src, err := s.tileSource()
	if err != nil {
		return err
	}
	name := c.Param("layer.json")
	layer, ok := strings.CutSuffix(name, ".json")
	l, known := tiles.LayerNamed(layer)
	if !ok || !known {
		return fmt.Errorf("tile layer %q: %w", name, grid110.ErrNotFound)
	}
	url := requestBase(c) + "/tiles/" + l.Name + "/{z}/{x}/{y}.mvt"
	if l.Filtered {
		q := c.QueryParams()
		f, err := src.ParseFilter(q)
		if err != nil {
			return err
		}
		// Only what the caller set: a default window must keep moving.
		v := f.Query()
		for _, k := range []string{"category", "status", "from", "to", "fdr"} {
			if q.Get(k) == "" {
				v.Del(k)
			}
		}
		if len(v) > 0 {
			url += "?" + v.Encode()
		}
	}
	tj, err := src.TileJSON(l.Name, url)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.JSON(http.StatusOK, tj)
}

// getTile handles GET /tiles/:layer/:z/:x/:y.mvt. It answers 204 for an
// empty tile and 304 when If-None-Match holds the tile's ETag, and sends
// the tile gzipped when the client accepts it.
func (s *Server) getTile(c echo.Context) error {
	src, err := s.tileSource()
	if err != nil {
		return err
	}
	layer := c.Param("layer")
	l, ok := tiles.LayerNamed(layer)
	if !ok {
		return fmt.Errorf("tile layer %q: %w", layer, grid110.ErrNotFound)
	}
	z, err := parseTileCoord(c.Param("z"), "z")
	if err != nil {
		return err
	}
	x, err := parseTileCoord(c.Param("x"), "x")
	if err != nil {
		return err
	}
	yv, ok := strings.CutSuffix(c.Param("y.mvt"), ".mvt")
	if !ok {
		return fmt.Errorf("tile %q: want .mvt: %w", c.Param("y.mvt"), grid110.ErrNotFound)
	}
	y, err := parseTileCoord(yv, "y")
	if err != nil {
		return err
	}
	if err := tiles.CheckTile(z, x, y); err != nil {
		return err
	}
	var f tiles.Filter
	if l.Filtered {
		if f, err = src.ParseFilter(c.QueryParams()); err != nil {
			return err
		}
	}
	t, err := src.Tile(c.Request().Context(), layer, z, x, y, f)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, cacheControl(l.MaxAge))
	h.Set(echo.HeaderAccessControlAllowOrigin, "*")
	h.Set(echo.HeaderVary, echo.HeaderAcceptEncoding)
	if t.Empty() {
		return c.NoContent(http.StatusNoContent)
	}
	h.Set("ETag", t.ETag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), t.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	if strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		h.Set(echo.HeaderContentEncoding, "gzip")
		return c.Blob(http.StatusOK, mvtContentType, t.Gzipped())
	}
	return c.Blob(http.StatusOK, mvtContentType, t.MVT)
}

func parseTileCoord(v, field string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, grid110.Invalid(field, "%q is not a whole number", v)
	}
	return n, nil
}

// cacheControl is the Cache-Control header for a layer's tiles: layers that
// change with every report are revalidated each time (cheap, by ETag).
func cacheControl(maxAge time.Duration) string {
	if maxAge <= 0 {
		return "no-cache"
	}
	return "public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))
}

// etagMatches reports whether an If-None-Match header matches etag.
func etagMatches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == etag || v == "*" {
			return true
		}
	}
	return false
}

// requestBase is the scheme and host the client used to reach us.
func requestBase(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host
}
