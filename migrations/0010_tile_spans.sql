-- +goose Up
-- A narrower roll-up for heatmap tiles without a category or status filter
-- (the default map): report counts per H3 cell summed over categories and
-- statuses, per day (span 1) and per 8-day block (span 8, blocks aligned on
-- 2000-01-01). A 30-day window is then at most 7 + 3 + 7 spans instead of
-- 30 days x categories x statuses, and the key (res, span, start, cell)
-- makes the cells of a tile a few contiguous index ranges (the descendants
-- of an H3 cell at one resolution are consecutive numbers), read by
-- index-only scans.
--
-- It is kept from report_cell_counts (migrations/0006_tiles.sql) by
-- statement-level triggers on that table, so it changes in the same
-- transaction as the reports and the roll-up it sums.

-- report_span_start is the first day of the 8-day block holding d.
CREATE FUNCTION report_span_start(d date) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN d - (((d - date '2000-01-01') % 8 + 8) % 8);

CREATE TABLE report_cell_spans (
    res   smallint NOT NULL,
    span  smallint NOT NULL, -- 1 or 8 days
    start date     NOT NULL,
    cell  bigint   NOT NULL,
    n     integer  NOT NULL,
    PRIMARY KEY (res, span, start, cell) INCLUDE (n)
);

-- report_cell_spans_apply adds the deltas (res, cell, day, dn) to both spans.
-- +goose StatementBegin
CREATE FUNCTION report_cell_spans_apply(ress smallint[], cells bigint[], days date[], dns int[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_cell_spans AS t (res, span, start, cell, n)
    SELECT u.res, s.span, CASE WHEN s.span = 1 THEN u.day ELSE report_span_start(u.day) END, u.cell, sum(u.dn)
    FROM unnest(ress, cells, days, dns) AS u(res, cell, day, dn)
    CROSS JOIN (VALUES (1::smallint), (8::smallint)) AS s(span)
    GROUP BY 1, 2, 3, 4
    HAVING sum(u.dn) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (res, span, start, cell) DO UPDATE SET n = t.n + excluded.n;

    IF EXISTS (SELECT FROM unnest(dns) AS d WHERE d < 0) THEN
        DELETE FROM report_cell_spans t
        USING (SELECT DISTINCT u.res, s.span, CASE WHEN s.span = 1 THEN u.day ELSE report_span_start(u.day) END AS start, u.cell
               FROM unnest(ress, cells, days, dns) AS u(res, cell, day, dn)
               CROSS JOIN (VALUES (1::smallint), (8::smallint)) AS s(span)
               WHERE u.dn < 0) k
        WHERE t.res = k.res AND t.span = k.span AND t.start = k.start AND t.cell = k.cell AND t.n = 0;
    END IF;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION report_cell_counts_spans() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ress smallint[]; cells bigint[]; days date[]; dns int[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(res), array_agg(cell), array_agg(day), array_agg(n)
        INTO ress, cells, days, dns FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(res), array_agg(cell), array_agg(day), array_agg(-n)
        INTO ress, cells, days, dns FROM old_rows;
    ELSE
        SELECT array_agg(res), array_agg(cell), array_agg(day), array_agg(dn)
        INTO ress, cells, days, dns
        FROM (SELECT res, cell, day, n AS dn FROM new_rows
              UNION ALL
              SELECT res, cell, day, -n FROM old_rows) u;
    END IF;
    IF ress IS NOT NULL THEN
        PERFORM report_cell_spans_apply(ress, cells, days, dns);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER report_cell_counts_spans_insert AFTER INSERT ON report_cell_counts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_cell_counts_spans();
CREATE TRIGGER report_cell_counts_spans_update AFTER UPDATE ON report_cell_counts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_cell_counts_spans();
CREATE TRIGGER report_cell_counts_spans_delete AFTER DELETE ON report_cell_counts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_cell_counts_spans();

-- +goose StatementBegin
CREATE FUNCTION report_cell_counts_spans_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE report_cell_spans;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER report_cell_counts_spans_truncate AFTER TRUNCATE ON report_cell_counts
    FOR EACH STATEMENT EXECUTE FUNCTION report_cell_counts_spans_truncate();

-- What the roll-up holds already.
INSERT INTO report_cell_spans (res, span, start, cell, n)
SELECT res, 1, day, cell, sum(n) FROM report_cell_counts GROUP BY res, day, cell HAVING sum(n) <> 0;
INSERT INTO report_cell_spans (res, span, start, cell, n)
SELECT res, 8, report_span_start(day), cell, sum(n) FROM report_cell_counts
GROUP BY res, report_span_start(day), cell HAVING sum(n) <> 0;

-- +goose Down
DROP TRIGGER report_cell_counts_spans_truncate ON report_cell_counts;
DROP TRIGGER report_cell_counts_spans_delete ON report_cell_counts;
DROP TRIGGER report_cell_counts_spans_update ON report_cell_counts;
DROP TRIGGER report_cell_counts_spans_insert ON report_cell_counts;
DROP FUNCTION report_cell_counts_spans_truncate();
DROP FUNCTION report_cell_counts_spans();
DROP FUNCTION report_cell_spans_apply(smallint[], bigint[], date[], int[]);
DROP TABLE report_cell_spans;
DROP FUNCTION report_span_start(date);
