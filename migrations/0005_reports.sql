-- +goose Up
CREATE TABLE reports (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Public code the reporter tracks the case with; never the id.
    tracking_code   text NOT NULL UNIQUE,
    -- A retried submission with the same key returns the same report.
    idempotency_key text UNIQUE,
    request_hash    bytea,
    category        text NOT NULL REFERENCES categories (code),
    description     text NOT NULL,
    channel         text NOT NULL CHECK (channel IN ('qr', 'miniapp', 'api', 'open311', 'terminal', 'phone', 'web')),
    -- Where it happened, in WGS-84, and what the client actually sent.
    location        geometry(Point, 4326) NOT NULL,
    input_crs       text NOT NULL CHECK (input_crs IN ('wgs84', 'gcj02', 'bd09', 'compound')),
    input_lon       double precision,
    input_lat       double precision,
    accuracy_m      real CHECK (accuracy_m >= 0),
    grid_id         bigint NOT NULL REFERENCES grids (id),
    duty_team_id    bigint REFERENCES teams (id),
    team_id         bigint REFERENCES teams (id),
    department      text REFERENCES departments (code),
    status          text NOT NULL DEFAULT 'submitted',
    priority        smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
    -- H3 cell of the location at resolution 15 (any coarser cell is a bit
    -- operation away); computed in Go, Debian's PostGIS has no h3 extension.
    h3_cell         bigint NOT NULL,
    -- Private: shown only to the roles that need them.
    reporter_name   text,
    reporter_phone  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    due_at          timestamptz
);
-- Map and bbox queries.
CREATE INDEX reports_location_idx ON reports USING gist (location);
-- Listings by grid, category and status, newest first, with keyset paging on id.
CREATE INDEX reports_grid_idx ON reports (grid_id, id DESC);
CREATE INDEX reports_category_idx ON reports (category, id DESC);
CREATE INDEX reports_status_idx ON reports (status, id DESC);
CREATE INDEX reports_created_idx ON reports (created_at);
CREATE INDEX reports_h3_idx ON reports (h3_cell);

-- The audit trail: one row per change, never updated or deleted.
CREATE TABLE report_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES reports (id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    kind        text NOT NULL,
    from_status text,
    to_status   text,
    note        text NOT NULL DEFAULT '',
    data        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX report_events_report_idx ON report_events (report_id, id);

-- +goose StatementBegin
CREATE FUNCTION report_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'report_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER report_events_append_only BEFORE UPDATE OR DELETE ON report_events
    FOR EACH ROW EXECUTE FUNCTION report_events_append_only();
CREATE TRIGGER report_events_no_truncate BEFORE TRUNCATE ON report_events
    FOR EACH STATEMENT EXECUTE FUNCTION report_events_append_only();

-- Photos and voice notes; bytes live on disk under the configured directory.
CREATE TABLE attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id    bigint NOT NULL REFERENCES reports (id),
    kind         text NOT NULL CHECK (kind IN ('photo', 'voice', 'document')),
    content_type text NOT NULL,
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    sha256       bytea NOT NULL,
    path         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_report_idx ON attachments (report_id);

-- +goose Down
DROP TABLE attachments;
DROP TABLE report_events;
DROP FUNCTION report_events_append_only();
DROP TABLE reports;
