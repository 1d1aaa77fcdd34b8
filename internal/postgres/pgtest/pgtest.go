// Package pgtest gives each test its own migrated PostGIS database.
//
// Once per test binary, under an advisory lock, it creates a template
// database named after a hash of the migrations (grid110's and River's)
// and migrates it; each test then clones it with CREATE DATABASE …
// TEMPLATE (milliseconds) and drops the clone when it ends. Fixtures that
// are slow to build, such as the demo city, get a template of their own the
// same way (NewFrom).
//
// TEST_DATABASE_URL names a database to administer from (make test sets it).
// Without it tests skip, except under CI=true, where they fail: CI must not
// go green by skipping.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	neturl "net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"grid110/internal/postgres"
	"grid110/migrations"
)

// Seed fills a freshly migrated template database at url.
type Seed func(ctx context.Context, pool *pgxpool.Pool) error

var (
	validName = regexp.MustCompile(`^[a-z0-9_]{1,20}$`)
	mu        sync.Mutex
	templates = map[string]string{} // fixture name -> template database
)

// AdminURL returns TEST_DATABASE_URL, skipping (or failing under CI) the test when it is unset.
func AdminURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("TEST_DATABASE_URL is not set; CI must run every database test (use make test)")
		}
		tb.Skip("TEST_DATABASE_URL is not set; run make test")
	}
	return url
}

// New returns a pool on a fresh, migrated database of the test's own.
func New(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	_, pool := NewFrom(tb, "base", nil)
	return pool
}

// NewFrom returns the URL of and a pool on a fresh database cloned from the
// fixture template name, which seed fills once per test binary (nil: none).
func NewFrom(tb testing.TB, name string, seed Seed) (string, *pgxpool.Pool) {
	tb.Helper()
	admin := AdminURL(tb)
	ctx := context.Background()
	tpl, err := template(ctx, admin, name, seed)
	if err != nil {
		tb.Fatalf("pgtest: template %s: %v", name, err)
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	db := "g110_test_" + randomHex(6)
	if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, db, tpl)); err != nil {
		tb.Fatalf("pgtest: create %s from %s: %v", db, tpl, err)
	}
	url := withDatabase(tb, admin, db)
	pool, err := postgres.Open(ctx, url, time.Minute)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		pool.Close()
		c, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			tb.Errorf("pgtest: connect to drop %s: %v", db, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, db)); err != nil {
			tb.Errorf("pgtest: drop %s: %v", db, err)
		}
	})
	return url, pool
}

// template returns the template database for fixture name, making it if needed.
func template(ctx context.Context, admin, name string, seed Seed) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if t, ok := templates[name]; ok {
		return t, nil
	}
	if !validName.MatchString(name) {
		return "", fmt.Errorf("fixture name %q: use lower-case letters, digits and _ only (it becomes part of a database name)", name)
	}
	key, err := fixtureKey(name, seed != nil)
	if err != nil {
		return "", err
	}
	tpl := "g110_tpl_" + key
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	// Other test binaries (packages run in parallel) may be building the same template.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext($1))`, tpl); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, `SELECT pg_advisory_unlock(hashtext($1))`, tpl) //nolint:errcheck // released on close anyway
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, tpl).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if err := build(ctx, conn, admin, tpl, seed); err != nil {
			conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, tpl)) //nolint:errcheck // best effort
			return "", err
		}
	}
	templates[name] = tpl
	return tpl, nil
}

// build creates, migrates and seeds tpl under a temporary name, then renames
// it, so a half-built template is never used.
func build(ctx context.Context, conn *pgx.Conn, admin, tpl string, seed Seed) error {
	tmp := tpl + "_wip"
	if _, err := conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, tmp)); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, tmp)); err != nil {
		return err
	}
	url, err := replaceDatabase(admin, tmp)
	if err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, url, 0)
	if err != nil {
		return err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	err = postgres.Migrate(ctx, pool, migrations.FS, quiet)
	if err == nil && seed != nil {
		err = seed(ctx, pool)
	}
	pool.Close()
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, tmp, tpl))
	return err
}

// fixtureKey hashes the migrations (ours and River's) and, for seeded fixtures, the test binary
// (which holds the seeding code), so a changed schema or seed makes a new template.
func fixtureKey(name string, seeded bool) (string, error) {
	h := sha256.New()
	io.WriteString(h, name)
	var files []string
	err := fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := fs.ReadFile(migrations.FS, f)
		if err != nil {
			return "", err
		}
		io.WriteString(h, f)
		h.Write(b)
	}
	// River's migrations come with the module, not from migrations/: a new
	// River version must make a new template too.
	river, err := postgres.RiverMigrator(nil)
	if err != nil {
		return "", err
	}
	for _, m := range river.AllVersions() {
		fmt.Fprintf(h, "river %d %s\n", m.Version, m.Name)
		io.WriteString(h, m.SQLUp)
	}
	if seeded {
		exe, err := os.Executable()
		if err != nil {
			return "", err
		}
		f, err := os.Open(exe)
		if err != nil {
			return "", err
		}
		defer f.Close()
		if _, err := io.Copy(h, f); err != nil {
			return "", err
		}
	}
	return name + "_" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

func withDatabase(tb testing.TB, url, db string) string {
	tb.Helper()
	u, err := replaceDatabase(url, db)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return u
}

// replaceDatabase returns url with its database name replaced by db.
func replaceDatabase(url, db string) (string, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return "", fmt.Errorf("parse TEST_DATABASE_URL: %w", err)
	}
	u := &neturl.URL{Scheme: "postgres", User: neturl.UserPassword(cfg.User, cfg.Password), Path: "/" + db}
	q := neturl.Values{"sslmode": {"disable"}}
	if strings.HasPrefix(cfg.Host, "/") { // a Unix socket directory
		q.Set("host", cfg.Host)
		q.Set("port", fmt.Sprint(cfg.Port))
	} else {
		u.Host = fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
