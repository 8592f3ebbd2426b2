"""Quitting a kiosk in secure mode: the invigilator types the invigilator code on the lab PC.

The kiosk does not know the code, so it asks here, naming the session (the number the
invigilator types, or that of the kiosk's last check-in) and the exam under way, if any. The
code is checked as for a console sign-in (same lockout, every failure logged) and every quit is
written to the security log with the device and the exam, so an exam interrupted this way can
be explained afterwards. Nothing else changes on the server: an exam under way waits for its
resume, as after a crash.
"""

from typing import Any

from sqlalchemy import select

from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.security import check_invigilator_code, log_event, session_by_number


def quit_with_code(
    ctx: ServerContext, device, *, session_number: int, code: str, exam_id: str | None
) -> dict[str, Any]:
    db, now = ctx.db, ctx.now()
    failure: ApiError | None = None
    with db.write() as connection:
        session = session_by_number(
            connection,
            db,
            session_number,
            now=now,
            detail={"by": "kiosk_quit"},
            device_id=device.device_id,
        )
        if session is None:
            failure = ApiError("session_not_found")
        else:
            if exam_id is not None:
                _check_exam(connection, ctx, device, exam_id, session.session_id)
            failure = check_invigilator_code(
                connection,
                db,
                session,
                code,
                now=now,
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


def _check_exam(connection, ctx: ServerContext, device, exam_id: str, session_id: str) -> None:
    """The exam named must be this device's, in this session."""
    exams = ctx.db.tables["exams"]
    exam = connection.execute(select(exams).where(exams.c.exam_id == exam_id)).first()
    if exam is None or exam.session_id != session_id:
        raise ApiError("exam_not_found")
    if exam.device_id != device.device_id:
        raise ApiError("forbidden")
