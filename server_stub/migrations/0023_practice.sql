-- Practice before certification day (docs/campaigns.md, server_stub/practice/): campaigns a
-- teacher opens for classes, the students' practice accounts made from the roster, every
-- practice answer, each student's place in a campaign, and the profiles students send.

-- kind: assessment | profiles-collection; status: open | closed | archived.
CREATE TABLE campaigns (
    code TEXT PRIMARY KEY,
    uai TEXT NOT NULL REFERENCES organisations (uai),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    parcours_id TEXT,
    multiple_sendings BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    closed_at DOUBLE PRECISION,
    archived_at DOUBLE PRECISION
);
CREATE INDEX campaigns_by_school ON campaigns (uai);

CREATE TABLE campaign_classes (
    code TEXT NOT NULL REFERENCES campaigns (code),
    division TEXT NOT NULL,
    PRIMARY KEY (code, division)
);

-- A student's practice account: a login made from the name, and a first-login code printed
-- on the class sheet (stored hashed; a new sheet draws new codes for whoever never signed in).
CREATE TABLE practice_accounts (
    student_id TEXT PRIMARY KEY REFERENCES students (student_id),
    login TEXT NOT NULL UNIQUE,
    code_hash TEXT NOT NULL,
    code_issued_at DOUBLE PRECISION NOT NULL,
    first_sign_in_at DOUBLE PRECISION,
    failures INTEGER NOT NULL,
    locked_until DOUBLE PRECISION
);

-- A student in a campaign: the item on screen (resumable), when the parcours ended.
CREATE TABLE participations (
    code TEXT NOT NULL REFERENCES campaigns (code),
    student_id TEXT NOT NULL REFERENCES students (student_id),
    joined_at DOUBLE PRECISION NOT NULL,
    current_item TEXT,
    finished_at DOUBLE PRECISION,
    last_seen_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (code, student_id)
);

CREATE TABLE practice_answers (
    answer_id TEXT PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES students (student_id),
    code TEXT NOT NULL REFERENCES campaigns (code),
    item_id TEXT NOT NULL,
    correct BOOLEAN NOT NULL,
    answered_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX practice_answers_by_student ON practice_answers (student_id, answered_at);

-- A profile sent to a campaign: the snapshot as it stood (levels as JSON {"1.1": 0..7}).
CREATE TABLE profile_sendings (
    sending_id TEXT PRIMARY KEY,
    code TEXT NOT NULL REFERENCES campaigns (code),
    student_id TEXT NOT NULL REFERENCES students (student_id),
    sent_at DOUBLE PRECISION NOT NULL,
    pix_score INTEGER NOT NULL,
    certifiable BOOLEAN NOT NULL,
    certifiable_competences INTEGER NOT NULL,
    competence_levels TEXT NOT NULL
);
CREATE INDEX profile_sendings_by_campaign ON profile_sendings (code, student_id, sent_at);
