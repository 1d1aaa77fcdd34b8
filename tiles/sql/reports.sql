-- Reports in a tile (WGS-84 box, buffer included) for the reports layer at
-- high zoom. One row past @limit tells the caller to aggregate instead.
SELECT id, category, status, priority, created_at, ST_X(location) AS lon, ST_Y(location) AS lat
FROM reports
WHERE location && ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4326)
  AND created_at >= @from AND created_at < @to
  AND (cardinality(@categories::text[]) = 0 OR category = ANY (@categories::text[]))
  AND (cardinality(@statuses::text[]) = 0 OR status = ANY (@statuses::text[]))
ORDER BY id
LIMIT @limit
