-- hotspot_cell_counts: reports per H3 cell at one resolution over a time
-- window, from the roll-up (never the raw reports). The roll-up counts
-- whole days in China time, so the window is widened to the days that
-- from and to fall on (to is exclusive: a to at midnight ends the day
-- before). An empty category list means every category; every status
-- counts. With @all_cells false only the cells in @cells are read (the
-- primary key (res, cell, day, ...) serves the join); a city-wide query
-- passes true and reads the whole resolution, which is cheaper than a
-- hundred thousand index probes.
-- Parameters: @res, @from, @to, @categories, @all_cells, @cells.
SELECT t.cell, sum(t.n)::bigint AS n
FROM report_cell_counts t
WHERE t.res = @res
  AND t.day >= report_day(@from::timestamptz)
  AND t.day <= report_day(@to::timestamptz - interval '1 microsecond')
  AND (cardinality(@categories::text[]) = 0 OR t.category = ANY (@categories::text[]))
  AND (@all_cells OR t.cell = ANY (@cells::bigint[]))
GROUP BY t.cell
