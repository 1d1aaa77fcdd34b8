// Package migrations holds grid110's database schema as forward-only goose
// SQL migrations, embedded so the binary can migrate any database it meets.
package migrations

import "embed"

// FS holds every NNNN_name.sql migration in this folder.
//
//go:embed *.sql
var FS embed.FS
