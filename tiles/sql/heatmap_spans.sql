-- Reports per H3 cell without a category or status filter, from the roll-up
-- report_cell_spans (migrations/0010_tile_spans.sql). Each element of the
-- arrays is one index range: a span of the window (a day or an 8-day block:
-- @spans, @starts) and a range of cell numbers at resolution @res (@lo, @hi:
-- the descendants of a coarser cell, so some cells outside the tile come
-- back too). One index-only range scan per element.
SELECT s.cell, sum(s.n)::bigint AS n
FROM unnest(@spans::smallint[], @starts::date[], @lo::bigint[], @hi::bigint[]) AS u(span, start, lo, hi)
JOIN report_cell_spans s
  ON s.res = @res::smallint AND s.span = u.span AND s.start = u.start AND s.cell >= u.lo AND s.cell <= u.hi
GROUP BY s.cell
HAVING sum(s.n) > 0
