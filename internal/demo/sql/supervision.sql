-- Supervision (督办) of the staged demo reports that are still open, as it
-- would stand had the city run with supervision all along: the current
-- stage's deadline from the time the stage began (category_stages), one
-- escalation per overdue period up to demo_clock.ref (the earlier of now
-- and the demo's Until), at most up to the city, each raising the priority a step,
-- and the next escalation time for those not yet at the top. The
-- escalations' events go in demo_supervised, which sql/report_events.sql
-- merges into the audit trail in time order. Closed and rejected reports
-- are left as history without supervision. River jobs for the timers are
-- not inserted here: the supervision sweep arms those due soon when
-- `grid110 serve` starts, and the rest as they come due.
CREATE TEMP TABLE demo_open ON COMMIT DROP AS
WITH open AS (
    SELECT r.id, r.category, r.priority, r.status, st.stage, s.in_progress_at,
           CASE st.stage WHEN 'filing' THEN s.created_at WHEN 'dispatch' THEN s.filed_at
                         WHEN 'handling' THEN s.dispatched_at WHEN 'verification' THEN s.resolved_at
                         WHEN 'closure' THEN s.verified_at END AS started,
           -- The grids that supervise in turn: the report's grid (a
           -- compound's community) first, then its ancestors up to the city.
           CASE WHEN g.level = 'compound' THEN g.path[1:cardinality(g.path) - 1] ELSE g.path END AS chain
    FROM demo_reports s
    JOIN reports r ON r.tracking_code = s.tracking_code
    JOIN grids g ON g.id = r.grid_id
    CROSS JOIN LATERAL (SELECT CASE r.status
        WHEN 'submitted' THEN 'filing' WHEN 'filed' THEN 'dispatch'
        WHEN 'dispatched' THEN 'handling' WHEN 'in_progress' THEN 'handling'
        WHEN 'resolved' THEN 'verification' WHEN 'verified' THEN 'closure' END AS stage) AS st
    WHERE r.status NOT IN ('closed', 'rejected')
), timed AS (
    SELECT o.*, o.started + cs.time_allowed AS deadline, cs.time_allowed AS period, cardinality(o.chain) - 1 AS top,
           CASE WHEN c.ref < o.started + cs.time_allowed THEN 0
                ELSE floor(extract(epoch FROM c.ref - o.started - cs.time_allowed)
                           / extract(epoch FROM cs.time_allowed))::int + 1 END AS overdue_periods
    FROM open o
    JOIN category_stages cs ON cs.category = o.category AND cs.stage = o.stage
    CROSS JOIN demo_clock c
)
SELECT t.*, least(t.overdue_periods, t.top) AS n FROM timed t;
ANALYZE demo_open;

CREATE TEMP TABLE demo_supervised ON COMMIT DROP AS
SELECT o.id AS report_id, o.deadline + k * o.period AS at,
       -- The status at the time: handling spans dispatched and in_progress.
       CASE WHEN o.stage <> 'handling' THEN o.status
            WHEN o.in_progress_at <= o.deadline + k * o.period THEN 'in_progress' ELSE 'dispatched' END AS status,
       o.stage, o.deadline, k + 1 AS level, g.id AS grid_id, g.code AS grid_code, g.name AS grid_name,
       g.level::text AS grid_level, extract(epoch FROM k * o.period)::bigint AS overdue_s,
       greatest(o.priority - (k + 1), 1) AS priority,
       CASE WHEN k + 1 < o.top THEN o.deadline + (k + 1) * o.period END AS next_at
FROM demo_open o
CROSS JOIN LATERAL generate_series(0, o.n - 1) AS k
JOIN grids g ON g.id = o.chain[cardinality(o.chain) - (k + 1)];

UPDATE reports r
SET stage_due_at = o.deadline,
    escalate_at = CASE WHEN o.n < o.top THEN o.deadline + o.n * o.period END,
    escalations = o.n,
    supervising_grid_id = CASE WHEN o.n > 0 THEN o.chain[cardinality(o.chain) - o.n] END,
    priority = greatest(r.priority - o.n, 1),
    updated_at = CASE WHEN o.n > 0 THEN greatest(r.updated_at, o.deadline + (o.n - 1) * o.period) ELSE r.updated_at END
FROM demo_open o
WHERE r.id = o.id
