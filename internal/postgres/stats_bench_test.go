package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// BenchmarkStats times Store.Stats over a loaded demo city:
//
//	createdb grid110_stats
//	DATABASE_URL=postgres://…/grid110_stats go run ./cmd/grid110 demo --seed 1
//	STATS_BENCH_DATABASE_URL=postgres://…/grid110_stats go test ./internal/postgres/ -run '^$' -bench Stats -benchtime 5x -count 5
//
// It is skipped without STATS_BENCH_DATABASE_URL: the demo city takes a
// minute or two to load, too long for every test run.
func BenchmarkStats(b *testing.B) {
	url := os.Getenv("STATS_BENCH_DATABASE_URL")
	if url == "" {
		b.Skip("STATS_BENCH_DATABASE_URL is not set")
	}
	ctx := context.Background()
	pool, err := postgres.Open(ctx, url, time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	s := postgres.NewStore(pool)
	var district, community int64
	err = pool.QueryRow(ctx, `SELECT (SELECT id FROM grids WHERE code = '350602'),
		(SELECT id FROM grids WHERE level = 'community' ORDER BY code LIMIT 1)`).Scan(&district, &community)
	if err != nil {
		b.Fatal(err)
	}
	all := grid110.Jurisdiction{All: true}
	month := time.Date(2026, 10, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	cases := []struct {
		name string
		f    postgres.StatsFilter
		by   postgres.StatsBy
	}{
		{"city_by_category", postgres.StatsFilter{Jurisdiction: all}, postgres.StatsByCategory},
		{"city_by_grid", postgres.StatsFilter{Jurisdiction: all}, postgres.StatsByGrid},
		{"city_by_team", postgres.StatsFilter{Jurisdiction: all}, postgres.StatsByTeam},
		{"city_by_day", postgres.StatsFilter{Jurisdiction: all}, postgres.StatsByDay},
		{"district_by_grid", postgres.StatsFilter{Jurisdiction: all, GridID: district}, postgres.StatsByGrid},
		{"district_jurisdiction_by_category", postgres.StatsFilter{Jurisdiction: grid110.Jurisdiction{GridID: district}}, postgres.StatsByCategory},
		{"community_by_status", postgres.StatsFilter{Jurisdiction: all, GridID: community}, postgres.StatsByStatus},
		{"city_one_month_by_week", postgres.StatsFilter{Jurisdiction: all, From: month, To: month.AddDate(0, 1, 0)}, postgres.StatsByWeek},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Stats(ctx, c.f, c.by); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
