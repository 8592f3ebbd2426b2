"""The security log and the lockouts that stop code guessing (DESIGN §5: codes and PINs).

Every failed code is logged. After `MAX_FAILURES` failures in a row on one scope, that scope
is locked for `LOCKOUT_S`. Callers record a failure inside their write transaction and raise
only after it commits, so a refusal never rolls its own trace back.

Scopes: check-in from one device for a session (wrong access codes and unknown candidates);
and the invigilator code for a session from one source — a client address for the console, a
device for a code typed on a kiosk. Counted per source, a stranger (or a pupil at the quit
prompt) locks out only their own source, never the real invigilator at the console. An
unknown session number is answered as a wrong code and counted for the source across
sessions (`ANY_SESSION`): guessing session numbers locks the guesser out of every session.
"""

import json
import math
import secrets
from typing import Any

from sqlalchemy import Connection, select

from server_stub import codes
from server_stub.db.database import Database
from server_stub.errors import ApiError

MAX_FAILURES = 5
LOCKOUT_S = 15 * 60
# The lockouts that count for one source across every session use this session id.
ANY_SESSION = "*"


def console_source(address: str | None) -> str:
    """The source of a console sign-in: the client address (behind a reverse proxy, the one
    it forwards: docs/security.md)."""
    return f"address:{address or 'unknown'}"


def device_source(device_id: str) -> str:
    """The source of a code typed on a kiosk: the device."""
    return f"device:{device_id}"


def log_event(
    connection: Connection,
    db: Database,
    *,
    at: float,
    kind: str,
    detail: dict[str, Any],
    session_id: str | None = None,
    device_id: str | None = None,
) -> None:
    connection.execute(
        db.tables["security_log"]
        .insert()
        .values(
            event_id=codes.identifier("sec"),
            at=at,
            kind=kind,
            session_id=session_id,
            device_id=device_id,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
        )
    )


def session_by_number(
    connection: Connection,
    db: Database,
    session_number: int,
    *,
    now: float,
    detail: dict[str, Any],
    device_id: str | None = None,
):
    """The session with this number, or None once the miss is logged (`unknown_session`: a
    typing error, or someone guessing numbers); `detail` says who asked."""
    sessions = db.tables["sessions"]
    session = connection.execute(
        select(sessions).where(sessions.c.session_number == session_number)
    ).first()
    if session is None:
        log_event(
            connection,
            db,
            at=now,
            kind="unknown_session",
            detail={"session_number": session_number, **detail},
            device_id=device_id,
        )
    return session


def locked_minutes(
    connection: Connection, db: Database, session_id: str, scope: str, now: float
) -> int | None:
    """Minutes left on a lockout (rounded up), or None when the scope is open."""
    lockouts = db.tables["lockouts"]
    until = connection.scalar(
        select(lockouts.c.locked_until).where(
            lockouts.c.session_id == session_id, lockouts.c.scope == scope
        )
    )
    if until is None or until <= now:
        return None
    return max(1, math.ceil((until - now) / 60))


def record_failure(
    connection: Connection, db: Database, session_id: str, scope: str, now: float
) -> int:
    """Count one failure; returns the attempts left before the lockout (0: now locked)."""
    lockouts = db.tables["lockouts"]
    # Guesses in parallel (several server processes) must each count: the row is created if
    # missing, then locked while it is counted.
    connection.execute(
        db.insert_new(lockouts).values(
            session_id=session_id, scope=scope, failures=0, locked_until=None
        )
    )
    row = connection.execute(
        select(lockouts)
        .where(lockouts.c.session_id == session_id, lockouts.c.scope == scope)
        .with_for_update(key_share=True)
    ).one()
    expired = row.locked_until is not None and row.locked_until <= now
    failures = 1 if expired else row.failures + 1
    locked_until = now + LOCKOUT_S if failures >= MAX_FAILURES else None
    connection.execute(
        lockouts.update()
        .where(lockouts.c.session_id == session_id, lockouts.c.scope == scope)
        .values(failures=failures, locked_until=locked_until)
    )
    return max(0, MAX_FAILURES - failures)


def clear_failures(connection: Connection, db: Database, session_id: str, scope: str) -> None:
    lockouts = db.tables["lockouts"]
    connection.execute(
        lockouts.delete().where(lockouts.c.session_id == session_id, lockouts.c.scope == scope)
    )


def check_invigilator_code(
    connection: Connection,
    db: Database,
    session: Any,
    code: str,
    *,
    now: float,
    source: str,
    detail: dict[str, Any],
    device_id: str | None = None,
    locked_kind: str | None = None,
) -> ApiError | None:
    """The one check of the invigilator code (console sign-in, unlock or quit on a kiosk): None
    when right (the failure count is reset), else the refusal to raise once the transaction
    has committed. A failure is counted for this session from `source` and logged
    (`wrong_invigilator_code`, with `detail`); an attempt while locked is logged as
    `locked_kind` when given.

    `session` None (an unknown session number) is answered exactly as a first wrong code on a
    real session, and counted for `source` across sessions: after `MAX_FAILURES` such misses
    the source is locked out of every session (someone guessing session numbers)."""
    scope = f"invigilator:{source}"
    session_id = session.session_id if session is not None else None
    minutes = locked_minutes(connection, db, ANY_SESSION, scope, now)
    if minutes is None and session is not None:
        minutes = locked_minutes(connection, db, session.session_id, scope, now)
    if minutes is not None:
        if locked_kind is not None:
            log_event(
                connection,
                db,
                at=now,
                kind=locked_kind,
                detail={"source": source, **detail},
                session_id=session_id,
                device_id=device_id,
            )
        return ApiError("invigilator_locked", minutes=minutes)
    if session is None:
        left = record_failure(connection, db, ANY_SESSION, scope, now)
        answered = MAX_FAILURES - 1 if left else 0  # as a real session's first failure
    elif not secrets.compare_digest(code.strip().encode(), session.invigilator_code.encode()):
        left = answered = record_failure(connection, db, session.session_id, scope, now)
    else:
        clear_failures(connection, db, session.session_id, scope)
        return None
    log_event(
        connection,
        db,
        at=now,
        kind="wrong_invigilator_code",
        detail={"attempts_left": left, "source": source, **detail},
        session_id=session_id,
        device_id=device_id,
    )
    if answered:
        return ApiError(
            "wrong_invigilator_code",
            left_fr=f"{answered} essai restant" if answered == 1 else f"{answered} essais restants",
            left_en=f"{answered} attempt left" if answered == 1 else f"{answered} attempts left",
        )
    return ApiError("invigilator_locked", minutes=LOCKOUT_S // 60)
