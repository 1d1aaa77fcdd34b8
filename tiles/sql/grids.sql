-- Grid polygons for the grids and grid-stats layers, loaded into memory by
-- tiles.Source and reloaded when grids or teams change. Communities and
-- compounds carry the "2" duty team of the community in their path.
SELECT g.id, g.level::text AS level, g.code, g.name, g.path,
       coalesce(d.id, 0) AS duty_team_id, coalesce(d.name, '') AS duty_team,
       ST_AsBinary(g.geom) AS geom
FROM grids g
LEFT JOIN LATERAL (
    SELECT t.id, t.name
    FROM teams t
    WHERE t.kind = 'duty' AND t.grid_id = ANY (g.path) AND g.level IN ('community', 'compound')
    ORDER BY t.id
    LIMIT 1
) d ON true
WHERE g.level <> 'city'
ORDER BY g.id
