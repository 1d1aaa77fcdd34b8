package server

import (
	"strings"
	"testing"
)

// Real communities have dozens of compounds (the demo city at most six):
// the sheet must break into whole pages of twelve. (Printed with Chromium,
// 30 codes make three A4 pages.)
func TestSheetPages(t *testing.T) {
	for _, tc := range []struct{ n, pages, last int }{{0, 0, 0}, {1, 1, 1}, {12, 1, 12}, {13, 2, 1}, {30, 3, 6}} {
		codes := make([]sheetCode, tc.n)
		got := sheetPages(codes)
		if len(got) != tc.pages {
			t.Errorf("sheetPages(%d codes) = %d pages, want %d", tc.n, len(got), tc.pages)
			continue
		}
		if tc.pages > 0 && (len(got[len(got)-1].Codes) != tc.last || got[len(got)-1].Number != tc.pages) {
			t.Errorf("sheetPages(%d codes): last page %d holds %d, want page %d with %d", tc.n, got[len(got)-1].Number,
				len(got[len(got)-1].Codes), tc.pages, tc.last)
		}
	}
	var b strings.Builder
	codes := make([]sheetCode, 13)
	if err := qrSheetTemplate.Execute(&b, map[string]any{"Chain": "c", "Total": 13, "Pages": sheetPages(codes)}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), `<section class="page">`); n != 2 || !strings.Contains(b.String(), "第 2/2 页") {
		t.Errorf("13 codes render %d pages (want 2, numbered 1/2 and 2/2)", n)
	}
}
