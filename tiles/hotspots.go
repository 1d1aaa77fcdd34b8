package tiles

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"grid110/internal/grid110"
	"grid110/internal/hotspot"
	"grid110/internal/patrol"
)

// Hotspotter runs Getis-Ord Gi* over the H3 cells of an area; a
// *patrol.Service is one. The hotspots layer is empty without it.
type Hotspotter interface {
	Hotspots(ctx context.Context, q patrol.Query) (*patrol.CellResult, error)
}

// hotRes is the H3 resolution of the hotspots layer at zoom z: the
// heatmap's, within what the hotspot service analyses.
func hotRes(z int) int { return min(max(heatRes(z), patrol.MinRes), patrol.MaxRes) }

// hotKey names one city-wide Gi* run.
type hotKey struct {
	res      int
	from, to time.Time
	cats     string
	fdr      bool
}

// hotCell is one cell a hotspots tile may show, ready to draw.
type hotCell struct {
	cell  int64
	name  string
	count int64
	z, p  float64
	bin   int
	ring  orb.Ring  // normalised Mercator
	bound orb.Bound // of ring
}

// hotLayer is one city-wide Gi* run, as the tiles show it.
type hotLayer struct {
	res   int
	cells []hotCell // ascending by cell
}

type hotEntry struct {
	done  chan struct{}
	layer *hotLayer
	err   error
}

// hotCache keeps the Gi* runs the hotspots tiles are drawn from: one per
// (res, window, categories, fdr), shared by every tile. Any report change
// clears it (Gi* is relative to the whole area, so every z moves); a
// generation keeps a run that raced with a change from being kept.
type hotCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[hotKey]*hotEntry
}

// hotCacheSize bounds the runs kept; past it an arbitrary one goes.
const hotCacheSize = 32

func (c *hotCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
}

// hotspotLayer returns the Gi* run for res and the filter, computing it
// once however many tiles ask at the same time.
func (s *Source) hotspotLayer(ctx context.Context, snap *snapshot, res int, f Filter) (*hotLayer, error) {
	k := hotKey{res: res, from: f.From, to: f.To, cats: strings.Join(f.Categories, ","), fdr: f.FDR}
	c := &s.hotCache
	c.mu.Lock()
	e, ok := c.m[k]
	if !ok {
		if len(c.m) >= hotCacheSize {
			for old := range c.m {
				delete(c.m, old)
				break
			}
		}
		e = &hotEntry{done: make(chan struct{})}
		c.m[k] = e
		gen := c.gen
		c.mu.Unlock()
		// Shared by every waiting tile: not cancelled with the first caller.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		e.layer, e.err = s.computeHotspots(cctx, snap, res, f)
		cancel()
		close(e.done)
		c.mu.Lock()
		if e.err != nil || c.gen != gen {
			if c.m[k] == e {
				delete(c.m, k)
			}
		}
		c.mu.Unlock()
		return e.layer, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.layer, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// computeHotspots runs Gi* over the city (the one top-level grid, or the
// grids' bound when there are several) at res, or coarser when res would
// split the city into more cells than the service analyses. It keeps the
// cells a public caller may see: those with at least the minimum of
// reports (with their count) and the significant ones (without a count
// below the minimum).
func (s *Source) computeHotspots(ctx context.Context, snap *snapshot, res int, f Filter) (*hotLayer, error) {
	if len(snap.byID) == 0 {
		return &hotLayer{res: res}, nil
	}
	q := patrol.Query{Res: res, FDR: f.FDR, From: f.From, To: f.To, Categories: f.Categories}
	var r *patrol.CellResult
	for {
		var err error
		r, err = s.hot.Hotspots(ctx, q)
		var ve *grid110.ValidationError
		switch {
		case err == nil:
		case errors.As(err, &ve) && ve.Field == "grid" && q.Area.Bound == nil:
			b := snap.bound
			q.Area.Bound = &b // several top-level grids: their bound
			continue
		case errors.As(err, &ve) && ve.Field == "res" && strings.Contains(ve.Problem, "coarser") && q.Res > patrol.MinRes:
			q.Res--
			continue
		case errors.Is(err, grid110.ErrInvalid):
			// An area too small for Gi*: nothing to show.
			s.log.Debug("hotspots tile layer", "res", res, "err", err)
			return &hotLayer{res: res}, nil
		default:
			return nil, fmt.Errorf("hotspots at res %d: %w", q.Res, err)
		}
		break
	}
	out := &hotLayer{res: r.Query.Res}
	for _, cs := range r.Cells {
		// Every tile caller is public (no sign-in yet): like the API, cells with
		// fewer than hotMin reports are withheld entirely, even when
		// significant, so their place and count cannot be read off the map.
		if (s.hotMin > 0 && cs.Count < int64(s.hotMin)) || (cs.Count == 0 && cs.Bin == 0) {
			continue
		}
		ring := cellRing(cs.Cell)
		if ring == nil {
			continue
		}
		out.cells = append(out.cells, hotCell{cell: int64(cs.Cell), name: cs.Cell.String(), count: cs.Count,
			z: round6(cs.Z), p: cs.P, bin: int(cs.Bin), ring: ring, bound: ring.Bound()})
	}
	slices.SortFunc(out.cells, func(a, b hotCell) int { return cmp.Compare(a.cell, b.cell) })
	return out, nil
}

// renderHotspots draws the Gi* z, p and bin of the H3 hexagons in the tile
// at the zoom's resolution, from the city-wide run for the filter.
func (s *Source) renderHotspots(ctx context.Context, enc *layerEncoder, snap *snapshot, fr frame, f Filter) error {
	if s.hot == nil {
		return nil
	}
	if b := fr.wgs84(); len(snap.byID) == 0 || !b.Intersects(snap.bound.Pad(0.01)) {
		return nil
	}
	hl, err := s.hotspotLayer(ctx, snap, hotRes(fr.z), f)
	if err != nil || len(hl.cells) == 0 {
		return err
	}
	res := num(int64(hl.res))
	var buf orb.Ring
	for i := range hl.cells {
		hc := &hl.cells[i]
		if !hc.bound.Intersects(fr.merc) {
			continue
		}
		mp := fr.polygon(orb.MultiPolygon{{hc.ring}}, buf)
		if len(mp) == 0 {
			continue
		}
		enc.beginGeom()
		for _, r := range mp[0] {
			enc.addRing(r)
		}
		props := []prop{{"cell", str(hc.name)}, {"res", res}, {"z", dbl(hc.z)}, {"p", dbl(hc.p)},
			{"bin", num(int64(hc.bin))}, {"confidence", num(int64(hotspot.Bin(hc.bin).Confidence()))}}
		if hc.count >= int64(s.hotMin) {
			props = append(props, prop{"count", num(hc.count)})
		}
		enc.endFeature(uint64(hc.cell), geomPolygon, props...)
	}
	return nil
}
