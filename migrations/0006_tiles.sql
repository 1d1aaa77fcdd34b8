-- +goose Up
-- Roll-ups for the map tiles (tiles/): report counts per H3 cell and per
-- grid, per day, category and status, kept in the same transaction as every
-- change to reports. A heatmap or choropleth tile then costs O(cells or
-- grids in the tile x days), never a scan of the raw reports.

-- h3_parent returns the parent at resolution res of an H3 cell stored as a
-- bigint, by bit operations (Debian's PostGIS has no h3 extension). An H3
-- index keeps its resolution in bits 52-55 and one 3-bit digit per
-- resolution 1..15 in bits 44..0; the digits below the cell's resolution
-- are all ones (7). res must not be finer than the cell's own resolution.
CREATE FUNCTION h3_parent(cell bigint, res int) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (cell & ~(15::bigint << 52)) | (res::bigint << 52) | ((1::bigint << (3 * (15 - res))) - 1);

-- report_day is the calendar day of t in China Standard Time (UTC+8, no
-- daylight saving), the day the roll-ups count a report under.
CREATE FUNCTION report_day(t timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ((t AT TIME ZONE 'UTC') + interval '8 hours')::date;

-- Counts per H3 cell at every resolution the heatmap uses (3..11; the tile
-- zoom picks one). The primary key serves the tile query
-- "res = $1 AND cell = ANY($2) AND day range".
CREATE TABLE report_cell_counts (
    res      smallint NOT NULL,
    cell     bigint   NOT NULL,
    day      date     NOT NULL,
    category text     NOT NULL,
    status   text     NOT NULL,
    n        integer  NOT NULL,
    PRIMARY KEY (res, cell, day, category, status)
);

-- Counts per grid, for the grid itself and every ancestor in its path, so a
-- district's count is one row per day, not a sum over its compounds.
CREATE TABLE report_grid_counts (
    grid_id  bigint  NOT NULL,
    day      date    NOT NULL,
    category text    NOT NULL,
    status   text    NOT NULL,
    n        integer NOT NULL,
    PRIMARY KEY (grid_id, day, category, status)
);

-- report_rollups_apply adds dns[i] (+1 or -1) for the i-th report (its
-- res-15 cell, creation time, category, status and grid) to both roll-ups.
-- Rows are upserted in key order, so concurrent transactions lock them in
-- the same order and cannot deadlock each other; rows that drop to zero
-- are deleted.
-- +goose StatementBegin
CREATE FUNCTION report_rollups_apply(cells bigint[], ats timestamptz[], cats text[], sts text[], grids bigint[], dns int[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_cell_counts AS t (res, cell, day, category, status, n)
    SELECT r.res, h3_parent(u.cell, r.res), report_day(u.at), u.cat, u.st, sum(u.dn)
    FROM unnest(cells, ats, cats, sts, dns) AS u(cell, at, cat, st, dn)
    CROSS JOIN generate_series(3, 11) AS r(res)
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(u.dn) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (res, cell, day, category, status) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO report_grid_counts AS t (grid_id, day, category, status, n)
    SELECT p.gid, report_day(u.at), u.cat, u.st, sum(u.dn)
    FROM unnest(grids, ats, cats, sts, dns) AS u(grid, at, cat, st, dn)
    JOIN grids g ON g.id = u.grid
    CROSS JOIN unnest(g.path) AS p(gid)
    GROUP BY 1, 2, 3, 4
    HAVING sum(u.dn) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (grid_id, day, category, status) DO UPDATE SET n = t.n + excluded.n;

    IF -1 = ANY (dns) THEN
        DELETE FROM report_cell_counts t
        USING (SELECT DISTINCT r.res, h3_parent(u.cell, r.res) AS cell, report_day(u.at) AS day, u.cat, u.st
               FROM unnest(cells, ats, cats, sts, dns) AS u(cell, at, cat, st, dn)
               CROSS JOIN generate_series(3, 11) AS r(res)
               WHERE u.dn < 0) k
        WHERE t.res = k.res AND t.cell = k.cell AND t.day = k.day AND t.category = k.cat AND t.status = k.st
          AND t.n = 0;
        DELETE FROM report_grid_counts t
        USING (SELECT DISTINCT p.gid, report_day(u.at) AS day, u.cat, u.st
               FROM unnest(grids, ats, cats, sts, dns) AS u(grid, at, cat, st, dn)
               JOIN grids g ON g.id = u.grid
               CROSS JOIN unnest(g.path) AS p(gid)
               WHERE u.dn < 0) k
        WHERE t.grid_id = k.gid AND t.day = k.day AND t.category = k.cat AND t.status = k.st AND t.n = 0;
    END IF;
END;
$$;
-- +goose StatementEnd

-- reports_rollup keeps the roll-ups in step with reports, once per
-- statement (a bulk load of a million reports is one aggregate, not a
-- million upserts), and tells every server instance which tiles went stale:
-- NOTIFY grid110_tiles with {"p":[[lon,lat,grid_id],...]} for up to 100
-- changed reports, or "*" (everything report-based) for a larger statement.
-- +goose StatementBegin
CREATE FUNCTION reports_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cells bigint[]; ats timestamptz[]; cats text[]; sts text[]; grids bigint[]; dns int[];
    pts json; cnt bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(h3_cell), array_agg(created_at), array_agg(category), array_agg(status),
               array_agg(grid_id), array_agg(1), count(*),
               CASE WHEN count(*) <= 100 THEN json_agg(json_build_array(ST_X(location), ST_Y(location), grid_id)) END
        INTO cells, ats, cats, sts, grids, dns, cnt, pts
        FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(h3_cell), array_agg(created_at), array_agg(category), array_agg(status),
               array_agg(grid_id), array_agg(-1), count(*),
               CASE WHEN count(*) <= 100 THEN json_agg(json_build_array(ST_X(location), ST_Y(location), grid_id)) END
        INTO cells, ats, cats, sts, grids, dns, cnt, pts
        FROM old_rows;
    ELSE
        -- Only rows whose map-visible columns changed; each counts -1 for
        -- its old state and +1 for its new one.
        WITH ch AS (
            SELECT o.h3_cell AS oc, o.created_at AS oat, o.category AS ocat, o.status AS ost, o.grid_id AS og,
                   o.location AS oloc,
                   n.h3_cell AS nc, n.created_at AS nat, n.category AS ncat, n.status AS nst, n.grid_id AS ng,
                   n.location AS nloc
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.h3_cell, o.created_at, o.category, o.status, o.grid_id, o.priority, o.location::bytea)
                IS DISTINCT FROM (n.h3_cell, n.created_at, n.category, n.status, n.grid_id, n.priority, n.location::bytea)
        ), u AS (
            SELECT oc AS cell, oat AS at, ocat AS cat, ost AS st, og AS grid, -1 AS dn, oloc AS loc FROM ch
            UNION ALL
            SELECT nc, nat, ncat, nst, ng, 1, nloc FROM ch
        )
        SELECT array_agg(cell), array_agg(at), array_agg(cat), array_agg(st), array_agg(grid), array_agg(dn), count(*),
               CASE WHEN count(*) <= 100 THEN json_agg(json_build_array(ST_X(loc), ST_Y(loc), grid)) END
        INTO cells, ats, cats, sts, grids, dns, cnt, pts
        FROM u;
    END IF;
    IF cnt = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM report_rollups_apply(cells, ats, cats, sts, grids, dns);
    PERFORM pg_notify('grid110_tiles', CASE WHEN pts IS NULL THEN '*' ELSE json_build_object('p', pts)::text END);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER reports_rollup_insert AFTER INSERT ON reports
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_rollup();
CREATE TRIGGER reports_rollup_update AFTER UPDATE ON reports
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_rollup();
CREATE TRIGGER reports_rollup_delete AFTER DELETE ON reports
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_rollup();

-- +goose StatementBegin
CREATE FUNCTION reports_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE report_cell_counts, report_grid_counts;
    PERFORM pg_notify('grid110_tiles', '*');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER reports_rollup_truncate AFTER TRUNCATE ON reports
    FOR EACH STATEMENT EXECUTE FUNCTION reports_rollup_truncate();

-- Reports stored before this migration.
SELECT report_rollups_apply(array_agg(h3_cell), array_agg(created_at), array_agg(category), array_agg(status),
                            array_agg(grid_id), array_agg(1))
FROM reports
HAVING count(*) > 0;

-- +goose Down
DROP TRIGGER reports_rollup_truncate ON reports;
DROP TRIGGER reports_rollup_delete ON reports;
DROP TRIGGER reports_rollup_update ON reports;
DROP TRIGGER reports_rollup_insert ON reports;
DROP FUNCTION reports_rollup_truncate();
DROP FUNCTION reports_rollup();
DROP FUNCTION report_rollups_apply(bigint[], timestamptz[], text[], text[], bigint[], int[]);
DROP TABLE report_grid_counts;
DROP TABLE report_cell_counts;
DROP FUNCTION report_day(timestamptz);
DROP FUNCTION h3_parent(bigint, int);
