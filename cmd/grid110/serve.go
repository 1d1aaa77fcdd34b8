package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"grid110/internal/locate"
	"grid110/internal/media"
	"grid110/internal/patrol"
	"grid110/internal/postgres"
	"grid110/internal/server"
	"grid110/internal/supervise"
	"grid110/migrations"
	"grid110/tiles"
)

// serveCmd migrates, loads the locate index, starts the supervision timers
// and serves until ctx ends, then shuts down gracefully: in-flight requests
// and running escalations get ShutdownTimeout.
func serveCmd(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	var tileCacheMB *int
	cmd, err := newCommand("serve", args, getenv, stderr, func(fs *flag.FlagSet, cfg *config) {
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (env GRID110_ADDR)")
		fs.StringVar(&cfg.DebugAddr, "debug-addr", cfg.DebugAddr, "address for Go's pprof profiles, e.g. 127.0.0.1:6060 (env GRID110_DEBUG_ADDR; default off)")
		tileCacheMB = fs.Int("tile-cache-mb", 256, "in-process cache of rendered tiles in MiB (0 turns it off)")
		fs.StringVar(&cfg.MediaDir, "media-dir", cfg.MediaDir, "directory for report photos and voice notes (env GRID110_MEDIA_DIR)")
	})
	if err != nil {
		return err
	}
	cfg, log := cmd.cfg, cmd.log
	pool, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, migrations.FS, log); err != nil {
		return err
	}
	store := postgres.NewStore(pool)
	// Deadlines and supervision (督办): every new report and move arms its
	// stage's timer in its own transaction; this instance runs the timers
	// that fall due (River, in PostgreSQL), as every other instance does.
	sup, err := supervise.New(store, supervise.Config{Log: log.With("component", "supervision")})
	if err != nil {
		return err
	}
	store.SetCaseHook(sup.Hook)
	locator, err := locate.New(ctx, store, log)
	if err != nil {
		return err
	}
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	go locator.Run(bg, cfg.ReloadPoll)
	if err := sup.Start(bg); err != nil { // stopped gracefully below; stopBG cuts it short on an early return
		return err
	}
	hotspots := patrol.New(store) // one cache of study areas for the API and the tiles
	tileSrc, err := tiles.New(ctx, pool, tiles.Options{CacheBytes: int64(*tileCacheMB) << 20, Log: log,
		Hotspots: hotspots, HotspotMinReports: cfg.HotspotMinReports})
	if err != nil {
		return err
	}
	go tileSrc.Run(bg)
	// One connection per instance LISTENs: changed grids and teams reload the
	// locate index, and changed reports and grids reach the tile cache.
	// app is set before the listener starts; reports go to its live clients.
	var app *server.Server
	listen := func() {
		postgres.Listen(bg, pool, []string{tiles.Channel, postgres.ChangesChannel, postgres.ReportsChannel}, log, func(channel, payload string) { //nolint:errcheck // ends with bg
			switch channel {
			case postgres.ChangesChannel:
				locator.Changed()
			case postgres.ReportsChannel:
				app.ReportChanged(bg, payload)
				return
			}
			tileSrc.Notify(channel, payload)
		})
	}

	mediaStore, err := media.NewStore(cfg.MediaDir)
	if err != nil {
		return err
	}
	app = server.New(store, locator, server.Config{RequestTimeout: cfg.RequestTimeout, MaxBatch: cfg.MaxBatch,
		Migrations: migrations.FS, Tiles: tileSrc, HotspotMinReports: cfg.HotspotMinReports, Hotspots: hotspots,
		Media: mediaStore, SessionTTL: cfg.SessionTTL}, log, prometheus.NewRegistry())
	go listen()
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if cfg.DebugAddr != "" {
		go serveDebug(cfg.DebugAddr, log)
	}
	log.Info("serving", "addr", ln.Addr().String(), "grids", locator.Snapshot().Grids())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	// Running escalations finish within the same grace as requests (a
	// cancelled one rolls back and is retried by another instance or the
	// next start).
	supStopped := make(chan error, 1)
	go func() { supStopped <- sup.Stop(sctx) }()
	err = srv.Shutdown(sctx)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		err = fmt.Errorf("shutdown: %w", err)
	} else {
		err = nil
	}
	return errors.Join(err, <-supStopped)
}

// migrateCmd applies pending migrations.
func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cmd, err := newCommand("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	pool, err := cmd.cfg.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, migrations.FS, cmd.log); err != nil {
		return err
	}
	cmd.log.Info("database is current")
	return nil
}

// serveDebug serves Go's pprof profiles on their own address, never on the
// public one.
func serveDebug(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("serving profiles", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("debug server", "err", err)
	}
}
