package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"grid110/internal/crs"
)

// cst is China Standard Time: residents' days and evenings are local.
var cst = time.FixedZone("CST", 8*3600)

// categoryWeights is how often each category is reported; a category
// added to the table later gets weight 2.
var categoryWeights = map[string]float64{
	"complaint": 22, "environment": 20, "public_order": 16, "dispute": 15, "safety_hazard": 8,
	"welfare": 6, "tip": 5, "counterfeit": 4, "legal_help": 3.5, "emergency": 1,
}

// themes are what hotspots are about: the categories they attract.
var themes = [][]string{
	{"public_order", "environment", "complaint", "dispute"},     // night market, bars
	{"counterfeit", "environment", "complaint", "public_order"}, // wholesale market
	{"dispute", "complaint", "environment", "welfare"},          // old residential blocks
	{"safety_hazard", "environment", "complaint"},               // construction site
	{"public_order", "safety_hazard", "complaint"},              // school gate
	{"public_order", "tip", "complaint", "emergency"},           // bus or railway station
	{"welfare", "safety_hazard", "dispute"},                     // ageing old town
}

var (
	// hourWeights is the local hour-of-day profile, peaking in the evening.
	hourWeights = []float64{0.6, 0.4, 0.3, 0.25, 0.25, 0.4, 0.8, 1.5, 2.5, 3.2, 3.4, 3.2,
		2.6, 2.5, 2.9, 3.1, 3.2, 3.3, 3.8, 4.6, 5.0, 4.6, 3.2, 1.6}
	// nightHours are where public-order reports cluster.
	nightHours = []int{21, 22, 23, 0, 1, 2}
	// dayWeights are per weekday, Sunday first: more on weekends.
	dayWeights = []float64{1.25, 1.0, 1.0, 1.0, 1.0, 1.1, 1.3}
)

// channelMix is how reports arrive, and how often each channel sends WGS-84
// rather than GCJ-02 (phones and mini-apps speak GCJ-02; terminals and
// integrations often have raw GPS).
var channelMix = []struct {
	channel string
	weight  float64
	pWGS84  float64
}{
	{"qr", 42, 0.08}, {"miniapp", 28, 0.05}, {"api", 10, 0.55}, {"terminal", 10, 0.7}, {"phone", 10, 0},
}

// accuracyMedians is the typical GPS accuracy in metres per channel. A
// phone report has none: its place is an address the operator looked up.
var accuracyMedians = map[string]float64{"qr": 12, "miniapp": 12, "api": 8, "terminal": 5}

// category is what generation needs of a row of table categories.
type category struct {
	code     string
	allowed  time.Duration
	priority int
}

// hotspot is a place that draws reports: a Gaussian around centre, active
// over part of the year.
type hotspot struct {
	centre  orb.Point
	in      *area
	sigmaM  float64
	profile func(r *rand.Rand) float64 // when, as a fraction of the year
	theme   []string
}

// reportGen draws reports.
type reportGen struct {
	l          *loader
	r          *rand.Rand
	start, end time.Time
	cats       []category
	catByCode  map[string]category
	catCum     []float64
	hotspots   []hotspot
	hotCum     []float64
	commCum    []float64 // background weights over l.communities
	hourCum    []float64
	chanCum    []float64
	used       map[string]bool
}

// newReportGen reads the categories and places the hotspots.
func (l *loader) newReportGen(ctx context.Context) (*reportGen, error) {
	g := &reportGen{l: l, r: l.rng(streamReports), end: l.opt.Until, start: l.opt.Until.AddDate(-1, 0, 0),
		catByCode: map[string]category{}, used: map[string]bool{}}
	rows, err := l.pool.Query(ctx, `
		SELECT code, extract(epoch FROM time_allowed)::float8, priority
		FROM categories ORDER BY sort_order, code COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("read categories: %w", err)
	}
	var ws []float64
	for rows.Next() {
		var c category
		var secs float64
		if err := rows.Scan(&c.code, &secs, &c.priority); err != nil {
			return nil, err
		}
		c.allowed = time.Duration(secs * float64(time.Second))
		g.cats = append(g.cats, c)
		g.catByCode[c.code] = c
		w, ok := categoryWeights[c.code]
		if !ok {
			w = 2
		}
		ws = append(ws, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read categories: %w", err)
	}
	if len(g.cats) == 0 {
		return nil, fmt.Errorf("table categories is empty")
	}
	g.catCum = cumulative(ws)
	g.makeHotspots(80)
	ws = ws[:0]
	for _, c := range l.communities {
		ws = append(ws, backgroundWeight(c))
	}
	g.commCum = cumulative(ws)
	g.hourCum = cumulative(hourWeights)
	ws = ws[:0]
	for _, c := range channelMix {
		ws = append(ws, c.weight)
	}
	g.chanCum = cumulative(ws)
	return g, nil
}

// backgroundWeight is how much of the diffuse background lands in a
// community: urban 社区 get more, and being small they end up dense.
func backgroundWeight(c *area) float64 {
	switch {
	case c.Kind == kindCommunity && c.Urban:
		return 6
	case c.Kind == kindCommunity:
		return 3
	case c.Kind == kindVillage:
		return 1
	}
	return 0.3
}

// makeHotspots places n hotspots, mostly in urban communities, each with a
// spread of 150-600 m, a weight, a theme and a time profile: steady, active
// for a few months, growing, or fading.
func (g *reportGen) makeHotspots(n int) {
	r := g.r
	ws := make([]float64, len(g.l.communities))
	for i, c := range g.l.communities {
		switch {
		case c.Kind == kindCommunity && c.Urban:
			ws[i] = 12
		case c.Kind == kindCommunity:
			ws[i] = 4
		default:
			ws[i] = 0.6
		}
	}
	cum := cumulative(ws)
	hw := make([]float64, n)
	for i := range n {
		c := g.l.communities[pick(r, cum)]
		centre, ok := c.Shape.uniform(r)
		if !ok {
			centre = c.Seed
		}
		h := hotspot{centre: centre, in: c, sigmaM: 150 * math.Pow(4, r.Float64()), theme: themes[r.IntN(len(themes))]}
		switch u := r.Float64(); {
		case u < 0.5:
			h.profile = func(r *rand.Rand) float64 { return r.Float64() }
		case u < 0.7:
			length := 0.1 + 0.3*r.Float64() // active for 5 to 20 weeks
			from := (1 - length) * r.Float64()
			h.profile = func(r *rand.Rand) float64 { return from + length*r.Float64() }
		case u < 0.9:
			h.profile = func(r *rand.Rand) float64 { return math.Pow(r.Float64(), 1/2.5) } // density grows as t^1.5
		default:
			h.profile = func(r *rand.Rand) float64 { return 1 - math.Sqrt(r.Float64()) } // density fades as 1-t
		}
		g.hotspots = append(g.hotspots, h)
		hw[i] = math.Exp(0.8 * r.NormFloat64())
	}
	g.hotCum = cumulative(hw)
}

// next draws one report.
func (g *reportGen) next() (*report, error) {
	r := g.r
	rep := &report{code: g.trackingCode()}
	var frac func(*rand.Rand) float64
	var place func() orb.Point
	if r.Float64() < 0.6 {
		h := &g.hotspots[pick(r, g.hotCum)]
		frac, place = h.profile, func() orb.Point { return g.around(h) }
		rep.category = g.cats[pick(r, g.catCum)].code
		if r.Float64() < 0.65 {
			if c := h.theme[r.IntN(len(h.theme))]; g.catByCode[c].code != "" {
				rep.category = c
			}
		}
	} else {
		c := g.l.communities[pick(r, g.commCum)]
		// Use has grown over the year: density rises from 0.8 to 1.2.
		frac = func(r *rand.Rand) float64 {
			for {
				if t := r.Float64(); r.Float64()*1.2 < 0.8+0.4*t {
					return t
				}
			}
		}
		place = func() orb.Point {
			if p, ok := c.Shape.uniform(r); ok {
				return p
			}
			return c.Seed
		}
		rep.category = g.cats[pick(r, g.catCum)].code
	}
	rep.created = g.instant(frac, rep.category == "public_order")
	rep.description = description(r, rep.category)
	if err := g.locate(rep, place); err != nil {
		return nil, err
	}
	g.contact(rep)
	g.workflow(rep)
	return rep, nil
}

// trackingCode is "ZZ" and 10 Crockford base-32 digits (50 random bits),
// redrawn on the rare collision.
func (g *reportGen) trackingCode() string {
	const digits = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	for {
		v := g.r.Uint64()
		b := []byte("ZZ")
		for range 10 {
			b = append(b, digits[v&31])
			v >>= 5
		}
		if s := string(b); !g.used[s] {
			g.used[s] = true
			return s
		}
	}
}

// around draws a point near a hotspot, inside the city (a hotspot on the
// coast loses the draws that land in the sea).
func (g *reportGen) around(h *hotspot) orb.Point {
	for range 50 {
		p := h.in.Shape.offset(h.centre, g.r.NormFloat64()*h.sigmaM, g.r.NormFloat64()*h.sigmaM)
		if g.l.inCity(p) {
			return p
		}
	}
	if p, ok := h.in.Shape.uniform(g.r); ok {
		return p
	}
	return h.centre
}

// inCity reports whether p lies in one of the districts.
func (l *loader) inCity(p orb.Point) bool {
	for _, d := range l.districts {
		if d.Shape.contains(p) {
			return true
		}
	}
	return false
}

// instant draws a time in [start, end): a day from frac, weekends weighted
// up, then a local hour from the evening-peaked profile.
func (g *reportGen) instant(frac func(*rand.Rand) float64, night bool) time.Time {
	r := g.r
	span := float64(g.end.Sub(g.start))
	for {
		day := g.start.Add(time.Duration(frac(r) * span)).In(cst)
		if r.Float64()*1.3 > dayWeights[day.Weekday()] {
			continue
		}
		h := pick(r, g.hourCum)
		if night && r.Float64() < 0.4 {
			h = nightHours[r.IntN(len(nightHours))]
		}
		t := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, cst).Add(time.Duration(r.Int64N(3600)) * time.Second)
		if !t.Before(g.start) && t.Before(g.end) {
			return t
		}
	}
}

// locate draws the place, the channel and what the client sent: GCJ-02
// (most phones) or WGS-84, rounded to 6 decimals as clients send it, the
// stored location being the sent point converted back to WGS-84.
func (g *reportGen) locate(rep *report, place func() orb.Point) error {
	r := g.r
	ch := channelMix[pick(r, g.chanCum)]
	rep.channel, rep.inputCRS = ch.channel, string(crs.GCJ02)
	if r.Float64() < ch.pWGS84 {
		rep.inputCRS = string(crs.WGS84)
	}
	for try := 0; ; try++ {
		p := place()    // inside the city
		if try == 100 { // rounding keeps pushing it out: send it unrounded
			rep.inputCRS, rep.input, rep.loc = string(crs.WGS84), p, p
			break
		}
		lon, lat := crs.FromWGS84(crs.CRS(rep.inputCRS), p[0], p[1])
		rep.input = orb.Point{round6(lon), round6(lat)}
		lon, lat = crs.ToWGS84(crs.CRS(rep.inputCRS), rep.input[0], rep.input[1])
		rep.loc = orb.Point{lon, lat}
		if g.l.inCity(rep.loc) {
			break
		}
	}
	cell, err := h3.LatLngToCell(h3.NewLatLng(rep.loc[1], rep.loc[0]), 15)
	if err != nil {
		return fmt.Errorf("h3 cell of %v: %w", rep.loc, err)
	}
	rep.h3 = int64(cell) // H3 indexes use 63 bits: the int64 is the uint64
	if median := accuracyMedians[rep.channel]; median > 0 {
		a := float32(math.Round(median*math.Exp(0.6*r.NormFloat64())*10) / 10)
		rep.accuracy = &a
	}
	return nil
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// contact fills the reporter on about 70% of reports (always for phone calls).
func (g *reportGen) contact(rep *report) {
	rep.submitter = "resident"
	switch rep.channel {
	case "api", "terminal", "phone":
		rep.submitter = rep.channel
	}
	if rep.channel == "phone" || g.r.Float64() < 0.67 {
		name, phone := personName(g.r), mobile(g.r)
		rep.name, rep.phone = &name, &phone
	}
}

// cumulative returns the running sums of ws.
func cumulative(ws []float64) []float64 {
	out := make([]float64, len(ws))
	sum := 0.0
	for i, w := range ws {
		sum += w
		out[i] = sum
	}
	return out
}

// pick draws an index with probability proportional to its weight.
func pick(r *rand.Rand, cum []float64) int {
	return sort.SearchFloat64s(cum, r.Float64()*cum[len(cum)-1]) // cum is increasing
}
