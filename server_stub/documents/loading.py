"""Reads what the documents show from the server's database (SQLAlchemy Core, read-only).

Times are stored as seconds since the epoch on the server's clock; documents show them in the
server's local time zone, the school's.
"""

import json
from collections import defaultdict
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Connection, select

from engine.exam_events import WATCHED_FOCUS_LOST
from server_stub.console import EXTRA_TIME_EVENT, INVIGILATOR_EVENTS
from server_stub.db.database import Database
from server_stub.documents.data import (
    AttendanceReportData,
    AttendanceRow,
    Candidate,
    CertificateData,
    Incident,
    SessionFacts,
    SessionSheetData,
)
from server_stub.errors import ApiError
from server_stub.exports import certificate
from server_stub.planning import session_row

# candidates.status (server_stub/candidate_states.py) -> attendance outcome
_OUTCOMES = {
    "not_arrived": "not_arrived",
    "absent": "absent",
    "waiting": "not_started",
    "authorised": "not_started",
    "in_progress": "not_finished",
    "waiting_resume": "not_finished",
    "resume_authorised": "not_finished",
    "ended": "finished",
    "finished": "finished",
    "rejected": "finished",
}


def _moment(seconds: float | None) -> datetime | None:
    """A stored instant as an aware datetime in the server's local time zone."""
    return datetime.fromtimestamp(seconds).astimezone() if seconds is not None else None


def _facts(session) -> SessionFacts:
    return SessionFacts(
        number=str(session.session_number),
        centre=session.centre,
        room=session.room,
        day=date.fromisoformat(session.exam_date),
        start=time.fromisoformat(session.start_time),
        access_code=session.access_code,
        invigilator_code=session.invigilator_code,
        examiner=session.invigilator,
    )


def _candidate(row) -> Candidate:
    return Candidate(
        last_name=row.last_name,
        first_names=row.first_names,
        birth_date=date.fromisoformat(row.birth_date),
        external_id=row.ine,
        extra_time_percent=row.extra_time_percent,
        accessibility_needs=bool(row.accessibility_needs),
    )


def _candidate_rows(connection: Connection, db: Database, session_id: str) -> list[Any]:
    candidates = db.tables["candidates"]
    return connection.execute(select(candidates).where(candidates.c.session_id == session_id)).all()


def load_session_sheet(db: Database, session_id: str) -> SessionSheetData:
    with db.read() as connection:
        session = session_row(connection, db, session_id)
        rows = _candidate_rows(connection, db, session_id)
    return SessionSheetData(_facts(session), tuple(_candidate(row) for row in rows))


def load_attendance_report(db: Database, session_id: str) -> AttendanceReportData:
    t = db.tables
    with db.read() as connection:
        session = session_row(connection, db, session_id)
        candidates = _candidate_rows(connection, db, session_id)
        exams = {
            row.candidate_id: row
            for row in connection.execute(
                select(t["exams"]).where(t["exams"].c.session_id == session_id)
            )
        }
        results = {
            row.candidate_id: row.status
            for row in connection.execute(
                select(t["results"].c.candidate_id, t["results"].c.status).where(
                    t["results"].c.exam_id.in_([exam.exam_id for exam in exams.values()])
                )
            )
        }
        devices = dict(
            connection.execute(select(t["devices"].c.device_id, t["devices"].c.label)).all()
        )
        incidents = _incidents(connection, db, session_id, candidates, exams)
    rows = []
    for candidate in candidates:
        exam = exams.get(candidate.candidate_id)
        outcome = _OUTCOMES.get(candidate.status, "not_finished")
        if outcome == "finished" and exam is not None and exam.abort_reason:
            outcome = "aborted"
        rows.append(
            AttendanceRow(
                candidate=_candidate(candidate),
                outcome=outcome,
                answers=exam.answered if exam is not None else 0,
                started_at=_moment(exam.started_at) if exam is not None else None,
                ended_at=_moment(exam.ended_at) if exam is not None else None,
                abort_reason=exam.abort_reason if exam is not None else None,
                device=devices.get(candidate.device_id, "") if candidate.device_id else "",
                certification_status=_certification_status(candidate, results),
            )
        )
    return AttendanceReportData(
        session=_facts(session),
        rows=tuple(rows),
        incidents=tuple(incidents),
        finalised_at=_moment(session.finalised_at),
        comment=session.finalisation_remarks or "",
    )


def _certification_status(candidate, results: dict[str, str]) -> str:
    """As the exports say it (server_stub/exports.py): the scored status once the record is
    in, rejected when the record was kept aside, pending otherwise."""
    if candidate.status == "finished" and candidate.candidate_id in results:
        return results[candidate.candidate_id]
    return "rejected" if candidate.status == "rejected" else "pending"


def _incidents(
    connection: Connection, db: Database, session_id: str, candidates, exams
) -> list[Incident]:
    """Issue reports, live alerts, locks and refused starts, early ends, pauses, extra time and
    absences, each with its candidate."""
    t = db.tables
    names = {row.candidate_id: _candidate(row).display_name for row in candidates}
    by_exam = {exam.exam_id: names[exam.candidate_id] for exam in exams.values()}
    found = [
        Incident(
            at=_moment(row.created_at),
            candidate_name=names.get(row.candidate_id, ""),
            kind=row.category,
            subcategory=row.subcategory or "",
            description=_with_question(row.description, row.item_id),
        )
        for row in connection.execute(
            select(t["issue_reports"]).where(t["issue_reports"].c.session_id == session_id)
        )
    ]
    exam_ids = list(by_exam)
    for row in connection.execute(select(t["alerts"]).where(t["alerts"].c.exam_id.in_(exam_ids))):
        found.append(
            Incident(
                at=_moment(row.raised_at),
                candidate_name=by_exam[row.exam_id],
                kind="LIVE_ALERT",
                subcategory=row.subcategory or "",
                resolution={"validated": "alert_validated", "dismissed": "alert_dismissed"}.get(
                    row.state, "open"
                ),
            )
        )
    for row in connection.execute(
        select(t["incidents"]).where(t["incidents"].c.exam_id.in_(exam_ids))
    ):
        found.append(
            Incident(
                at=_moment(row.reported_at),
                candidate_name=by_exam[row.exam_id],
                kind=_incident_kind(row),
                subcategory="" if row.kind == WATCHED_FOCUS_LOST else row.kind,
                description=_incident_detail(row.detail),
                resolution=_incident_resolution(row),
            )
        )
    for exam in exams.values():
        if exam.abort_reason and exam.ended_at is not None:
            found.append(
                Incident(
                    at=_moment(exam.ended_at),
                    candidate_name=by_exam[exam.exam_id],
                    kind="TEST_ENDED",
                    subcategory=exam.abort_reason,
                )
            )
    found.extend(_pauses(connection, db, by_exam))
    found.extend(_logged_actions(connection, db, session_id, names))
    return found


def _incident_kind(row) -> str:
    if row.locked:
        return "KIOSK_LOCKED"
    return "FOCUS_LOST" if row.kind == WATCHED_FOCUS_LOST else "START_REFUSED"


def _incident_resolution(row) -> str:
    """A lock ends unlocked; a refused start ends resolved (the PC seen to, the exam begun); a
    focus loss on a watched question is a notice, with nothing to resolve."""
    if row.kind == WATCHED_FOCUS_LOST and not row.locked:
        return ""
    if row.resolved_at is None:
        return "open"
    return "unlocked" if row.locked else "resolved"


def _logged_actions(
    connection: Connection, db: Database, session_id: str, names: dict[str, str]
) -> list[Incident]:
    """Extra time and absences, as the server logged them (server_stub/console.py)."""
    log = db.tables["security_log"]
    found = []
    for row in connection.execute(
        select(log).where(log.c.session_id == session_id, log.c.kind.in_(INVIGILATOR_EVENTS))
    ):
        detail = json.loads(row.detail)
        extra = row.kind == EXTRA_TIME_EVENT
        found.append(
            Incident(
                at=_moment(row.at),
                candidate_name=names.get(detail.get("candidate_id"), ""),
                kind="EXTRA_TIME" if extra else "MARKED_ABSENT",
                description=f"+{detail.get('minutes', 0)} min" if extra else "",
            )
        )
    return found


def _pauses(connection: Connection, db: Database, by_exam: dict[str, str]) -> list[Incident]:
    """Invigilator pauses; a room-wide pause (same second) is one line naming everyone."""
    pauses = db.tables["pauses"]
    grouped: dict[int, list[str]] = defaultdict(list)
    for row in connection.execute(
        select(pauses).where(pauses.c.exam_id.in_(list(by_exam)), pauses.c.reason == "invigilator")
    ):
        grouped[int(row.started_at)].append(by_exam[row.exam_id])
    return [
        Incident(at=_moment(started), candidate_name=", ".join(sorted(who)), kind="PAUSED")
        for started, who in grouped.items()
    ]


def _with_question(description: str, item_ref: str | None) -> str:
    """An issue report names its question as "#7" (the 7th shown) or by item id."""
    return f"[{item_ref}] {description}".strip() if item_ref else description


def _incident_detail(detail: str) -> str:
    """What the kiosk said of a lock: plain text, or a JSON object flattened to `key: value`."""
    try:
        parsed = json.loads(detail)
    except (TypeError, ValueError):
        return detail or ""
    if isinstance(parsed, dict):
        return ", ".join(f"{key}: {value}" for key, value in parsed.items())
    return str(parsed)


def load_certificate(db: Database, verification_code: str, lookup_url: str) -> CertificateData:
    """The published certificate with this code (as the public lookup finds it); `lookup_url`
    is the public lookup address, with `{code}` where the verification code goes."""
    found = certificate(db, verification_code)
    if found["status"] != "validated":
        raise ApiError("certificate_not_found")
    t = db.tables
    with db.read() as connection:
        session = session_row(connection, db, found["session_id"])
        grade = connection.execute(
            select(t["candidates"].c.grade, t["candidates"].c.expected_level)
            .join(t["results"], t["results"].c.candidate_id == t["candidates"].c.candidate_id)
            .where(t["results"].c.verification_code == found["verification_code"])
        ).one()
    return CertificateData(
        candidate=Candidate(
            last_name=found["last_name"],
            first_names=found["first_names"],
            birth_date=date.fromisoformat(found["birth_date"]),
        ),
        session_number=str(session.session_number),
        centre=found["centre"],
        session_day=date.fromisoformat(found["date"]),
        score=found["score"],
        global_level=found["global_level"],
        competence_levels=found["competence_levels"],
        verification_code=found["verification_code"],
        verification_url=lookup_url.format(code=found["verification_code"]),
        issued_on=_moment(session.published_at).date(),
        grade=grade.grade,
        expected_level=grade.expected_level,
    )
