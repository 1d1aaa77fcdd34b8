package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"grid110/internal/grid110"
)

// NewStaff is an account to create. GridCode, TeamCode name the
// jurisdiction grid and the N-team by their codes.
type NewStaff struct {
	Username     string
	DisplayName  string
	Role         grid110.StaffRole
	GridCode     string
	TeamCode     string
	Department   string
	PasswordHash string // empty for API clients
}

const principalColumns = `s.id, s.username, s.display_name, s.role, s.grid_id, coalesce(s.team_id, 0), coalesce(s.department, '')`

func scanPrincipal(row pgx.Row, extra ...any) (grid110.Principal, error) {
	var p grid110.Principal
	dest := append([]any{&p.ID, &p.Username, &p.DisplayName, &p.Role, &p.GridID, &p.TeamID, &p.Department}, extra...)
	return p, row.Scan(dest...)
}

// CreateStaff stores a new account. The error wraps ErrInvalid for an
// unknown grid, team or department, and ErrConflict for a username in use.
func (s *Store) CreateStaff(ctx context.Context, n NewStaff) (grid110.Principal, error) {
	const q = `
		WITH ins AS (
			INSERT INTO staff (username, display_name, role, grid_id, team_id, department, password_hash)
			SELECT @username, @display_name, @role,
				(SELECT id FROM grids WHERE code = @grid_code),
				(SELECT id FROM teams WHERE code = NULLIF(@team_code, '')),
				NULLIF(@department, ''), NULLIF(@password_hash, '')
			RETURNING *)
		SELECT ` + principalColumns + ` FROM ins s`
	if n.GridCode == "" {
		return grid110.Principal{}, grid110.Invalid("grid", "every account needs a jurisdiction grid")
	}
	if err := s.pool.QueryRow(ctx, `SELECT 1 FROM grids WHERE code = $1`, n.GridCode).Scan(new(int)); err != nil {
		return grid110.Principal{}, missing(err, "grid", "no grid with code %q", n.GridCode)
	}
	if n.TeamCode != "" {
		if err := s.pool.QueryRow(ctx, `SELECT 1 FROM teams WHERE code = $1`, n.TeamCode).Scan(new(int)); err != nil {
			return grid110.Principal{}, missing(err, "team", "no team with code %q", n.TeamCode)
		}
	}
	if n.Department != "" {
		if err := s.pool.QueryRow(ctx, `SELECT 1 FROM departments WHERE code = $1`, n.Department).Scan(new(int)); err != nil {
			return grid110.Principal{}, missing(err, "department", "no department %q", n.Department)
		}
	}
	p, err := scanPrincipal(s.pool.QueryRow(ctx, q, pgx.NamedArgs{"username": n.Username, "display_name": n.DisplayName,
		"role": n.Role, "grid_code": n.GridCode, "team_code": n.TeamCode, "department": n.Department,
		"password_hash": n.PasswordHash}))
	if err != nil {
		return grid110.Principal{}, translate(err, "create account "+n.Username)
	}
	return p, nil
}

// missing turns "no rows" into a validation error of field.
func missing(err error, field, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return grid110.Invalid(field, format, args...)
	}
	return translate(err, field)
}

// StaffCredentials returns an enabled account and its password hash, for
// signing in. The error wraps ErrNotFound for no such enabled account.
func (s *Store) StaffCredentials(ctx context.Context, username string) (grid110.Principal, string, error) {
	var hash *string
	p, err := scanPrincipal(s.pool.QueryRow(ctx, `SELECT `+principalColumns+`, s.password_hash FROM staff s
		WHERE s.username = $1 AND s.disabled_at IS NULL`, username), &hash)
	if err != nil {
		return grid110.Principal{}, "", translate(err, "account "+username)
	}
	if hash == nil {
		return p, "", nil
	}
	return p, *hash, nil
}

// CreateSession stores a session for account id under the token's hash.
// Expired sessions are swept on the way.
func (s *Store) CreateSession(ctx context.Context, id int64, tokenHash []byte, expires time.Time, userAgent string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM staff_sessions WHERE expires_at < now()`); err != nil {
		return translate(err, "sweep sessions")
	}
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO staff_sessions (token_hash, staff_id, expires_at, user_agent) VALUES ($1, $2, $3, $4)`,
		tokenHash, id, expires, userAgent)
	return translate(err, "create session")
}

// PrincipalBySession returns the account of a live session. The error wraps
// ErrNotFound for an unknown or expired session or a disabled account.
func (s *Store) PrincipalBySession(ctx context.Context, tokenHash []byte) (grid110.Principal, time.Time, error) {
	var expires time.Time
	p, err := scanPrincipal(s.pool.QueryRow(ctx, `SELECT `+principalColumns+`, x.expires_at
		FROM staff_sessions x JOIN staff s ON s.id = x.staff_id
		WHERE x.token_hash = $1 AND x.expires_at > now() AND s.disabled_at IS NULL`, tokenHash), &expires)
	if err != nil {
		return grid110.Principal{}, time.Time{}, translate(err, "session")
	}
	return p, expires, nil
}

// DeleteSession signs a session out; deleting an unknown one is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM staff_sessions WHERE token_hash = $1`, tokenHash)
	return translate(err, "delete session")
}

// CreateAPIKey stores an API key for the account named username.
func (s *Store) CreateAPIKey(ctx context.Context, username, name, prefix string, keyHash []byte) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO api_keys (staff_id, name, prefix, key_hash)
		SELECT id, $2, $3, $4 FROM staff WHERE username = $1`, username, name, prefix, keyHash)
	if err != nil {
		return translate(err, "create API key")
	}
	if tag.RowsAffected() == 0 {
		return grid110.Invalid("username", "no account %q", username)
	}
	return nil
}

// PrincipalByAPIKey returns the account of a live API key and notes its use
// (at most once a minute, to spare writes).
func (s *Store) PrincipalByAPIKey(ctx context.Context, keyHash []byte) (grid110.Principal, error) {
	var keyID int64
	var used *time.Time
	p, err := scanPrincipal(s.pool.QueryRow(ctx, `SELECT `+principalColumns+`, k.id, k.last_used_at
		FROM api_keys k JOIN staff s ON s.id = k.staff_id
		WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND s.disabled_at IS NULL`, keyHash), &keyID, &used)
	if err != nil {
		return grid110.Principal{}, translate(err, "API key")
	}
	if used == nil || time.Since(*used) > time.Minute {
		if _, err := s.pool.Exec(ctx, `UPDATE api_keys SET last_used_at = now() WHERE id = $1`, keyID); err != nil {
			return grid110.Principal{}, fmt.Errorf("note API key use: %w", translate(err, "API key"))
		}
	}
	return p, nil
}
