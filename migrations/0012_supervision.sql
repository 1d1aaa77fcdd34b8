-- +goose Up
-- Deadlines and supervision (督办), issue 4. Each stage of the workflow has
-- a time allowed per category; a case that overstays a stage is escalated
-- one level up the grid hierarchy per overdue period (community → township
-- → district → city command centre) by River jobs (internal/supervise).
-- reports.due_at stays the overall deadline (the on-time closure rate).

-- The time allowed per stage of the workflow, per category. One row per
-- (category, stage) rather than five columns on categories, so that a
-- supervisor reads and edits limits as plain rows and a stage added later
-- is an INSERT, not a schema change. Stages and the statuses they span are
-- in internal/grid110/supervision.go.
CREATE TABLE category_stages (
    category     text NOT NULL REFERENCES categories (code) ON DELETE CASCADE,
    stage        text NOT NULL CHECK (stage IN ('filing', 'dispatch', 'handling', 'verification', 'closure')),
    time_allowed interval NOT NULL CHECK (time_allowed > interval '0'),
    PRIMARY KEY (category, stage)
);

-- Default limits: shares of the category's overall time allowed that add
-- up to the whole of it, so a case that meets every stage deadline meets
-- due_at too. Urgent categories (priority 1-2) keep less for the desk work
-- before anyone is on site (filing, dispatch) and give it to handling:
--
--   share of time_allowed   filing  dispatch  handling  verification  closure
--   priority 1-2 (urgent)    1/48    2/48      30/48     10/48         5/48
--   priority 3-4             2/48    4/48      24/48     12/48         6/48
--
-- e.g. emergency (2 h): 2.5 min, 5 min, 75 min, 25 min, 12.5 min;
-- dispute (72 h): 3 h, 6 h, 36 h, 18 h, 9 h. New categories get these
-- defaults by the trigger below; changing a category's time_allowed later
-- does not rescale its stages (they are settings of their own).
-- +goose StatementBegin
CREATE FUNCTION category_stage_defaults(allowed interval, priority smallint)
RETURNS TABLE (stage text, time_allowed interval) LANGUAGE sql IMMUTABLE AS $$
    SELECT s.stage, allowed * (CASE WHEN priority <= 2 THEN s.urgent ELSE s.normal END) / 48
    FROM (VALUES ('filing', 1, 2), ('dispatch', 2, 4), ('handling', 30, 24),
                 ('verification', 10, 12), ('closure', 5, 6)) AS s (stage, urgent, normal)
$$;
-- +goose StatementEnd

INSERT INTO category_stages (category, stage, time_allowed)
SELECT c.code, d.stage, d.time_allowed
FROM categories c CROSS JOIN LATERAL category_stage_defaults(c.time_allowed, c.priority) d;

-- +goose StatementBegin
CREATE FUNCTION categories_stage_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO category_stages (category, stage, time_allowed)
    SELECT NEW.code, d.stage, d.time_allowed FROM category_stage_defaults(NEW.time_allowed, NEW.priority) d;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER categories_stage_defaults AFTER INSERT ON categories
    FOR EACH ROW EXECUTE FUNCTION categories_stage_defaults();

ALTER TABLE reports
    -- When the current stage must end: set when a case enters a stage (now
    -- + the category's time for it), pushed by a granted extension as far
    -- as due_at moves, NULL once closed or rejected. "Overdue" means
    -- stage_due_at < now().
    ADD COLUMN stage_due_at timestamptz,
    -- When the case escalates next unless it moves on: stage_due_at, then
    -- one stage allowance later per level climbed; NULL when nothing is
    -- pending (no stage, or already at the top). A River job is armed for
    -- this time; the job acts only if the row still holds it, so a stale
    -- or repeated job writes nothing.
    ADD COLUMN escalate_at timestamptz,
    -- Escalations so far over the case's life (levels climbed); it never
    -- goes down. The escalation UPDATE checks the value it expects.
    ADD COLUMN escalations smallint NOT NULL DEFAULT 0 CHECK (escalations >= 0),
    -- The grid whose command centre supervises the case after its
    -- escalations; NULL while its own community (a compound's community)
    -- does.
    ADD COLUMN supervising_grid_id bigint REFERENCES grids (id);
-- The timers still to fire, for the sweep that re-arms any a job queue lost;
-- only open cases have one, so the index stays small.
CREATE INDEX reports_escalate_at_idx ON reports (escalate_at) WHERE escalate_at IS NOT NULL;
-- "Overdue" listings for supervisors; open cases only.
CREATE INDEX reports_stage_due_idx ON reports (stage_due_at) WHERE stage_due_at IS NOT NULL;

-- Open cases stored before this migration: the stage started with the
-- latest event that entered it (the report's creation for filing). Their
-- escalations start at 0; overdue ones escalate one level per job as soon
-- as a River client runs.
WITH stage AS (
    SELECT r.id, r.category,
           CASE r.status WHEN 'submitted' THEN 'filing'
                         WHEN 'filed' THEN 'dispatch' WHEN 'returned' THEN 'dispatch' WHEN 'reopened' THEN 'dispatch'
                         WHEN 'dispatched' THEN 'handling' WHEN 'in_progress' THEN 'handling'
                         WHEN 'resolved' THEN 'verification' WHEN 'verified' THEN 'closure' END AS stage,
           CASE WHEN r.status IN ('dispatched', 'in_progress') THEN ARRAY['dispatched', 'in_progress']
                WHEN r.status IN ('filed', 'returned', 'reopened') THEN ARRAY['filed', 'returned', 'reopened']
                ELSE ARRAY[r.status] END AS statuses,
           r.created_at
    FROM reports r
    WHERE r.status NOT IN ('closed', 'rejected')
), start AS (
    SELECT s.id, s.category, s.stage,
           coalesce((SELECT max(e.at) FROM report_events e
                     WHERE e.report_id = s.id AND e.to_status = ANY (s.statuses)
                       AND (e.from_status IS NULL OR NOT e.from_status = ANY (s.statuses))), s.created_at) AS at
    FROM stage s
)
UPDATE reports r
SET stage_due_at = st.at + cs.time_allowed, escalate_at = st.at + cs.time_allowed
FROM start st JOIN category_stages cs ON cs.category = st.category AND cs.stage = st.stage
WHERE r.id = st.id;

-- +goose Down
DROP INDEX reports_stage_due_idx;
DROP INDEX reports_escalate_at_idx;
ALTER TABLE reports DROP COLUMN supervising_grid_id, DROP COLUMN escalations, DROP COLUMN escalate_at,
    DROP COLUMN stage_due_at;
DROP TRIGGER categories_stage_defaults ON categories;
DROP FUNCTION categories_stage_defaults();
DROP TABLE category_stages;
DROP FUNCTION category_stage_defaults(interval, smallint);
