-- Splits every parent grid that has seeds in demo_seeds into one piece per
-- seed: the seed's Voronoi cell, extended over the parent's envelope and
-- clipped to the parent. The cells tile the plane, so the pieces tile the
-- parent up to floating-point slivers along the clipped edges. A seed lies
-- strictly inside its own cell, which is how a cell finds its seed; a
-- parent with a single seed is that seed's piece.
CREATE TEMP TABLE demo_pieces ON COMMIT DROP AS
WITH seeds AS MATERIALIZED (
    SELECT parent_id, code, name, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt
    FROM demo_seeds
), parents AS MATERIALIZED (
    SELECT p.id, p.geom, count(*) AS n, ST_Collect(s.pt ORDER BY s.code) AS pts
    FROM grids p
    JOIN seeds s ON s.parent_id = p.id
    GROUP BY p.id
), cells AS (
    SELECT p.id AS parent_id, p.geom AS parent_geom, d.geom AS cell
    FROM parents p
    CROSS JOIN LATERAL ST_Dump(ST_VoronoiPolygons(p.pts, 0, p.geom)) AS d
    WHERE p.n > 1
), clipped AS (
    SELECT s.parent_id, s.code, s.name,
           ST_Multi(ST_CollectionExtract(ST_Intersection(c.cell, c.parent_geom), 3)) AS geom
    FROM cells c
    JOIN seeds s ON s.parent_id = c.parent_id AND ST_Contains(c.cell, s.pt)
    UNION ALL
    SELECT s.parent_id, s.code, s.name, p.geom
    FROM parents p
    JOIN seeds s ON s.parent_id = p.id
    WHERE p.n = 1
)
SELECT parent_id, code, name,
       CASE WHEN ST_IsValid(geom) THEN geom
            ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3)) END AS geom
FROM clipped
