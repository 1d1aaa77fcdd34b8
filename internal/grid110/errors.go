// Package grid110 is the domain of the grid110 service: grids and their
// levels, teams, categories, reports and their workflow states, and the
// errors every layer speaks. It imports the standard library and orb only.
package grid110

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every layer wraps them with context; only the HTTP layer
// turns them into status codes.
var (
	// ErrNotFound means the thing asked for does not exist (or is not visible).
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input was malformed or out of range.
	ErrInvalid = errors.New("invalid input")
	// ErrConflict means the request clashes with the current state.
	ErrConflict = errors.New("conflict")
	// ErrUnauthorized means the caller did not say who they are, or the
	// credentials they gave are wrong, expired or revoked.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrTooMany means the caller must wait before trying again.
	ErrTooMany = errors.New("too many requests")
	// ErrForbidden means the caller may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrUnprocessable means the input was well formed but cannot be acted
	// on, such as a point outside every grid.
	ErrUnprocessable = errors.New("unprocessable")
)

// ValidationError says which input field was wrong and why. It matches
// ErrInvalid with errors.Is.
type ValidationError struct {
	Field   string
	Problem string
}

// Invalid returns a *ValidationError for field.
func Invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Problem
	}
	return e.Field + ": " + e.Problem
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// OutsideError says that a point lies in no grid, and which grid is nearest.
// It matches ErrUnprocessable with errors.Is.
type OutsideError struct {
	Lon, Lat  float64 // WGS-84
	Nearest   *GridRef
	DistanceM float64
}

func (e *OutsideError) Error() string {
	if e.Nearest == nil {
		return fmt.Sprintf("point (%.6f, %.6f) is outside every grid, and no grids are loaded", e.Lon, e.Lat)
	}
	return fmt.Sprintf("point (%.6f, %.6f) is outside every grid; the nearest is %s %s (%s, id %d), %.0f m away",
		e.Lon, e.Lat, e.Nearest.Level, e.Nearest.Name, e.Nearest.Code, e.Nearest.ID, e.DistanceM)
}

// Is reports whether target is ErrUnprocessable.
func (e *OutsideError) Is(target error) bool { return target == ErrUnprocessable }
