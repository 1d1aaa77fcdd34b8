package signin

import (
	"errors"
	"strings"
	"testing"
	"time"

	"grid110/internal/grid110"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q", h)
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapl": false, "": false} {
		if ok, err := VerifyPassword(h, pw); err != nil || ok != want {
			t.Errorf("verify %q = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=0,t=1,p=1$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA", "plain"} {
		if _, err := VerifyPassword(bad, "x"); err == nil {
			t.Errorf("hash %q accepted", bad)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	for pw, ok := range map[string]bool{"short": false, "ten chars!": true, "十个汉字的密码一二三": true, strings.Repeat("x", 257): false, "\xff\xfe bad utf8 ...": false} {
		if err := CheckPasswordRules(pw); (err == nil) != ok || (err != nil && !errors.Is(err, grid110.ErrInvalid)) {
			t.Errorf("%q: %v; want ok=%v", pw, err, ok)
		}
	}
}

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	th := newThrottle()
	th.now = func() time.Time { return now }
	for i := range MaxFailures {
		if !th.blocked("wang").IsZero() {
			t.Fatalf("blocked after %d failures", i)
		}
		th.failed("wang")
		now = now.Add(time.Minute)
	}
	until := th.blocked("wang")
	if want := time.Date(2026, 11, 28, 8, 15, 0, 0, time.UTC); !until.Equal(want) {
		t.Errorf("blocked until %v; want %v (15 minutes after the first of the five)", until, want)
	}
	if !th.blocked("li").IsZero() {
		t.Error("another account is blocked too")
	}
	now = until
	if !th.blocked("wang").IsZero() {
		t.Error("still blocked when the window has passed")
	}
	th.failed("wang")
	th.succeeded("wang")
	if len(th.fail) != 0 {
		t.Errorf("state left after success: %v", th.fail)
	}
}

func TestTokens(t *testing.T) {
	a, ha, err := NewToken(SessionPrefix)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewToken(SessionPrefix)
	if a == b || !strings.HasPrefix(a, SessionPrefix) || len(a) != len(SessionPrefix)+43 || string(ha) != string(HashToken(a)) {
		t.Errorf("tokens %q %q", a, b)
	}
}

func FuzzVerifyPassword(f *testing.F) {
	h, _ := HashPassword("seed password")
	f.Add(h, "seed password")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", "x")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		ok, err := VerifyPassword(hash, pw)
		if ok && err != nil {
			t.Errorf("verified with an error: %v", err)
		}
	})
}
