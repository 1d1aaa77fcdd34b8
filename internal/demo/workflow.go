package demo

import (
	"math"
	"time"
)

// Workflow steps after submission, in order; a rejected report stops at
// stepRejected instead of being filed.
const (
	stepFiled = iota
	stepDispatched
	stepInProgress
	stepResolved
	stepVerified
	stepClosed
	stepRejected
	nSteps
)

var stepStatus = [nSteps]string{"filed", "dispatched", "in_progress", "resolved", "verified", "closed", "rejected"}

// workflow plays the case forward from its creation: filing, dispatch,
// work, resolution within (mostly) the time allowed, verification and
// closure; some are rejected and a few stall. Steps after Until have not
// happened yet, so recent reports are still open.
func (g *reportGen) workflow(rep *report) {
	r := g.r
	cat := g.catByCode[rep.category]
	scale := math.Sqrt(math.Min(1, cat.allowed.Hours()/72)) // urgent categories move faster
	logn := func(median time.Duration, sigma float64) time.Duration {
		return time.Duration(float64(median) * scale * math.Exp(sigma*r.NormFloat64()))
	}
	var at [nSteps]time.Time
	t := rep.created
	if h := t.In(cst).Hour(); cat.priority > 2 && (h >= 22 || h < 7) {
		next := t.In(cst)
		if h >= 22 {
			next = next.AddDate(0, 0, 1)
		}
		t = time.Date(next.Year(), next.Month(), next.Day(), 8, 0, 0, 0, cst) // filed when the office opens
	}
	t = t.Add(time.Minute + logn(20*time.Minute, 0.8))
	last := stepClosed
	switch u := r.Float64(); {
	case u < 0.06:
		at[stepRejected] = t
		rep.rejectNote = rejectNotes[r.IntN(len(rejectNotes))]
		last = stepRejected
	case u < 0.075:
		last = stepDispatched + r.IntN(2) // stalled: an overdue open case
	}
	if last != stepRejected {
		at[stepFiled] = t
		t = t.Add(time.Minute + logn(30*time.Minute, 0.7))
		at[stepDispatched] = t
		t = t.Add(5*time.Minute + logn(90*time.Minute, 0.8))
		at[stepInProgress] = t
		f := 0.15 + 0.6*r.Float64()*r.Float64()
		if r.Float64() < 0.09 {
			f = 1 + 0.5*r.ExpFloat64() // overdue
		}
		resolved := rep.created.Add(time.Duration(f * float64(cat.allowed)))
		t = laterOf(resolved, t.Add(10*time.Minute))
		at[stepResolved] = t
		t = t.Add(logn(6*time.Hour, 0.8))
		at[stepVerified] = t
		t = t.Add(time.Hour + logn(20*time.Hour, 0.6))
		at[stepClosed] = t
	}
	rep.status, rep.updated = "submitted", rep.created
	for s := range nSteps {
		if at[s].IsZero() || s > last || !at[s].Before(g.end) {
			continue
		}
		rep.steps[s] = at[s].Truncate(time.Second)
		rep.status, rep.updated = stepStatus[s], rep.steps[s]
	}
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
