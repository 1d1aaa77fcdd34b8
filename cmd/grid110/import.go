package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"grid110/internal/crs"
	"grid110/internal/grid110"
	"grid110/internal/gridfile"
	"grid110/internal/postgres"
	"grid110/internal/teamfile"
)

// importCmd handles "import grids" and "import teams".
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "grids" && args[0] != "teams") {
		fmt.Fprint(stderr, "usage: grid110 import grids|teams FILE [flags]\n")
		return errUsage
	}
	what := args[0]
	var level, parentCode, crsName, codeProp, nameProp *string
	var skip *bool
	cmd, err := newCommand("import "+what, args[1:], getenv, stderr, func(fs *flag.FlagSet, _ *config) {
		level = fs.String("level", "", "level of every feature: city, district, township, community or compound")
		parentCode = fs.String("parent-code", "", "code of the grid all features belong under (default: found spatially)")
		crsName = fs.String("crs", "wgs84", "coordinate system of the file: wgs84, gcj02 or bd09")
		codeProp = fs.String("code-prop", "", `property holding each grid's code (default "code", else "adcode")`)
		nameProp = fs.String("name-prop", "name", "property holding each grid's name")
		skip = fs.Bool("skip-rejected", false, "load the valid features when some are rejected (default: load nothing)")
	})
	if err != nil {
		return err
	}
	cfg, log, pos := cmd.cfg, cmd.log, cmd.args
	if len(pos) != 1 {
		return fmt.Errorf("import %s: give exactly one FILE", what)
	}
	c, err := crs.Parse(*crsName)
	if err != nil {
		return fmt.Errorf("--crs: %w", err)
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	pool, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := postgres.NewStore(pool)
	if what == "teams" {
		teams, err := teamfile.Read(f, pos[0], c)
		if err != nil {
			return err
		}
		ins, upd, err := store.ImportTeams(ctx, teams, func(done, total int) {
			log.Info("importing teams", "done", done, "total", total)
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "teams: %d inserted, %d updated\n", ins, upd)
		return nil
	}
	lvl, err := grid110.ParseLevel(*level)
	if err != nil {
		return fmt.Errorf("--level: %w", err)
	}
	feats, err := gridfile.Read(f, gridfile.Options{CRS: c, CodeProp: *codeProp, NameProp: *nameProp})
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	imp := grid110.GridImport{Level: lvl, ParentCode: *parentCode, SkipRejected: *skip, Progress: progressLog(log)}
	for _, ft := range feats {
		imp.Features = append(imp.Features, grid110.ImportFeature{Index: ft.Index, Code: ft.Code, Name: ft.Name, Geom: ft.Geom})
	}
	res, err := store.ImportGrids(ctx, imp)
	if res != nil {
		PrintImport(stdout, pos[0], lvl, res)
	}
	return err
}

// progressLog logs an import's progress at most every second per stage, and
// each stage's end.
func progressLog(log *slog.Logger) func(stage string, done, total int) {
	last := map[string]time.Time{}
	return func(stage string, done, total int) {
		if done < total && time.Since(last[stage]) < time.Second {
			return
		}
		last[stage] = time.Now()
		log.Info("import", "stage", stage, "done", done, "total", total)
	}
}

// PrintImport writes an import's findings for a person to read.
func PrintImport(w io.Writer, file string, lvl grid110.Level, r *grid110.GridImportResult) {
	fmt.Fprintf(w, "%s: %d %s grids inserted, %d updated\n", file, r.Inserted, lvl, r.Updated)
	section := func(title string, notes []grid110.FeatureNote) {
		if len(notes) == 0 {
			return
		}
		fmt.Fprintf(w, "%s (%d):\n", title, len(notes))
		for _, n := range notes {
			at := ""
			if n.At != nil {
				at = fmt.Sprintf(" at (%.6f, %.6f)", n.At[0], n.At[1])
			}
			idx := ""
			if n.Code != "" {
				idx = fmt.Sprintf("feature %d ", n.Index)
			}
			fmt.Fprintf(w, "  %s%s %s: %s%s\n", idx, n.Code, n.Name, n.Problem, at)
		}
	}
	section("repaired", r.Repaired)
	section("rejected", r.Rejected)
	section("not covered by parent", r.NotCovered)
	section("top-level", r.TopLevel)
	if len(r.Overlaps) > 0 {
		fmt.Fprintf(w, "overlapping siblings (%d):\n", len(r.Overlaps))
		for _, o := range r.Overlaps {
			fmt.Fprintf(w, "  %s %s and %s %s share %.0f m²\n", o.A.Code, o.A.Name, o.B.Code, o.B.Name, o.AreaM2)
		}
	}
	var gaps []grid110.FeatureNote
	for _, g := range r.Gaps {
		g.Index = 0
		gaps = append(gaps, g)
	}
	section("parents with gaps", gaps)
	if len(r.Repaired)+len(r.Rejected)+len(r.NotCovered)+len(r.Overlaps)+len(r.Gaps) == 0 {
		fmt.Fprintln(w, strings.TrimSpace("all geometry valid; no overlaps, gaps or strays"))
	}
}
