#!/usr/bin/env bash
# Locate benchmarks, side by side in one run on this machine:
#   1. single locate over HTTP: wrk, 32 connections (req/s, p50, p99)
#   2. batch locate of 1,000,000 points: grid110's in-memory index vs a raw
#      PostGIS join of the same points to the same grids (points/s, ratio),
#      answers checked identical; plus the HTTP batch endpoint.
# Uses its own database grid110_bench with the demo city (seed 1).
#   DURATION=15  wrk seconds    POINTS=1000000  batch points    RUNS=3
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-15}
points=${POINTS:-1000000}
runs=${RUNS:-3}
port=${BENCH_PORT:-18080}

command -v wrk >/dev/null || { echo "installing wrk" >&2; apt-get update -qq && apt-get install -y -qq wrk >&2; }
url=$(bash scripts/db.sh grid110_bench)
make -s build
./bin/grid110 migrate --database "$url"
./bin/grid110 demo --database "$url" --seed 1 --if-empty
./bin/grid110 serve --database "$url" --addr "127.0.0.1:$port" 2>bench/.serve.log &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 1; done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "server did not become ready; see bench/.serve.log" >&2; exit 1; }

echo "== single locate: wrk -t2 -c32 -d${duration}s (GET /api/v1/locate, random GCJ-02 points)"
curl -fs "http://127.0.0.1:$port/api/v1/locate?lon=117.65&lat=24.51&crs=gcj02" >/dev/null
wrk -t2 -c32 -d5s -s bench/locate.lua "http://127.0.0.1:$port" >/dev/null # warm-up
out=$(wrk -t2 -c32 -d"${duration}s" --latency -s bench/locate.lua "http://127.0.0.1:$port")
echo "$out"
rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
echo
echo "== batch locate: $points points, $runs runs"
go run ./bench/batchlocate --database "$url" --points "$points" --runs "$runs" --url "http://127.0.0.1:$port"
echo
echo "single locate summary: ${rps} req/s, p50 ${p50}, p99 ${p99} (wrk, 32 connections, ${duration}s)"
