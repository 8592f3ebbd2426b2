-- Review before publication (docs/schools.md): every decision a reviewer takes on a
-- certification held pending — validate, cancel, reject, or neutralise one answer (`item_id`)
-- and re-score — with its author (an account login) and reason. Rows are only added; the latest
-- validate/cancel/reject of a candidate is its outcome, a later neutralisation reopens it.
CREATE TABLE review_decisions (
    decision_id TEXT PRIMARY KEY,
    candidate_id TEXT NOT NULL REFERENCES candidates (candidate_id),
    session_id TEXT NOT NULL REFERENCES sessions (session_id),
    decision TEXT NOT NULL,
    item_id TEXT,
    reason TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    decided_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX review_decisions_by_candidate ON review_decisions (candidate_id);
