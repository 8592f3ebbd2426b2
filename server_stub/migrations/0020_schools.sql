-- Schools on the platform (docs/feeds.md, server_stub/schools/): organisations by UAI, member
-- accounts with their roles, the audit log of every decision, the roster of students, and the
-- OAuth2 clients of the national feeds. A session's school is `sessions.uai`; NULL: the server's
-- default school (the organisation flagged `is_default`), which this migration creates so that
-- every session planned before it, or without `--uai`, belongs to a school.

CREATE TABLE organisations (
    uai TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    is_default BOOLEAN NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
);

INSERT INTO organisations (uai, name, kind, is_default, created_at)
VALUES ('0000000A', 'Établissement par défaut', 'other', TRUE, 0);

CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin BOOLEAN NOT NULL,
    failures INTEGER NOT NULL,
    locked_until DOUBLE PRECISION,
    created_at DOUBLE PRECISION NOT NULL,
    disabled_at DOUBLE PRECISION
);

-- One row per role an account holds in a school; uai '*' for a national reviewer.
CREATE TABLE memberships (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    uai TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (account_id, uai, role)
);

CREATE TABLE audit_log (
    event_id TEXT PRIMARY KEY,
    at DOUBLE PRECISION NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    uai TEXT,
    target TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (at);

CREATE TABLE students (
    student_id TEXT PRIMARY KEY,
    uai TEXT NOT NULL REFERENCES organisations (uai),
    ine TEXT,
    last_name TEXT NOT NULL,
    preferred_last_name TEXT,
    first_name TEXT NOT NULL,
    middle_name TEXT,
    third_name TEXT,
    sex TEXT,
    birth_date TEXT NOT NULL,
    birth_place TEXT,
    division TEXT NOT NULL,
    grade TEXT,
    extra_time_percent INTEGER NOT NULL,
    accessibility_needs BOOLEAN NOT NULL,
    imported_at DOUBLE PRECISION NOT NULL,
    archived_at DOUBLE PRECISION
);
CREATE INDEX students_by_class ON students (uai, division);

ALTER TABLE sessions ADD COLUMN uai TEXT;

ALTER TABLE candidates ADD COLUMN student_id TEXT;

ALTER TABLE candidates ADD COLUMN grade TEXT;

ALTER TABLE candidates ADD COLUMN expected_level INTEGER;

CREATE TABLE api_clients (
    client_id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    scope TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    revoked_at DOUBLE PRECISION
);
