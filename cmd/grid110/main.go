// Command grid110 is the grid governance service: one binary with
// subcommands to serve the API, migrate the database, import grids and
// teams, load the demo city and locate files of points.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `grid110 — community grid governance (社区(乡村)110)

Usage:
  grid110 serve   [--addr :8080] [--database URL]      serve the map and API
  grid110 migrate [--database URL]                     apply database migrations
  grid110 import grids FILE.geojson --level LEVEL [--parent-code CODE] [--crs wgs84|gcj02|bd09]
                       [--code-prop P] [--name-prop P] [--skip-rejected]
  grid110 import teams FILE.csv|FILE.geojson [--crs wgs84|gcj02|bd09]
  grid110 demo    [--seed N] [--reports N] [--if-empty] load the demo city (Zhangzhou)
  grid110 locate  --in FILE.csv --out FILE.csv [--crs …] locate a file of points
  grid110 users add --username U --role ROLE --grid CODE [--name N] [--team CODE] [--department D]
                                                       create a staff account (password from
                                                       GRID110_PASSWORD, or asked on the terminal)
  grid110 users key --username U --name WHAT           make an API key (shown once)

Every command reads DATABASE_URL (or --database). Run "grid110 COMMAND -h" for its flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "grid110:", err)
		}
		os.Exit(2)
	}
}

var errUsage = errors.New("usage")

// run dispatches to a subcommand.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serveCmd(ctx, rest, getenv, stderr)
	case "migrate":
		return migrateCmd(ctx, rest, getenv, stderr)
	case "import":
		return importCmd(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return demoCmd(ctx, rest, getenv, stderr)
	case "locate":
		return locateCmd(ctx, rest, getenv, stderr)
	case "users":
		return usersCmd(ctx, rest, getenv, os.Stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errUsage
}
