-- grid_adjacency: recompute the cached edge neighbours of every grid at
-- one level. Two grids are neighbours when their boundaries share a line
-- (DE-9IM boundary/boundary dimension 1, '****1****'): grids that meet at
-- a single corner are not (rook, not queen, contiguity), like spdep's
-- poly2nb(queen = FALSE). The bounding-box test (&&) lets the GiST index
-- pick the candidates; a < b keeps each unordered pair once.
-- Parameters: @level.
WITH g AS (
    SELECT id, geom FROM grids WHERE level = @level::grid_level
)
INSERT INTO grid_adjacency (level, a, b)
SELECT @level::grid_level, a.id, b.id
FROM g a
JOIN g b ON a.id < b.id AND a.geom && b.geom
WHERE ST_Relate(a.geom, b.geom, '****1****')
