package signin

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// Store is what signing in needs of the database.
type Store interface {
	CreateStaff(ctx context.Context, n postgres.NewStaff) (grid110.Principal, error)
	StaffCredentials(ctx context.Context, username string) (grid110.Principal, string, error)
	CreateSession(ctx context.Context, id int64, tokenHash []byte, expires time.Time, userAgent string) error
	PrincipalBySession(ctx context.Context, tokenHash []byte) (grid110.Principal, time.Time, error)
	DeleteSession(ctx context.Context, tokenHash []byte) error
	CreateAPIKey(ctx context.Context, username, name, prefix string, keyHash []byte) error
	PrincipalByAPIKey(ctx context.Context, keyHash []byte) (grid110.Principal, error)
}

// Service signs staff in and out and recognises their tokens and keys.
type Service struct {
	store Store
	ttl   time.Duration
	// dummy is a hash to verify against when the username is unknown, so
	// a wrong username costs as long as a wrong password.
	dummy string
	limit *throttle
}

// DefaultSessionTTL is how long a sign-in lasts: one duty shift and a half.
const DefaultSessionTTL = 12 * time.Hour

// New returns a Service whose sessions last ttl (0: DefaultSessionTTL).
func New(store Store, ttl time.Duration) *Service {
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	dummy, err := HashPassword("grid110 dummy password for unknown users")
	if err != nil {
		panic(err) // crypto/rand failing leaves nothing to do
	}
	return &Service{store: store, ttl: ttl, dummy: dummy, limit: newThrottle()}
}

// ErrBadCredentials is the one answer to a failed sign-in, whether the
// username or the password was wrong, so accounts cannot be probed.
var ErrBadCredentials = fmt.Errorf("wrong username or password: %w", grid110.ErrUnauthorized)

// ThrottledError refuses a sign-in after too many failures.
type ThrottledError struct{ Until time.Time }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins for this account; try again after %s", e.Until.UTC().Format(time.RFC3339))
}

// Is makes a ThrottledError match grid110.ErrTooMany.
func (e *ThrottledError) Is(target error) bool { return target == grid110.ErrTooMany }

// Session is a signed-in session.
type Session struct {
	Token     string
	Principal grid110.Principal
	Expires   time.Time
}

// SignIn checks a username and password and opens a session.
func (s *Service) SignIn(ctx context.Context, username, password, userAgent string) (Session, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if until := s.limit.blocked(username); !until.IsZero() {
		return Session{}, &ThrottledError{Until: until}
	}
	p, hash, err := s.store.StaffCredentials(ctx, username)
	if errors.Is(err, grid110.ErrNotFound) || (err == nil && hash == "") {
		_, _ = VerifyPassword(s.dummy, password)
		s.limit.failed(username)
		return Session{}, ErrBadCredentials
	}
	if err != nil {
		return Session{}, err
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return Session{}, fmt.Errorf("account %s: stored password hash: %w", username, err)
	}
	if !ok {
		s.limit.failed(username)
		return Session{}, ErrBadCredentials
	}
	s.limit.succeeded(username)
	token, th, err := NewToken(SessionPrefix)
	if err != nil {
		return Session{}, err
	}
	expires := time.Now().Add(s.ttl).Truncate(time.Second)
	if err := s.store.CreateSession(ctx, p.ID, th, expires, userAgent); err != nil {
		return Session{}, err
	}
	return Session{Token: token, Principal: p, Expires: expires}, nil
}

// SignOut ends the session of token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, HashToken(token))
}

// Recognise returns who a bearer token or API key belongs to. The error
// wraps ErrUnauthorized for anything unknown, expired or revoked.
func (s *Service) Recognise(ctx context.Context, token string) (grid110.Principal, error) {
	var p grid110.Principal
	var err error
	switch {
	case strings.HasPrefix(token, SessionPrefix):
		p, _, err = s.store.PrincipalBySession(ctx, HashToken(token))
	case strings.HasPrefix(token, KeyPrefix):
		p, err = s.store.PrincipalByAPIKey(ctx, HashToken(token))
	default:
		return p, fmt.Errorf("not a grid110 token or API key: %w", grid110.ErrUnauthorized)
	}
	if errors.Is(err, grid110.ErrNotFound) {
		return p, fmt.Errorf("token or API key unknown, expired or revoked; sign in again: %w", grid110.ErrUnauthorized)
	}
	return p, err
}

// NewAccount is an account to create, with its password in clear.
type NewAccount struct {
	Username    string
	DisplayName string
	Role        grid110.StaffRole
	GridCode    string
	TeamCode    string
	Department  string
	Password    string // required for every role but api_client
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// Validate checks an account before it is stored.
func (n NewAccount) Validate() error {
	if !usernameRE.MatchString(n.Username) {
		return grid110.Invalid("username", "%q: 2–64 characters of a–z, 0–9, '.', '_', '-', starting with a letter or digit", n.Username)
	}
	if strings.TrimSpace(n.DisplayName) == "" {
		return grid110.Invalid("display_name", "required")
	}
	if _, err := grid110.ParseStaffRole(string(n.Role)); err != nil {
		return err
	}
	if n.GridCode == "" {
		return grid110.Invalid("grid", "every account needs a jurisdiction grid (its code)")
	}
	if n.Role == grid110.StaffTeamMember && n.TeamCode == "" {
		return grid110.Invalid("team", "a team member needs a team")
	}
	if n.Role == grid110.StaffDepartment && n.Department == "" {
		return grid110.Invalid("department", "a department handler needs a department")
	}
	if n.Role == grid110.StaffAPIClient && n.Password != "" {
		return grid110.Invalid("password", "API clients sign in with API keys, not passwords")
	}
	if n.Role != grid110.StaffAPIClient {
		return CheckPasswordRules(n.Password)
	}
	return nil
}

// AddAccount validates and stores a new account.
func (s *Service) AddAccount(ctx context.Context, n NewAccount) (grid110.Principal, error) {
	n.Username = strings.ToLower(strings.TrimSpace(n.Username))
	if err := n.Validate(); err != nil {
		return grid110.Principal{}, err
	}
	var hash string
	if n.Password != "" {
		var err error
		if hash, err = HashPassword(n.Password); err != nil {
			return grid110.Principal{}, err
		}
	}
	return s.store.CreateStaff(ctx, postgres.NewStaff{Username: n.Username, DisplayName: strings.TrimSpace(n.DisplayName),
		Role: n.Role, GridCode: n.GridCode, TeamCode: n.TeamCode, Department: n.Department, PasswordHash: hash})
}

// NewAPIKey makes an API key for the account username and returns it; it
// is shown this once and stored only as its hash.
func (s *Service) NewAPIKey(ctx context.Context, username, name string) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", grid110.Invalid("name", "an API key needs a name saying what uses it")
	}
	key, h, err := NewToken(KeyPrefix)
	if err != nil {
		return "", err
	}
	prefix := key[:len(KeyPrefix)+10]
	if err := s.store.CreateAPIKey(ctx, strings.ToLower(username), strings.TrimSpace(name), prefix, h); err != nil {
		return "", err
	}
	return key, nil
}
