package demo

import (
	"context"
	_ "embed"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

var (
	//go:embed sql/reports.sql
	sqlReports string
	//go:embed sql/report_events.sql
	sqlReportEvents string
	//go:embed sql/supervision.sql
	sqlSupervision string
)

// report is one generated report, before SQL resolves its grid and teams.
type report struct {
	code, category, description, channel, inputCRS, submitter string
	loc, input                                                orb.Point
	accuracy                                                  *float32
	h3                                                        int64
	name, phone                                               *string
	created, updated                                          time.Time
	steps                                                     [nSteps]time.Time // zero: not (yet) reached
	status, rejectNote                                        string
}

// loadReports generates opt.Reports reports over the year before Until,
// stages them with CopyFrom and inserts them with their events in two
// set-based statements that resolve grids and teams.
func (l *loader) loadReports(ctx context.Context) error {
	if l.opt.Reports == 0 {
		return nil
	}
	g, err := l.newReportGen(ctx)
	if err != nil {
		return err
	}
	p := newProgress(l.log, "generate reports", l.opt.Reports, 20_000)
	reports := make([]*report, 0, l.opt.Reports)
	for range l.opt.Reports {
		rep, err := g.next()
		if err != nil {
			return err
		}
		reports = append(reports, rep)
		p.add(1)
	}
	// Ids follow time, as they would have in production.
	sort.Slice(reports, func(i, j int) bool {
		a, b := reports[i], reports[j]
		if !a.created.Equal(b.created) {
			return a.created.Before(b.created)
		}
		return a.code < b.code
	})
	l.log.Info("demo reports generated", "count", len(reports), "hotspots", len(g.hotspots))
	return l.bulk(ctx, func(tx pgx.Tx) error { return l.insertReports(ctx, tx, reports) })
}

// insertReports stages the reports with CopyFrom, then inserts them and
// their events (sql/reports.sql, sql/report_events.sql).
func (l *loader) insertReports(ctx context.Context, tx pgx.Tx, reports []*report) error {
	const create = `
		CREATE TEMP TABLE demo_reports (
			seq int PRIMARY KEY, tracking_code text, category text, description text, channel text,
			lon float8, lat float8, input_crs text, input_lon float8, input_lat float8, accuracy_m real,
			h3_cell bigint, reporter_name text, reporter_phone text, submitter text, status text,
			created_at timestamptz, updated_at timestamptz,
			filed_at timestamptz, dispatched_at timestamptz, in_progress_at timestamptz, resolved_at timestamptz,
			verified_at timestamptz, closed_at timestamptz, rejected_at timestamptz, reject_note text
		) ON COMMIT DROP;
		-- The compounds alone, indexed: they tile the city, and an index
		-- holding nothing else finds a point's compound three times faster
		-- than grids_geom_idx, where every point also hits its community,
		-- township, district and the city.
		CREATE TEMP TABLE demo_compounds ON COMMIT DROP AS
			SELECT id, path, geom FROM grids WHERE level = 'compound';
		CREATE INDEX ON demo_compounds USING gist (geom);
		-- Where each on-duty N-team serves, indexed: a report goes to a team
		-- whose area covers it when there is one.
		CREATE TEMP TABLE demo_service_areas ON COMMIT DROP AS
			SELECT id, kind, base, service_area AS area FROM teams
			WHERE on_duty AND service_area IS NOT NULL AND kind <> 'duty';
		CREATE INDEX ON demo_service_areas USING gist (area);
		ANALYZE demo_compounds, demo_service_areas, grids, teams, team_members`
	if _, err := tx.Exec(ctx, create); err != nil {
		return fmt.Errorf("create report stage: %w", err)
	}
	cols := []string{"seq", "tracking_code", "category", "description", "channel", "lon", "lat", "input_crs",
		"input_lon", "input_lat", "accuracy_m", "h3_cell", "reporter_name", "reporter_phone", "submitter", "status",
		"created_at", "updated_at", "filed_at", "dispatched_at", "in_progress_at", "resolved_at", "verified_at",
		"closed_at", "rejected_at", "reject_note"}
	p := newProgress(l.log, "stage reports", len(reports), 20_000)
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(reports) {
			return nil, nil
		}
		rep := reports[i]
		row := []any{i + 1, rep.code, rep.category, rep.description, rep.channel, rep.loc[0], rep.loc[1], rep.inputCRS,
			rep.input[0], rep.input[1], rep.accuracy, rep.h3, rep.name, rep.phone, rep.submitter, rep.status,
			rep.created, rep.updated}
		for _, t := range rep.steps {
			if t.IsZero() {
				row = append(row, nil)
			} else {
				row = append(row, t)
			}
		}
		row = append(row, rep.rejectNote)
		i++
		p.add(1)
		return row, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"demo_reports"}, cols, src); err != nil {
		return fmt.Errorf("stage reports: %w", err)
	}
	if _, err := tx.Exec(ctx, `ANALYZE demo_reports`); err != nil {
		return err
	}
	stop := l.heartbeat("insert reports")
	tag, err := tx.Exec(ctx, sqlReports)
	stop()
	if err != nil {
		return fmt.Errorf("insert reports: %w", err)
	}
	if int(tag.RowsAffected()) != len(reports) {
		return fmt.Errorf("inserted %d reports of %d: some points lie in no grid", tag.RowsAffected(), len(reports))
	}
	l.log.Info("demo reports loaded", "count", tag.RowsAffected())
	if err := l.supervise(ctx, tx); err != nil {
		return err
	}
	stop = l.heartbeat("insert report events")
	tag, err = tx.Exec(ctx, sqlReportEvents)
	stop()
	if err != nil {
		return fmt.Errorf("insert report events: %w", err)
	}
	l.log.Info("demo report events loaded", "count", tag.RowsAffected())
	return nil
}

// supervise sets the supervision state of the open reports as of now, or
// of Until if that is earlier, with their escalations so far
// (sql/supervision.sql); their events go in with the others.
func (l *loader) supervise(ctx context.Context, tx pgx.Tx) error {
	start := time.Now()
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE demo_clock (ref timestamptz NOT NULL) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("supervise demo reports: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO demo_clock VALUES (least(now(), $1))`, l.opt.Until); err != nil {
		return fmt.Errorf("supervise demo reports: %w", err)
	}
	if _, err := tx.Exec(ctx, sqlSupervision); err != nil {
		return fmt.Errorf("supervise demo reports: %w", err)
	}
	var open, escalated, levels int
	err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE n > 0), coalesce(sum(n), 0) FROM demo_open`).Scan(&open, &escalated, &levels)
	if err != nil {
		return fmt.Errorf("supervise demo reports: %w", err)
	}
	l.log.Info("demo supervision set", "open", open, "escalated", escalated, "escalations", levels,
		"took", time.Since(start).Round(time.Millisecond))
	return nil
}
