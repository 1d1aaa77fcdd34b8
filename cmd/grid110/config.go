package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"grid110/internal/postgres"
)

// config is every setting, from the environment with flags on top. This is
// the only place that reads either.
type config struct {
	DatabaseURL      string
	Addr             string
	DebugAddr        string
	LogLevel         string
	LogFormat        string
	RequestTimeout   time.Duration
	StatementTimeout time.Duration
	ShutdownTimeout  time.Duration
	MaxBatch         int
	ReloadPoll       time.Duration
	// HotspotMinReports: hotspot cells with fewer reports are withheld from the public (negative: none).
	HotspotMinReports int
	// MediaDir holds the photos and voice notes sent with reports.
	MediaDir string
	// SessionTTL is how long a staff sign-in lasts.
	SessionTTL time.Duration
	// DemoPassword is the password of the demo city's staff accounts ("-": none).
	DemoPassword string
}

// loadConfig reads defaults from the environment.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DatabaseURL:      getenv("DATABASE_URL"),
		Addr:             or(getenv("GRID110_ADDR"), ":8080"),
		DebugAddr:        getenv("GRID110_DEBUG_ADDR"),
		LogLevel:         or(getenv("GRID110_LOG_LEVEL"), "info"),
		LogFormat:        or(getenv("GRID110_LOG_FORMAT"), "text"),
		RequestTimeout:   30 * time.Second,
		StatementTimeout: 30 * time.Second,
		ShutdownTimeout:  15 * time.Second,
		MaxBatch:         10000,
		ReloadPoll:       30 * time.Second,
		MediaDir:         or(getenv("GRID110_MEDIA_DIR"), "var/media"),
		SessionTTL:       12 * time.Hour,
		DemoPassword:     or(getenv("GRID110_DEMO_PASSWORD"), "grid110-demo"),
	}
	var err error
	for _, d := range []struct {
		env string
		dst *time.Duration
	}{{"GRID110_REQUEST_TIMEOUT", &c.RequestTimeout}, {"GRID110_STATEMENT_TIMEOUT", &c.StatementTimeout},
		{"GRID110_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout}, {"GRID110_RELOAD_POLL", &c.ReloadPoll},
		{"GRID110_SESSION_TTL", &c.SessionTTL}} {
		if v := getenv(d.env); v != "" {
			if *d.dst, err = time.ParseDuration(v); err != nil || *d.dst <= 0 {
				return c, fmt.Errorf("%s=%q is not a positive duration such as 30s", d.env, v)
			}
		}
	}
	if v := getenv("GRID110_HOTSPOT_MIN_REPORTS"); v != "" {
		if c.HotspotMinReports, err = strconv.Atoi(v); err != nil {
			return c, fmt.Errorf("GRID110_HOTSPOT_MIN_REPORTS=%q is not a whole number", v)
		}
	}
	if v := getenv("GRID110_MAX_BATCH"); v != "" {
		if c.MaxBatch, err = strconv.Atoi(v); err != nil || c.MaxBatch < 1 {
			return c, fmt.Errorf("GRID110_MAX_BATCH=%q is not a positive whole number", v)
		}
	}
	return c, nil
}

// dbFlag adds --database to fs.
func (c *config) dbFlag(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database", c.DatabaseURL, "PostgreSQL URL (env DATABASE_URL)")
}

// logger builds the one logger, writing to w.
func (c config) logger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("GRID110_LOG_LEVEL=%q: want debug, info, warn or error", c.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch strings.ToLower(c.LogFormat) {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("GRID110_LOG_FORMAT=%q: want text or json", c.LogFormat)
}

// open connects to the configured database.
func (c config) open(ctx context.Context) (*pgxpool.Pool, error) {
	if c.DatabaseURL == "" {
		return nil, fmt.Errorf("no database: set DATABASE_URL or --database (make run does this for you)")
	}
	return postgres.Open(ctx, c.DatabaseURL, c.StatementTimeout)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// parse parses a subcommand's flags, allowing flags after positional
// arguments ("import grids FILE --level district").
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// command is a subcommand ready to run: its settings, its logger and its
// positional arguments.
type command struct {
	cfg  config
	log  *slog.Logger
	args []string
}

// newCommand reads the environment, then the flags of subcommand name (the
// shared --database, plus what define adds), and builds the logger.
func newCommand(name string, args []string, getenv func(string) string, stderr io.Writer, define func(*flag.FlagSet, *config)) (*command, error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return nil, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.dbFlag(fs)
	if define != nil {
		define(fs, &cfg)
	}
	pos, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return nil, err
	}
	return &command{cfg: cfg, log: log, args: pos}, nil
}
