package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"grid110/internal/grid110"
)

// NewReport is a located report ready to store.
type NewReport struct {
	grid110.Report
	RequestHash []byte // of the request body, to tell a retry from a reused key
	Actor       string // who submitted, for the first event
	// Attachments whose bytes are already on disk, stored with the report.
	Attachments []Attachment
	// MediaURL links to media kept elsewhere (Open311's media_url); "" for none.
	MediaURL string
}

// CreateReport stores a report and its first event in one transaction and
// announces it on the reports channel. With an idempotency key that was
// already used for the same request it returns the stored report and
// created=false; for a different request, an error wrapping ErrConflict.
func (s *Store) CreateReport(ctx context.Context, nr NewReport) (r grid110.Report, created bool, err error) {
	const ins = `
		INSERT INTO reports (tracking_code, idempotency_key, request_hash, category, description, channel,
			location, input_crs, input_lon, input_lat, accuracy_m, grid_id, duty_team_id, team_id, department,
			status, priority, h3_cell, reporter_name, reporter_phone, due_at, media_url, stage_due_at, escalate_at)
		SELECT @tracking_code, NULLIF(@idempotency_key, ''), @request_hash, @category, @description, @channel,
			ST_SetSRID(ST_MakePoint(@lon, @lat), 4326), @input_crs, @input_lon, @input_lat, NULLIF(@accuracy, 0),
			@grid_id, NULLIF(@duty_team_id, 0), NULLIF(@team_id, 0), NULLIF(@department, ''),
			'submitted', @priority, @h3_cell, NULLIF(@reporter_name, ''), NULLIF(@reporter_phone, ''),
			now() + (SELECT time_allowed FROM categories WHERE code = @category), NULLIF(@media_url, ''), f.due, f.due
		-- The filing stage's clock starts now (migrations/0012_supervision.sql).
		FROM (SELECT now() + (SELECT time_allowed FROM category_stages WHERE category = @category AND stage = 'filing') AS due) f
		ON CONFLICT (idempotency_key) DO NOTHING
		RETURNING id`
	const event = `
		INSERT INTO report_events (report_id, actor, kind, to_status, data)
		VALUES ($1, $2, 'submitted', 'submitted', jsonb_build_object('channel', $3::text))
		RETURNING id, at`
	rep := nr.Report
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, ins, pgx.NamedArgs{
			"tracking_code": rep.TrackingCode, "idempotency_key": rep.IdempotencyKey, "request_hash": nr.RequestHash,
			"category": rep.Category, "description": rep.Description, "channel": rep.Channel,
			"lon": rep.Location[0], "lat": rep.Location[1], "input_crs": rep.InputCRS,
			"input_lon": nullFloat(rep.InputLon, rep.InputCRS != "compound"), "input_lat": nullFloat(rep.InputLat, rep.InputCRS != "compound"),
			"accuracy": rep.AccuracyM, "grid_id": rep.GridID, "duty_team_id": rep.DutyTeamID, "team_id": rep.TeamID,
			"department": rep.Department, "priority": rep.Priority, "h3_cell": int64(rep.H3Cell),
			"reporter_name": rep.ReporterName, "reporter_phone": rep.ReporterPhone, "media_url": nr.MediaURL,
		}).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return errReplay
		}
		if err != nil {
			return translate(err, "insert report")
		}
		ev := grid110.Event{Actor: nr.Actor, Kind: "submitted", To: grid110.StatusSubmitted}
		if err := tx.QueryRow(ctx, event, id, nr.Actor, string(rep.Channel)).Scan(&ev.ID, &ev.At); err != nil {
			return translate(err, "insert report event")
		}
		if _, err := insertAttachments(ctx, tx, id, nr.Attachments); err != nil {
			return err
		}
		if err := s.runHook(ctx, tx, id, ev); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify('grid110_reports', $1)`, fmt.Sprintf(`{"id":%d,"op":"created"}`, id))
		return err
	})
	if errors.Is(err, errReplay) {
		return s.replay(ctx, nr)
	}
	if err != nil {
		return grid110.Report{}, false, err
	}
	r, err = s.Report(ctx, id)
	return r, true, err
}

var errReplay = errors.New("idempotency key already used")

// replay returns the report stored under nr's idempotency key.
func (s *Store) replay(ctx context.Context, nr NewReport) (grid110.Report, bool, error) {
	var id int64
	var hash []byte
	err := s.pool.QueryRow(ctx, `SELECT id, request_hash FROM reports WHERE idempotency_key = $1`, nr.IdempotencyKey).Scan(&id, &hash)
	if err != nil {
		return grid110.Report{}, false, translate(err, "report by idempotency key")
	}
	if !bytes.Equal(hash, nr.RequestHash) {
		return grid110.Report{}, false, fmt.Errorf("Idempotency-Key %q was already used for a different request: %w",
			nr.IdempotencyKey, grid110.ErrConflict)
	}
	r, err := s.Report(ctx, id)
	return r, false, err
}

func nullFloat(f float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &f
}

const reportColumns = `
	id, tracking_code, coalesce(idempotency_key, '') AS idempotency_key, category, description, channel,
	ST_X(location) AS lon, ST_Y(location) AS lat, input_crs, coalesce(input_lon, 0) AS input_lon,
	coalesce(input_lat, 0) AS input_lat, coalesce(accuracy_m, 0)::float8 AS accuracy_m, grid_id,
	coalesce(duty_team_id, 0) AS duty_team_id, coalesce(team_id, 0) AS team_id, coalesce(department, '') AS department,
	status, priority, h3_cell, coalesce(reporter_name, '') AS reporter_name, coalesce(reporter_phone, '') AS reporter_phone,
	created_at, updated_at, coalesce(due_at, 'epoch') AS due_at, stage_due_at, escalations,
	coalesce(supervising_grid_id, 0) AS supervising_grid_id`

type reportRow struct {
	ID             int64      `db:"id"`
	TrackingCode   string     `db:"tracking_code"`
	IdempotencyKey string     `db:"idempotency_key"`
	Category       string     `db:"category"`
	Description    string     `db:"description"`
	Channel        string     `db:"channel"`
	Lon            float64    `db:"lon"`
	Lat            float64    `db:"lat"`
	InputCRS       string     `db:"input_crs"`
	InputLon       float64    `db:"input_lon"`
	InputLat       float64    `db:"input_lat"`
	AccuracyM      float64    `db:"accuracy_m"`
	GridID         int64      `db:"grid_id"`
	DutyTeamID     int64      `db:"duty_team_id"`
	TeamID         int64      `db:"team_id"`
	Department     string     `db:"department"`
	Status         string     `db:"status"`
	Priority       int        `db:"priority"`
	H3Cell         int64      `db:"h3_cell"`
	ReporterName   string     `db:"reporter_name"`
	ReporterPhone  string     `db:"reporter_phone"`
	CreatedAt      time.Time  `db:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at"`
	DueAt          time.Time  `db:"due_at"`
	StageDueAt     *time.Time `db:"stage_due_at"`
	Escalations    int        `db:"escalations"`
	SupervisingID  int64      `db:"supervising_grid_id"`
}

func (r reportRow) report() grid110.Report {
	rep := grid110.Report{ID: r.ID, TrackingCode: r.TrackingCode, IdempotencyKey: r.IdempotencyKey, Category: r.Category,
		Description: r.Description, Channel: grid110.Channel(r.Channel), Location: orb.Point{r.Lon, r.Lat},
		InputCRS: r.InputCRS, InputLon: r.InputLon, InputLat: r.InputLat, AccuracyM: r.AccuracyM, GridID: r.GridID,
		DutyTeamID: r.DutyTeamID, TeamID: r.TeamID, Department: r.Department, Status: grid110.Status(r.Status),
		Priority: r.Priority, H3Cell: uint64(r.H3Cell), ReporterName: r.ReporterName, ReporterPhone: r.ReporterPhone,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, DueAt: r.DueAt, Escalations: r.Escalations,
		SupervisingGridID: r.SupervisingID}
	if r.StageDueAt != nil {
		rep.StageDueAt = *r.StageDueAt
	}
	return rep
}

// Report returns one report by id.
func (s *Store) Report(ctx context.Context, id int64) (grid110.Report, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = $1`, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[reportRow])
	if err != nil {
		return grid110.Report{}, translate(err, fmt.Sprintf("report %d", id))
	}
	return r.report(), nil
}

// ReportIn returns one report if j may see it. The error wraps ErrNotFound
// both for no such report and for one outside j, so a report's existence
// is not revealed to those who may not see it.
func (s *Store) ReportIn(ctx context.Context, id int64, j grid110.Jurisdiction) (grid110.Report, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+reportColumns+` FROM reports r WHERE id = @id AND `+jurisdictionSQL,
		jurisdictionArgs(pgx.NamedArgs{"id": id}, j))
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[reportRow])
	if err != nil {
		return grid110.Report{}, translate(err, fmt.Sprintf("report %d", id))
	}
	return r.report(), nil
}

// ReportFilter selects reports for a listing. Zero values mean "any".
type ReportFilter struct {
	Jurisdiction grid110.Jurisdiction // what the caller may see; the zero value sees nothing
	GridID       int64                // in this grid's subtree
	Bound        *orb.Bound
	Category     string
	Status       grid110.Status
	From, To     time.Time // created_at in [From, To)
	Overdue      bool      // only open cases past their stage deadline (督办)
	Before       int64     // keyset cursor: ids below this
	Limit        int
}

// Reports lists reports, newest (highest id) first.
func (s *Store) Reports(ctx context.Context, f ReportFilter) ([]grid110.Report, error) {
	q := `SELECT ` + reportColumns + ` FROM reports r
		WHERE ` + jurisdictionSQL + `
		  AND (@grid = 0 OR grid_id IN (SELECT id FROM grids WHERE path @> ARRAY[@grid::bigint]))
		  AND (@has_bound = false OR location && ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4326))
		  AND (@category = '' OR category = @category)
		  AND (@status = '' OR status = @status)
		  AND (@from::timestamptz IS NULL OR created_at >= @from)
		  AND (@to::timestamptz IS NULL OR created_at < @to)
		  AND (NOT @overdue OR stage_due_at < now())
		  AND (@before = 0 OR id < @before)
		ORDER BY id DESC
		LIMIT @limit`
	args := jurisdictionArgs(pgx.NamedArgs{"grid": f.GridID, "has_bound": f.Bound != nil, "category": f.Category, "status": string(f.Status),
		"from": nullTime(f.From), "to": nullTime(f.To), "overdue": f.Overdue, "before": f.Before, "limit": f.Limit,
		"minx": 0.0, "miny": 0.0, "maxx": 0.0, "maxy": 0.0}, f.Jurisdiction)
	if f.Bound != nil {
		args["minx"], args["miny"], args["maxx"], args["maxy"] = f.Bound.Min[0], f.Bound.Min[1], f.Bound.Max[0], f.Bound.Max[1]
	}
	rows, _ := s.pool.Query(ctx, q, args)
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[reportRow])
	if err != nil {
		return nil, translate(err, "list reports")
	}
	out := make([]grid110.Report, len(rs))
	for i, r := range rs {
		out[i] = r.report()
	}
	return out, nil
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// ReportEvents returns a report's audit trail, oldest first.
func (s *Store) ReportEvents(ctx context.Context, id int64) ([]grid110.Event, error) {
	const q = `
		SELECT id, at, actor, kind, coalesce(from_status, ''), coalesce(to_status, ''), note, data
		FROM report_events WHERE report_id = $1 ORDER BY id`
	rows, err := s.pool.Query(ctx, q, id)
	if err != nil {
		return nil, translate(err, "report events")
	}
	var out []grid110.Event
	var e grid110.Event
	_, err = pgx.ForEachRow(rows, []any{&e.ID, &e.At, &e.Actor, &e.Kind, &e.From, &e.To, &e.Note, &e.Data}, func() error {
		out = append(out, e)
		e.Data = nil
		return nil
	})
	return out, translate(err, "report events")
}

// CompoundPoint returns a compound's grid and a point surely inside it
// (ST_PointOnSurface), for reports submitted by QR code without a location.
func (s *Store) CompoundPoint(ctx context.Context, code string) (grid110.GridRef, orb.Point, error) {
	const q = `
		SELECT id, level, code, name, ST_X(p), ST_Y(p)
		FROM (SELECT id, level, code, name, ST_PointOnSurface(geom) AS p FROM grids WHERE code = $1) g`
	var g grid110.GridRef
	var p orb.Point
	err := s.pool.QueryRow(ctx, q, code).Scan(&g.ID, &g.Level, &g.Code, &g.Name, &p[0], &p[1])
	if err != nil {
		return g, p, translate(err, "compound "+code)
	}
	return g, p, nil
}
