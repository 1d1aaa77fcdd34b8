-- Parents of this import whose area is not covered by their children.
SELECT p.code, p.name,
       ST_Area(ST_Difference(p.geom, ST_Union(c.geom))::geography) AS gap_m2
FROM grids p
JOIN grids c ON c.parent_id = p.id
WHERE p.id IN (SELECT parent_id FROM import_stage WHERE parent_id IS NOT NULL)
GROUP BY p.id
ORDER BY p.code
