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

// caseColumns are the workflow's columns of reports, scanned into caseRow.
const caseColumns = `
	id, status, priority, coalesce(team_id, 0) AS team_id, coalesce(department, '') AS department, due_at,
	extension_requested_until, extensions, coalesce(duplicate_of, 0) AS duplicate_of,
	coalesce(resolution_note, '') AS resolution_note, resolved_at, closed_at,
	stage_due_at, escalate_at, escalations, coalesce(supervising_grid_id, 0) AS supervising_grid_id`

type caseRow struct {
	ID                      int64      `db:"id"`
	Status                  string     `db:"status"`
	Priority                int        `db:"priority"`
	TeamID                  int64      `db:"team_id"`
	Department              string     `db:"department"`
	DueAt                   *time.Time `db:"due_at"`
	ExtensionRequestedUntil *time.Time `db:"extension_requested_until"`
	Extensions              int        `db:"extensions"`
	DuplicateOf             int64      `db:"duplicate_of"`
	ResolutionNote          string     `db:"resolution_note"`
	ResolvedAt              *time.Time `db:"resolved_at"`
	ClosedAt                *time.Time `db:"closed_at"`
	StageDueAt              *time.Time `db:"stage_due_at"`
	EscalateAt              *time.Time `db:"escalate_at"`
	Escalations             int        `db:"escalations"`
	SupervisingGridID       int64      `db:"supervising_grid_id"`
}

func (r caseRow) caseOf() grid110.Case {
	t := func(p *time.Time) time.Time {
		if p == nil {
			return time.Time{}
		}
		return *p
	}
	return grid110.Case{ReportID: r.ID, Status: grid110.Status(r.Status), Priority: r.Priority, TeamID: r.TeamID,
		Department: r.Department, DueAt: t(r.DueAt), ExtensionAsked: t(r.ExtensionRequestedUntil),
		Extensions: r.Extensions, DuplicateOf: r.DuplicateOf, ResolutionNote: r.ResolutionNote,
		ResolvedAt: t(r.ResolvedAt), ClosedAt: t(r.ClosedAt), StageDueAt: t(r.StageDueAt), EscalateAt: t(r.EscalateAt),
		Escalations: r.Escalations, SupervisingGridID: r.SupervisingGridID}
}

// querier is what both the pool and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func selectCase(ctx context.Context, q querier, id int64) (grid110.Case, error) {
	rows, _ := q.Query(ctx, `SELECT `+caseColumns+` FROM reports WHERE id = $1`, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[caseRow])
	if err != nil {
		return grid110.Case{}, translate(err, fmt.Sprintf("report %d", id))
	}
	return r.caseOf(), nil
}

// Case returns the workflow state of one report. The error wraps
// ErrNotFound if there is no such report.
func (s *Store) Case(ctx context.Context, id int64) (grid110.Case, error) {
	return selectCase(ctx, s.pool, id)
}

// moveSQL is what a move writes besides the status, and what else must
// still hold when it writes (beyond the old status, which every move
// checks). Both are fixed text per move; values go in placeholders.
var moveSQL = map[grid110.Move]struct{ set, where string }{
	grid110.MoveFile:     {},
	grid110.MoveDispatch: {set: `team_id = NULLIF(@team_id::bigint, 0), department = NULLIF(@department, ''), extension_requested_until = NULL`},
	grid110.MoveStart:    {},
	grid110.MoveResolve:  {set: `resolution_note = @note, resolved_at = now(), extension_requested_until = NULL`},
	grid110.MoveVerify:   {},
	grid110.MoveClose:    {set: `closed_at = now()`},
	grid110.MoveReturn:   {set: `extension_requested_until = NULL`},
	// One pending request at a time, and only for a later due time.
	grid110.MoveRequestExtension: {set: `extension_requested_until = @due_at`,
		where: `extension_requested_until IS NULL AND @due_at > coalesce(due_at, '-infinity')`},
	// Due times only move forward; a grant of the pending request must
	// still find that request.
	grid110.MoveGrantExtension: {set: `due_at = @due_at, extension_requested_until = NULL, extensions = extensions + 1`,
		where: `@due_at > coalesce(due_at, '-infinity') AND (@explicit OR extension_requested_until = @due_at)`},
	grid110.MoveReject: {set: `duplicate_of = NULLIF(@duplicate_of::bigint, 0)`},
	// A reopened case is one step more urgent (1 is the most urgent) and
	// no longer has a result.
	grid110.MoveReopen: {set: `priority = greatest(priority - 1, 1), resolution_note = NULL, resolved_at = NULL, closed_at = NULL`},
}

// Move applies one workflow move to a report in one transaction: it
// updates the report if it is still in the status the move starts from,
// appends the move's event, claims the attachments for that event and
// announces the change on the grid110_reports channel. It returns the
// event written.
//
// The error wraps ErrNotFound for no such report; ErrInvalid for a bad
// request, an unknown team, department or original, or attachments not
// stored for this report or already claimed; and a *grid110.StateError
// (ErrConflict) with the current status when the move does not fit the
// case as it is, including when another move got there first.
func (s *Store) Move(ctx context.Context, req grid110.MoveRequest) (grid110.Event, error) {
	var ev grid110.Event
	err := req.Validate()
	if err == nil {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var after grid110.Case
			var err error
			if ev, after, err = move(ctx, tx, req); err != nil || s.hook == nil {
				return err
			}
			return s.hook(ctx, tx, after, ev) // after is the case as the move left it: no need to read it again
		})
	}
	if err != nil {
		return grid110.Event{}, fmt.Errorf("%s report %d: %w", req.Move, req.ReportID, err)
	}
	return ev, nil
}

func move(ctx context.Context, tx pgx.Tx, req grid110.MoveRequest) (grid110.Event, grid110.Case, error) {
	before, err := selectCase(ctx, tx, req.ReportID)
	if err != nil {
		return grid110.Event{}, grid110.Case{}, err
	}
	to, err := before.Check(req)
	if err != nil {
		return grid110.Event{}, grid110.Case{}, err
	}
	if req.Move == grid110.MoveReject && req.DuplicateOf != 0 {
		if req.DuplicateOf, err = originalOf(ctx, tx, req); err != nil {
			return grid110.Event{}, grid110.Case{}, err
		}
	}
	after, err := updateCase(ctx, tx, before, to, req)
	if errors.Is(err, pgx.ErrNoRows) {
		// Another move changed the case since it was read (the UPDATE
		// waited for it and then found the old state gone): judge the
		// request against the case as it is now.
		now, err := selectCase(ctx, tx, req.ReportID)
		if err != nil {
			return grid110.Event{}, grid110.Case{}, err
		}
		if _, err := now.Check(req); err != nil {
			return grid110.Event{}, grid110.Case{}, err
		}
		return grid110.Event{}, grid110.Case{}, &grid110.StateError{Move: req.Move, Current: now.Status, Reason: "the case changed meanwhile; try again"}
	}
	if err != nil {
		return grid110.Event{}, grid110.Case{}, err
	}
	ev, err := insertEvent(ctx, tx, before, after, req)
	if err != nil {
		return grid110.Event{}, grid110.Case{}, err
	}
	if len(req.Attachments) > 0 {
		tag, err := tx.Exec(ctx, `UPDATE attachments SET event_id = $1 WHERE report_id = $2 AND id = ANY($3) AND event_id IS NULL`,
			ev.ID, req.ReportID, req.Attachments)
		if err != nil {
			return grid110.Event{}, grid110.Case{}, translate(err, "claim attachments")
		}
		if tag.RowsAffected() != int64(len(req.Attachments)) {
			return grid110.Event{}, grid110.Case{}, grid110.Invalid("attachments", "%v: not all are stored for report %d and unused", req.Attachments, req.ReportID)
		}
	}
	msg, _ := json.Marshal(map[string]any{"id": req.ReportID, "op": "moved", "move": req.Move, "from": ev.From, "to": ev.To})
	if _, err := tx.Exec(ctx, `SELECT pg_notify('grid110_reports', $1)`, string(msg)); err != nil {
		return grid110.Event{}, grid110.Case{}, fmt.Errorf("notify: %w", err)
	}
	return ev, after, nil
}

// stageDueSQL is the stage deadline after a move: a move into another
// stage starts that stage's clock (NULL for closed and rejected, which
// have none); a granted extension pushes the handling deadline as far as
// it pushes due_at; other moves keep it. The next escalation restarts
// from the new deadline in both cases (escalateSQL).
const (
	stageDueSQL = `CASE WHEN @new_stage THEN now() + (SELECT cs.time_allowed FROM category_stages cs
	                                                 WHERE cs.category = reports.category AND cs.stage = @to_stage)
	                    WHEN @extend THEN stage_due_at + coalesce(@due_at - due_at, interval '0')
	                    ELSE stage_due_at END`
	stageSQL = `stage_due_at = ` + stageDueSQL + `, escalate_at = CASE WHEN @new_stage OR @extend THEN ` + stageDueSQL + ` ELSE escalate_at END`
)

// updateCase writes the move if the case is still in before.Status and
// the move's own condition holds; pgx.ErrNoRows means it was not.
func updateCase(ctx context.Context, tx pgx.Tx, before grid110.Case, to grid110.Status, req grid110.MoveRequest) (grid110.Case, error) {
	m := moveSQL[req.Move]
	q := `UPDATE reports SET status = @to, updated_at = now(), ` + stageSQL
	if m.set != "" {
		q += ", " + m.set
	}
	q += ` WHERE id = @id AND status = @from`
	if m.where != "" {
		q += " AND " + m.where
	}
	q += ` RETURNING ` + caseColumns
	due := req.DueAt
	if req.Move == grid110.MoveGrantExtension {
		due = before.GrantedDue(req)
	}
	fromStage, _ := grid110.StageOf(before.Status)
	toStage, _ := grid110.StageOf(to)
	rows, _ := tx.Query(ctx, q, pgx.NamedArgs{"id": req.ReportID, "from": before.Status, "to": to,
		"team_id": req.TeamID, "department": req.Department, "note": req.Note, "due_at": due,
		"explicit": !req.DueAt.IsZero(), "duplicate_of": req.DuplicateOf,
		"new_stage": fromStage != toStage, "to_stage": string(toStage), "extend": req.Move == grid110.MoveGrantExtension})
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[caseRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return grid110.Case{}, err
	}
	if err != nil {
		return grid110.Case{}, translate(err, "update report")
	}
	return r.caseOf(), nil
}

// originalOf returns the report req's report duplicates: the end of the
// chain of duplicates starting at req.DuplicateOf, so every duplicate
// links straight to an original. A chain that leads back to the report
// itself would make a loop and is refused.
func originalOf(ctx context.Context, tx pgx.Tx, req grid110.MoveRequest) (int64, error) {
	const q = `
		WITH RECURSIVE chain (id, next, depth) AS (
			SELECT id, duplicate_of, 1 FROM reports WHERE id = $1
			UNION ALL
			SELECT r.id, r.duplicate_of, c.depth + 1 FROM chain c JOIN reports r ON r.id = c.next WHERE c.depth < 64
		)
		SELECT id FROM chain ORDER BY depth DESC LIMIT 1`
	var id int64
	err := tx.QueryRow(ctx, q, req.DuplicateOf).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, grid110.Invalid("duplicate_of", "no report %d", req.DuplicateOf)
	}
	if err != nil {
		return 0, translate(err, "original report")
	}
	if id == req.ReportID {
		return 0, grid110.Invalid("duplicate_of", "report %d is itself a duplicate of report %d", req.DuplicateOf, req.ReportID)
	}
	return id, nil
}

// insertEvent appends the move's event. Its data records what the move
// set, as stored: the assignee, the due times, the original, the priority
// and the attachments.
func insertEvent(ctx context.Context, tx pgx.Tx, before, after grid110.Case, req grid110.MoveRequest) (grid110.Event, error) {
	data := map[string]any{"move": req.Move}
	switch req.Move {
	case grid110.MoveDispatch:
		if after.TeamID != 0 {
			data["team_id"] = after.TeamID
		}
		if after.Department != "" {
			data["department"] = after.Department
		}
	case grid110.MoveRequestExtension:
		data["due_at"], data["requested_due_at"] = before.DueAt, after.ExtensionAsked
	case grid110.MoveGrantExtension:
		data["previous_due_at"], data["due_at"] = before.DueAt, after.DueAt
		if !after.StageDueAt.IsZero() {
			data["stage_due_at"] = after.StageDueAt
		}
	case grid110.MoveReject:
		if after.DuplicateOf != 0 {
			data["duplicate_of"] = after.DuplicateOf
		}
	case grid110.MoveReopen:
		data["priority"] = after.Priority
	}
	if len(req.Attachments) > 0 {
		data["attachments"] = req.Attachments
	}
	const q = `
		INSERT INTO report_events (report_id, actor, kind, from_status, to_status, note, data)
		VALUES (@id, @actor, @kind, @from, @to, @note, @data)
		RETURNING id, at`
	ev := grid110.Event{Actor: req.Actor, Kind: req.Move.EventKind(), From: before.Status, To: after.Status, Note: req.Note, Data: data}
	err := tx.QueryRow(ctx, q, pgx.NamedArgs{"id": req.ReportID, "actor": req.Actor, "kind": ev.Kind,
		"from": ev.From, "to": ev.To, "note": req.Note, "data": data}).Scan(&ev.ID, &ev.At)
	if err != nil {
		return grid110.Event{}, translate(err, "insert report event")
	}
	return ev, nil
}
