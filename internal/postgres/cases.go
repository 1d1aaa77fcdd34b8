package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"grid110/internal/grid110"
)

// Duplicate is a report that is likely the same matter as another: the
// same category, within the category's radius and time window.
type Duplicate struct {
	ID        int64          `db:"id"`
	Category  string         `db:"category"`
	Status    grid110.Status `db:"status"`
	CreatedAt time.Time      `db:"created_at"`
	DistanceM float64        `db:"distance_m"`
}

// duplicatesSQL finds the likely duplicates of a report (or of a point,
// category and time not yet stored): reports of the same category, not
// rejected, within the category's duplicate radius (metres, on the
// spheroid) and window either side, nearest first. The bounding box is
// widened by the radius in degrees at the point's latitude so the GiST
// index on location does the first cut.
const duplicatesSQL = `
	WITH me AS (
		SELECT ST_SetSRID(ST_MakePoint(@lon, @lat), 4326) AS p, @at::timestamptz AS at,
			c.code AS category, c.duplicate_radius_m AS radius, c.duplicate_window AS win
		FROM categories c WHERE c.code = @category)
	SELECT r.id, r.category, r.status, r.created_at,
		round(ST_Distance(r.location::geography, me.p::geography)::numeric, 1)::float8 AS distance_m
	FROM me JOIN reports r ON r.category = me.category
	WHERE r.id <> @exclude
	  AND r.status <> 'rejected'
	  AND r.created_at BETWEEN me.at - me.win AND me.at + me.win
	  AND r.location && ST_Expand(me.p, me.radius / (111320 * cos(radians(@lat))), me.radius / 110574)
	  AND ST_DWithin(r.location::geography, me.p::geography, me.radius)
	  AND ` + jurisdictionSQL + `
	ORDER BY distance_m, r.id
	LIMIT 10`

// DuplicatesNear returns the reports j may see that a new report of
// category at p (WGS-84) and time at would likely duplicate.
func (s *Store) DuplicatesNear(ctx context.Context, category string, p orb.Point, at time.Time, j grid110.Jurisdiction) ([]Duplicate, error) {
	return s.duplicates(ctx, category, p, at, 0, j)
}

// LikelyDuplicates returns the reports j may see that are likely the same
// matter as report id.
func (s *Store) LikelyDuplicates(ctx context.Context, id int64, j grid110.Jurisdiction) ([]Duplicate, error) {
	var cat string
	var p orb.Point
	var at time.Time
	err := s.pool.QueryRow(ctx, `SELECT category, ST_X(location), ST_Y(location), created_at FROM reports WHERE id = $1`, id).
		Scan(&cat, &p[0], &p[1], &at)
	if err != nil {
		return nil, translate(err, fmt.Sprintf("report %d", id))
	}
	return s.duplicates(ctx, cat, p, at, id, j)
}

func (s *Store) duplicates(ctx context.Context, category string, p orb.Point, at time.Time, exclude int64, j grid110.Jurisdiction) ([]Duplicate, error) {
	rows, _ := s.pool.Query(ctx, duplicatesSQL, jurisdictionArgs(pgx.NamedArgs{"lon": p[0], "lat": p[1], "at": at,
		"category": category, "exclude": exclude}, j))
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Duplicate])
	if err != nil {
		return nil, translate(err, "likely duplicates")
	}
	if out == nil {
		out = []Duplicate{}
	}
	return out, nil
}

// Attachment is a stored photo, voice note or document of a report; the
// bytes are on disk at Path, relative to the media directory.
type Attachment struct {
	ID          int64     `db:"id"`
	ReportID    int64     `db:"report_id"`
	Kind        string    `db:"kind"`
	ContentType string    `db:"content_type"`
	SizeBytes   int64     `db:"size_bytes"`
	SHA256      []byte    `db:"sha256"`
	Path        string    `db:"path"`
	EventID     *int64    `db:"event_id"`
	CreatedAt   time.Time `db:"created_at"`
}

// Attachments lists a report's attachments, oldest first.
func (s *Store) Attachments(ctx context.Context, reportID int64) ([]Attachment, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, report_id, kind, content_type, size_bytes, sha256, path, event_id, created_at
		FROM attachments WHERE report_id = $1 ORDER BY id`, reportID)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Attachment])
	if err != nil {
		return nil, translate(err, "attachments")
	}
	return out, nil
}

// AttachmentIn returns one attachment of a report j may see; ErrNotFound
// otherwise.
func (s *Store) AttachmentIn(ctx context.Context, id int64, j grid110.Jurisdiction) (Attachment, error) {
	rows, _ := s.pool.Query(ctx, `SELECT a.id, a.report_id, a.kind, a.content_type, a.size_bytes, a.sha256, a.path, a.event_id, a.created_at
		FROM attachments a JOIN reports r ON r.id = a.report_id WHERE a.id = @id AND `+jurisdictionSQL,
		jurisdictionArgs(pgx.NamedArgs{"id": id}, j))
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Attachment])
	if err != nil {
		return Attachment{}, translate(err, fmt.Sprintf("attachment %d", id))
	}
	return a, nil
}

// AddAttachments records attachments of a report whose bytes are already on
// disk, claimed by no event yet: a later move (such as resolve, with its
// result photos) may claim them.
func (s *Store) AddAttachments(ctx context.Context, reportID int64, atts []Attachment) ([]Attachment, error) {
	var out []Attachment
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		out, err = insertAttachments(ctx, tx, reportID, atts)
		return err
	})
	return out, err
}

func insertAttachments(ctx context.Context, tx pgx.Tx, reportID int64, atts []Attachment) ([]Attachment, error) {
	out := make([]Attachment, 0, len(atts))
	for _, a := range atts {
		a.ReportID = reportID
		err := tx.QueryRow(ctx, `INSERT INTO attachments (report_id, kind, content_type, size_bytes, sha256, path)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
			reportID, a.Kind, a.ContentType, a.SizeBytes, a.SHA256, a.Path).Scan(&a.ID, &a.CreatedAt)
		if err != nil {
			return nil, translate(err, "store attachment")
		}
		out = append(out, a)
	}
	return out, nil
}
