-- +goose Up
-- PostGIS stores every grid polygon, team base and report point (SRID 4326).
CREATE EXTENSION IF NOT EXISTS postgis;

-- +goose Down
DROP EXTENSION IF EXISTS postgis;
