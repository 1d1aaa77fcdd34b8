// Package web holds the browser front end, served at /. Until the MapLibre
// command-centre map is built into dist/ (npm and vite), dist/ holds a
// hand-written start page that links the API.
package web

import "embed"

// Dist is the contents of dist/.
//
//go:embed dist
var Dist embed.FS
