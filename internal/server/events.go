package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// liveHub fans the changes of cases out to the live clients (SSE) of this
// instance. Every instance LISTENs on the reports channel, so a change
// made through any instance reaches the clients of all of them.
type liveHub struct {
	mu   sync.Mutex
	subs map[*liveSub]struct{}
}

type liveSub struct {
	j  grid110.Jurisdiction
	ch chan postgres.LiveEvent
	// gone is closed when the hub drops a client that fell too far behind.
	gone chan struct{}
}

// liveBuffer is how many events a slow client may be behind before it is
// dropped; it reconnects and catches up from Last-Event-ID.
const liveBuffer = 256

func newLiveHub() *liveHub { return &liveHub{subs: map[*liveSub]struct{}{}} }

func (h *liveHub) subscribe(j grid110.Jurisdiction) *liveSub {
	sub := &liveSub{j: j, ch: make(chan postgres.LiveEvent, liveBuffer), gone: make(chan struct{})}
	h.mu.Lock()
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	return sub
}

func (h *liveHub) unsubscribe(sub *liveSub) {
	h.mu.Lock()
	delete(h.subs, sub)
	h.mu.Unlock()
}

func (h *liveHub) clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// publish sends ev to every client whose jurisdiction holds it; chain is
// the ids of the report's grid and its ancestors.
func (h *liveHub) publish(ev postgres.LiveEvent, chain []int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		if !sees(sub.j, ev, chain) {
			continue
		}
		select {
		case sub.ch <- ev:
		default:
			delete(h.subs, sub)
			close(sub.gone)
		}
	}
}

// sees is jurisdictionSQL's rule in Go, for events already in hand.
func sees(j grid110.Jurisdiction, ev postgres.LiveEvent, chain []int64) bool {
	return j.All || (j.GridID != 0 && slices.Contains(chain, j.GridID)) ||
		(j.TeamID != 0 && ev.TeamID == j.TeamID) || (j.Department != "" && ev.Department == j.Department)
}

// ReportChanged takes a notification from the reports channel
// (postgres.ReportsChannel): it reads the report's latest event and sends
// it to the live clients who may see it. Wire it to the instance's LISTEN.
func (s *Server) ReportChanged(ctx context.Context, payload string) {
	if s.live.clients() == 0 {
		return
	}
	var msg struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(payload), &msg); err != nil || msg.ID <= 0 {
		s.log.Warn("live: bad reports notification", "payload", payload)
		return
	}
	ev, err := s.store.LatestLiveEvent(ctx, msg.ID)
	if err != nil {
		s.log.Warn("live: read event", "report", msg.ID, "err", err)
		return
	}
	var chain []int64
	if refs, ok := s.locator.Snapshot().Chain(ev.GridID); ok {
		for _, g := range refs {
			chain = append(chain, g.ID)
		}
	}
	s.live.publish(ev, chain)
}

// livePing keeps idle connections open through proxies.
const livePing = 15 * time.Second

// getEvents handles GET /api/v1/events: Server-Sent Events of new and
// changed cases in the caller's jurisdiction. A client that reconnects
// with Last-Event-ID (EventSource does this by itself) first gets what it
// missed, up to 1,000 events.
func (s *Server) getEvents(c echo.Context) error {
	p := principalOf(c)
	j := p.Jurisdiction()
	var after int64
	if v := c.Request().Header.Get("Last-Event-ID"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return grid110.Invalid("Last-Event-ID", "%q is not an event id", v)
		}
		after = n
	}
	sub := s.live.subscribe(j) // before the catch-up, so nothing falls between
	defer s.live.unsubscribe(sub)
	ctx := c.Request().Context()
	var missed []postgres.LiveEvent
	if after > 0 {
		var err error
		if missed, err = s.store.LiveEventsAfter(ctx, after, j, 1000); err != nil {
			return err
		}
	}
	w := c.Response()
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	// retry: how long EventSource waits before reconnecting.
	if _, err := fmt.Fprintf(w, "retry: 2000\n: grid110 live events for %s\n\n", p.Actor()); err != nil {
		return nil
	}
	last := after
	send := func(ev postgres.LiveEvent) error {
		if ev.EventID <= last {
			return nil // already sent in the catch-up
		}
		last = ev.EventID
		b, _ := json.Marshal(ev)
		_, err := fmt.Fprintf(w, "event: report\nid: %d\ndata: %s\n\n", ev.EventID, b)
		return err
	}
	for _, ev := range missed {
		if err := send(ev); err != nil {
			return nil
		}
	}
	w.Flush()
	ping := time.NewTicker(livePing)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.gone:
			return nil // too slow; the client reconnects with Last-Event-ID
		case ev := <-sub.ch:
			if err := send(ev); err != nil {
				return nil
			}
		drain:
			for {
				select {
				case ev := <-sub.ch:
					if err := send(ev); err != nil {
						return nil
					}
				default:
					break drain
				}
			}
			w.Flush()
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return nil
			}
			w.Flush()
		}
	}
}
