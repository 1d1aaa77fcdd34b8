-- wrk script for bench/tiles.sh: walks the tile list (env TILE_LIST) with
-- the prefix and suffix of one server (env TILE_PREFIX, TILE_SUFFIX), each
-- thread from its own offset, gzip accepted as browsers do.
local paths = {}
local counter = 0
function init(args)
  for line in io.lines(os.getenv("TILE_LIST")) do
    paths[#paths + 1] = os.getenv("TILE_PREFIX") .. line .. os.getenv("TILE_SUFFIX")
  end
  counter = math.random(#paths)
end
function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter], { ["Accept-Encoding"] = "gzip" })
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
