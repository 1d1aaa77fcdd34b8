-- wrk script: single locate requests at random GCJ-02 points over central
-- Zhangzhou (芗城区, 龙文区 and around), the same sequence on every run.
math.randomseed(42)
request = function()
  local lon = 117.55 + math.random() * 0.25
  local lat = 24.42 + math.random() * 0.18
  return wrk.format("GET", string.format("/api/v1/locate?lon=%.6f&lat=%.6f&crs=gcj02", lon, lat))
end
