-- +goose Up
-- Staff accounts, their sign-in sessions and API keys, and the reporters'
-- ratings of finished cases. Roles and jurisdictions are decided in
-- internal/grid110/access.go; what is stored here is who is who.

CREATE TABLE staff (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name  text NOT NULL CHECK (display_name <> ''),
    role          text NOT NULL CHECK (role IN ('grid_worker', 'police', 'team_member', 'command_township',
                      'command_district', 'command_city', 'department', 'admin', 'api_client')),
    -- The jurisdiction: cases in this grid's subtree.
    grid_id       bigint NOT NULL REFERENCES grids (id),
    -- An N-team member also works the cases dispatched to the team; a
    -- department handler those handed to the department.
    team_id       bigint REFERENCES teams (id),
    department    text REFERENCES departments (code),
    -- argon2id in PHC string form; NULL for accounts that only use API keys.
    password_hash text,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'team_member' OR team_id IS NOT NULL),
    CHECK (role <> 'department' OR department IS NOT NULL),
    CHECK (role = 'api_client' OR password_hash IS NOT NULL)
);

-- A signed-in session. Only the SHA-256 of the bearer token is kept, so a
-- copy of the database signs nobody in.
CREATE TABLE staff_sessions (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    staff_id     bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX staff_sessions_staff_idx ON staff_sessions (staff_id);
CREATE INDEX staff_sessions_expires_idx ON staff_sessions (expires_at);

-- API keys of API clients (and of staff scripts). The key is shown once,
-- when made; its first characters (prefix) name it in lists and logs.
CREATE TABLE api_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id    bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (name <> ''),
    prefix      text NOT NULL UNIQUE,
    key_hash    bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at  timestamptz
);

-- The reporter's verdict on a finished case (结果反馈): satisfied closes
-- it, not satisfied reopens it. One rating per resolution: a reopened case
-- that is resolved again may be rated again.
CREATE TABLE report_ratings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES reports (id),
    resolved_at timestamptz NOT NULL,
    satisfied   boolean NOT NULL,
    comment     text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (report_id, resolved_at)
);

-- +goose Down
DROP TABLE report_ratings;
DROP TABLE api_keys;
DROP TABLE staff_sessions;
DROP TABLE staff;
