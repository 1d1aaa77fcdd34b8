package patrol

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/uber/h3-go/v4"

	"grid110/internal/grid110"
	"grid110/internal/hotspot"
)

// PriorityQuery asks where an N-team should patrol first.
type PriorityQuery struct {
	TeamID int64
	// Query is the Gi* analysis; its Area is the team's and is ignored.
	// With no Categories, those the team's kind handles are used.
	Query
	// Period and Periods set the emerging analysis behind each cell's
	// trend (periods ending at Query.To); defaults Week and DefaultPeriods.
	Period  Period
	Periods int
	Limit   int // at most this many cells (0: all hot cells)
}

// Priority is one hot cell on a team's list.
type Priority struct {
	Rank int // 1 first
	CellStat
	Trend     hotspot.Trend
	Pattern   hotspot.Pattern
	Center    orb.Point // WGS-84
	DistanceM float64   // from the team's base to Center; -1 if the team has no base
}

// PriorityResult is the answer to a PriorityQuery.
type PriorityResult struct {
	Team      grid110.Team
	Query     PriorityQuery // as run
	AreaCells int
	Items     []Priority
}

// Priorities ranks the hot cells (Gi* bin ≥ +1) within the team's service
// area: highest confidence bin first, then highest z, then most reports.
// A team with no service area serves its home grid, or else the city.
// Errors wrap grid110.ErrNotFound for an unknown team.
func (s *Service) Priorities(ctx context.Context, q PriorityQuery) (*PriorityResult, error) {
	team, err := s.store.Team(ctx, q.TeamID)
	if err != nil {
		return nil, err
	}
	switch {
	case team.ServiceArea != nil:
		q.Area = Area{Polygon: team.ServiceArea, Key: fmt.Sprintf("team:%d", team.ID)}
	default:
		q.Area = Area{GridID: team.GridID} // 0: the city
	}
	if len(q.Categories) == 0 {
		if q.Categories, err = s.categoriesOf(ctx, team.Kind); err != nil {
			return nil, err
		}
	}
	hot, err := s.Hotspots(ctx, q.Query)
	if err != nil {
		return nil, err
	}
	q.Query = hot.Query
	em, err := s.Emerging(ctx, EmergingQuery{Query: q.Query, Period: q.Period, Periods: q.Periods})
	if err != nil {
		return nil, err
	}
	q.Period, q.Periods = em.Query.Period, em.Query.Periods
	trend := make(map[h3.Cell]EmergingCell, len(em.Cells))
	for _, c := range em.Cells {
		trend[c.Cell] = c
	}
	out := &PriorityResult{Team: team, Query: q, AreaCells: hot.AreaCells}
	for _, c := range hot.Cells {
		if c.Bin <= 0 {
			continue
		}
		p := Priority{CellStat: c, Center: CellCenter(c.Cell), DistanceM: -1}
		if e, ok := trend[c.Cell]; ok {
			p.Trend, p.Pattern = e.Trend, e.Pattern
		}
		if team.HasBase {
			p.DistanceM = geo.Distance(team.Base, p.Center)
		}
		out.Items = append(out.Items, p)
	}
	rank(out.Items)
	if q.Limit > 0 && len(out.Items) > q.Limit {
		out.Items = out.Items[:q.Limit]
	}
	return out, nil
}

// rank orders hot cells by bin, z and count, all descending (the cell id
// breaks ties so the order is stable), and numbers them from 1.
func rank(items []Priority) {
	slices.SortFunc(items, func(a, b Priority) int {
		return cmp.Or(cmp.Compare(b.Bin, a.Bin), cmp.Compare(b.Z, a.Z), cmp.Compare(b.Count, a.Count),
			cmp.Compare(a.Cell, b.Cell))
	})
	for i := range items {
		items[i].Rank = i + 1
	}
}

// categoriesOf returns the categories a team of kind handles; none (every
// category) when no category names that kind.
func (s *Service) categoriesOf(ctx context.Context, kind grid110.TeamKind) ([]string, error) {
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cats {
		if c.TeamKind == kind {
			out = append(out, c.Code)
		}
	}
	return out, nil
}
