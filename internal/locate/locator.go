package locate

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"grid110/internal/grid110"
)

// Source reads what a snapshot is built from.
type Source interface {
	AllGrids(ctx context.Context) ([]grid110.Grid, error)
	AllTeams(ctx context.Context, withAreas bool) ([]grid110.Team, error)
	GridsVersion(ctx context.Context) (string, error)
}

// Locator serves lookups from the current snapshot and replaces it when the
// grids or teams change. It is safe for concurrent use.
type Locator struct {
	src  Source
	log  *slog.Logger
	snap atomic.Pointer[Snapshot]
	kick chan struct{}
}

// New loads the first snapshot from src.
func New(ctx context.Context, src Source, log *slog.Logger) (*Locator, error) {
	l := &Locator{src: src, log: log, kick: make(chan struct{}, 1)}
	if err := l.Reload(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// Snapshot returns the current snapshot.
func (l *Locator) Snapshot() *Snapshot { return l.snap.Load() }

// Reload rebuilds the snapshot from the database now.
func (l *Locator) Reload(ctx context.Context) error {
	start := time.Now()
	version, err := l.src.GridsVersion(ctx)
	if err != nil {
		return fmt.Errorf("load grids: %w", err)
	}
	grids, err := l.src.AllGrids(ctx)
	if err != nil {
		return fmt.Errorf("load grids: %w", err)
	}
	teams, err := l.src.AllTeams(ctx, true)
	if err != nil {
		return fmt.Errorf("load teams: %w", err)
	}
	l.snap.Store(NewSnapshot(grids, teams, version))
	l.log.Info("locate index loaded", "grids", len(grids), "teams", len(teams), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// Changed asks for a reload soon; bursts of calls cause one reload. Wire it
// to the database's change notifications.
func (l *Locator) Changed() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// Run reloads after Changed, and also whenever the database fingerprint
// differs from the snapshot's (checked every poll), until ctx ends.
func (l *Locator) Run(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.kick:
			// Let the rest of a burst (a whole import) arrive first.
			select {
			case <-time.After(50 * time.Millisecond):
			case <-ctx.Done():
				return
			}
			for len(l.kick) > 0 {
				<-l.kick
			}
		case <-t.C:
			v, err := l.src.GridsVersion(ctx)
			if err != nil {
				if ctx.Err() == nil {
					l.log.Warn("check grids version", "err", err)
				}
				continue
			}
			if v == l.Snapshot().Version() {
				continue
			}
		}
		if err := l.Reload(ctx); err != nil && ctx.Err() == nil {
			l.log.Error("reload locate index", "err", err)
		}
	}
}
