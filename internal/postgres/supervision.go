package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

// Escalation is what one escalation (督办) did.
type Escalation struct {
	Case  grid110.Case    // the case after it
	Grid  grid110.GridRef // the grid now supervising the case
	Event grid110.Event   // the supervised event written
}

type escalateRow struct {
	caseRow
	CaseGridID int64  `db:"case_grid_id"`
	GridID     int64  `db:"s_id"`
	GridLevel  string `db:"s_level"`
	GridCode   string `db:"s_code"`
	GridName   string `db:"s_name"`
	GridParent int64  `db:"s_parent"`
}

var sqlEscalate = mustSQL("escalate.sql")

// EscalateTx escalates the case t names, inside tx, if the case still holds
// t (sql/escalate.sql): the supervising grid moves one level up, the
// priority one step, the next escalation is set one stage allowance later
// (none past the city), a supervised event is appended and the change is
// announced on grid110_reports with op "escalated". now is the clock the
// caller judged t due by; the event records how overdue the stage was.
//
// ok is false, and nothing is written, when the case no longer holds t: it
// moved on, an extension moved its deadline, or the escalation already
// happened (a job run twice). A case that holds t but has no grid above its
// supervising one has its timer cleared, and ok is false too.
func (s *Store) EscalateTx(ctx context.Context, tx pgx.Tx, t grid110.Timer, now time.Time) (e Escalation, ok bool, err error) {
	args := pgx.NamedArgs{"id": t.ReportID, "statuses": t.Stage.Statuses(), "deadline": t.Deadline, "level": t.Level,
		"at": t.At, "stage": string(t.Stage)}
	rows, _ := tx.Query(ctx, sqlEscalate, args)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[escalateRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return Escalation{}, false, clearTopTimer(ctx, tx, args)
	}
	if err != nil {
		return Escalation{}, false, translate(err, fmt.Sprintf("escalate report %d", t.ReportID))
	}
	e = Escalation{Case: r.caseOf(), Grid: grid110.GridRef{ID: r.GridID, ParentID: r.GridParent,
		Level: grid110.Level(r.GridLevel), Code: r.GridCode, Name: r.GridName}}
	if e.Event, err = insertSupervisedEvent(ctx, tx, t, e, now); err != nil {
		return Escalation{}, false, err
	}
	msg, _ := json.Marshal(map[string]any{"id": t.ReportID, "op": "escalated", "status": e.Case.Status,
		"stage": t.Stage, "level": e.Case.Escalations, "priority": e.Case.Priority, "grid_id": r.CaseGridID,
		"supervising_grid_id": e.Grid.ID, "at": e.Event.At})
	if _, err := tx.Exec(ctx, `SELECT pg_notify('grid110_reports', $1)`, string(msg)); err != nil {
		return Escalation{}, false, fmt.Errorf("notify: %w", err)
	}
	return e, true, nil
}

// clearTopTimer clears the timer of a case that holds it but cannot climb
// higher, so that no sweep arms it again. A case that moved on is left alone.
func clearTopTimer(ctx context.Context, tx pgx.Tx, args pgx.NamedArgs) error {
	const q = `
		UPDATE reports SET escalate_at = NULL
		WHERE id = @id AND status = ANY (@statuses::text[]) AND stage_due_at = @deadline
		  AND escalations = @level AND escalate_at = @at`
	_, err := tx.Exec(ctx, q, args)
	return translate(err, "clear escalation timer")
}

func insertSupervisedEvent(ctx context.Context, tx pgx.Tx, t grid110.Timer, e Escalation, now time.Time) (grid110.Event, error) {
	data := map[string]any{"level": e.Case.Escalations, "grid_id": e.Grid.ID, "grid_code": e.Grid.Code,
		"grid_name": e.Grid.Name, "grid_level": e.Grid.Level, "stage": t.Stage, "deadline": t.Deadline,
		"escalate_at": t.At, "overdue_by": now.Sub(t.Deadline).Round(time.Second).String(), "priority": e.Case.Priority}
	if !e.Case.EscalateAt.IsZero() {
		data["next_escalation_at"] = e.Case.EscalateAt.UTC()
	}
	ev := grid110.Event{Actor: grid110.SupervisionActor, Kind: grid110.EventSupervised, From: e.Case.Status,
		To: e.Case.Status, Note: fmt.Sprintf("%s超时，升级至%s督办", t.Stage.ZhName(), e.Grid.Name), Data: data}
	const q = `
		INSERT INTO report_events (report_id, actor, kind, from_status, to_status, note, data)
		VALUES (@id, @actor, @kind, @status, @status, @note, @data)
		RETURNING id, at`
	err := tx.QueryRow(ctx, q, pgx.NamedArgs{"id": t.ReportID, "actor": ev.Actor, "kind": ev.Kind,
		"status": ev.From, "note": ev.Note, "data": data}).Scan(&ev.ID, &ev.At)
	if err != nil {
		return grid110.Event{}, translate(err, "insert supervised event")
	}
	return ev, nil
}

// DueTimers returns the escalations pending on cases that fall due before
// horizon, earliest first, at most limit of them after the cursor (the At
// and ReportID of the last timer of the previous page; zero for the first).
// The sweep re-arms them, in case a job was lost or a case was written
// without the case hook (the demo loader, a migration, psql).
func (s *Store) DueTimers(ctx context.Context, horizon time.Time, after grid110.Timer, limit int) ([]grid110.Timer, error) {
	q := `SELECT ` + caseColumns + ` FROM reports
		WHERE escalate_at IS NOT NULL AND escalate_at <= @horizon
		  AND stage_due_at IS NOT NULL AND status NOT IN ('closed', 'rejected')
		  AND (escalate_at, id) > (@after_at, @after_id)
		ORDER BY escalate_at, id
		LIMIT @limit`
	afterAt := after.At
	if afterAt.IsZero() {
		afterAt = time.Unix(0, 0)
	}
	rows, _ := s.pool.Query(ctx, q, pgx.NamedArgs{"horizon": horizon, "after_at": afterAt, "after_id": after.ReportID, "limit": limit})
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByName[caseRow])
	if err != nil {
		return nil, translate(err, "due escalation timers")
	}
	out := make([]grid110.Timer, 0, len(cs))
	for _, c := range cs {
		if t, ok := grid110.TimerOf(c.caseOf()); ok {
			out = append(out, t)
		}
	}
	return out, nil
}
