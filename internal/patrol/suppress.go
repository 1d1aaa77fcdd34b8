package patrol

// DefaultMinReports is the fewest reports a cell or grid must hold before
// its count is shown to a caller without a staff role.
const DefaultMinReports = 3

// Disclose returns the items a caller may see and how many were withheld.
// Staff see everything. Anyone else sees only items with at least
// minReports reports: a count of one or two in a small cell can point at a
// household, so such items are left out of the answer altogether (not
// listed with a hidden count, which would still reveal that something was
// reported there). The statistics themselves are computed on every count;
// only what is shown changes.
func Disclose[T any](items []T, count func(T) int64, minReports int, staff bool) (shown []T, withheld int) {
	if staff || minReports <= 0 {
		return items, 0
	}
	shown = make([]T, 0, len(items))
	for _, it := range items {
		if count(it) >= int64(minReports) {
			shown = append(shown, it)
		} else {
			withheld++
		}
	}
	return shown, withheld
}
