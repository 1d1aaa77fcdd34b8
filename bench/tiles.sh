#!/usr/bin/env bash
# Vector tiles, grid110 against tegola v0.21.2, side by side in one run over
# the same demo database (grid110_bench_tiles: the demo city, seed 1, with
# REPORTS reports) and the same list of z10-z16 tile URLs weighted to the
# city centre (bench/tiles_urls.py), driven by wrk (bench/tiles.lua).
#
#   bash bench/tiles.sh            # or: make bench-tiles
#   REPORTS=1000000 DURATION=10 CONNS=32 LAYERS="grids grid-stats heatmap"
#
# tegola is built from the Go module proxy in a throwaway module in a temp
# folder, with its mvt_postgis provider (ST_AsMVT in the database): the grid
# table by level per zoom, per-grid counts by a join to the reports, and the
# same reports aggregated into hexagons per tile (ST_HexagonGrid) for the
# heatmap, all over the default window (the last 30 days).
# grid110 runs twice: cache off (--tile-cache-mb 0: every tile rendered,
# "cold") and cache on ("warm"). Each grid110 server first gets one pass over
# the whole list (bench/tiles_walk.py: every URL once, 8 connections): it
# fills the warm server's tile cache, and on the cold server only the cache
# of each tile's H3 cells (hexagons drawn in tile coordinates), which does
# not depend on the reports and survives them; "cold" tiles are still
# rendered from the roll-ups on every request. The pass times are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10}
reports=${REPORTS:-1000000}
conns=${CONNS:-32}
layers=${LAYERS:-"grids grid-stats heatmap"}
cold_port=18091 warm_port=18092 tegola_port=18093

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >&2; }
url=$(bash scripts/db.sh grid110_bench_tiles)
make -s build
./bin/grid110 migrate --database "$url"
./bin/grid110 demo --database "$url" --seed 1 --reports "$reports" --if-empty
# VACUUM too: the heatmap reads report_cell_spans by index-only scans.
psql "$url" -qAtc "VACUUM ANALYZE" >/dev/null

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "== building tegola v0.21.2 in $work/tegola" >&2
mkdir -p "$work/tegola"
(cd "$work/tegola" && go mod init tegolabench >/dev/null 2>&1 &&
	go get github.com/go-spatial/tegola/cmd/tegola@v0.21.2 >&2 &&
	go build -o tegola github.com/go-spatial/tegola/cmd/tegola >&2)

window="created_at >= date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' - interval '29 days'"
level="level = (CASE WHEN !ZOOM! <= 9 THEN 'district' WHEN !ZOOM! <= 11 THEN 'township' WHEN !ZOOM! <= 14 THEN 'community' ELSE 'compound' END)::grid_level"
cat >"$work/tegola.toml" <<TOML
[webserver]
port = "127.0.0.1:$tegola_port"

[[providers]]
name = "pg"
type = "mvt_postgis"
uri = "${url}?sslmode=disable"
srid = 3857

  [[providers.layers]]
  name = "grids"
  geometry_fieldname = "geom"
  id_fieldname = "id"
  geometry_type = "MultiPolygon"
  sql = "SELECT id, level::text AS level, code, name, ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(!Z!, !X!, !Y!)) AS geom FROM grids WHERE geom && ST_Transform(!BBOX!, 4326) AND $level"

  [[providers.layers]]
  name = "grid-stats"
  geometry_fieldname = "geom"
  id_fieldname = "id"
  geometry_type = "MultiPolygon"
  sql = "SELECT g.id, g.code, g.name, (SELECT count(*) FROM reports r JOIN grids c ON c.id = r.grid_id WHERE c.path @> ARRAY[g.id] AND r.$window) AS count, ST_AsMVTGeom(ST_Transform(g.geom, 3857), ST_TileEnvelope(!Z!, !X!, !Y!)) AS geom FROM grids g WHERE g.geom && ST_Transform(!BBOX!, 4326) AND g.$level"

  [[providers.layers]]
  name = "heatmap"
  geometry_fieldname = "geom"
  id_fieldname = "id"
  geometry_type = "Polygon"
  sql = "SELECT ((h.i::bigint + 1000000) * 2000000 + h.j + 1000000) AS id, count(*) AS count, ST_AsMVTGeom(h.geom, ST_TileEnvelope(!Z!, !X!, !Y!)) AS geom FROM ST_HexagonGrid(40075016.68 / 2 ^ !Z! / 20, ST_TileEnvelope(!Z!, !X!, !Y!)) AS h JOIN reports r ON ST_Intersects(h.geom, ST_Transform(r.location, 3857)) WHERE r.location && ST_Transform(!BBOX!, 4326) AND r.$window GROUP BY h.i, h.j, h.geom"

[[maps]]
name = "grids"
  [[maps.layers]]
  provider_layer = "pg.grids"
  max_zoom = 22
[[maps]]
name = "grid-stats"
  [[maps.layers]]
  provider_layer = "pg.grid-stats"
  max_zoom = 22
[[maps]]
name = "heatmap"
  [[maps.layers]]
  provider_layer = "pg.heatmap"
  max_zoom = 22
TOML

"$work/tegola/tegola" serve --config "$work/tegola.toml" >"$work/tegola.log" 2>&1 &
pids+=($!)
./bin/grid110 serve --database "$url" --addr "127.0.0.1:$cold_port" --tile-cache-mb 0 2>"$work/cold.log" &
pids+=($!)
./bin/grid110 serve --database "$url" --addr "127.0.0.1:$warm_port" --tile-cache-mb 1024 2>"$work/warm.log" &
pids+=($!)
for port in $cold_port $warm_port; do
	for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 1; done
done
for _ in $(seq 1 60); do curl -fs -o /dev/null "http://127.0.0.1:$tegola_port/capabilities" && break; sleep 1; done

python3 bench/tiles_urls.py 5000 >"$work/urls"
export TILE_LIST="$work/urls"
# run NAME PORT PREFIX SUFFIX: prints "req/s p50 p99 requests errors".
run() {
	TILE_PREFIX=$3 TILE_SUFFIX=$4 wrk -t2 -c"$conns" -d"${duration}s" -s bench/tiles.lua "http://127.0.0.1:$2" |
		awk '$1 == "RESULT" {print $2, $3, $4, $5, $6}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }

printf '\n%-11s | %-28s | %-36s | %-36s\n' layer "tegola v0.21.2 req/s p50 p99" "grid110 cold req/s p50 p99 (x tegola)" "grid110 warm req/s p50 p99 (x tegola)"
for layer in $layers; do
	# One pass over the whole list on each grid110 server (see the top).
	for port in $cold_port $warm_port; do
		read -r w_n w_bad w_s < <(python3 bench/tiles_walk.py "127.0.0.1:$port" "/tiles/$layer/" ".mvt" "$work/urls")
		echo "  $layer: first pass on :$port: $w_n tiles in $w_s s ($w_bad errors)" >&2
	done
	read -r t_rps t_p50 t_p99 t_n t_err < <(run tegola $tegola_port "/maps/$layer/" ".pbf")
	read -r c_rps c_p50 c_p99 c_n c_err < <(run cold $cold_port "/tiles/$layer/" ".mvt")
	read -r w_rps w_p50 w_p99 w_n w_err < <(run warm $warm_port "/tiles/$layer/" ".mvt")
	printf '%-11s | %8s %7sms %7sms | %8s %7sms %7sms %7s | %8s %7sms %7sms %7s\n' "$layer" \
		"$t_rps" "$t_p50" "$t_p99" "$c_rps" "$c_p50" "$c_p99" "$(ratio "$c_rps" "$t_rps")" \
		"$w_rps" "$w_p50" "$w_p99" "$(ratio "$w_rps" "$t_rps")"
	if [ "$t_err$c_err$w_err" != "000" ]; then
		echo "  errors (non-2xx/3xx, socket): tegola $t_err, cold $c_err, warm $w_err" >&2
	fi
done
echo
echo "reports: $(psql "$url" -qAtc 'SELECT count(*) FROM reports'); wrk -t2 -c$conns -d${duration}s over $(wc -l <"$work/urls") z10-z16 tiles; gzip accepted"
