-- +goose Up
-- Pairs of grids of one level that share an edge (their boundaries meet in
-- a line, not only at a point), the neighbours of Gi* over grid polygons
-- (internal/patrol). Finding them is a spatial self-join over every grid of
-- a level, which takes seconds for thousands of compounds, so it is done
-- once per level and kept here; grid_adjacency_levels records the
-- fingerprint of the grids it was computed from, and a change to the grids
-- of that level makes the store compute it again.
CREATE TABLE grid_adjacency (
    level grid_level NOT NULL,
    a     bigint NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
    b     bigint NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
    PRIMARY KEY (level, a, b),
    -- Each unordered pair once.
    CHECK (a < b)
);
-- The foreign keys' ON DELETE CASCADE looks rows up by b.
CREATE INDEX grid_adjacency_b_idx ON grid_adjacency (b);

CREATE TABLE grid_adjacency_levels (
    level       grid_level PRIMARY KEY,
    fingerprint text NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE grid_adjacency_levels;
DROP TABLE grid_adjacency;
