package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"grid110/internal/locate"
	"grid110/internal/postgres"
	"grid110/internal/server"
	"grid110/migrations"
)

// serveCmd migrates, loads the locate index, and serves until ctx ends,
// then shuts down gracefully: in-flight requests get ShutdownTimeout.
func serveCmd(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.dbFlag(fs)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (env GRID110_ADDR)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	pool, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, migrations.FS, log); err != nil {
		return err
	}
	store := postgres.NewStore(pool)
	locator, err := locate.New(ctx, store, log)
	if err != nil {
		return err
	}
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	go locator.Run(bg, cfg.ReloadPoll)
	go postgres.Listen(bg, pool, []string{postgres.ChangesChannel}, log, func(string, string) { locator.Changed() }) //nolint:errcheck // ends with bg

	app := server.New(store, locator, server.Config{RequestTimeout: cfg.RequestTimeout, MaxBatch: cfg.MaxBatch,
		Migrations: migrations.FS}, log, prometheus.NewRegistry())
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
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
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// migrateCmd applies pending migrations.
func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.dbFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	pool, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, migrations.FS, log); err != nil {
		return err
	}
	log.Info("database is current")
	return nil
}
