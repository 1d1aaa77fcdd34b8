// Package web holds the browser pages, built by npm and vite from this
// folder's sources into dist/ (committed, so that go build needs no npm):
// the command-centre map, the resident's report page, case tracking and
// staff sign-in. internal/server/web.go serves them.
package web

import "embed"

// Dist is the contents of dist/.
//
//go:embed dist
var Dist embed.FS
