package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

// ServiceRequest is a report with what Open311 GeoReport v2 shows of it
// beyond grid110.Report.
type ServiceRequest struct {
	grid110.Report
	DuplicateOf int64  // the original, for a report rejected as a duplicate
	MediaURL    string // "" for none
}

// ServiceRequestFilter selects reports for Open311's GET requests. Zero
// values mean "any", except Jurisdiction (the zero value sees nothing).
type ServiceRequestFilter struct {
	Jurisdiction grid110.Jurisdiction
	GridID       int64            // in this grid's subtree (Open311's jurisdiction_id)
	IDs          []int64          // these reports only
	Categories   []string         // Open311's service_code
	Statuses     []grid110.Status // Open311's status, expanded to ours
	From, To     time.Time        // created_at in [From, To], both ends included
	Offset       int
	Limit        int
}

type serviceRequestRow struct {
	reportRow
	DuplicateOf int64  `db:"duplicate_of"`
	MediaURL    string `db:"media_url"`
}

// ServiceRequests lists the reports f selects, newest (highest id) first.
func (s *Store) ServiceRequests(ctx context.Context, f ServiceRequestFilter) ([]ServiceRequest, error) {
	q := `SELECT ` + reportColumns + `, coalesce(duplicate_of, 0) AS duplicate_of, coalesce(media_url, '') AS media_url
		FROM reports r
		WHERE ` + jurisdictionSQL + `
		  AND (@grid = 0 OR grid_id IN (SELECT id FROM grids WHERE path @> ARRAY[@grid::bigint]))
		  AND (cardinality(@ids::bigint[]) = 0 OR id = ANY(@ids))
		  AND (cardinality(@categories::text[]) = 0 OR category = ANY(@categories))
		  AND (cardinality(@statuses::text[]) = 0 OR status = ANY(@statuses))
		  AND (@from::timestamptz IS NULL OR created_at >= @from)
		  AND (@to::timestamptz IS NULL OR created_at <= @to)
		ORDER BY id DESC
		OFFSET @offset LIMIT @limit`
	statuses := make([]string, len(f.Statuses))
	for i, st := range f.Statuses {
		statuses[i] = string(st)
	}
	args := jurisdictionArgs(pgx.NamedArgs{"grid": f.GridID, "ids": nonNil(f.IDs), "categories": nonNil(f.Categories),
		"statuses": statuses, "from": nullTime(f.From), "to": nullTime(f.To), "offset": f.Offset, "limit": f.Limit},
		f.Jurisdiction)
	rows, _ := s.pool.Query(ctx, q, args)
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[serviceRequestRow])
	if err != nil {
		return nil, translate(err, "list service requests")
	}
	out := make([]ServiceRequest, len(rs))
	for i, r := range rs {
		out[i] = ServiceRequest{Report: r.report(), DuplicateOf: r.DuplicateOf, MediaURL: r.MediaURL}
	}
	return out, nil
}

// nonNil turns a nil slice into an empty one, which pgx sends as an empty
// array rather than NULL (cardinality(NULL) is NULL, not 0).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Department is a department cases are handed to (分流交办).
type Department struct {
	Code   string
	NameZh string
	NameEn string
}

// Departments lists the departments by code.
func (s *Store) Departments(ctx context.Context) ([]Department, error) {
	rows, _ := s.pool.Query(ctx, `SELECT code, name_zh, name_en FROM departments ORDER BY code`)
	ds, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Department])
	return ds, translate(err, "select departments")
}
