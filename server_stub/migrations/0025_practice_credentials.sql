-- Practice credentials and the item choice outside the write lock (docs/campaigns.md):
-- a student's own password (Argon2) replaces the first-login code at their first sign-in;
-- wrong attempts slow down one source address for one login, never lock the account itself;
-- a participation's sequence number lets the next item be chosen outside the write
-- transaction and written only if nothing moved meanwhile; a campaign the teacher marks as a
-- rehearsal lends its class's accounts to `pix-kiosk practice-robot` on the server's machine.

ALTER TABLE practice_accounts ADD COLUMN password_hash TEXT;
ALTER TABLE practice_accounts DROP COLUMN failures;
ALTER TABLE practice_accounts DROP COLUMN locked_until;

-- Consecutive wrong attempts of one source address on one login (deleted on success).
CREATE TABLE practice_sign_in_failures (
    source TEXT NOT NULL,
    login TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (source, login)
);
CREATE INDEX practice_sign_in_failures_by_time ON practice_sign_in_failures (last_failure_at);

ALTER TABLE participations ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

ALTER TABLE campaigns ADD COLUMN rehearsal BOOLEAN NOT NULL DEFAULT FALSE;
