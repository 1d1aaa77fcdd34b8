package locate

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"grid110/internal/grid110"
)

func box(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// testSnapshot is a city of two communities side by side, each with a
// compound, a duty team per community, and patrol teams with and without
// service areas.
func testSnapshot() *Snapshot {
	g := func(id, parent int64, l grid110.Level, code string, geom orb.MultiPolygon) grid110.Grid {
		return grid110.Grid{GridRef: grid110.GridRef{ID: id, ParentID: parent, Level: l, Code: code, Name: code}, Geom: geom}
	}
	grids := []grid110.Grid{
		g(1, 0, grid110.LevelCity, "C", box(0, 0, 2, 1)),
		g(2, 1, grid110.LevelCommunity, "A", box(0, 0, 1, 1)),
		g(3, 1, grid110.LevelCommunity, "B", box(1, 0, 2, 1)),
		g(4, 2, grid110.LevelCompound, "A1", box(0, 0, 0.5, 1)),
	}
	team := func(id int64, kind grid110.TeamKind, base orb.Point, area orb.MultiPolygon, onDuty bool) grid110.Team {
		return grid110.Team{ID: id, Code: "T", Kind: kind, Name: "T", Base: base, HasBase: true, ServiceArea: area, OnDuty: onDuty}
	}
	teams := []grid110.Team{
		{ID: 10, Kind: grid110.KindDuty, GridID: 2, OnDuty: true, Members: []grid110.Member{{Role: grid110.RoleGridWorker, Name: "甲"}}},
		{ID: 11, Kind: grid110.KindDuty, GridID: 3, OnDuty: true},
		team(20, grid110.KindPatrol, orb.Point{1.9, 0.5}, box(1, 0, 2, 1), true),    // serves B only, though it is near A's edge
		team(21, grid110.KindPatrol, orb.Point{0.1, 0.5}, box(0, 0, 1, 1), true),    // serves A
		team(22, grid110.KindPatrol, orb.Point{0.9, 0.5}, box(0, 0, 1, 1), false),   // serves A, off duty
		team(30, grid110.KindLegalAid, orb.Point{1.5, 0.5}, nil, true),              // serves anywhere
		team(40, grid110.KindEmergency, orb.Point{1.5, 0.5}, box(1, 0, 2, 1), true), // only B has one
	}
	return NewSnapshot(grids, teams, "v1")
}

func TestLocateChainDutyAndNearest(t *testing.T) {
	s := testSnapshot()
	res, err := s.Locate(orb.Point{0.25, 0.5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Grid.Code != "A1" || len(res.Chain) != 3 || res.Chain[0].Code != "C" || res.Chain[1].Code != "A" {
		t.Errorf("grid %s chain %v; want A1 under A under C", res.Grid.Code, res.Chain)
	}
	if res.DutyTeam == nil || res.DutyTeam.ID != 10 {
		t.Errorf("duty team = %+v; want community A's (10), inherited by its compound", res.DutyTeam)
	}
	got := map[grid110.TeamKind]NearbyTeam{}
	for _, n := range res.Nearest {
		got[n.Kind] = n
	}
	if n := got[grid110.KindPatrol]; n.ID != 21 || n.OutsideServiceArea {
		t.Errorf("patrol = %+v; want 21, the on-duty team serving A (22 is off duty, 20 serves B)", n)
	}
	if n := got[grid110.KindLegalAid]; n.ID != 30 || n.OutsideServiceArea || n.DistanceM < 130000 || n.DistanceM > 140000 {
		t.Errorf("legal aid = %+v; want 30 (serves anywhere), about 139 km away", n)
	}
	if n := got[grid110.KindEmergency]; n.ID != 40 || !n.OutsideServiceArea {
		t.Errorf("emergency = %+v; want 40 flagged outside its service area (no team serves A)", n)
	}
	// Asking for one kind answers only that kind.
	res, _ = s.Locate(orb.Point{1.5, 0.5}, []grid110.TeamKind{grid110.KindPatrol})
	if len(res.Nearest) != 1 || res.Nearest[0].ID != 20 || res.Grid.Code != "B" {
		t.Errorf("in B: grid %s, teams %+v; want B and patrol 20", res.Grid.Code, res.Nearest)
	}
}

func TestLocateOutsideNamesNearestGrid(t *testing.T) {
	s := testSnapshot()
	_, err := s.Locate(orb.Point{2.01, 0.5}, nil)
	var oe *grid110.OutsideError
	if !errors.As(err, &oe) || !errors.Is(err, grid110.ErrUnprocessable) || oe.Nearest == nil || oe.Nearest.Code != "C" {
		t.Fatalf("Locate outside = %v; want an OutsideError naming C", err)
	}
	if oe.DistanceM < 1100 || oe.DistanceM > 1125 {
		t.Errorf("distance = %v m; want about 1,112 m (0.01 degree at the equator)", oe.DistanceM)
	}
}
