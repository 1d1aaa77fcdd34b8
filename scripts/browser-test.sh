#!/usr/bin/env bash
# Browser tests of the web pages, run by `make test` (and so by .ci/run):
# headless Debian chromium driven by playwright-core against a real
# `grid110 serve` over the demo city.
#
#  1. installs chromium and a CJK font with apt when missing (no browser
#     download: playwright-core drives /usr/bin/chromium);
#  2. installs the front end's packages (npm ci) and rebuilds web/dist, and
#     fails if the committed web/dist differs from what the sources build;
#  3. builds the binary, creates its own database, loads the demo city
#     (200,000 reports, as `make run` does: the "usable in under 2 s"
#     figure is measured on it) and a staff account for the tests;
#  4. serves on a free port, runs `node --test web/test/`, stops the server.
#
#   BROWSER_DEMO_REPORTS   reports in the demo city (default 200000)
#   BROWSER_DB             database name (default grid110_browser)
#   REUSE_DB=1             keep a database already loaded by an earlier run
#   UPDATE_SCREENSHOTS=1   write docs/command-centre.png and docs/resident.png
#   SKIP_WEB_BUILD=1       test the committed web/dist as it is
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf 'browser-test: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
	say "installing $* with apt"
	export DEBIAN_FRONTEND=noninteractive
	if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq >&2; APT_UPDATED=1; fi
	as_root apt-get install -y -qq "$@" >&2
}

# 1. The browser, and a font with Chinese glyphs for the screenshots.
command -v chromium >/dev/null || apt_install chromium
fc-list :lang=zh 2>/dev/null | grep -q . || apt_install fonts-wqy-microhei
command -v node >/dev/null || apt_install nodejs npm
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
	{ say "vite needs Node.js 20.19 or later; found $(node --version)"; exit 1; }

# 2. The front end, rebuilt from source; web/dist is committed so that
# `go build` works without npm, and must match its sources.
if [ -z "${SKIP_WEB_BUILD:-}" ]; then
	(cd web && { [ -d node_modules ] && npm ls --silent >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build >/dev/null)
	if [ -n "$(git status --porcelain -- web/dist)" ]; then
		git status --short -- web/dist >&2
		say "web/dist differs from what its sources build: run 'make web' and commit web/dist"
		exit 1
	fi
fi

# 3. The binary, a database of its own, the demo city and a test account.
go build -o bin/grid110 ./cmd/grid110
base=$(bash scripts/db.sh)
db=${BROWSER_DB:-grid110_browser}
export DATABASE_URL="$base/$db"
if [ -z "${REUSE_DB:-}" ] || [ "$(psql "$base/postgres" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
	psql "$base/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "CREATE DATABASE \"$db\"" >&2
fi
./bin/grid110 migrate >/dev/null 2>&1
start=$(date +%s)
GRID110_LOG_LEVEL=warn ./bin/grid110 demo --if-empty --reports "${BROWSER_DEMO_REPORTS:-200000}" >&2
say "demo city ready in $(($(date +%s) - start)) s"
export GRID110_TEST_USER=webtest GRID110_TEST_PASSWORD=webtest-password-1
if [ "$(psql "$DATABASE_URL" -Atqc "SELECT count(*) FROM staff WHERE username = 'webtest'" 2>/dev/null || echo 0)" != 1 ]; then
	GRID110_PASSWORD=$GRID110_TEST_PASSWORD ./bin/grid110 users add --username webtest --name "浏览器测试" --role admin --grid 350600 >&2
fi

# 4. The server on a free port, the tests, and the server stopped again.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
media=$(mktemp -d)
log=$(mktemp)
GRID110_MEDIA_DIR=$media GRID110_LOG_LEVEL=warn ./bin/grid110 serve --addr "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
cleanup() {
	kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
	rm -rf "$media"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
	curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
	kill -0 "$server" 2>/dev/null || { cat "$log" >&2; say "the server did not start"; exit 1; }
	sleep 0.2
done
export GRID110_URL="http://127.0.0.1:$port" GRID110_DOCS="$root/docs"
say "testing $GRID110_URL"
status=0
(cd web && node --test --test-concurrency=1 --test-reporter=spec test/*.test.mjs) || status=$?
if [ $status != 0 ]; then
	say "server log (last 40 lines):"
	tail -40 "$log" >&2
fi
rm -f "$log"
exit $status
