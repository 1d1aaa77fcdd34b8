// Package intake turns a submitted report into a stored case: it validates
// the input, converts the location to WGS-84, locates it to its grid and
// teams, and stores it with its first event, idempotently.
package intake

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"grid110/internal/crs"
	"grid110/internal/grid110"
	"grid110/internal/locate"
	"grid110/internal/postgres"
)

// Limits on what a submission may hold.
const (
	MaxDescription = 4000 // characters
	MaxName        = 100
	MaxKey         = 200
	MaxMediaURL    = 2048 // bytes
)

// Store is what intake needs of the database.
type Store interface {
	Categories(ctx context.Context) ([]grid110.Category, error)
	CompoundPoint(ctx context.Context, code string) (grid110.GridRef, orb.Point, error)
	CreateReport(ctx context.Context, nr postgres.NewReport) (grid110.Report, bool, error)
}

// Request is one submission as the client sent it.
type Request struct {
	Category       string   `json:"category"`
	Description    string   `json:"description"`
	Lon            *float64 `json:"lon"`
	Lat            *float64 `json:"lat"`
	CRS            string   `json:"crs"`
	AccuracyM      float64  `json:"accuracy_m"`
	CompoundCode   string   `json:"compound_code"`
	Channel        string   `json:"channel"`
	ReporterName   string   `json:"reporter_name"`
	ReporterPhone  string   `json:"reporter_phone"`
	IdempotencyKey string   `json:"-"`
	// Actor is who submits, for the audit trail, when signed in; empty
	// for a resident ("reporter:<channel>").
	Actor string `json:"-"`
	// Attachments are files already checked and on disk, stored with the report.
	Attachments []postgres.Attachment `json:"-"`
	// MediaURL links to media kept elsewhere: Open311's media_url. The
	// JSON API takes files instead, so it is not a JSON field.
	MediaURL string `json:"-"`
}

// Result is a stored report with where it was located.
type Result struct {
	Report  grid110.Report
	Located locate.Result
	Created bool // false when an idempotent retry returned the stored report
}

// Service takes reports in.
type Service struct {
	store   Store
	locator *locate.Locator
}

// New returns a Service.
func New(store Store, locator *locate.Locator) *Service {
	return &Service{store: store, locator: locator}
}

// Submit validates, locates and stores req.
func (s *Service) Submit(ctx context.Context, req Request) (Result, error) {
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return Result{}, err
	}
	cat, err := validate(&req, cats)
	if err != nil {
		return Result{}, err
	}
	snap := s.locator.Snapshot()
	rep := grid110.Report{Category: cat.Code, Description: req.Description, Channel: grid110.Channel(req.Channel),
		AccuracyM: req.AccuracyM, Department: cat.Department, Priority: cat.Priority,
		ReporterName: req.ReporterName, ReporterPhone: req.ReporterPhone, IdempotencyKey: req.IdempotencyKey}
	var loc locate.Result
	if req.Lon == nil {
		g, p, err := s.store.CompoundPoint(ctx, req.CompoundCode)
		if errors.Is(err, grid110.ErrNotFound) {
			return Result{}, grid110.Invalid("compound_code", "no grid has code %q", req.CompoundCode)
		}
		if err != nil {
			return Result{}, err
		}
		if g.Level != grid110.LevelCompound && g.Level != grid110.LevelCommunity {
			return Result{}, grid110.Invalid("compound_code", "%s is a %s, not a compound", g.Code, g.Level)
		}
		loc, err = snap.LocateIn(g.ID, p, []grid110.TeamKind{cat.TeamKind})
		if err != nil {
			return Result{}, err
		}
		rep.InputCRS = "compound"
	} else {
		c, _ := crs.Parse(req.CRS) // validated
		lon, lat := crs.ToWGS84(c, *req.Lon, *req.Lat)
		loc, err = snap.Locate(orb.Point{lon, lat}, []grid110.TeamKind{cat.TeamKind})
		if err != nil {
			return Result{}, err
		}
		rep.InputCRS, rep.InputLon, rep.InputLat = string(c), *req.Lon, *req.Lat
	}
	rep.Location = loc.Point
	rep.GridID = loc.Grid.ID
	if loc.DutyTeam != nil {
		rep.DutyTeamID = loc.DutyTeam.ID
	}
	if len(loc.Nearest) > 0 {
		rep.TeamID = loc.Nearest[0].ID
	}
	cell, err := h3.LatLngToCell(h3.NewLatLng(loc.Point[1], loc.Point[0]), 15)
	if err != nil {
		return Result{}, fmt.Errorf("h3 cell of (%v, %v): %w", loc.Point[0], loc.Point[1], err)
	}
	rep.H3Cell = uint64(cell)
	var stored grid110.Report
	var created bool
	for try := 0; ; try++ {
		rep.TrackingCode = NewTrackingCode()
		actor := req.Actor
		if actor == "" {
			actor = "reporter:" + req.Channel
		}
		stored, created, err = s.store.CreateReport(ctx, postgres.NewReport{Report: rep, RequestHash: hash(req),
			Actor: actor, Attachments: req.Attachments, MediaURL: req.MediaURL})
		// A clash of random tracking codes is astronomically rare; try again.
		if errors.Is(err, grid110.ErrConflict) && strings.Contains(err.Error(), "tracking_code") && try < 3 {
			continue
		}
		break
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Report: stored, Located: loc, Created: created}, nil
}

// validate checks req in place (trimming, defaults) and returns its category.
func validate(req *Request, cats []grid110.Category) (grid110.Category, error) {
	var cat grid110.Category
	req.Category = strings.TrimSpace(req.Category)
	if req.Category == "" {
		return cat, grid110.Invalid("category", "required")
	}
	found := false
	var codes []string
	for _, c := range cats {
		codes = append(codes, c.Code)
		if c.Code == req.Category {
			cat, found = c, true
		}
	}
	if !found {
		return cat, grid110.Invalid("category", "unknown category %q (known: %s)", req.Category, strings.Join(codes, ", "))
	}
	req.Description = strings.TrimSpace(req.Description)
	if req.Description == "" {
		return cat, grid110.Invalid("description", "required")
	}
	if !utf8.ValidString(req.Description) || utf8.RuneCountInString(req.Description) > MaxDescription {
		return cat, grid110.Invalid("description", "must be valid UTF-8 text of at most %d characters", MaxDescription)
	}
	if req.Channel == "" {
		req.Channel = string(grid110.ChannelAPI)
	}
	if !knownChannel(req.Channel) {
		return cat, grid110.Invalid("channel", "unknown channel %q", req.Channel)
	}
	switch {
	case req.Lon == nil && req.Lat == nil && req.CompoundCode == "":
		return cat, grid110.Invalid("location", "give lon and lat (with crs), or a compound_code")
	case (req.Lon == nil) != (req.Lat == nil):
		return cat, grid110.Invalid("location", "lon and lat go together")
	case req.Lon != nil:
		if req.CRS == "" {
			req.CRS = string(crs.WGS84)
		}
		c, err := crs.Parse(req.CRS)
		if err != nil {
			return cat, grid110.Invalid("crs", "%v", err)
		}
		req.CRS = string(c)
		if err := CheckLonLat(*req.Lon, *req.Lat); err != nil {
			return cat, err
		}
	}
	if req.AccuracyM < 0 || math.IsNaN(req.AccuracyM) || req.AccuracyM > 100000 {
		return cat, grid110.Invalid("accuracy_m", "must be between 0 and 100000 metres")
	}
	if utf8.RuneCountInString(req.ReporterName) > MaxName || !utf8.ValidString(req.ReporterName) {
		return cat, grid110.Invalid("reporter_name", "at most %d characters", MaxName)
	}
	if req.ReporterPhone != "" && !validPhone(req.ReporterPhone) {
		return cat, grid110.Invalid("reporter_phone", "%q is not a phone number (digits, spaces, + and - only, 5 to 20 digits)", req.ReporterPhone)
	}
	if len(req.IdempotencyKey) > MaxKey {
		return cat, grid110.Invalid("Idempotency-Key", "at most %d bytes", MaxKey)
	}
	if req.MediaURL = strings.TrimSpace(req.MediaURL); req.MediaURL != "" && !validMediaURL(req.MediaURL) {
		return cat, grid110.Invalid("media_url", "want an absolute http or https URL of at most %d bytes", MaxMediaURL)
	}
	return cat, nil
}

// validMediaURL accepts what the reports.media_url check constraint
// accepts: an absolute http(s) URL with a host and no white space.
func validMediaURL(s string) bool {
	if len(s) > MaxMediaURL || strings.ContainsFunc(s, unicode.IsSpace) || !utf8.ValidString(s) ||
		!(strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Host != ""
}

// CheckLonLat validates a longitude/latitude pair, naming the field at fault.
func CheckLonLat(lon, lat float64) error {
	if math.IsNaN(lon) || math.IsInf(lon, 0) || lon < -180 || lon > 180 {
		return grid110.Invalid("lon", "%v is not a longitude (-180 to 180)", lon)
	}
	if math.IsNaN(lat) || math.IsInf(lat, 0) || lat < -90 || lat > 90 {
		return grid110.Invalid("lat", "%v is not a latitude (-90 to 90)", lat)
	}
	return nil
}

func knownChannel(c string) bool {
	for _, x := range grid110.Channels {
		if string(x) == c {
			return true
		}
	}
	return false
}

func validPhone(p string) bool {
	digits := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-':
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}

// hash fingerprints what a request asks for, so a retry with the same
// Idempotency-Key can be told from a different request reusing it.
// hash identifies a request, to tell a retry from a reused idempotency
// key: its fields and the contents of its files.
func hash(req Request) []byte {
	b, _ := json.Marshal(req) // plain struct: cannot fail
	h := sha256.New()
	h.Write(b)
	for _, a := range req.Attachments {
		h.Write([]byte(a.Kind))
		h.Write(a.SHA256)
	}
	if req.MediaURL != "" { // only then, so earlier requests keep their hash
		h.Write([]byte("media_url\x00" + req.MediaURL))
	}
	return h.Sum(nil)
}

// trackingAlphabet is Crockford's base32: no I, L, O or U to misread.
const trackingAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewTrackingCode returns a random public code like "K7QM-3XPA-9D2F"
// (60 bits): easy to read out over the phone, impossible to guess.
func NewTrackingCode() string {
	var b [12]byte
	rand.Read(b[:])
	var sb strings.Builder
	for i, x := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(trackingAlphabet[x&31])
	}
	return sb.String()
}
