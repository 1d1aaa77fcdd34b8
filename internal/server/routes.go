package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes is the whole API on one screen.
func (s *Server) routes(reg *prometheus.Registry) {
	e := s.echo
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	// The front end (web/dist) is not part of the API description.
	e.Add(http.MethodGet, "/*", webHandler())
	// The gzip middleware compresses /metrics; promhttp must not do it again.
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{DisableCompression: true})))

	e.GET("/tiles", s.listTileLayers)
	e.GET("/tiles/:layer.json", s.getTileJSON)
	e.GET("/tiles/:layer/:z/:x/:y.mvt", s.getTile)

	api := e.Group("/api/v1")
	api.GET("/openapi.json", s.openAPI)
	api.GET("/locate", s.getLocate)
	api.POST("/locate", s.postLocate)
	api.POST("/locate/batch", s.postLocateBatch)
	api.POST("/reports", s.createReport)
	api.GET("/reports", s.listReports)
	api.GET("/reports/:id", s.getReport)
	api.GET("/grids", s.listGrids)
	api.GET("/grids/:id", s.getGrid)
	api.GET("/teams", s.listTeams)
	api.GET("/categories", s.listCategories)
	api.GET("/hotspots", s.getHotspots)
	api.GET("/hotspots/grids", s.getGridHotspots)
	api.GET("/hotspots/emerging", s.getEmerging)
	api.GET("/teams/:id/patrol-priorities", s.getPatrolPriorities)
	api.GET("/stats", s.getStats)
}
