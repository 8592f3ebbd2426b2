"""Quitting a kiosk in secure mode: the invigilator types the invigilator code on the lab PC.

The kiosk does not know the code, so it asks here, naming the session (the number the
invigilator types, or that of the kiosk's last check-in) and the exam under way, if any. A kiosk
with a candidate checked in and not done (waiting, authorised, in progress) takes the code of
that candidate's session only, whatever number was typed: another session's invigilator cannot
quit it. The code is checked as for a console sign-in (failures counted for this device, every
one logged; an unknown session number is a wrong code) and every quit is written to the
security log with the device and the exam, so an exam interrupted this way can be explained
afterwards. Nothing else changes on the server: an exam under way waits for its resume, as
after a crash.
"""

from typing import Any

from sqlalchemy import select

from server_stub import candidate_states as states
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.security import (
    check_invigilator_code,
    device_source,
    log_event,
    session_by_number,
)

UNDER_WAY = (states.WAITING, states.AUTHORISED, *states.RUNNING, states.ENDED)


def quit_with_code(
    ctx: ServerContext, device, *, session_number: int, code: str, exam_id: str | None
) -> dict[str, Any]:
    db, now = ctx.db, ctx.now()
    with db.write() as connection:
        session = _running_session(connection, ctx, device) or session_by_number(
            connection,
            db,
            session_number,
            now=now,
            detail={"by": "kiosk_quit"},
            device_id=device.device_id,
        )
        if session is not None and exam_id is not None:
            _check_exam(connection, ctx, device, exam_id, session.session_id)
        failure = check_invigilator_code(
            connection,
            db,
            session,
            code,
            now=now,
            source=device_source(device.device_id),
            detail={"on_kiosk": True, "action": "quit", "exam_id": exam_id},
            device_id=device.device_id,
        )
        if failure is None:
            log_event(
                connection,
                db,
                at=now,
                kind="kiosk_quit",
                detail={"exam_id": exam_id},
                session_id=session.session_id,
                device_id=device.device_id,
            )
    if failure is not None:
        raise failure
    return {"quit": True, "session_id": session.session_id}


def _running_session(connection, ctx: ServerContext, device):
    """The session of the candidate checked in on this device and not done yet, if any."""
    t = ctx.db.tables
    candidates, sessions = t["candidates"], t["sessions"]
    return connection.execute(
        select(sessions)
        .join(candidates, candidates.c.session_id == sessions.c.session_id)
        .where(
            candidates.c.device_id == device.device_id,
            candidates.c.status.in_(UNDER_WAY),
            sessions.c.state == "planned",
        )
        .order_by(candidates.c.checked_in_at.desc())
        .limit(1)
    ).first()


def _check_exam(connection, ctx: ServerContext, device, exam_id: str, session_id: str) -> None:
    """The exam named must be this device's, in this session."""
    exams = ctx.db.tables["exams"]
    exam = connection.execute(select(exams).where(exams.c.exam_id == exam_id)).first()
    if exam is None or exam.session_id != session_id:
        raise ApiError("exam_not_found")
    if exam.device_id != device.device_id:
        raise ApiError("forbidden")
