-- +goose Up
-- Levels in order from the whole city to a single compound; the enum order is
-- the depth, so "ORDER BY level DESC" puts the deepest grid first.
CREATE TYPE grid_level AS ENUM ('city', 'district', 'township', 'community', 'compound');

CREATE TABLE grids (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id  bigint REFERENCES grids (id),
    level      grid_level NOT NULL,
    -- Administrative code (GB/T 2260 + statistical division code) where one
    -- exists, e.g. 350602 for 芗城区; generated codes below the village level.
    code       text NOT NULL UNIQUE CHECK (code <> ''),
    name       text NOT NULL CHECK (name <> ''),
    -- Ids from the root down to this grid, itself included: subtree queries
    -- and jurisdiction checks are "path @> ARRAY[ancestor]".
    path       bigint[] NOT NULL,
    geom       geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    area_m2    double precision GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((parent_id IS NULL) = (cardinality(path) = 1))
);

-- Point-in-grid lookups and bbox listings.
CREATE INDEX grids_geom_idx ON grids USING gist (geom);
-- Subtree queries (jurisdiction, per-grid statistics).
CREATE INDEX grids_path_idx ON grids USING gin (path);
CREATE INDEX grids_parent_idx ON grids (parent_id);
CREATE INDEX grids_level_idx ON grids (level);

-- path is derived, never written by hand: set from the parent on insert and
-- on a change of parent, and carried down to the whole subtree.
-- +goose StatementBegin
CREATE FUNCTION grids_set_path() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NULL THEN
        NEW.path := ARRAY[NEW.id];
    ELSE
        SELECT path || NEW.id INTO NEW.path FROM grids WHERE id = NEW.parent_id;
        IF NEW.path IS NULL THEN
            RAISE EXCEPTION 'parent grid % does not exist', NEW.parent_id USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF NEW.id = ANY (NEW.path[1:cardinality(NEW.path) - 1]) THEN
            RAISE EXCEPTION 'grid % cannot be its own ancestor', NEW.id USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER grids_set_path BEFORE INSERT OR UPDATE OF parent_id ON grids
    FOR EACH ROW EXECUTE FUNCTION grids_set_path();

-- +goose StatementBegin
CREATE FUNCTION grids_move_subtree() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE grids SET path = NEW.path || path[array_position(path, NEW.id) + 1:]
    WHERE path @> ARRAY[NEW.id] AND id <> NEW.id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER grids_move_subtree AFTER UPDATE OF parent_id ON grids
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION grids_move_subtree();

-- Every running instance keeps an in-memory index of the grids; a change
-- tells them all to reload it (see internal/locate).
-- +goose StatementBegin
CREATE FUNCTION notify_grid110_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('grid110_changes', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER grids_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grids
    FOR EACH STATEMENT EXECUTE FUNCTION notify_grid110_changes();

-- +goose Down
DROP TABLE grids;
DROP FUNCTION notify_grid110_changes();
DROP TYPE grid_level;
