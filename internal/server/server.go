// Package server is grid110's HTTP API: routes, request parsing and
// validation, responses, and the one error handler. It writes no SQL.
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"grid110/internal/intake"
	"grid110/internal/locate"
	"grid110/internal/media"
	"grid110/internal/patrol"
	"grid110/internal/postgres"
	"grid110/internal/signin"
	"grid110/tiles"
)

// Config holds the server's settings.
type Config struct {
	RequestTimeout time.Duration // per request (default 30s)
	MaxBatch       int           // points per batch locate (default 10000)
	Migrations     fs.FS         // to tell /readyz whether the schema is current
	Tiles          *tiles.Source // vector tiles under /tiles (nil: not served)
	// HotspotMinReports withholds hotspot cells and grids with fewer
	// reports from callers without a staff role (0: patrol.DefaultMinReports; negative: none).
	HotspotMinReports int
	// Hotspots serves /api/v1/hotspots; share the tile source's, so study
	// areas and their graphs are built and cached once (nil: a new one).
	Hotspots *patrol.Service
	// PublicURL is where residents reach the service (scheme, host, optional
	// path prefix; no trailing slash). QR codes point there; "" uses the
	// scheme and host of the request that asked for the code.
	PublicURL string
	// BasemapStyle is an optional MapLibre style URL the web map draws
	// under its own layers ("": none, as on a closed network).
	BasemapStyle string
	// Media stores report attachments (nil: reports take no files).
	Media *media.Store
	// SessionTTL is how long a staff sign-in lasts (0: signin.DefaultSessionTTL).
	SessionTTL time.Duration
}

// Server is the HTTP application.
type Server struct {
	echo    *echo.Echo
	store   *postgres.Store
	locator *locate.Locator
	intake  *intake.Service
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	cats    *categoryCache
	// hotspots serves /api/v1/hotspots and patrol priorities.
	hotspots *patrol.Service
	signin   *signin.Service
	media    *media.Store
	live     *liveHub
}

// New builds the application. reg receives the Prometheus metrics.
func New(store *postgres.Store, locator *locate.Locator, cfg Config, log *slog.Logger, reg *prometheus.Registry) *Server {
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = 10000
	}
	s := &Server{store: store, locator: locator, cfg: cfg, log: log,
		metrics: newMetrics(reg), cats: newCategoryCache(store, time.Minute)}
	s.hotspots = cfg.Hotspots
	if s.hotspots == nil {
		s.hotspots = patrol.New(store)
	}
	s.signin = signin.New(store, cfg.SessionTTL)
	s.media = cfg.Media
	s.live = newLiveHub()
	s.intake = intake.New(cachedCategories{s.cats, store}, locator)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newPoolCollector(store.Pool()))
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RequestID())
	e.Use(s.metrics.middleware)
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogError: true,
		HandleError: false,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			// Successes are counted in /metrics; logging each one costs a write
			// per request on the hottest paths (locate, tiles), so they log at
			// debug. Client errors log at info, server errors at warn.
			lvl := slog.LevelDebug
			switch {
			case v.Status >= 500:
				lvl = slog.LevelWarn
			case v.Status >= 400:
				lvl = slog.LevelInfo
			}
			if !s.log.Enabled(c.Request().Context(), lvl) {
				return nil
			}
			s.log.Log(c.Request().Context(), lvl, "request", "method", v.Method, "uri", redactURI(v.URI), "status", v.Status,
				"latency_ms", float64(v.Latency.Microseconds())/1000, "request_id", v.RequestID)
			return nil
		},
	}))
	e.Use(middleware.Recover())
	// The live event stream is long-lived and must not be buffered.
	stream := func(c echo.Context) bool { return c.Request().URL.Path == "/api/v1/events" }
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: cfg.RequestTimeout, Skipper: stream}))
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024,
		// Tiles are compressed once and cached that way (internal/server/tiles.go).
		Skipper: func(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/tiles/") || stream(c) }}))
	// Every route recognises credentials when they are sent (costing
	// nothing when they are not); routes that need them say so. Applied to
	// the whole app rather than to route groups, because Echo gives a group
	// with middleware catch-all routes that turn 405s into 404s.
	e.Use(s.authenticate)
	s.echo = e
	s.routes(reg)
	return s
}

// ServeHTTP makes the Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// healthz answers whether the process is alive.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers whether the service can take traffic: database reachable,
// schema current, grids indexed.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok := true
	if err := s.store.Pool().Ping(ctx); err != nil {
		checks["database"], ok = "unreachable: "+err.Error(), false
	} else {
		checks["database"] = "ok"
		if s.cfg.Migrations != nil {
			pending, err := postgres.MigrationsPending(ctx, s.store.Pool(), s.cfg.Migrations)
			switch {
			case err != nil:
				checks["migrations"], ok = "unknown: "+err.Error(), false
			case pending:
				checks["migrations"], ok = "pending: run grid110 migrate", false
			default:
				checks["migrations"] = "current"
			}
		}
	}
	n := s.locator.Snapshot().Grids()
	checks["grids"] = strconv.Itoa(n) + " indexed"
	if n == 0 {
		checks["grids"], ok = "none loaded: run grid110 demo or grid110 import grids", false
	}
	code := http.StatusOK
	if !ok {
		code = http.StatusServiceUnavailable
	}
	return c.JSON(code, map[string]any{"ready": ok, "checks": checks})
}

// poolCollector exports the pgx pool's statistics.
type poolCollector struct {
	pool                                 *pgxpool.Pool
	total, idle, acquired, max, acquires *prometheus.Desc
	waitSeconds, emptyAcquires           *prometheus.Desc
}

func newPoolCollector(pool *pgxpool.Pool) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("grid110_db_pool_"+name, help, nil, nil)
	}
	return &poolCollector{pool: pool,
		total:         d("connections", "Connections open in the pool."),
		idle:          d("idle_connections", "Idle connections in the pool."),
		acquired:      d("acquired_connections", "Connections in use."),
		max:           d("max_connections", "Largest size the pool may grow to."),
		acquires:      d("acquires_total", "Connections acquired from the pool."),
		emptyAcquires: d("empty_acquires_total", "Acquires that had to wait for a connection."),
		waitSeconds:   d("acquire_wait_seconds_total", "Time spent waiting for a connection."),
	}
}

func (p *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{p.total, p.idle, p.acquired, p.max, p.acquires, p.emptyAcquires, p.waitSeconds} {
		ch <- d
	}
}

func (p *poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := p.pool.Stat()
	g := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	cn := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	g(p.total, float64(st.TotalConns()))
	g(p.idle, float64(st.IdleConns()))
	g(p.acquired, float64(st.AcquiredConns()))
	g(p.max, float64(st.MaxConns()))
	cn(p.acquires, float64(st.AcquireCount()))
	cn(p.emptyAcquires, float64(st.EmptyAcquireCount()))
	cn(p.waitSeconds, st.AcquireDuration().Seconds())
}

// redactURI hides credentials passed in a query (access_token for
// EventSource, api_key for Open311) so they never reach the logs.
func redactURI(uri string) string {
	path, query, ok := strings.Cut(uri, "?")
	if !ok || (!strings.Contains(query, "access_token=") && !strings.Contains(query, "api_key=")) {
		return uri
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return path + "?(unparsable query withheld)"
	}
	for _, k := range []string{"access_token", "api_key"} {
		if q.Has(k) {
			q.Set(k, "REDACTED")
		}
	}
	return path + "?" + q.Encode()
}
