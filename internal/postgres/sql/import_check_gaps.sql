-- Parents of this import whose area is not covered by their children.
-- The gap area expression is filled in by grids_import.go (planarAreaM2).
SELECT p.code, p.name,
       %s AS gap_m2
FROM grids p
JOIN grids c ON c.parent_id = p.id
WHERE p.id IN (SELECT parent_id FROM import_stage WHERE parent_id IS NOT NULL)
GROUP BY p.id
ORDER BY p.code
