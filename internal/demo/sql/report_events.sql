-- The audit trail of the staged demo reports: a "submitted" event for
-- each, then one event per workflow step it has reached (the step times
-- are staged; NULL means not reached). Actors are who would act: the
-- community's grid worker files, rejects and verifies, the command centre
-- dispatches and closes, the N-team works and resolves. Open cases also get
-- the escalations sql/supervision.sql found overdue.
INSERT INTO report_events (report_id, at, actor, kind, from_status, to_status, note, data)
SELECT e.report_id, e.at, e.actor, e.kind, e.from_status, e.to_status, e.note, e.data
FROM (
SELECT r.id AS report_id, e.at, e.actor, e.to_status AS kind, e.from_status, e.to_status, e.note, e.data, e.step
FROM demo_reports s
JOIN reports r ON r.tracking_code = s.tracking_code
LEFT JOIN teams t ON t.id = r.team_id
LEFT JOIN LATERAL (
    SELECT 'grid_worker:' || m.name AS actor
    FROM team_members m
    WHERE m.team_id = r.duty_team_id AND m.role = 'grid_worker'
    ORDER BY m.id
    LIMIT 1
) AS gw ON true
CROSS JOIN LATERAL (VALUES
    (1, s.created_at,     s.submitter,                                NULL,          'submitted',   '',
                          jsonb_build_object('channel', s.channel)),
    (2, s.filed_at,       coalesce(gw.actor, 'command_centre'),       'submitted',   'filed',       '已受理',                     '{}'),
    (3, s.rejected_at,    coalesce(gw.actor, 'command_centre'),       'submitted',   'rejected',    s.reject_note,                '{}'),
    (4, s.dispatched_at,  'command_centre',                           'filed',       'dispatched',  '派发至' || coalesce(t.name, r.department),
                          jsonb_build_object('team_id', r.team_id, 'department', r.department)),
    (5, s.in_progress_at, coalesce('team:' || t.code, 'command_centre'), 'dispatched', 'in_progress', '已到场处置',              '{}'),
    (6, s.resolved_at,    coalesce('team:' || t.code, 'command_centre'), 'in_progress', 'resolved', '处置完毕',                  '{}'),
    (7, s.verified_at,    coalesce(gw.actor, 'command_centre'),       'resolved',    'verified',    '回访核实，群众满意',         '{}'),
    (8, s.closed_at,      'command_centre',                           'verified',    'closed',      '办结归档',                   '{}')
) AS e(step, at, actor, from_status, to_status, note, data)
WHERE e.at IS NOT NULL
UNION ALL
-- The escalations of open cases (sql/supervision.sql), as the supervision
-- worker writes them (internal/postgres/supervision.go).
SELECT v.report_id, v.at, 'system:supervision', 'supervised', v.status, v.status,
       (CASE v.stage WHEN 'filing' THEN '受理' WHEN 'dispatch' THEN '分流交办' WHEN 'handling' THEN '处置'
                     WHEN 'verification' THEN '核查' ELSE '办结' END) || '超时，升级至' || v.grid_name || '督办',
       jsonb_strip_nulls(jsonb_build_object('level', v.level, 'grid_id', v.grid_id, 'grid_code', v.grid_code,
           'grid_name', v.grid_name, 'grid_level', v.grid_level, 'stage', v.stage, 'deadline', v.deadline,
           'escalate_at', v.at, 'priority', v.priority, 'next_escalation_at', v.next_at,
           -- Go's duration format, as the worker writes it ("3h0m0s", "2m30s").
           'overdue_by', CASE WHEN v.overdue_s >= 3600 THEN (v.overdue_s / 3600) || 'h' || (v.overdue_s % 3600 / 60) || 'm' || (v.overdue_s % 60) || 's'
                              WHEN v.overdue_s >= 60 THEN (v.overdue_s / 60) || 'm' || (v.overdue_s % 60) || 's'
                              ELSE v.overdue_s || 's' END)),
       100 + v.level
FROM demo_supervised v
) AS e
-- Ids follow time within each report (the steps are in time order already).
ORDER BY e.report_id, e.at, e.step
