-- hotspot_cell_day_counts: as hotspot_cell_counts, but one row per cell
-- and day, for emerging hot spots (the caller bins days into periods).
-- Parameters: @res, @from, @to, @categories, @all_cells, @cells.
SELECT t.cell, t.day, sum(t.n)::bigint AS n
FROM report_cell_counts t
WHERE t.res = @res
  AND t.day >= report_day(@from::timestamptz)
  AND t.day <= report_day(@to::timestamptz - interval '1 microsecond')
  AND (cardinality(@categories::text[]) = 0 OR t.category = ANY (@categories::text[]))
  AND (@all_cells OR t.cell = ANY (@cells::bigint[]))
GROUP BY t.cell, t.day
