-- Reports per H3 cell for the heatmap layer (and the report clusters of the
-- reports layer), from the roll-up report_cell_counts: @cells are the cells
-- at resolution @res that meet the tile, computed in Go.
SELECT cell, sum(n)::bigint AS n
FROM report_cell_counts
WHERE res = @res::smallint
  AND cell = ANY (@cells::bigint[])
  AND day >= @from::date AND day < @to::date
  AND (cardinality(@categories::text[]) = 0 OR category = ANY (@categories::text[]))
  AND (cardinality(@statuses::text[]) = 0 OR status = ANY (@statuses::text[]))
GROUP BY cell
HAVING sum(n) > 0
