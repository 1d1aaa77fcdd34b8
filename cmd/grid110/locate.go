package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"grid110/internal/crs"
	"grid110/internal/grid110"
	"grid110/internal/locate"
	"grid110/internal/postgres"
)

// locateCmd locates every row of a CSV file of any size, streaming: the
// output is the input with the answer's columns appended, in the same order.
func locateCmd(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	var in, out, crsName, lonCol, latCol *string
	cmd, err := newCommand("locate", args, getenv, stderr, func(fs *flag.FlagSet, _ *config) {
		in = fs.String("in", "", "input CSV with a header row holding lon and lat columns (and optionally crs)")
		out = fs.String("out", "", "output CSV (- for standard output)")
		crsName = fs.String("crs", "wgs84", "coordinate system of rows without a crs column")
		lonCol = fs.String("lon", "lon", "name of the longitude column")
		latCol = fs.String("lat", "lat", "name of the latitude column")
	})
	if err != nil {
		return err
	}
	cfg, log := cmd.cfg, cmd.log
	if *in == "" || *out == "" {
		return fmt.Errorf("locate: --in and --out are required")
	}
	defCRS, err := crs.Parse(*crsName)
	if err != nil {
		return fmt.Errorf("--crs: %w", err)
	}
	pool, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	locator, err := locate.New(ctx, postgres.NewStore(pool), log)
	if err != nil {
		return err
	}
	r, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer r.Close()
	var w io.Writer = os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	start := time.Now()
	n, failed, err := locateCSV(ctx, locator.Snapshot(), r, w, csvOptions{lon: *lonCol, lat: *latCol, crs: defCRS},
		func(done int) {
			log.Info("locating", "rows", done, "rows_per_s", int(float64(done)/time.Since(start).Seconds()))
		})
	if err != nil {
		return err
	}
	log.Info("located", "rows", n, "without_grid", failed, "took", time.Since(start).Round(time.Millisecond),
		"rows_per_s", int(float64(n)/time.Since(start).Seconds()))
	return nil
}

type csvOptions struct {
	lon, lat string
	crs      crs.CRS
}

// outColumns are appended to every row.
var outColumns = []string{"wgs84_lon", "wgs84_lat", "grid_id", "grid_level", "grid_code", "grid_name", "chain",
	"duty_team", "nearest_team_kind", "nearest_team", "nearest_team_distance_m", "error"}

// locateCSV streams r to w in chunks located in parallel, reporting progress
// about every second. It returns the rows read and how many found no grid.
func locateCSV(ctx context.Context, snap *locate.Snapshot, r io.Reader, w io.Writer, opt csvOptions, progress func(int)) (int, int, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return 0, 0, fmt.Errorf("read header: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	li, ok1 := col[strings.ToLower(opt.lon)]
	ai, ok2 := col[strings.ToLower(opt.lat)]
	if !ok1 || !ok2 {
		return 0, 0, fmt.Errorf("header %v has no %q and %q columns (see --lon and --lat)", header, opt.lon, opt.lat)
	}
	ci, hasCRS := col["crs"]
	cw := csv.NewWriter(w)
	if err := cw.Write(append(header, outColumns...)); err != nil {
		return 0, 0, err
	}
	const chunk = 8192
	workers := runtime.GOMAXPROCS(0)
	rows, failed, line := 0, 0, 1
	last := time.Now()
	for {
		if err := ctx.Err(); err != nil {
			return rows, failed, err
		}
		var recs [][]string
		for len(recs) < chunk {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return rows, failed, fmt.Errorf("line %d: %w", line+len(recs)+1, err)
			}
			recs = append(recs, rec)
		}
		if len(recs) == 0 {
			break
		}
		outs := make([][]string, len(recs))
		var wg sync.WaitGroup
		var nfail [64]int
		for wk := 0; wk < workers; wk++ {
			wg.Add(1)
			go func(wk int) {
				defer wg.Done()
				for i := wk; i < len(recs); i += workers {
					c := opt.crs
					if hasCRS && ci < len(recs[i]) && recs[i][ci] != "" {
						if x, err := crs.Parse(recs[i][ci]); err == nil {
							c = x
						} else {
							outs[i] = append(recs[i], errRow(fmt.Sprintf("line %d crs: %v", line+i+1, err))...)
							nfail[wk%64]++
							continue
						}
					}
					var row []string
					if li >= len(recs[i]) || ai >= len(recs[i]) {
						row = errRow(fmt.Sprintf("line %d: missing lon or lat", line+i+1))
					} else {
						row = locateRow(snap, recs[i][li], recs[i][ai], c)
					}
					if row[len(row)-1] != "" {
						nfail[wk%64]++
					}
					outs[i] = append(recs[i], row...)
				}
			}(wk)
		}
		wg.Wait()
		for _, n := range nfail {
			failed += n
		}
		if err := cw.WriteAll(outs); err != nil {
			return rows, failed, err
		}
		rows += len(recs)
		line += len(recs)
		if time.Since(last) > time.Second {
			progress(rows)
			last = time.Now()
		}
	}
	cw.Flush()
	return rows, failed, cw.Error()
}

func errRow(msg string) []string {
	row := make([]string, len(outColumns))
	row[len(row)-1] = msg
	return row
}

// locateRow answers one row; problems go in the error column.
func locateRow(snap *locate.Snapshot, lonS, latS string, c crs.CRS) []string {
	lon, err1 := strconv.ParseFloat(strings.TrimSpace(lonS), 64)
	lat, err2 := strconv.ParseFloat(strings.TrimSpace(latS), 64)
	if err1 != nil || err2 != nil || lon != lon || lat != lat || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return errRow(fmt.Sprintf("(%q, %q) is not a longitude/latitude", lonS, latS))
	}
	wlon, wlat := crs.ToWGS84(c, lon, lat)
	res, err := snap.Locate(orb.Point{wlon, wlat}, nil)
	row := make([]string, len(outColumns))
	row[0], row[1] = strconv.FormatFloat(wlon, 'f', 7, 64), strconv.FormatFloat(wlat, 'f', 7, 64)
	if err != nil {
		var oe *grid110.OutsideError
		if errors.As(err, &oe) {
			row[len(row)-1] = oe.Error()
			return row
		}
		row[len(row)-1] = err.Error()
		return row
	}
	codes := make([]string, len(res.Chain))
	for i, g := range res.Chain {
		codes[i] = g.Code
	}
	row[2], row[3], row[4], row[5] = strconv.FormatInt(res.Grid.ID, 10), string(res.Grid.Level), res.Grid.Code, res.Grid.Name
	row[6] = strings.Join(codes, ">")
	if res.DutyTeam != nil {
		row[7] = res.DutyTeam.Name
	}
	if len(res.Nearest) > 0 {
		best := res.Nearest[0]
		for _, n := range res.Nearest[1:] {
			if n.DistanceM < best.DistanceM {
				best = n
			}
		}
		row[8], row[9], row[10] = string(best.Kind), best.Name, strconv.FormatFloat(best.DistanceM, 'f', 0, 64)
	}
	return row
}
