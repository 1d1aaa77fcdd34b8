-- +goose Up
-- Kinds of team. "duty" is the "2" team of a community/village (a grid
-- worker and a police officer or auxiliary); the others are "N" teams.
CREATE TABLE team_kinds (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    name_zh text NOT NULL,
    name_en text NOT NULL
);
INSERT INTO team_kinds (code, name_zh, name_en) VALUES
    ('duty',             '“2”责任组',   'Duty team ("2")'),
    ('patrol',           '治安巡逻队',   'Security patrol'),
    ('legal_aid',        '法律援助队',   'Legal aid'),
    ('volunteer',        '志愿服务队',   'Volunteers'),
    ('anti_counterfeit', '打假维权队',   'Anti-counterfeiting'),
    ('emergency',        '应急救援队',   'Emergency response'),
    ('mediation',        '矛盾调解队',   'Dispute mediation'),
    ('medical',          '医疗急救队',   'Medical first aid');

CREATE TABLE teams (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         text NOT NULL UNIQUE CHECK (code <> ''),
    kind         text NOT NULL REFERENCES team_kinds (code),
    name         text NOT NULL CHECK (name <> ''),
    -- The duty team's community/village; an N-team's home grid (optional).
    grid_id      bigint REFERENCES grids (id),
    base         geometry(Point, 4326),
    -- Where an N-team serves; NULL means anywhere.
    service_area geometry(MultiPolygon, 4326) CHECK (service_area IS NULL OR ST_IsValid(service_area)),
    on_duty      boolean NOT NULL DEFAULT true,
    phone        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'duty' OR grid_id IS NOT NULL),
    CHECK (kind = 'duty' OR base IS NOT NULL)
);
-- One "2" team per community/village grid.
CREATE UNIQUE INDEX teams_one_duty_per_grid ON teams (grid_id) WHERE kind = 'duty';
CREATE INDEX teams_base_idx ON teams USING gist (base);
CREATE INDEX teams_kind_idx ON teams (kind);

CREATE TABLE team_members (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id    bigint NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('grid_worker', 'police_officer', 'auxiliary_police',
                   'volunteer', 'lawyer', 'mediator', 'inspector', 'medic', 'rescuer', 'leader', 'member')),
    name       text NOT NULL CHECK (name <> ''),
    -- Private contact details: never on a public response.
    phone      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (team_id, role, name)
);
CREATE INDEX team_members_team_idx ON team_members (team_id);

CREATE TRIGGER teams_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON teams
    FOR EACH STATEMENT EXECUTE FUNCTION notify_grid110_changes();
CREATE TRIGGER team_members_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON team_members
    FOR EACH STATEMENT EXECUTE FUNCTION notify_grid110_changes();

-- +goose Down
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE team_kinds;
