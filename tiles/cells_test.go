package tiles

import (
	"testing"
	"time"

	"github.com/uber/h3-go/v4"
)

// TestCellRanges checks that the index ranges of a tile hold every cell of
// it and that descendantRange agrees with h3's own parents.
func TestCellRanges(t *testing.T) {
	ll := h3.NewLatLng(24.51, 117.65)
	for res := 3; res <= 11; res++ {
		c, err := h3.LatLngToCell(ll, res)
		if err != nil {
			t.Fatal(err)
		}
		disk, err := c.GridDisk(6)
		if err != nil {
			t.Fatal(err)
		}
		cells := make([]int64, len(disk))
		for i, d := range disk {
			cells[i] = int64(d)
		}
		sortInt64(cells)
		lo, hi := cellRanges(cells, res)
		for _, x := range cells {
			in := false
			for i := range lo {
				in = in || (x >= lo[i] && x <= hi[i])
			}
			if !in {
				t.Errorf("res %d: cell %x in no range", res, x)
			}
		}
		for p := max(0, res-3); p <= res; p++ {
			a, b := descendantRange(int64(c), p, res)
			par, _ := c.Parent(p)
			kids, _ := par.Children(res)
			for _, k := range kids {
				if int64(k) < a || int64(k) > b {
					t.Errorf("res %d p %d: child %x outside [%x, %x]", res, p, k, a, b)
				}
			}
		}
	}
}

func sortInt64(v []int64) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// TestDaySpans checks that the spans cover the window exactly once, with
// blocks aligned as report_span_start aligns them.
func TestDaySpans(t *testing.T) {
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, w := range []struct{ from, days int }{{9464, 30}, {9465, 30}, {9471, 1}, {0, 8}, {-5, 20}, {9460, 400}} {
		from := epoch.AddDate(0, 0, w.from)
		to := from.AddDate(0, 0, w.days)
		spans, starts := daySpans(from, to)
		d := from
		for i := range spans {
			if !starts[i].Equal(d) {
				t.Fatalf("%v: span %d starts %v, want %v", w, i, starts[i], d)
			}
			if n := int(d.Sub(epoch) / (24 * time.Hour)); spans[i] == 8 && ((n%8)+8)%8 != 0 {
				t.Errorf("%v: block at %v is not aligned", w, d)
			}
			d = d.AddDate(0, 0, int(spans[i]))
		}
		if !d.Equal(to) {
			t.Errorf("%v: spans end %v, want %v", w, d, to)
		}
		if w.days == 30 && len(spans) > 17 {
			t.Errorf("30 days in %d spans", len(spans))
		}
	}
}
