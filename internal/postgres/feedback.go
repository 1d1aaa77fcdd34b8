package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

// Tracking is a case as its reporter may follow it with the tracking code:
// no staff names, no contact details, and staff notes only where they are
// the answer owed to the reporter (the result, or why it was rejected).
type Tracking struct {
	ID           int64
	TrackingCode string
	Category     string
	Status       grid110.Status
	CreatedAt    time.Time
	UpdatedAt    time.Time
	GridName     string
	History      []TrackingStep
	CanRate      bool
	Rating       *Rating
}

// TrackingStep is one public step of a case's history.
type TrackingStep struct {
	At     time.Time      `json:"at"`
	Kind   string         `json:"kind"`
	Status grid110.Status `json:"status,omitempty"`
	Note   string         `json:"note,omitempty"`
}

// Rating is the reporter's verdict on a resolution.
type Rating struct {
	Satisfied bool      `json:"satisfied"`
	Comment   string    `json:"comment,omitempty"`
	At        time.Time `json:"at"`
}

// rateable are the states in which the reporter may rate the result.
var rateable = []grid110.Status{grid110.StatusResolved, grid110.StatusVerified, grid110.StatusClosed}

// Track returns the public view of the case with tracking code code. The
// error wraps ErrNotFound for an unknown code.
func (s *Store) Track(ctx context.Context, code string) (Tracking, error) {
	var t Tracking
	err := s.pool.QueryRow(ctx, `
		SELECT r.id, r.tracking_code, r.category, r.status, r.created_at, r.updated_at, g.name
		FROM reports r JOIN grids g ON g.id = r.grid_id WHERE r.tracking_code = $1`, code).
		Scan(&t.ID, &t.TrackingCode, &t.Category, &t.Status, &t.CreatedAt, &t.UpdatedAt, &t.GridName)
	if err != nil {
		return Tracking{}, translate(err, "tracking code "+code)
	}
	// Public steps: status changes, supervision and the reporter's own
	// rating; notes only for the result, a rejection and the rating.
	rows, _ := s.pool.Query(ctx, `
		SELECT at, kind, coalesce(to_status, ''),
			CASE WHEN kind IN ('resolved', 'rejected', 'rated') THEN note ELSE '' END
		FROM report_events
		WHERE report_id = $1 AND (to_status IS NOT NULL OR kind IN ('supervised', 'rated', 'extension_granted'))
		ORDER BY id`, t.ID)
	t.History, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (TrackingStep, error) {
		var st TrackingStep
		err := row.Scan(&st.At, &st.Kind, &st.Status, &st.Note)
		return st, err
	})
	if err != nil {
		return Tracking{}, translate(err, "tracking history")
	}
	var rt Rating
	err = s.pool.QueryRow(ctx, `SELECT satisfied, comment, at FROM report_ratings WHERE report_id = $1 ORDER BY id DESC LIMIT 1`, t.ID).
		Scan(&rt.Satisfied, &rt.Comment, &rt.At)
	switch {
	case err == nil:
		t.Rating = &rt
	case !errors.Is(err, pgx.ErrNoRows):
		return Tracking{}, translate(err, "rating")
	}
	if isRateable(t.Status) {
		var rated bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM report_ratings WHERE report_id = $1 AND resolved_at = (`+resolvedAtSQL+`))`,
			t.ID).Scan(&rated); err != nil {
			return Tracking{}, translate(err, "rating")
		}
		t.CanRate = !rated
	}
	return t, nil
}

// resolvedAtSQL is when report $1 was last resolved: the column, or for
// cases resolved before it existed, the last resolved event.
const resolvedAtSQL = `SELECT coalesce(r.resolved_at,
	(SELECT max(e.at) FROM report_events e WHERE e.report_id = r.id AND e.kind = 'resolved'), r.updated_at)
	FROM reports r WHERE r.id = $1`

func isRateable(st grid110.Status) bool {
	for _, s := range rateable {
		if s == st {
			return true
		}
	}
	return false
}

// Rate records the reporter's verdict on the current result of the case
// with tracking code code, in one transaction: a "rated" event, then, if
// not satisfied, the case reopens; if satisfied and already verified on
// site, it closes (a satisfied rating of a case not yet verified waits for
// the verification, and closes nothing by itself). It returns the moves
// made. The error wraps ErrNotFound for an unknown code, a *StateError
// (ErrConflict) when the case has no result to rate, and ErrConflict when
// this result was already rated.
func (s *Store) Rate(ctx context.Context, code string, satisfied bool, comment string) ([]grid110.Event, error) {
	var events []grid110.Event
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		var st grid110.Status
		if err := tx.QueryRow(ctx, `SELECT id, status FROM reports WHERE tracking_code = $1 FOR UPDATE`, code).Scan(&id, &st); err != nil {
			return translate(err, "tracking code "+code)
		}
		if !isRateable(st) {
			return &grid110.StateError{Move: "rate", Current: st, Reason: "there is no result to rate yet"}
		}
		var resolvedAt time.Time
		if err := tx.QueryRow(ctx, resolvedAtSQL, id).Scan(&resolvedAt); err != nil {
			return translate(err, "resolution time")
		}
		tag, err := tx.Exec(ctx, `INSERT INTO report_ratings (report_id, resolved_at, satisfied, comment) VALUES ($1, $2, $3, $4)
			ON CONFLICT (report_id, resolved_at) DO NOTHING`, id, resolvedAt, satisfied, comment)
		if err != nil {
			return translate(err, "store rating")
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("this result was already rated; a new result can be rated when there is one: %w", grid110.ErrConflict)
		}
		var ev grid110.Event
		ev.Actor, ev.Kind, ev.Note = "reporter", "rated", comment
		ev.Data = map[string]any{"satisfied": satisfied}
		if err := tx.QueryRow(ctx, `INSERT INTO report_events (report_id, actor, kind, note, data) VALUES ($1, $2, $3, $4, $5) RETURNING id, at`,
			id, ev.Actor, ev.Kind, ev.Note, ev.Data).Scan(&ev.ID, &ev.At); err != nil {
			return translate(err, "rating event")
		}
		events = append(events, ev)
		var req grid110.MoveRequest
		switch {
		case !satisfied:
			note := comment
			if note == "" {
				note = "报告人不满意 (the reporter is not satisfied)"
			}
			req = grid110.MoveRequest{ReportID: id, Move: grid110.MoveReopen, Actor: "reporter", Note: note}
		case st == grid110.StatusVerified:
			req = grid110.MoveRequest{ReportID: id, Move: grid110.MoveClose, Actor: "reporter", Note: comment}
		default:
			return nil
		}
		mv, _, err := move(ctx, tx, req)
		if err != nil {
			return err
		}
		events = append(events, mv)
		return s.runHook(ctx, tx, id, mv)
	})
	if err != nil {
		return nil, fmt.Errorf("rate %s: %w", code, err)
	}
	return events, nil
}
