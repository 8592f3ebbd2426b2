-- Initial schema. Portable SQL (SQLite and PostgreSQL): text ids, no autoincrement, instants as
-- DOUBLE PRECISION seconds since the epoch on the server's clock, JSON and base64 kept as TEXT.

CREATE TABLE banks (
    bank_id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    item_count INTEGER NOT NULL,
    published_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE bank_configs (
    bank_id TEXT NOT NULL REFERENCES banks (bank_id),
    mode TEXT NOT NULL,
    config TEXT NOT NULL,
    PRIMARY KEY (bank_id, mode)
);

CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY,
    session_number INTEGER NOT NULL UNIQUE,
    centre TEXT NOT NULL,
    room TEXT NOT NULL,
    exam_date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    invigilator TEXT NOT NULL,
    mode TEXT NOT NULL,
    bank_id TEXT NOT NULL REFERENCES banks (bank_id),
    access_code TEXT NOT NULL,
    invigilator_code TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    finalised_at DOUBLE PRECISION,
    published_at DOUBLE PRECISION
);

CREATE TABLE candidates (
    candidate_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (session_id),
    last_name TEXT NOT NULL,
    first_names TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    ine TEXT NOT NULL,
    extra_time_percent INTEGER NOT NULL,
    accessibility_needs BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    device_id TEXT,
    checked_in_at DOUBLE PRECISION
);
CREATE INDEX candidates_by_session ON candidates (session_id);

CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    signing_key TEXT NOT NULL UNIQUE,
    exchange_key TEXT NOT NULL,
    token_digest TEXT NOT NULL UNIQUE,
    enrolment_token_id TEXT NOT NULL,
    enrolled_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE enrolment_tokens (
    token_id TEXT PRIMARY KEY,
    token_digest TEXT NOT NULL UNIQUE,
    max_devices INTEGER NOT NULL,
    enrolled_devices INTEGER NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE console_tokens (
    token_digest TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (session_id),
    created_at DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE lockouts (
    session_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    failures INTEGER NOT NULL,
    locked_until DOUBLE PRECISION,
    PRIMARY KEY (session_id, scope)
);

CREATE TABLE security_log (
    event_id TEXT PRIMARY KEY,
    at DOUBLE PRECISION NOT NULL,
    kind TEXT NOT NULL,
    session_id TEXT,
    device_id TEXT,
    detail TEXT NOT NULL
);

CREATE TABLE exams (
    exam_id TEXT PRIMARY KEY,
    candidate_id TEXT NOT NULL UNIQUE REFERENCES candidates (candidate_id),
    session_id TEXT NOT NULL REFERENCES sessions (session_id),
    device_id TEXT NOT NULL REFERENCES devices (device_id),
    bank_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    seed BIGINT NOT NULL,
    time_allowed_seconds INTEGER NOT NULL,
    extra_seconds INTEGER NOT NULL,
    authorised_at DOUBLE PRECISION NOT NULL,
    started_at DOUBLE PRECISION,
    ended_at DOUBLE PRECISION,
    abort_reason TEXT,
    answered INTEGER NOT NULL,
    head_seq INTEGER NOT NULL,
    head_hash TEXT,
    ticket TEXT
);
CREATE INDEX exams_by_session ON exams (session_id);

CREATE TABLE tickets (
    ticket_id TEXT PRIMARY KEY,
    exam_id TEXT NOT NULL REFERENCES exams (exam_id),
    kind TEXT NOT NULL,
    issued_at DOUBLE PRECISION NOT NULL,
    ticket TEXT NOT NULL
);

CREATE TABLE pauses (
    exam_id TEXT NOT NULL REFERENCES exams (exam_id),
    started_at DOUBLE PRECISION NOT NULL,
    ended_at DOUBLE PRECISION,
    reason TEXT NOT NULL,
    PRIMARY KEY (exam_id, started_at)
);

CREATE TABLE journal_entries (
    device_id TEXT NOT NULL,
    exam_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    entry TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (device_id, exam_id, seq)
);

CREATE TABLE records (
    device_id TEXT NOT NULL,
    exam_id TEXT NOT NULL,
    record_hash TEXT NOT NULL,
    record TEXT NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    receipt TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason_code TEXT,
    reason_detail TEXT,
    PRIMARY KEY (device_id, exam_id)
);

CREATE TABLE results (
    exam_id TEXT PRIMARY KEY REFERENCES exams (exam_id),
    candidate_id TEXT NOT NULL UNIQUE REFERENCES candidates (candidate_id),
    status TEXT NOT NULL,
    score INTEGER NOT NULL,
    global_level INTEGER NOT NULL,
    competence_levels TEXT NOT NULL,
    answered INTEGER NOT NULL,
    abort_reason TEXT,
    scored_at DOUBLE PRECISION NOT NULL,
    verification_code TEXT UNIQUE
);

CREATE TABLE alerts (
    alert_id TEXT PRIMARY KEY,
    exam_id TEXT NOT NULL REFERENCES exams (exam_id),
    item_id TEXT NOT NULL,
    state TEXT NOT NULL,
    subcategory TEXT,
    raised_at DOUBLE PRECISION NOT NULL,
    resolved_at DOUBLE PRECISION
);

CREATE TABLE incidents (
    incident_id TEXT PRIMARY KEY,
    exam_id TEXT NOT NULL REFERENCES exams (exam_id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    reported_at DOUBLE PRECISION NOT NULL,
    resolved_at DOUBLE PRECISION
);

CREATE TABLE issue_reports (
    report_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (session_id),
    candidate_id TEXT NOT NULL REFERENCES candidates (candidate_id),
    category TEXT NOT NULL,
    subcategory TEXT,
    item_id TEXT,
    description TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE device_commands (
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    exam_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    issued_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (device_id, seq)
);
