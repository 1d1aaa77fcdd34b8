package server

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
)

// categoryCache keeps the small, rarely changed category table in memory,
// so that validating a category costs no query on the hot path.
type categoryCache struct {
	store *postgres.Store
	ttl   time.Duration
	mu    sync.Mutex
	at    time.Time
	list  []grid110.Category
}

func newCategoryCache(store *postgres.Store, ttl time.Duration) *categoryCache {
	return &categoryCache{store: store, ttl: ttl}
}

// all returns every category, reloading when the copy is older than ttl.
func (cc *categoryCache) all(ctx context.Context) ([]grid110.Category, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.list != nil && time.Since(cc.at) < cc.ttl {
		return cc.list, nil
	}
	list, err := cc.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	cc.list, cc.at = list, time.Now()
	return list, nil
}

// get returns category code, or a validation error on field naming the known ones.
func (cc *categoryCache) get(ctx context.Context, code, field string) (grid110.Category, error) {
	list, err := cc.all(ctx)
	if err != nil {
		return grid110.Category{}, err
	}
	codes := make([]string, len(list))
	for i, c := range list {
		if c.Code == code {
			return c, nil
		}
		codes[i] = c.Code
	}
	return grid110.Category{}, grid110.Invalid(field, "unknown category %q (known: %s)", code, strings.Join(codes, ", "))
}

// cachedCategories serves intake from the cache and the rest from the store.
type cachedCategories struct {
	cc *categoryCache
	*postgres.Store
}

func (c cachedCategories) Categories(ctx context.Context) ([]grid110.Category, error) {
	return c.cc.all(ctx)
}

// categoryResponse is a category as the API shows it.
type categoryResponse struct {
	grid110.Category
	TimeAllowedHours     float64 `json:"time_allowed_hours"`
	DuplicateWindowHours float64 `json:"duplicate_window_hours"`
}

// listCategories handles GET /api/v1/categories.
func (s *Server) listCategories(c echo.Context) error {
	list, err := s.cats.all(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]categoryResponse, len(list))
	for i, x := range list {
		out[i] = categoryResponse{Category: x, TimeAllowedHours: x.TimeAllowed.Hours(), DuplicateWindowHours: x.DuplicateWindow.Hours()}
	}
	return c.JSON(http.StatusOK, out)
}
