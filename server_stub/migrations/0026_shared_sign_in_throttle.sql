-- One sign-in throttle for students and staff (server_stub/sign_in_throttle.py): wrong
-- attempts slow down one source address for one login of one realm (`practice` or `staff`),
-- never lock the account itself. The member accounts' per-account lockout goes: a stranger
-- who knew a lead's or an invigilator's login could lock them out on exam day. The counts in
-- flight are short-lived and are not carried over.

CREATE TABLE sign_in_failures (
    realm TEXT NOT NULL,
    source TEXT NOT NULL,
    login TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (realm, source, login)
);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures (last_failure_at);

DROP INDEX practice_sign_in_failures_by_time;
DROP TABLE practice_sign_in_failures;

ALTER TABLE accounts DROP COLUMN failures;
ALTER TABLE accounts DROP COLUMN locked_until;
