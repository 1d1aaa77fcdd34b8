-- +goose Up
-- Small facts about the installation, one JSON value per key. The demo
-- loader records itself here ('demo'), so that an interrupted load is told
-- apart from a complete city.
CREATE TABLE settings (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE settings;
