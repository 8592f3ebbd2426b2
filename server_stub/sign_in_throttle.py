"""Slowing down guesses at students' sign-in without handing anyone a way to lock a student out.

A per-account lockout lets a stranger who knows (or guesses) a login keep that student out of
practice just by typing wrong codes. Here the count is per source address *and* login: after
FREE_FAILURES wrong attempts in a row, that source must wait before its next attempt on that
login, twice as long each time (BACKOFF_BASE_S, 2×, ... up to MAX_BACKOFF_S). An attempt made
while waiting is refused without being checked (no Argon2 cost for the server either) and does
not lengthen the wait. The student, from their own address, is never slowed by someone else's
mistakes; a right answer clears the count. Rows of a source that stopped trying are dropped
after a day.
"""

from sqlalchemy import Connection, delete, select, update

from server_stub.db.database import Database
from server_stub.practice.errors import PracticeError

FREE_FAILURES = 5
BACKOFF_BASE_S = 2.0
MAX_BACKOFF_S = 15 * 60.0
FORGET_AFTER_S = 24 * 60 * 60.0


def wait_after(failures: int) -> float:
    """Seconds a source must wait after `failures` wrong attempts in a row on one login."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_BACKOFF_S, BACKOFF_BASE_S * 2 ** (failures - FREE_FAILURES))


def check_allowed(connection: Connection, db: Database, source: str, login: str, now: float):
    """Raise PracticeError 429 (with the seconds left) while this source must wait."""
    failures = db.tables["practice_sign_in_failures"]
    row = connection.execute(
        select(failures.c.failures, failures.c.last_failure_at).where(
            failures.c.source == source, failures.c.login == login
        )
    ).first()
    if row is None:
        return
    remaining = row.last_failure_at + wait_after(row.failures) - now
    if remaining > 0:
        raise PracticeError("practice_sign_in_throttled", seconds=max(1, round(remaining)))


def record_failure(db: Database, source: str, login: str, now: float) -> None:
    """One more wrong attempt of this source on this login (and forget long-silent sources)."""
    failures = db.tables["practice_sign_in_failures"]
    with db.write() as connection:
        connection.execute(
            delete(failures).where(failures.c.last_failure_at < now - FORGET_AFTER_S)
        )
        connection.execute(
            db.insert_new(failures).values(
                source=source, login=login, failures=0, last_failure_at=now
            )
        )
        connection.execute(
            update(failures)
            .where(failures.c.source == source, failures.c.login == login)
            .values(failures=failures.c.failures + 1, last_failure_at=now)
        )


def clear(connection: Connection, db: Database, *, login: str, source: str | None = None) -> None:
    """Forget the wrong attempts on a login: of one source (a right answer), or of all (a
    teacher's reset)."""
    failures = db.tables["practice_sign_in_failures"]
    condition = failures.c.login == login
    if source is not None:
        condition &= failures.c.source == source
    connection.execute(delete(failures).where(condition))
