-- N-team bases for the teams layer (the "2" duty teams are on the grids layer).
SELECT id, code, name, kind, on_duty, ST_X(base) AS lon, ST_Y(base) AS lat
FROM teams
WHERE kind <> 'duty' AND base IS NOT NULL
ORDER BY id
