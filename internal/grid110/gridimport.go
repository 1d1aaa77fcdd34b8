package grid110

import "github.com/paulmach/orb"

// GridImport is a batch of boundaries to load at one level.
type GridImport struct {
	Level      Level
	ParentCode string // all features go under this grid; "" finds each one's parent spatially
	Features   []ImportFeature
	// SkipRejected loads the rest when some features are rejected; by
	// default one rejected feature rolls the whole import back.
	SkipRejected bool
	// Progress, when set, is told how far each stage has come.
	Progress func(stage string, done, total int)
}

// ImportFeature is one boundary to load (WGS-84).
type ImportFeature struct {
	Index int
	Code  string
	Name  string
	Geom  orb.MultiPolygon
}

// FeatureNote says something about one feature of an import.
type FeatureNote struct {
	Index   int         `json:"index"`
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Problem string      `json:"problem"`
	At      *[2]float64 `json:"at,omitempty"` // where, if the problem has a place
	AreaM2  float64     `json:"area_m2,omitempty"`
}

// OverlapNote is an overlap between two sibling grids.
type OverlapNote struct {
	A, B   GridRef
	AreaM2 float64
}

// GridImportResult is what an import did and found.
type GridImportResult struct {
	Inserted, Updated int
	Repaired          []FeatureNote // invalid geometry made valid
	Rejected          []FeatureNote // not loaded
	NotCovered        []FeatureNote // parts outside the parent (AreaM2 outside)
	Overlaps          []OverlapNote // sibling overlaps
	Gaps              []FeatureNote // parents not fully covered by their children (AreaM2 uncovered)
	TopLevel          []FeatureNote // loaded without a parent because none exists
}
