package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

// Categories lists what can be reported, in display order.
func (s *Store) Categories(ctx context.Context) ([]grid110.Category, error) {
	const q = `
		SELECT code, name_zh, name_en, description_zh, description_en, icon, team_kind, department,
			extract(epoch FROM time_allowed)::float8, priority, duplicate_radius_m,
			extract(epoch FROM duplicate_window)::float8
		FROM categories ORDER BY sort_order, code`
	rows, err := s.pool.Query(ctx, q)
	if err != nil {
		return nil, translate(err, "select categories")
	}
	var out []grid110.Category
	var c grid110.Category
	var allowed, window float64
	_, err = pgx.ForEachRow(rows, []any{&c.Code, &c.NameZh, &c.NameEn, &c.DescriptionZh, &c.DescriptionEn, &c.Icon,
		&c.TeamKind, &c.Department, &allowed, &c.Priority, &c.DuplicateRadiusM, &window}, func() error {
		c.TimeAllowed = time.Duration(allowed * float64(time.Second))
		c.DuplicateWindow = time.Duration(window * float64(time.Second))
		out = append(out, c)
		return nil
	})
	return out, translate(err, "select categories")
}
