package demo

import (
	"errors"
	"testing"

	"grid110/internal/postgres"
	"grid110/internal/postgres/pgtest"
)

func TestCheckTellsAnInterruptedLoad(t *testing.T) {
	t.Parallel()
	s := postgres.NewStore(pgtest.New(t))
	ctx := t.Context()
	if err := Check(ctx, s); err != nil {
		t.Fatalf("Check on a fresh database = %v", err)
	}
	l := &loader{pool: s.Pool(), opt: Options{Seed: 7, Reports: 10}}
	if err := l.mark(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := Check(ctx, s); !errors.Is(err, ErrPartial) {
		t.Errorf("Check after an unfinished load = %v; want ErrPartial", err)
	}
	if err := l.mark(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := Check(ctx, s); err != nil {
		t.Errorf("Check after a finished load = %v", err)
	}
}
