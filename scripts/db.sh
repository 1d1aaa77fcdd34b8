#!/usr/bin/env bash
# Makes sure a PostgreSQL with PostGIS runs on this machine and prints a base
# connection URL (without a database name) on stdout. Used by `make run`,
# `make test` and .ci/run. With a database name as argument it also creates
# that database when missing and prints its full URL. Idempotent: it installs only what is missing and
# reuses a server that already runs. Everything it says goes to stderr.
#
#   GRID110_PG_PORT   port of the local server (default 5432)
#   DATABASE_URL      if set and reachable with PostGIS available, used as is
set -euo pipefail

port=${GRID110_PG_PORT:-5432}
say() { printf 'db.sh: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
	say "installing $* with apt"
	export DEBIAN_FRONTEND=noninteractive
	if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq >&2; APT_UPDATED=1; fi
	as_root apt-get install -y -qq "$@" >&2
}

# 1. PostgreSQL itself, when no server or client is installed at all.
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
	apt_install postgresql postgresql-contrib
fi
pgver=$(ls /usr/lib/postgresql | sort -n | tail -1)

# 2. PostGIS for that version.
if [ ! -f "/usr/share/postgresql/$pgver/extension/postgis.control" ]; then
	apt_install "postgresql-$pgver-postgis-3"
fi

# 3. A running cluster on $port.
if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
	cluster=$(pg_lsclusters -h 2>/dev/null | awk -v p="$port" '$3 == p {print $1" "$2; exit}')
	if [ -z "$cluster" ]; then
		say "creating PostgreSQL $pgver cluster grid110 on port $port (trust auth on localhost)"
		as_root pg_createcluster "$pgver" grid110 -p "$port" -- --auth-local=trust --auth-host=trust >&2
		cluster="$pgver grid110"
	fi
	say "starting PostgreSQL cluster $cluster"
	as_root pg_ctlcluster --skip-systemctl-redirect $cluster start >&2 || true
	for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 1; done
	pg_isready -q -h 127.0.0.1 -p "$port" || { say "PostgreSQL did not start on port $port"; exit 1; }
fi

# 4. Credentials that work from this user: trust as postgres (CI and dev
# machines here), else a grid110 superuser role made through the postgres OS
# account (a stock Debian install with peer and scram authentication).
url="postgres://postgres@127.0.0.1:$port"
if ! psql "$url/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
	say "postgres cannot log in over TCP without a password; using role grid110"
	as_root runuser -u postgres -- psql -p "$port" -qc \
		"DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'grid110') THEN
		   CREATE ROLE grid110 LOGIN SUPERUSER PASSWORD 'grid110'; END IF; END\$\$;" >&2
	url="postgres://grid110:grid110@127.0.0.1:$port"
	psql "$url/postgres" -Atqc 'select 1' >/dev/null
fi
# 5. The database named on the command line, if any.
if [ $# -ge 1 ]; then
	db=$1
	if [ "$(psql "$url/postgres" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
		say "creating database $db"
		psql "$url/postgres" -qc "CREATE DATABASE \"$db\"" >&2
	fi
	url="$url/$db"
fi
printf '%s\n' "$url"
