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
	pages := s.webHandler()
	e.Add(http.MethodGet, "/*", pages)
	e.Add(http.MethodHead, "/*", pages)
	// The gzip middleware compresses /metrics; promhttp must not do it again.
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{DisableCompression: true})))

	e.GET("/tiles", s.listTileLayers)
	e.GET("/tiles/:layer.json", s.getTileJSON)
	e.GET("/tiles/:layer/:z/:x/:y.mvt", s.getTile)

	api := e.Group("/api/v1")
	staff := staffOnly
	api.GET("/openapi.json", s.openAPI)
	api.POST("/auth/login", s.login)
	api.POST("/auth/logout", s.logout)
	api.GET("/auth/me", s.me, staff)
	api.GET("/locate", s.getLocate)
	api.POST("/locate", s.postLocate)
	api.POST("/locate/batch", s.postLocateBatch)
	api.POST("/reports", s.createReport)
	api.GET("/reports", s.listReports, staff)
	api.GET("/reports/:id", s.getReport, staff)
	api.POST("/reports/:id/moves", s.postMove, staff)
	api.POST("/reports/:id/attachments", s.postAttachments, staff)
	api.GET("/attachments/:id", s.getAttachment, staff)
	api.GET("/events", s.getEvents, staff)
	api.GET("/track/:code", s.getTrack)
	api.POST("/track/:code/rating", s.postRating)
	api.GET("/grids", s.listGrids)
	api.GET("/grids/:id", s.getGrid)
	api.GET("/grids/:id/qr.png", s.getGridQRPNG)
	api.GET("/grids/:id/qr.svg", s.getGridQRSVG)
	api.GET("/grids/:id/qr-sheet", s.getQRSheet)
	api.GET("/compounds/:code", s.getCompound)
	api.GET("/web-config", s.getWebConfig)
	api.GET("/teams", s.listTeams)
	api.GET("/categories", s.listCategories)
	api.GET("/hotspots", s.getHotspots)
	api.GET("/hotspots/grids", s.getGridHotspots)
	api.GET("/hotspots/emerging", s.getEmerging)
	api.GET("/teams/:id/patrol-priorities", s.getPatrolPriorities)
	api.GET("/stats", s.getStats, staff)

	// Open311 GeoReport v2 (open311.go). Every path ends in .json or .xml;
	// ids and codes hold no dots, so one segment splits at its last dot.
	// open311Errors comes first so that authenticate's errors, too, answer
	// in Open311's format.
	o311 := e.Group("/open311/v2", s.open311Errors)
	o311.GET("/discovery.:format", s.getOpen311Discovery)
	o311.GET("/services.:format", s.getOpen311Services)
	o311.GET("/services/:service", s.getOpen311Service)
	o311.GET("/requests.:format", s.getOpen311Requests)
	o311.POST("/requests.:format", s.postOpen311Request)
	o311.GET("/requests/:request", s.getOpen311Request)
}
