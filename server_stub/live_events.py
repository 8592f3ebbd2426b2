"""What a kiosk raises during the exam for the invigilator to handle at once.

A live alert: the candidate signals a problem with the question on screen; the invigilator
validates it (the question is replaced) or dismisses it. A security incident: the kiosk left
its locked-down state (focus lost, another window...) and locked itself; the invigilator
unlocks it remotely once satisfied, or types the invigilator code on the kiosk itself. A
refused start (`locked` false): the kiosk could not apply its lockdown (a prohibited program is
open...) and waits on its instructions screen; the invigilator goes and fixes the PC, and the
exam's first question resolves it (intake/streaming.py). All show on the room status until
handled.
"""

from typing import Any

from sqlalchemy import select

from server_stub import candidate_states as states
from server_stub import codes
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.notifier import room_key
from server_stub.security import check_invigilator_code, device_source, log_event


def _running_exam_of_device(connection, ctx: ServerContext, device, exam_id: str):
    t = ctx.db.tables
    row = connection.execute(
        select(t["exams"], t["candidates"].c.status)
        .join(t["candidates"], t["candidates"].c.candidate_id == t["exams"].c.candidate_id)
        .where(t["exams"].c.exam_id == exam_id)
        .with_for_update(of=t["exams"], key_share=True)  # its alerts and incidents one at a time
    ).first()
    if row is None:
        raise ApiError("exam_not_found")
    if row.device_id != device.device_id:
        raise ApiError("forbidden")
    if row.status not in states.RUNNING:
        raise ApiError("exam_not_running", status=row.status)
    return row


def raise_alert(ctx: ServerContext, device, exam_id: str, item_id: str) -> dict[str, Any]:
    """Open an alert on `item_id`; raising it again while open returns the same alert."""
    db, now = ctx.db, ctx.now()
    alerts = db.tables["alerts"]
    with db.write() as connection:
        exam = _running_exam_of_device(connection, ctx, device, exam_id)
        existing = connection.execute(
            select(alerts).where(
                alerts.c.exam_id == exam_id, alerts.c.item_id == item_id, alerts.c.state == "open"
            )
        ).first()
        if existing is not None:
            return {"alert_id": existing.alert_id, "state": existing.state, "item_id": item_id}
        alert_id = codes.identifier("alert")
        connection.execute(
            alerts.insert().values(
                alert_id=alert_id, exam_id=exam_id, item_id=item_id, state="open", raised_at=now
            )
        )
    ctx.notifier.notify(room_key(exam.session_id))
    return {"alert_id": alert_id, "state": "open", "item_id": item_id}


def report_incident(
    ctx: ServerContext, device, exam_id: str, kind: str, detail: str, *, locked: bool = True
) -> dict[str, Any]:
    """Record a lockdown violation (the kiosk stays locked until the invigilator unlocks it) or,
    `locked` false, a refused start (the kiosk is not locked: the PC must be seen to)."""
    db, now = ctx.db, ctx.now()
    incident_id = codes.identifier("inc")
    with db.write() as connection:
        exam = _running_exam_of_device(connection, ctx, device, exam_id)
        connection.execute(
            db.tables["incidents"]
            .insert()
            .values(
                incident_id=incident_id,
                exam_id=exam_id,
                kind=kind,
                detail=detail,
                reported_at=now,
                locked=locked,
            )
        )
        log_event(
            connection,
            db,
            at=now,
            kind="security_incident",
            detail={
                "exam_id": exam_id,
                "incident_id": incident_id,
                "kind": kind,
                "detail": detail,
                "locked": locked,
            },
            session_id=exam.session_id,
            device_id=device.device_id,
        )
    ctx.notifier.notify(room_key(exam.session_id))
    return {"incident_id": incident_id, "locked": locked}


def unlock_with_code(ctx: ServerContext, device, exam_id: str, code: str) -> dict[str, Any]:
    """The invigilator types the invigilator code on the locked kiosk itself.

    The code is checked like a console sign-in: same lockout, every failure logged.
    """
    db, now = ctx.db, ctx.now()
    t = db.tables
    incidents = t["incidents"]
    with db.write() as connection:
        exam = _running_exam_of_device(connection, ctx, device, exam_id)
        session = connection.execute(
            select(t["sessions"]).where(t["sessions"].c.session_id == exam.session_id)
        ).one()
        failure = check_invigilator_code(
            connection,
            db,
            session,
            code,
            now=now,
            source=device_source(device.device_id),
            detail={"on_kiosk": True, "exam_id": exam_id},
            device_id=device.device_id,
        )
        if failure is None:
            resolved = list(
                connection.scalars(
                    select(incidents.c.incident_id).where(
                        incidents.c.exam_id == exam_id, incidents.c.resolved_at.is_(None)
                    )
                )
            )
            connection.execute(
                incidents.update()
                .where(incidents.c.exam_id == exam_id, incidents.c.resolved_at.is_(None))
                .values(resolved_at=now)
            )
    if failure is not None:
        raise failure
    ctx.notifier.notify(room_key(exam.session_id))
    return {"unlocked": True, "incident_ids": resolved}
