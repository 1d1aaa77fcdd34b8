package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"grid110/internal/demo"
	"grid110/internal/postgres"
	"grid110/migrations"
)

// demoCmd loads the demo city: Zhangzhou's real districts and counties,
// generated townships, communities, compounds, teams and a year of reports.
func demoCmd(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	var seed *int64
	var reports *int
	var until *string
	var ifEmpty *bool
	cmd, err := newCommand("demo", args, getenv, stderr, func(fs *flag.FlagSet, _ *config) {
		seed = fs.Int64("seed", 1, "random seed: the same seed (and --until) gives the same city")
		reports = fs.Int("reports", demo.DefaultReports, "number of reports to generate over the year before --until")
		until = fs.String("until", "", "last day of the generated year, YYYY-MM-DD (default: today)")
		ifEmpty = fs.Bool("if-empty", false, "do nothing when grids are already loaded")
	})
	if err != nil {
		return err
	}
	cfg, log := cmd.cfg, cmd.log
	end := time.Now().In(chinaTime).Truncate(24 * time.Hour)
	if *until != "" {
		t, err := time.ParseInLocation("2006-01-02", *until, chinaTime)
		if err != nil {
			return fmt.Errorf("--until %q: want YYYY-MM-DD", *until)
		}
		end = t
	}
	end = end.Add(24 * time.Hour)
	pool, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, migrations.FS, log); err != nil {
		return err
	}
	store := postgres.NewStore(pool)
	if err := demo.Check(ctx, store); err != nil {
		return fmt.Errorf("%w: drop the database (dropdb -h 127.0.0.1 -U postgres grid110) and run make run again", err)
	}
	empty, err := demo.Empty(ctx, store)
	if err != nil {
		return err
	}
	if !empty {
		if *ifEmpty {
			log.Info("grids already loaded; demo city not loaded again")
			return ensureDemoStaff(ctx, store, cfg.DemoPassword, log)
		}
		return fmt.Errorf("the database already holds grids; load the demo into an empty database (or use --if-empty)")
	}
	sum, err := demo.Load(ctx, store, demo.Options{Seed: *seed, Reports: *reports, Until: end, Log: log})
	if err != nil {
		return err
	}
	log.Info("demo city loaded", "grids", sum.Grids, "teams", sum.Teams, "reports", sum.Reports, "took", sum.Took.Round(time.Second))
	return ensureDemoStaff(ctx, store, cfg.DemoPassword, log)
}

// ensureDemoStaff creates the demo accounts (password GRID110_DEMO_PASSWORD,
// "grid110-demo" by default: for a demonstration only, as README says).
func ensureDemoStaff(ctx context.Context, store *postgres.Store, pw string, log *slog.Logger) error {
	if pw == "-" {
		return nil // no demo accounts
	}
	return demo.EnsureStaff(ctx, store, pw, log)
}

var chinaTime = time.FixedZone("CST", 8*3600)
