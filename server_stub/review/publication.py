"""The lead's publication of a reviewed session: refused while any certification is pending.

Publishing gives each validated certificate its verification code; from then on the public
lookup and the national feeds find it. A certificate gets a code when its result is validated
and it was either clean or validated by a reviewer; a reviewer's cancel or reject keeps it
without one, and a rehearsal session never gets any.
"""

import time
from typing import Any

from sqlalchemy import select

from server_stub import candidate_states as states
from server_stub import codes
from server_stub.db.database import Database
from server_stub.errors import ApiError
from server_stub.review.queue import final_decisions, session_pending
from server_stub.schools import audit


def publish_session(
    db: Database, session_id: str, *, actor: str, now: float | None = None
) -> dict[str, Any]:
    """Publish a finalised session as its lead (`actor`: `cli` or `account:<login>`), or
    ApiError: not found, not finalised, or `review_still_pending` naming who is pending
    (`details` lists them). Publishing again changes nothing."""
    now = time.time() if now is None else now
    t = db.tables
    sessions, results, candidates = t["sessions"], t["results"], t["candidates"]
    with db.write() as connection:
        session = connection.execute(
            select(sessions).where(sessions.c.session_id == session_id)
        ).first()
        if session is None:
            raise ApiError("session_not_found")
        if session.state == "planned":
            raise ApiError("session_not_finalised")
        if session.state == "published":
            return _state(session.session_id, "published")
        pending = session_pending(connection, db, session_id)
        if pending:
            raise ApiError(
                "review_still_pending",
                details=[
                    {
                        "candidate_id": item["candidate_id"],
                        "name": f"{item['last_name']} {item['first_names']}",
                        "reasons": item["reasons"],
                    }
                    for item in pending
                ],
                count=len(pending),
                names=", ".join(
                    f"{item['last_name']} {item['first_names']} ({', '.join(item['reasons'])})"
                    for item in pending
                ),
            )
        if not session.rehearsal:
            decided = final_decisions(connection, db, session_id)
            taken = set(
                connection.scalars(
                    select(results.c.verification_code).where(
                        results.c.verification_code.is_not(None)
                    )
                )
            )
            for row in connection.execute(
                select(results.c.exam_id, results.c.candidate_id, t["exams"].c.review_reasons)
                .join(candidates, candidates.c.candidate_id == results.c.candidate_id)
                .join(t["exams"], t["exams"].c.exam_id == results.c.exam_id)
                .where(
                    candidates.c.session_id == session_id,
                    candidates.c.status == states.FINISHED,
                    results.c.status == "validated",
                )
            ).all():
                decision = decided.get(row.candidate_id)
                if decision in ("cancel", "reject"):
                    continue
                if row.review_reasons is not None and decision != "validate":
                    continue
                code = codes.verification_code()
                while code in taken:
                    code = codes.verification_code()
                taken.add(code)
                connection.execute(
                    results.update()
                    .where(results.c.exam_id == row.exam_id)
                    .values(verification_code=code)
                )
        connection.execute(
            sessions.update()
            .where(sessions.c.session_id == session_id)
            .values(state="published", published_at=now)
        )
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="session.publish",
            uai=session.uai,
            target=session_id,
        )
    return _state(session_id, "published")


def _state(session_id: str, state: str) -> dict[str, Any]:
    return {"session_id": session_id, "state": state}
