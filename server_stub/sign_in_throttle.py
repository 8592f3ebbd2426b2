"""Slowing down guesses at a sign-in without handing anyone a way to lock its owner out.

A per-account lockout lets a stranger who knows (or guesses) a login keep its owner out (a
student out of practice, a lead or an invigilator out of the web space on exam day) just by
typing wrong secrets. Here the count is per source address *and* login, within one realm
(`practice` for students, `staff` for member accounts: their logins are separate): after
FREE_FAILURES wrong attempts in a row, that source must wait before its next attempt on that
login, twice as long each time (BACKOFF_BASE_S, 2×, ... up to MAX_BACKOFF_S). An attempt made
while waiting is refused without being checked (no Argon2 cost for the server either), does
not lengthen the wait and is written nowhere: a caller logs the checked attempts and the start
of each wait (`record_failure` says when one starts), so a stranger cannot fill the audit log.
The owner, from their own address, is never slowed by someone else's mistakes; a right answer
clears the count. Rows of a source that stopped trying are dropped
after a day. Callers raise their own refusal, with the seconds this module reports.
"""

from sqlalchemy import Connection, delete, select, update

from server_stub.db.database import Database

PRACTICE = "practice"
STAFF = "staff"
FREE_FAILURES = 5
BACKOFF_BASE_S = 2.0
MAX_BACKOFF_S = 15 * 60.0
FORGET_AFTER_S = 24 * 60 * 60.0


def wait_after(failures: int) -> float:
    """Seconds a source must wait after `failures` wrong attempts in a row on one login."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_BACKOFF_S, BACKOFF_BASE_S * 2 ** (failures - FREE_FAILURES))


def seconds_to_wait(
    connection: Connection, db: Database, realm: str, source: str, login: str, now: float
) -> int:
    """Whole seconds (at least 1) this source must still wait before trying this login, or 0."""
    failures = db.tables["sign_in_failures"]
    row = connection.execute(
        select(failures.c.failures, failures.c.last_failure_at).where(
            failures.c.realm == realm, failures.c.source == source, failures.c.login == login
        )
    ).first()
    if row is None:
        return 0
    remaining = row.last_failure_at + wait_after(row.failures) - now
    return max(1, round(remaining)) if remaining > 0 else 0


def record_failure(
    connection: Connection, db: Database, realm: str, source: str, login: str, now: float
) -> float:
    """One more wrong attempt of this source on this login (and forget long-silent sources);
    the seconds it must now wait (0: still free to try), so that a caller logs the start of a
    wait once rather than every attempt refused during it."""
    failures = db.tables["sign_in_failures"]
    connection.execute(delete(failures).where(failures.c.last_failure_at < now - FORGET_AFTER_S))
    connection.execute(
        db.insert_new(failures).values(
            realm=realm, source=source, login=login, failures=0, last_failure_at=now
        )
    )
    count = connection.execute(
        update(failures)
        .where(failures.c.realm == realm, failures.c.source == source, failures.c.login == login)
        .values(failures=failures.c.failures + 1, last_failure_at=now)
        .returning(failures.c.failures)
    ).scalar_one()
    return wait_after(count)


def clear(
    connection: Connection, db: Database, realm: str, *, login: str, source: str | None = None
) -> None:
    """Forget the wrong attempts on a login: of one source (a right answer), or of all (a
    teacher's reset)."""
    failures = db.tables["sign_in_failures"]
    condition = (failures.c.realm == realm) & (failures.c.login == login)
    if source is not None:
        condition &= failures.c.source == source
    connection.execute(delete(failures).where(condition))
