"""The live room status the invigilator console shows: one line per candidate.

Shown statuses: not_arrived, absent, waiting (for a start or a resume), authorised, in_progress
(n/32), paused, locked (an unresolved security incident that locked the kiosk), start_refused
(only refused starts open: the kiosk could not apply its lockdown and is not locked, the PC must
be seen to), live_alert (an alert to handle), finished (the kiosk is done, its record not yet
in), record_received, record_rejected.
Each line also says which kiosk configuration the candidate checked in with (its key, its label
on the allow-list, the kiosk version). The console long-polls: `version` changes whenever
something in the room changes.
"""

from typing import Any

from sqlalchemy import select

from engine.exam_events import WATCHED_FOCUS_LOST
from server_stub import candidate_states as states
from server_stub import config_keys
from server_stub.context import ServerContext
from server_stub.exam_evidence import review_reasons
from server_stub.notifier import room_key
from server_stub.timeline import instant_text, load_timeline

QUESTION_COUNT = 32


def room_status(ctx: ServerContext, session_id: str) -> dict[str, Any]:
    db, now = ctx.db, ctx.now()
    version = ctx.notifier.version(room_key(session_id))
    t = db.tables
    with db.read() as connection:
        session = connection.execute(
            select(t["sessions"]).where(t["sessions"].c.session_id == session_id)
        ).one()
        candidates = connection.execute(
            select(t["candidates"])
            .where(t["candidates"].c.session_id == session_id)
            .order_by(t["candidates"].c.last_name, t["candidates"].c.first_names)
        ).all()
        exams = {
            row.candidate_id: row
            for row in connection.execute(
                select(t["exams"]).where(t["exams"].c.session_id == session_id)
            )
        }
        exam_ids = [exam.exam_id for exam in exams.values()]
        timelines = {exam.exam_id: load_timeline(connection, db, exam) for exam in exams.values()}
        open_alerts = _group(
            connection.execute(
                select(t["alerts"]).where(
                    t["alerts"].c.exam_id.in_(exam_ids), t["alerts"].c.state == "open"
                )
            )
        )
        open_incidents = _group(
            connection.execute(
                select(t["incidents"]).where(
                    t["incidents"].c.exam_id.in_(exam_ids), t["incidents"].c.resolved_at.is_(None)
                )
            )
        )
        quarantined = {
            row.exam_id: row.reason_code
            for row in connection.execute(
                select(t["records"].c.exam_id, t["records"].c.reason_code).where(
                    t["records"].c.exam_id.in_(exam_ids), t["records"].c.outcome == "quarantined"
                )
            )
        }
        labels = dict(
            connection.execute(select(t["devices"].c.device_id, t["devices"].c.label)).all()
        )
        allowed = config_keys.labels(connection, db)
    lines = []
    for candidate in candidates:
        exam = exams.get(candidate.candidate_id)
        timeline = timelines.get(exam.exam_id) if exam is not None else None
        alerts = open_alerts.get(exam.exam_id, []) if exam is not None else []
        incidents = open_incidents.get(exam.exam_id, []) if exam is not None else []
        contact = _last_contact(ctx, candidate.device_id, exam)
        deadline = timeline.deadline(now) if timeline is not None else None
        lines.append(
            {
                "candidate_id": candidate.candidate_id,
                "last_name": candidate.last_name,
                "first_names": candidate.first_names,
                "birth_date": candidate.birth_date,
                "extra_time_percent": candidate.extra_time_percent,
                "accessibility_needs": candidate.accessibility_needs,
                "status": _shown_status(candidate.status, exam, timeline, alerts, incidents, now),
                "waiting_for": {
                    states.WAITING: "start",
                    states.WAITING_RESUME: "resume",
                }.get(candidate.status),
                "exam_id": exam.exam_id if exam is not None else None,
                "answered": exam.answered if exam is not None else 0,
                "question_count": QUESTION_COUNT,
                "remaining_s": round(timeline.remaining_s(now), 1) if timeline else None,
                "deadline": instant_text(deadline) if deadline is not None else None,
                "device_id": candidate.device_id,
                "device_label": labels.get(candidate.device_id),
                "config_key": candidate.config_key,
                "config_label": allowed.get(candidate.config_key),
                "app_version": candidate.app_version,
                "last_contact": instant_text(contact) if contact is not None else None,
                "alerts": [
                    {
                        "alert_id": alert.alert_id,
                        "item_id": alert.item_id,
                        "raised_at": instant_text(alert.raised_at),
                    }
                    for alert in alerts
                ],
                "incidents": [
                    {
                        "incident_id": incident.incident_id,
                        "kind": incident.kind,
                        "detail": incident.detail,
                        "reported_at": instant_text(incident.reported_at),
                        "locked": bool(incident.locked),
                    }
                    for incident in incidents
                ],
                "rejection_reason": quarantined.get(exam.exam_id) if exam is not None else None,
                "review_reasons": review_reasons(exam.review_reasons) if exam is not None else [],
            }
        )
    return {
        "session_id": session_id,
        "session_state": session.state,
        "version": version,
        "server_time": instant_text(now),
        "candidates": lines,
    }


def _shown_status(status: str, exam, timeline, alerts, incidents, now: float) -> str:
    if status == states.FINISHED:
        return "record_received"
    if status == states.REJECTED:
        return "record_rejected"
    if status in (states.WAITING, states.WAITING_RESUME):
        return "waiting"
    if status in (states.AUTHORISED, states.RESUME_AUTHORISED):
        return "authorised"
    if status == states.ENDED or (
        status == states.IN_PROGRESS
        and (exam.ended_at is not None or exam.answered >= QUESTION_COUNT)
    ):
        return "finished"
    if status == states.IN_PROGRESS:
        if alerts:
            return "live_alert"
        if any(incident.locked for incident in incidents):
            return "locked"
        if any(incident.kind != WATCHED_FOCUS_LOST for incident in incidents):
            return "start_refused"
        if timeline is not None and timeline.start(now) is None:
            return "authorised"  # the ticket taken, the candidate on the instructions screen
        if timeline is not None and timeline.is_paused():
            return "paused"
        return "in_progress"
    return status  # not_arrived, absent


def _group(rows) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row.exam_id, []).append(row)
    return grouped


def _last_contact(ctx: ServerContext, device_id: str | None, exam) -> float | None:
    """The kiosk's last request this process saw, or its exam's last contact stored by any
    process (server processes on PostgreSQL: docs/deployment.md), whichever is later."""
    seen = [
        ctx.last_contact.get(device_id) if device_id else None,
        exam.last_contact_at if exam is not None else None,
    ]
    return max((instant for instant in seen if instant is not None), default=None)
