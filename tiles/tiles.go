// Package tiles renders grid110's Mapbox Vector Tiles (MVT 2.1): grid
// polygons, per-grid report counts, report points, an H3 heatmap, Gi*
// hotspots and team bases. It validates z/x/y and filters, caches rendered tiles, and drops
// exactly the stale ones when reports, grids or teams change.
//
// Grids and teams are drawn from an in-memory snapshot (reloaded on
// change); report counts come from roll-ups the database keeps current in
// the same transaction as every report change (migrations/0006_tiles.sql),
// so a heatmap tile costs one indexed query over the cells in the tile.
// Every layer's SQL is an embedded file in sql/.
package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"grid110/internal/grid110"
	"grid110/internal/patrol"
)

var (
	//go:embed sql/grids.sql
	sqlGrids string
	//go:embed sql/teams.sql
	sqlTeams string
	//go:embed sql/grid_stats.sql
	sqlGridStats string
	//go:embed sql/heatmap.sql
	sqlHeatmap string
	//go:embed sql/heatmap_spans.sql
	sqlHeatmapSpans string
	//go:embed sql/reports.sql
	sqlReports string
)

// Querier runs SQL: a *pgxpool.Pool, or a pgx.Tx in tests.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Channel is the NOTIFY channel on which the reports trigger announces
// changed reports (see Source.Notify).
const Channel = "grid110_tiles"

// Options configure a Source.
type Options struct {
	// CacheBytes bounds the in-process cache of rendered tiles; 0 turns
	// the cache off (every tile is rendered).
	CacheBytes int64
	// Now is the clock for default time windows and report ages (time.Now if nil).
	Now func() time.Time
	// CellCacheBytes bounds the cache of the H3 cells of heatmap and
	// cluster tiles (their hexagons drawn in tile coordinates), which do
	// not depend on the reports: 0 means 64 MiB, negative turns it off.
	CellCacheBytes int64
	// Log receives reload and invalidation problems (discarded if nil).
	Log *slog.Logger
	// Hotspots computes the hotspots layer (a *patrol.Service); without
	// it the layer's tiles are empty.
	Hotspots Hotspotter
	// HotspotMinReports is the fewest reports a hotspot cell needs for its
	// count to be shown (every tile caller is public): 0 means
	// patrol.DefaultMinReports, negative shows every count.
	HotspotMinReports int
}

// Source renders and caches tiles. It is safe for concurrent use.
type Source struct {
	db    Querier
	now   func() time.Time
	log   *slog.Logger
	cache *cache
	cells *cellCache
	snap  atomic.Pointer[snapshot]
	kick  chan struct{}
	// hot, hotMin and hotCache serve the hotspots layer.
	hot      Hotspotter
	hotMin   int
	hotCache hotCache
}

// New loads the grid and team snapshot and returns a Source over db.
func New(ctx context.Context, db Querier, opt Options) (*Source, error) {
	s := &Source{db: db, now: opt.Now, log: opt.Log, cache: newCache(opt.CacheBytes), kick: make(chan struct{}, 1),
		hot: opt.Hotspots, hotMin: max(opt.HotspotMinReports, 0), hotCache: hotCache{m: map[hotKey]*hotEntry{}}}
	if opt.HotspotMinReports == 0 {
		s.hotMin = patrol.DefaultMinReports
	}
	if s.cells = newCellCache(opt.CellCacheBytes); opt.CellCacheBytes == 0 {
		s.cells = newCellCache(64 << 20)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.Reload(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Tile is one rendered tile. MVT is empty for a tile with no features.
type Tile struct {
	MVT  []byte
	ETag string // strong, quoted, from the content
	once sync.Once
	gz   []byte
}

func newTile(b []byte) *Tile {
	h := fnv.New64a()
	h.Write(b)
	return &Tile{MVT: b, ETag: `"` + hex.EncodeToString(h.Sum(nil)) + `"`}
}

// Empty reports whether the tile has no features.
func (t *Tile) Empty() bool { return len(t.MVT) == 0 }

// gzipWriters are reused: a gzip.Writer is large to allocate, and tiles
// drawn with the cache off are compressed on every request.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// Gzipped returns the tile compressed with gzip, computed once.
func (t *Tile) Gzipped() []byte {
	t.once.Do(func() {
		b := bytes.NewBuffer(make([]byte, 0, len(t.MVT)/2+64))
		w := gzipWriters.Get().(*gzip.Writer)
		w.Reset(b)
		w.Write(t.MVT)
		w.Close()
		gzipWriters.Put(w)
		t.gz = b.Bytes()
	})
	return t.gz
}

func (t *Tile) size() int64 { return int64(len(t.MVT)+len(t.gz)) + 128 }

// Tile returns tile z/x/y of layer for filter f (ignored by unfiltered
// layers). The error wraps grid110.ErrNotFound for an unknown layer and
// grid110.ErrInvalid for z, x or y out of range.
func (s *Source) Tile(ctx context.Context, layer string, z, x, y int, f Filter) (*Tile, error) {
	l, ok := LayerNamed(layer)
	if !ok {
		return nil, fmt.Errorf("tile layer %q: %w", layer, grid110.ErrNotFound)
	}
	if err := CheckTile(z, x, y); err != nil {
		return nil, err
	}
	fk := ""
	if l.Filtered {
		f = f.forLayer(l.Name)
		fk = f.key()
	}
	k := tileKey{layer, z, x, y}
	if t, ok := s.cache.get(k, fk); ok {
		return t, nil
	}
	gen := s.cache.generation(layer)
	b, err := s.render(ctx, l, newFrame(z, x, y), f)
	if err != nil {
		return nil, fmt.Errorf("render %s/%d/%d/%d: %w", layer, z, x, y, err)
	}
	t := newTile(b)
	if s.cache.max > 0 {
		t.Gzipped() // cached tiles are served compressed, so compress once now
		s.cache.put(k, fk, gen, t)
	}
	return t, nil
}

// CheckTile validates tile coordinates: z from 0 to MaxZoom, x and y from
// 0 to 2^z-1. The error wraps grid110.ErrInvalid.
func CheckTile(z, x, y int) error {
	if z < 0 || z > MaxZoom {
		return grid110.Invalid("z", "zoom %d is outside 0..%d", z, MaxZoom)
	}
	n := 1 << z
	if x < 0 || x >= n {
		return grid110.Invalid("x", "x %d is outside 0..%d at zoom %d", x, n-1, z)
	}
	if y < 0 || y >= n {
		return grid110.Invalid("y", "y %d is outside 0..%d at zoom %d", y, n-1, z)
	}
	return nil
}

// render draws one tile; nil for an empty one.
func (s *Source) render(ctx context.Context, l Layer, fr frame, f Filter) ([]byte, error) {
	snap := s.snap.Load()
	enc := newLayerEncoder(l.Name)
	var err error
	switch l.Name {
	case LayerGrids:
		s.renderGrids(enc, snap, fr)
	case LayerGridStats:
		err = s.renderGridStats(ctx, enc, snap, fr, f)
	case LayerHeatmap:
		err = s.renderHeatmap(ctx, enc, snap, fr, f)
	case LayerReports:
		err = s.renderReports(ctx, enc, snap, fr, f)
	case LayerTeams:
		s.renderTeams(enc, snap, fr)
	case LayerHotspots:
		err = s.renderHotspots(ctx, enc, snap, fr, f)
	}
	if err != nil || enc.empty() {
		return nil, err
	}
	return enc.appendTo(nil), nil
}

// Reload replaces the grid and team snapshot from the database and drops
// the tiles drawn from the old one.
func (s *Source) Reload(ctx context.Context) error {
	snap, err := loadSnapshot(ctx, s.db)
	if err != nil {
		return err
	}
	s.snap.Store(snap)
	s.cells.clear()    // the cells of a tile are limited to the city's bound
	s.hotCache.clear() // the city's area may have changed
	s.cache.clear(LayerGrids, LayerGridStats, LayerTeams, LayerHotspots)
	return nil
}

// CacheStats returns the number of cached tiles and their size in bytes.
func (s *Source) CacheStats() (tiles int, bytes int64) { return s.cache.stats() }
