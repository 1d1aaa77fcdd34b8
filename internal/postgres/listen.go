package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ChangesChannel is the NOTIFY channel on which triggers announce changes
// to grids, teams and team members (payload: the table name).
const ChangesChannel = "grid110_changes"

// Listen holds one connection that LISTENs on channels and calls fn for each
// notification, until ctx ends. After a lost connection it reconnects with
// backoff and calls fn(channel, "") for every channel, since notifications
// may have been missed meanwhile. It returns ctx's error.
func Listen(ctx context.Context, pool *pgxpool.Pool, channels []string, log *slog.Logger, fn func(channel, payload string)) error {
	backoff := 100 * time.Millisecond
	first := true
	for {
		err := listenOnce(ctx, pool, channels, func() {
			if !first {
				for _, c := range channels {
					fn(c, "")
				}
			}
			first = false
			backoff = 100 * time.Millisecond
		}, fn)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log.Warn("listen connection lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

func listenOnce(ctx context.Context, pool *pgxpool.Pool, channels []string, ready func(), fn func(string, string)) error {
	pc, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A LISTENing connection must not go back to the pool.
	conn := pc.Hijack()
	defer conn.Close(context.Background())
	for _, c := range channels {
		if _, err := conn.Exec(ctx, fmt.Sprintf("LISTEN %q", c)); err != nil {
			return err
		}
	}
	ready()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return ctx.Err()
			}
			return err
		}
		fn(n.Channel, n.Payload)
	}
}
