-- Reports per grid (its whole subtree) for the grid-stats layer, from the
-- roll-up report_grid_counts (migrations/0006_tiles.sql). $1 are the grids
-- in the tile; the window is [from, to) in days, China time.
SELECT grid_id, sum(n)::bigint AS n
FROM report_grid_counts
WHERE grid_id = ANY (@grids::bigint[])
  AND day >= @from::date AND day < @to::date
  AND (cardinality(@categories::text[]) = 0 OR category = ANY (@categories::text[]))
  AND (cardinality(@statuses::text[]) = 0 OR status = ANY (@statuses::text[]))
GROUP BY grid_id
