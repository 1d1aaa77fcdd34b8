// Package locate answers "where is this point, and who is responsible?": the
// deepest grid covering a point, its chain up to the city, the community's
// "2" duty team and the nearest suitable N-teams.
//
// It works from an in-memory Snapshot of the grids and teams, rebuilt when
// the database says they changed (LISTEN grid110_changes, with a periodic
// fingerprint check as a safety net), so a lookup never touches the
// database and a batch of a million points runs at memory speed.
//
// Edge rule: a point on the boundary of a grid is covered by it (PostGIS
// ST_Covers). Where several grids of the deepest level cover a point (on an
// edge shared by neighbours), the one with the smallest id wins.
package locate

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"

	"grid110/internal/crs"
	"grid110/internal/grid110"
)

// TeamRef names a team in an answer. Members' contact details are private
// and never included.
type TeamRef struct {
	ID      int64            `json:"id"`
	Code    string           `json:"code"`
	Kind    grid110.TeamKind `json:"kind"`
	Name    string           `json:"name"`
	OnDuty  bool             `json:"on_duty"`
	Base    *[2]float64      `json:"base,omitempty"` // WGS-84 lon, lat
	Members []MemberRef      `json:"members,omitempty"`
}

// MemberRef is a team member's role and name.
type MemberRef struct {
	Role grid110.Role `json:"role"`
	Name string       `json:"name"`
}

// NearbyTeam is an N-team with its distance from the point.
type NearbyTeam struct {
	TeamRef
	DistanceM float64 `json:"distance_m"`
	// OutsideServiceArea is true when no team of this kind serves the point
	// and the nearest one is offered anyway.
	OutsideServiceArea bool `json:"outside_service_area,omitempty"`
}

// Result is the answer for one point.
type Result struct {
	Point    orb.Point         // WGS-84
	Grid     grid110.GridRef   // the deepest covering grid
	Chain    []grid110.GridRef // from the city down to Grid
	DutyTeam *TeamRef          // the "2" team of the community in the chain, if any
	Nearest  []NearbyTeam      // nearest on-duty N-team per kind asked for
}

// gridInfo is a grid's place in the snapshot.
type gridInfo struct {
	ref   grid110.GridRef
	chain []grid110.GridRef // city … this grid
	duty  *TeamRef
}

// Snapshot is an immutable picture of the grids and teams.
type Snapshot struct {
	index    *Index
	grids    map[int64]*gridInfo
	tops     []int64 // grids without a parent, for the nearest-grid message
	geoms    map[int64]orb.MultiPolygon
	byKind   map[grid110.TeamKind][]*nTeam // on-duty N-teams by kind
	anywhere map[grid110.TeamKind][]*nTeam // on-duty N-teams without a service area
	kinds    []grid110.TeamKind            // N-team kinds, sorted
	areas    *Index                        // N-team service areas, by team id
	teams    map[int64]*nTeam              // every team with a reference, duty teams too
	version  string
}

type nTeam struct {
	ref     TeamRef
	base    orb.Point
	hasArea bool
}

// NewSnapshot indexes grids and teams. version is the database fingerprint
// they were read at.
func NewSnapshot(grids []grid110.Grid, teams []grid110.Team, version string) *Snapshot {
	s := &Snapshot{grids: make(map[int64]*gridInfo, len(grids)), geoms: map[int64]orb.MultiPolygon{},
		byKind: map[grid110.TeamKind][]*nTeam{}, anywhere: map[grid110.TeamKind][]*nTeam{},
		teams: map[int64]*nTeam{}, version: version}
	entries := make([]Entry, 0, len(grids))
	parent := make(map[int64]int64, len(grids))
	for _, g := range grids {
		s.grids[g.ID] = &gridInfo{ref: g.GridRef}
		parent[g.ID] = g.ParentID
		entries = append(entries, Entry{ID: g.ID, Depth: g.Level.Depth(), Geom: g.Geom})
		if g.ParentID == 0 {
			s.tops = append(s.tops, g.ID)
			s.geoms[g.ID] = g.Geom
		}
	}
	s.index = NewIndex(entries)
	duty := map[int64]*TeamRef{} // community id -> duty team
	var areas []Entry
	for _, t := range teams {
		ref := NewTeamRef(t)
		if t.Kind == grid110.KindDuty {
			s.teams[t.ID] = &nTeam{ref: ref, base: t.Base}
			duty[t.GridID] = &ref
			continue
		}
		// An answer names an N-team; its roster is for GET /api/v1/teams.
		ref.Members = nil
		s.teams[t.ID] = &nTeam{ref: ref, base: t.Base}
		if !t.HasBase {
			continue
		}
		n := s.teams[t.ID]
		n.hasArea = len(t.ServiceArea) > 0
		if _, seen := s.byKind[t.Kind]; !seen {
			s.kinds = append(s.kinds, t.Kind)
			s.byKind[t.Kind] = nil
		}
		if !t.OnDuty {
			continue
		}
		s.byKind[t.Kind] = append(s.byKind[t.Kind], n)
		if n.hasArea {
			areas = append(areas, Entry{ID: t.ID, Geom: t.ServiceArea})
		} else {
			s.anywhere[t.Kind] = append(s.anywhere[t.Kind], n)
		}
	}
	sort.Slice(s.kinds, func(i, j int) bool { return s.kinds[i] < s.kinds[j] })
	s.areas = NewIndex(areas)
	for id, gi := range s.grids {
		for a := id; a != 0; a = parent[a] {
			p, ok := s.grids[a]
			if !ok {
				break
			}
			gi.chain = append(gi.chain, p.ref)
			if gi.duty == nil {
				gi.duty = duty[a]
			}
		}
		for i, j := 0, len(gi.chain)-1; i < j; i, j = i+1, j-1 {
			gi.chain[i], gi.chain[j] = gi.chain[j], gi.chain[i]
		}
	}
	return s
}

// NewTeamRef is the public view of t.
func NewTeamRef(t grid110.Team) TeamRef {
	r := TeamRef{ID: t.ID, Code: t.Code, Kind: t.Kind, Name: t.Name, OnDuty: t.OnDuty}
	if t.HasBase {
		r.Base = &[2]float64{t.Base[0], t.Base[1]}
	}
	for _, m := range t.Members {
		r.Members = append(r.Members, MemberRef{Role: m.Role, Name: m.Name})
	}
	return r
}

// Version is the database fingerprint the snapshot was built from.
func (s *Snapshot) Version() string { return s.version }

// Grids is how many grids the snapshot holds.
func (s *Snapshot) Grids() int { return len(s.grids) }

// Deepest returns the id of the deepest grid covering p (WGS-84).
func (s *Snapshot) Deepest(p orb.Point) (int64, bool) { return s.index.Deepest(p) }

// Locate answers for p (WGS-84). kinds lists the N-team kinds wanted; nil
// means every kind. A point in no grid returns a *grid110.OutsideError.
func (s *Snapshot) Locate(p orb.Point, kinds []grid110.TeamKind) (Result, error) {
	id, ok := s.index.Deepest(p)
	if !ok {
		return Result{}, s.outside(p)
	}
	return s.LocateIn(id, p, kinds)
}

// nearest finds the nearest on-duty team of kind k that serves p (its
// service area covers p, or it has none), or failing that the nearest
// on-duty team of kind k at all. serving lists the on-duty teams whose
// service area covers p, so only a handful of teams are measured.
//
// Candidates are ranked by distance in a local equirectangular plane around
// p (ties to the smallest id), which orders teams within a city as the
// great-circle distance does; the distance reported is the haversine one.
func (s *Snapshot) nearest(p orb.Point, k grid110.TeamKind, serving []int64) (NearbyTeam, bool) {
	kx := math.Cos(p[1] * math.Pi / 180)
	var best *nTeam
	bd := math.Inf(1)
	consider := func(t *nTeam) {
		dx, dy := (t.base[0]-p[0])*kx, t.base[1]-p[1]
		if d := dx*dx + dy*dy; d < bd || d == bd && t.ref.ID < best.ref.ID {
			best, bd = t, d
		}
	}
	for _, t := range s.anywhere[k] {
		consider(t)
	}
	for _, id := range serving {
		if t := s.teams[id]; t.ref.Kind == k {
			consider(t)
		}
	}
	outside := false
	if best == nil {
		for _, t := range s.byKind[k] {
			consider(t)
		}
		outside = true
	}
	if best == nil {
		return NearbyTeam{}, false
	}
	d := math.Round(crs.Distance(p[0], p[1], best.base[0], best.base[1]))
	return NearbyTeam{TeamRef: best.ref, DistanceM: d, OutsideServiceArea: outside}, true
}

// outside explains a point in no grid: the nearest top-level grid and how far.
func (s *Snapshot) outside(p orb.Point) error {
	e := &grid110.OutsideError{Lon: p[0], Lat: p[1]}
	best := math.Inf(1)
	for _, id := range s.tops {
		if d := distanceToMultiPolygon(p, s.geoms[id]); d < best || d == best && id < e.Nearest.ID {
			ref := s.grids[id].ref
			e.Nearest, best = &ref, d
		}
	}
	if e.Nearest != nil {
		e.DistanceM = math.Round(best)
	}
	return e
}

// distanceToMultiPolygon is the distance in metres from p to the nearest
// edge of mp, in a local equirectangular projection around p: accurate to a
// fraction of a percent over the tens of kilometres that matter here. It
// runs for every point outside all grids, so it compares squared distances
// and skips edges whose bounding box is farther than the best so far.
func distanceToMultiPolygon(p orb.Point, mp orb.MultiPolygon) float64 {
	const r = 6371008.8
	kx := r * math.Pi / 180 * math.Cos(p[1]*math.Pi/180)
	ky := r * math.Pi / 180
	best2, best := math.Inf(1), math.Inf(1)
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 1; i < len(ring); i++ {
				ax, ay := (ring[i-1][0]-p[0])*kx, (ring[i-1][1]-p[1])*ky
				bx, by := (ring[i][0]-p[0])*kx, (ring[i][1]-p[1])*ky
				if (ax > best && bx > best) || (ax < -best && bx < -best) || (ay > best && by > best) || (ay < -best && by < -best) {
					continue
				}
				if d2 := segmentDistance2(ax, ay, bx, by); d2 < best2 {
					best2, best = d2, math.Sqrt(d2)
				}
			}
		}
	}
	return best
}

// segmentDistance2 is the squared distance from the origin to segment a–b.
func segmentDistance2(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = -(ax*dx + ay*dy) / l
		if t < 0 {
			t = 0
		} else if t > 1 {
			t = 1
		}
	}
	x, y := ax+t*dx, ay+t*dy
	return x*x + y*y
}

// LocateIn answers for a point already known to lie in grid id, such as a
// compound's own point for a report made by its QR code.
func (s *Snapshot) LocateIn(id int64, p orb.Point, kinds []grid110.TeamKind) (Result, error) {
	gi, ok := s.grids[id]
	if !ok {
		return Result{}, fmt.Errorf("grid %d is not in the locate index: %w", id, grid110.ErrNotFound)
	}
	res := Result{Point: p, Grid: gi.ref, Chain: gi.chain, DutyTeam: gi.duty}
	if kinds == nil {
		kinds = s.kinds
	}
	serving := s.areas.Covering(nil, p)
	for _, k := range kinds {
		if n, ok := s.nearest(p, k, serving); ok {
			res.Nearest = append(res.Nearest, n)
		}
	}
	return res, nil
}

// Chain returns the chain of grid id from the city down, and whether id is known.
func (s *Snapshot) Chain(id int64) ([]grid110.GridRef, bool) {
	gi, ok := s.grids[id]
	if !ok {
		return nil, false
	}
	return gi.chain, true
}

// Team returns a team by id (0 or unknown: false).
func (s *Snapshot) Team(id int64) (TeamRef, bool) {
	t, ok := s.teams[id]
	if !ok {
		return TeamRef{}, false
	}
	return t.ref, true
}

// DistanceToTeam is the distance in metres from p to team id's base (0 if unknown).
func (s *Snapshot) DistanceToTeam(p orb.Point, id int64) float64 {
	t, ok := s.teams[id]
	if !ok || t.ref.Base == nil {
		return 0
	}
	return math.Round(crs.Distance(p[0], p[1], t.ref.Base[0], t.ref.Base[1]))
}

// DutyTeamOf returns the "2" team responsible for grid id: its own, or its
// community's for a compound.
func (s *Snapshot) DutyTeamOf(id int64) (TeamRef, bool) {
	gi, ok := s.grids[id]
	if !ok || gi.duty == nil {
		return TeamRef{}, false
	}
	return *gi.duty, true
}
