-- +goose Up
-- The case workflow (internal/grid110/workflow.go): what the moves write on
-- a report besides its status. Every move also appends a report_events row;
-- these columns are the current state, the events are the history.

-- Only the workflow's states; the store and the demo loader write no others.
ALTER TABLE reports ADD CONSTRAINT reports_status_check CHECK (status IN
    ('submitted', 'filed', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed', 'returned', 'rejected', 'reopened'));

ALTER TABLE reports
    -- The original of a report rejected as a duplicate (the root of the
    -- chain, so an original is one hop away).
    ADD COLUMN duplicate_of bigint REFERENCES reports (id),
    -- What was done, from the resolve move; cleared when the case is reopened.
    ADD COLUMN resolution_note text,
    -- When the case was last resolved and closed. NULL for cases that
    -- reached those states before this migration: their events hold the times.
    ADD COLUMN resolved_at timestamptz,
    ADD COLUMN closed_at timestamptz,
    -- The due time a pending extension request (延期申请) asks for; one
    -- request at a time, cleared when it is granted or the case moves on.
    ADD COLUMN extension_requested_until timestamptz,
    -- How many extensions were granted, for supervision statistics.
    ADD COLUMN extensions smallint NOT NULL DEFAULT 0,
    ADD CONSTRAINT reports_duplicate_check CHECK (duplicate_of IS NULL OR (duplicate_of <> id AND status = 'rejected'));
-- "The duplicates of this report", for staff linking reports; few rows have one.
CREATE INDEX reports_duplicate_of_idx ON reports (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Which event a photo belongs to, such as the result photos of a resolve
-- move; NULL until a move claims it. An attachment is claimed once.
ALTER TABLE attachments ADD COLUMN event_id bigint REFERENCES report_events (id);
CREATE INDEX attachments_event_idx ON attachments (event_id) WHERE event_id IS NOT NULL;

-- Status changes the workflow allows, the same pairs as the Go table (a
-- test compares them). The store checks the old state in its UPDATE; this
-- trigger stops any other writer (a script, psql) from skipping a step.
-- Moves that keep the status (the extensions) are not status changes.
CREATE TABLE report_transitions (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO report_transitions (from_status, to_status) VALUES
    ('submitted', 'filed'), ('submitted', 'rejected'), ('filed', 'rejected'), ('filed', 'dispatched'),
    ('returned', 'dispatched'), ('reopened', 'dispatched'),
    ('dispatched', 'in_progress'), ('dispatched', 'returned'),
    ('in_progress', 'resolved'), ('in_progress', 'returned'),
    ('resolved', 'verified'), ('resolved', 'reopened'),
    ('verified', 'closed'), ('verified', 'reopened'),
    ('closed', 'reopened');

-- +goose StatementBegin
CREATE FUNCTION reports_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT EXISTS (
        SELECT 1 FROM report_transitions WHERE from_status = OLD.status AND to_status = NEW.status) THEN
        RAISE EXCEPTION 'report %: % -> % is not a workflow move', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER reports_check_transition BEFORE UPDATE OF status ON reports
    FOR EACH ROW EXECUTE FUNCTION reports_check_transition();

-- +goose Down
DROP TRIGGER reports_check_transition ON reports;
DROP FUNCTION reports_check_transition();
DROP TABLE report_transitions;
DROP INDEX attachments_event_idx;
ALTER TABLE attachments DROP COLUMN event_id;
DROP INDEX reports_duplicate_of_idx;
ALTER TABLE reports DROP CONSTRAINT reports_duplicate_check,
    DROP COLUMN extensions, DROP COLUMN extension_requested_until, DROP COLUMN closed_at,
    DROP COLUMN resolved_at, DROP COLUMN resolution_note, DROP COLUMN duplicate_of;
ALTER TABLE reports DROP CONSTRAINT reports_status_check;
