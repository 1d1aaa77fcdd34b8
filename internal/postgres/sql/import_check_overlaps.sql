-- Overlaps between siblings: each staged feature against the other staged
-- features and against the grids already under the same parent that this
-- import does not replace. Touching along an edge is not an overlap; only an
-- intersection with an area (DE-9IM interior/interior dimension 2) is.
-- The area_m2 expression is filled in by grids_import.go (planarAreaM2).
WITH sib AS (
    SELECT s.idx, s.code, s.name, s.parent_id, s.geom, NULL::bigint AS id
    FROM import_stage s
    WHERE s.rejected IS NULL
    UNION ALL
    SELECT NULL, g.code, g.name, g.parent_id, g.geom, g.id
    FROM grids g
    WHERE g.level = @level::grid_level
      AND EXISTS (SELECT 1 FROM import_stage s WHERE s.parent_id IS NOT DISTINCT FROM g.parent_id)
      AND g.code NOT IN (SELECT code FROM import_stage)
)
SELECT a.code, a.name, b.code, b.name,
       %s AS area_m2
FROM sib a
JOIN sib b ON a.geom && b.geom
          AND a.parent_id IS NOT DISTINCT FROM b.parent_id
          AND a.code < b.code
          AND (a.idx IS NOT NULL OR b.idx IS NOT NULL)
WHERE ST_Relate(a.geom, b.geom, '2********')
ORDER BY area_m2 DESC
