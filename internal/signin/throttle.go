package signin

import (
	"sync"
	"time"
)

// Failed sign-ins are throttled per username: after MaxFailures within
// FailureWindow, the account's sign-ins are refused until the window
// passes, whatever the password. This slows password guessing against an
// account without letting anyone lock it for longer than the window. The
// count is kept per server instance.
const (
	MaxFailures   = 5
	FailureWindow = 15 * time.Minute
)

type throttle struct {
	mu   sync.Mutex
	fail map[string][]time.Time
	now  func() time.Time
}

func newThrottle() *throttle { return &throttle{fail: map[string][]time.Time{}, now: time.Now} }

// recent returns the failures of user within the window, forgetting older ones.
func (t *throttle) recent(user string) []time.Time {
	cut := t.now().Add(-FailureWindow)
	f := t.fail[user]
	i := 0
	for i < len(f) && !f[i].After(cut) {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(t.fail, user)
	} else {
		t.fail[user] = f
	}
	return f
}

// blocked reports until when user may not try again (zero: may now).
func (t *throttle) blocked(user string) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.recent(user)
	if len(f) < MaxFailures {
		return time.Time{}
	}
	return f[len(f)-MaxFailures].Add(FailureWindow)
}

func (t *throttle) failed(user string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fail[user] = append(t.recent(user), t.now())
	if len(t.fail) > 100000 { // a flood of made-up usernames: forget the oldest state rather than grow
		clear(t.fail)
	}
}

func (t *throttle) succeeded(user string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fail, user)
}
