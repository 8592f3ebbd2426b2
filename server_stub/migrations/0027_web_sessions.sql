-- The web space's sessions in the database (server_stub/web/web_sessions.py), so that every
-- process serving it (`pix-server serve --workers N`) knows who is signed in, and a restart
-- signs nobody out. A session is found by the SHA-256 of the cookie's id: a copy of the
-- database gives no cookie that works. The first-login code waiting for the student's chosen
-- password is sealed under a key drawn from that id (`pending`), never stored in clear.
-- Expired rows (idle or too old) are deleted as new sessions are stored.

CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    created_at DOUBLE PRECISION NOT NULL,
    last_seen DOUBLE PRECISION NOT NULL,
    lang TEXT NOT NULL,
    account_login TEXT,
    student_id TEXT,
    student TEXT,
    pending TEXT,
    flash TEXT NOT NULL,
    feedback TEXT NOT NULL
);
CREATE INDEX web_sessions_by_last_seen ON web_sessions (last_seen);
CREATE INDEX web_sessions_by_created_at ON web_sessions (created_at);
CREATE INDEX web_sessions_by_student ON web_sessions (student_id);
