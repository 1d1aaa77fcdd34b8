-- Escalates one case that still holds the timer a supervision job was armed
-- for: the same stage deadline, the same number of escalations and the same
-- escalation time (and a status of that stage). Anything else means the
-- case moved on, an extension moved the deadline or the escalation already
-- happened, and no row comes back.
--
-- The supervising grid moves one level up from the current one; before the
-- first escalation that is the case's own grid, or a compound's community
-- (the "2" team's), so the first escalation reaches the township. The
-- priority goes up one step (1 is the most urgent). The next escalation is
-- due one stage allowance later, unless the new supervising grid is the
-- top of the hierarchy (the city command centre).
WITH c AS (
    SELECT r.id, r.category,
           coalesce(r.supervising_grid_id, CASE WHEN g.level = 'compound' THEN g.parent_id ELSE g.id END) AS current_grid
    FROM reports r
    JOIN grids g ON g.id = r.grid_id
    WHERE r.id = @id
      AND r.status = ANY (@statuses::text[])
      AND r.stage_due_at = @deadline
      AND r.escalations = @level
      AND r.escalate_at = @at
    FOR UPDATE OF r
), up AS (
    SELECT c.id AS report_id, p.id AS s_id, p.level::text AS s_level, p.code AS s_code, p.name AS s_name,
           coalesce(p.parent_id, 0) AS s_parent,
           (SELECT cs.time_allowed FROM category_stages cs WHERE cs.category = c.category AND cs.stage = @stage) AS period
    FROM c
    JOIN grids cur ON cur.id = c.current_grid
    JOIN grids p ON p.id = cur.parent_id
)
UPDATE reports r
SET escalations = r.escalations + 1,
    supervising_grid_id = up.s_id,
    priority = greatest(r.priority - 1, 1),
    escalate_at = CASE WHEN up.s_parent = 0 THEN NULL ELSE r.escalate_at + up.period END,
    updated_at = now()
FROM up
WHERE r.id = up.report_id
RETURNING r.id, r.status, r.priority, coalesce(r.team_id, 0) AS team_id, coalesce(r.department, '') AS department,
          r.due_at, r.extension_requested_until, r.extensions, coalesce(r.duplicate_of, 0) AS duplicate_of,
          coalesce(r.resolution_note, '') AS resolution_note, r.resolved_at, r.closed_at,
          r.stage_due_at, r.escalate_at, r.escalations, coalesce(r.supervising_grid_id, 0) AS supervising_grid_id,
          r.grid_id AS case_grid_id, up.s_id, up.s_level, up.s_code, up.s_name, up.s_parent
