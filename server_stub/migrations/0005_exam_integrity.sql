-- Exam integrity (docs/security.md). The server's own evidence of when an exam's journal reached
-- it: the last contact with the exam's kiosk and the longest stretch without one (its clock,
-- pauses left out), the reasons its result must be reviewed before publication (a JSON list:
-- late_entries, offline_stretch, journal_conflict; NULL: none), the elapsed time of the last
-- entry stored (the next may not be earlier), and the highest journal head the kiosk
-- committed to (head_commitments keeps the first hash seen at each sequence number:
-- a journal that arrives later must pass through every one). Sessions may be rehearsals (never
-- published as certificates) with their own time allowed; devices may be revoked.

ALTER TABLE exams ADD COLUMN last_contact_at DOUBLE PRECISION;

ALTER TABLE exams ADD COLUMN longest_offline_s DOUBLE PRECISION NOT NULL DEFAULT 0;

ALTER TABLE exams ADD COLUMN review_reasons TEXT;

ALTER TABLE exams ADD COLUMN committed_seq INTEGER NOT NULL DEFAULT 0;

ALTER TABLE exams ADD COLUMN head_elapsed_ms BIGINT NOT NULL DEFAULT 0;

CREATE TABLE head_commitments (
    exam_id TEXT NOT NULL REFERENCES exams (exam_id),
    seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (exam_id, seq)
);

ALTER TABLE sessions ADD COLUMN rehearsal BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE sessions ADD COLUMN base_minutes INTEGER NOT NULL DEFAULT 105;

ALTER TABLE devices ADD COLUMN revoked_at DOUBLE PRECISION;
