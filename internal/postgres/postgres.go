// Package postgres is grid110's store: the pgx pool, the migrations and all
// domain SQL, mapping rows to and from internal/grid110 types.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"grid110/internal/grid110"
)

// Open connects a pool to url. statementTimeout bounds every statement on
// the server side, because context cancellation is best effort.
func Open(ctx context.Context, url string, statementTimeout time.Duration) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if statementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(statementTimeout.Milliseconds())
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "grid110"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database %s: %w", cfg.ConnConfig.Database, err)
	}
	return pool, nil
}

// migrationProvider builds goose's provider over fsys, with a Postgres
// session lock so that two instances starting at once cannot race.
func migrationProvider(pool *pgxpool.Pool, fsys fs.FS) (*goose.Provider, func() error, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, nil, err
	}
	db := stdlib.OpenDBFromPool(pool)
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, db.Close, nil
}

// Migrate applies every pending migration in fsys, then River's own
// migrations (its job tables, used by internal/supervise), so that every
// database grid110 migrates can hold deadline timers.
func Migrate(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, log *slog.Logger) error {
	p, closeDB, err := migrationProvider(pool, fsys)
	if err != nil {
		return err
	}
	defer closeDB()
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range res {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration.Round(time.Millisecond))
	}
	return migrateRiver(ctx, pool, log)
}

// riverMigrateLock is the advisory lock key River's migrations run under.
const riverMigrateLock = "grid110:rivermigrate"

// migrateRiver applies River's pending migrations. rivermigrate takes no
// lock of its own, so an advisory lock keeps two instances starting at
// once from racing, as goose's session locker does for ours.
func migrateRiver(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext($1))`, riverMigrateLock); err != nil {
		return fmt.Errorf("migrate river: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext($1))`, riverMigrateLock) //nolint:errcheck // released with the session anyway
	m, err := RiverMigrator(pool)
	if err != nil {
		return err
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	for _, v := range res.Versions {
		log.Info("river migration applied", "version", v.Version, "name", v.Name, "took", v.Duration.Round(time.Millisecond))
	}
	return nil
}

// RiverMigrator returns River's migrator over pool (nil: only to list the
// migrations, as pgtest does to name its template). It logs nothing;
// Migrate logs what it applies.
func RiverMigrator(pool *pgxpool.Pool) (*rivermigrate.Migrator[pgx.Tx], error) {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	return m, nil
}

// MigrationsPending reports whether fsys, or River, holds migrations not
// yet applied.
func MigrationsPending(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS) (bool, error) {
	p, closeDB, err := migrationProvider(pool, fsys)
	if err != nil {
		return false, err
	}
	defer closeDB()
	if pending, err := p.HasPending(ctx); err != nil || pending {
		return pending, err
	}
	m, err := RiverMigrator(pool)
	if err != nil {
		return false, err
	}
	v, err := m.Validate(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("check river migrations: %w", err)
	}
	return !v.OK, nil
}

// Store runs grid110's SQL over a pool.
type Store struct {
	pool *pgxpool.Pool
	hook CaseHook
}

// A CaseHook is called inside the transaction of every change to a case
// (a new report, and each workflow move) with the case as it now is and
// the event just written, so that work which must commit or roll back
// with the change, such as arming the deadline of the case's new stage,
// is done in the same transaction. An error rolls the change back.
type CaseHook func(ctx context.Context, tx pgx.Tx, c grid110.Case, ev grid110.Event) error

// SetCaseHook installs h; nil removes it. Call it before the store is shared.
func (s *Store) SetCaseHook(h CaseHook) { s.hook = h }

func (s *Store) runHook(ctx context.Context, tx pgx.Tx, id int64, ev grid110.Event) error {
	if s.hook == nil {
		return nil
	}
	c, err := selectCase(ctx, tx, id)
	if err != nil {
		return err
	}
	return s.hook(ctx, tx, c, ev)
}

// NewStore returns a store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool returns the store's pool, for health checks and listeners.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// translate maps driver errors to domain errors by SQLSTATE.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, grid110.ErrNotFound)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%s: %w (%s)", what, grid110.ErrConflict, pe.ConstraintName)
		case "23503": // foreign_key_violation
			return fmt.Errorf("%s: %w: %s", what, grid110.ErrInvalid, pe.Detail)
		case "23514", "22P02", "22023": // check_violation, invalid_text_representation, invalid_parameter_value
			return fmt.Errorf("%s: %w: %s", what, grid110.ErrInvalid, pe.Message)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}
