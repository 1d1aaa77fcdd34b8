-- Inserts the staged demo reports, resolving in bulk what intake resolves
-- one report at a time:
--   * the grid: the deepest grid covering the point, the smallest id on a
--     tie. Compounds tile the city, so they are tried first (demo_compounds,
--     with its own index); the general search over every level only runs
--     for a point that falls in a sliver between compounds.
--   * the "2" duty team of the community in the grid's chain (path[4]:
--     city, district, township, community);
--   * the team: the nearest on-duty team of the category's kind among
--     those whose service area covers the point, else among all of them
--     (KNN on the base point).
-- Rows go in staging order (by time), so ids follow created_at.
INSERT INTO reports (tracking_code, category, description, channel, location, input_crs, input_lon, input_lat,
                     accuracy_m, grid_id, duty_team_id, team_id, department, status, priority, h3_cell,
                     reporter_name, reporter_phone, created_at, updated_at, due_at)
SELECT s.tracking_code, s.category, s.description, s.channel, s.loc, s.input_crs, s.input_lon, s.input_lat,
       s.accuracy_m, g.id, d.id,
       coalesce(
           (SELECT a.id FROM demo_service_areas a
            WHERE a.kind = c.team_kind AND ST_Covers(a.area, s.loc)
            ORDER BY a.base <-> s.loc, a.id
            LIMIT 1),
           (SELECT t.id FROM teams t
            WHERE t.kind = c.team_kind AND t.on_duty
            ORDER BY t.base <-> s.loc, t.id
            LIMIT 1)),
       c.department, s.status, c.priority, s.h3_cell, s.reporter_name, s.reporter_phone,
       s.created_at, s.updated_at, s.created_at + c.time_allowed
FROM (SELECT *, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS loc FROM demo_reports) AS s
JOIN categories c ON c.code = s.category
CROSS JOIN LATERAL (
    SELECT x.id, x.path FROM (
        (SELECT g.id, g.path FROM demo_compounds g
         WHERE ST_Covers(g.geom, s.loc)
         ORDER BY g.id
         LIMIT 1)
        UNION ALL
        (SELECT g.id, g.path FROM grids g
         WHERE ST_Covers(g.geom, s.loc)
         ORDER BY g.level DESC, g.id
         LIMIT 1)
    ) AS x
    LIMIT 1
) AS g
LEFT JOIN teams d ON d.kind = 'duty' AND d.grid_id = g.path[4]
ORDER BY s.seq
