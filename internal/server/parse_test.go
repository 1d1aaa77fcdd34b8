package server

import (
	"errors"
	"strings"
	"testing"

	"grid110/internal/grid110"
)

// FuzzParseBBox checks that any bbox string is either refused with a
// validation error or gives an ordered box inside the world.
func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"117.6,24.4,117.8,24.6", "1,2,3", "NaN,0,1,1", "-180,-90,180,90", "1e309,0,1,1", " 1 , 2 , 3 , 4 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBBox(s)
		if err != nil {
			if !errors.Is(err, grid110.ErrInvalid) {
				t.Fatalf("parseBBox(%q) error %v is not ErrInvalid", s, err)
			}
			return
		}
		if !(b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1] && b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90) {
			t.Fatalf("parseBBox(%q) = %v: not an ordered box in the world", s, b)
		}
	})
}

// FuzzParseTime checks that times are parsed or refused on the named field.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-28", "2026-11-28T08:00:00+08:00", "yesterday", "", "2026-13-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := parseTime(s, "from")
		var ve *grid110.ValidationError
		if err != nil && (!errors.As(err, &ve) || ve.Field != "from") {
			t.Fatalf("parseTime(%q) = %v; want a validation error on from", s, err)
		}
	})
}

func TestParseBBoxRefusesNaN(t *testing.T) {
	if _, err := parseBBox("NaN,0,1,1"); err == nil || !strings.Contains(err.Error(), "bbox") {
		t.Errorf("parseBBox(NaN…) = %v; want refused", err)
	}
}

func FuzzParseTrackingCode(f *testing.F) {
	for _, s := range []string{"K7QM-3XPA-9D2F", "k7qm3xpa9d2f", " K7QM-3XPA-9D2F ", "K7QM--3XPA9D2F", "", "ÄÄÄÄ-ÄÄÄÄ-ÄÄÄÄ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := parseTrackingCode(s)
		if err != nil {
			return
		}
		if len(code) != 14 || code[4] != '-' || code[9] != '-' || strings.ToUpper(code) != code {
			t.Errorf("%q → %q: not a normalised code", s, code)
		}
		if again, err := parseTrackingCode(code); err != nil || again != code {
			t.Errorf("%q → %q → %q, %v: not stable", s, code, again, err)
		}
	})
}

func TestRedactURI(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v1/events?access_token=g110s_secret":         "/api/v1/events?access_token=REDACTED",
		"/open311/v2/requests.json?api_key=g110k_x&page=2": "/open311/v2/requests.json?api_key=REDACTED&page=2",
		"/api/v1/locate?lon=1&lat=2":                       "/api/v1/locate?lon=1&lat=2",
		"/tiles/grids/1/2/3.mvt":                           "/tiles/grids/1/2/3.mvt",
		"/api/v1/events?access_token=%zz":                  "/api/v1/events?(unparsable query withheld)",
	} {
		if got := redactURI(in); got != want || strings.Contains(got, "secret") {
			t.Errorf("redactURI(%q) = %q; want %q", in, got, want)
		}
	}
}
