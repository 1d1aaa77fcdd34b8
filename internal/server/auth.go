package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
	"grid110/internal/signin"
)

const principalKey = "grid110.principal"

// authenticate recognises the caller from a bearer token (a session or an
// API key) in Authorization, an API key in X-API-Key, or, for clients
// that cannot set headers (EventSource, Open311), an access_token or
// api_key parameter. A request with no credentials goes on as anonymous;
// one with credentials that are wrong is refused (401), never quietly
// served as anonymous.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := credentials(c.Request())
		if token != "" {
			p, err := s.signin.Recognise(c.Request().Context(), token)
			if err != nil {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="grid110"`)
				return err
			}
			c.Set(principalKey, p)
		}
		return next(c)
	}
}

func credentials(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
		return h // not a bearer token: Recognise refuses it with a clear message
	}
	if k := r.Header.Get("X-API-Key"); k != "" {
		return strings.TrimSpace(k)
	}
	q := r.URL.Query()
	if t := q.Get("access_token"); t != "" {
		return t
	}
	return q.Get("api_key")
}

// principalOf is who is asking; the zero Principal for an anonymous caller.
func principalOf(c echo.Context) grid110.Principal {
	p, _ := c.Get(principalKey).(grid110.Principal)
	return p
}

// staffOnly answers 401 to anonymous callers.
func staffOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if principalOf(c).Anonymous() {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="grid110"`)
			return errSignIn
		}
		return next(c)
	}
}

var errSignIn = &authError{"sign in first: send Authorization: Bearer <token> from POST /api/v1/auth/login, or an API key"}

type authError struct{ msg string }

func (e *authError) Error() string        { return e.msg }
func (e *authError) Is(target error) bool { return target == grid110.ErrUnauthorized }

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// userResponse is a signed-in account as the API shows it.
type userResponse struct {
	grid110.Principal
	Grid        *grid110.GridRef `json:"grid,omitempty"`
	Permissions []grid110.Move   `json:"moves"` // the moves the role makes at all
}

type loginResponse struct {
	Token     string       `json:"token"`
	ExpiresAt time.Time    `json:"expires_at"`
	User      userResponse `json:"user"`
}

func (s *Server) userOf(p grid110.Principal) userResponse {
	out := userResponse{Principal: p, Permissions: p.Permissions()}
	if chain, ok := s.locator.Snapshot().Chain(p.GridID); ok {
		g := chain[len(chain)-1]
		out.Grid = &g
	}
	return out
}

// login handles POST /api/v1/auth/login.
func (s *Server) login(c echo.Context) error {
	var req loginRequest
	if err := bindJSON(c, &req, 4<<10); err != nil {
		return err
	}
	if req.Username == "" {
		return grid110.Invalid("username", "required")
	}
	if req.Password == "" {
		return grid110.Invalid("password", "required")
	}
	sess, err := s.signin.SignIn(c.Request().Context(), req.Username, req.Password, c.Request().UserAgent())
	if err != nil {
		s.metrics.signins.WithLabelValues("failed").Inc()
		return err
	}
	s.metrics.signins.WithLabelValues("ok").Inc()
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, loginResponse{Token: sess.Token, ExpiresAt: sess.Expires, User: s.userOf(sess.Principal)})
}

// logout handles POST /api/v1/auth/logout: the session's token stops working.
func (s *Server) logout(c echo.Context) error {
	token := credentials(c.Request())
	if strings.HasPrefix(token, signin.SessionPrefix) {
		if err := s.signin.SignOut(c.Request().Context(), token); err != nil {
			return err
		}
	}
	return c.NoContent(http.StatusNoContent)
}

// me handles GET /api/v1/auth/me.
func (s *Server) me(c echo.Context) error {
	return c.JSON(http.StatusOK, s.userOf(principalOf(c)))
}
