package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

// ReportsChannel is the NOTIFY channel on which every new report and every
// change of a case is announced, as {"id": report id, "op": ...}.
const ReportsChannel = "grid110_reports"

// LiveEvent is a change of a case as the live map shows it.
type LiveEvent struct {
	EventID    int64          `json:"event_id"`
	ID         int64          `json:"id"`
	Op         string         `json:"op"` // created, moved, escalated, rated
	Kind       string         `json:"kind"`
	Status     grid110.Status `json:"status"`
	From       grid110.Status `json:"from,omitempty"`
	To         grid110.Status `json:"to,omitempty"`
	Category   string         `json:"category"`
	Priority   int            `json:"priority"`
	Lon        float64        `json:"lon"`
	Lat        float64        `json:"lat"`
	GridID     int64          `json:"grid_id"`
	TeamID     int64          `json:"team_id,omitempty"`
	Department string         `json:"department,omitempty"`
	At         time.Time      `json:"at"`
}

// liveSQL reads events as live events: the event with the report's state
// as it is now. opOf names the event's kind as the stream's op.
const liveSQL = `
	SELECT e.id AS event_id, r.id, CASE e.kind WHEN 'submitted' THEN 'created' WHEN 'supervised' THEN 'escalated'
			WHEN 'rated' THEN 'rated' ELSE 'moved' END AS op, e.kind,
		r.status, coalesce(e.from_status, '') AS "from", coalesce(e.to_status, '') AS "to", r.category, r.priority,
		ST_X(r.location) AS lon, ST_Y(r.location) AS lat, r.grid_id, coalesce(r.team_id, 0) AS team_id,
		coalesce(r.department, '') AS department, e.at
	FROM report_events e JOIN reports r ON r.id = e.report_id`

// LatestLiveEvent returns report id's latest event as a live event.
func (s *Store) LatestLiveEvent(ctx context.Context, id int64) (LiveEvent, error) {
	rows, _ := s.pool.Query(ctx, liveSQL+` WHERE e.report_id = $1 ORDER BY e.id DESC LIMIT 1`, id)
	ev, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[LiveEvent])
	return ev, translate(err, "live event")
}

// LiveEventsAfter returns up to limit events after event id after that j
// may see, oldest first: what a reconnecting live client missed.
func (s *Store) LiveEventsAfter(ctx context.Context, after int64, j grid110.Jurisdiction, limit int) ([]LiveEvent, error) {
	rows, _ := s.pool.Query(ctx, liveSQL+` WHERE e.id > @after AND `+jurisdictionSQL+` ORDER BY e.id LIMIT @limit`,
		jurisdictionArgs(pgx.NamedArgs{"after": after, "limit": limit}, j))
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[LiveEvent])
	return out, translate(err, "live events")
}
