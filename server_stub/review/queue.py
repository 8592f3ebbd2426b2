"""The reviewers' queue: every certification of a finalised session that must be looked at
before publication, with the evidence a reviewer decides on.

A certification is pending review when the server held its result (`review_reasons` of
exam_evidence.py: late entries, an offline stretch, a journal conflict), when its record was
quarantined, when the candidate has issue reports, incidents or neutralised answers, or when
fewer than `MIN_ANSWERS` answers were given — and no reviewer has taken a final decision on it
since (validate, cancel, reject; a later neutralisation reopens it).
"""

import json
from contextlib import suppress
from typing import Any

from sqlalchemy import Connection, Select, func, select

from server_stub import candidate_states as states
from server_stub.banks import BankStore
from server_stub.closing import replayed_exam
from server_stub.db.database import Database
from server_stub.errors import ApiError
from server_stub.exam_evidence import review_reasons
from server_stub.schools.orgs import default_uai

MIN_ANSWERS = 20
FINAL_DECISIONS = ("validate", "cancel", "reject")
# Why a certification is in the queue, beyond exam_evidence.REVIEW_REASONS.
QUARANTINED_RECORD = "quarantined_record"
ISSUE_REPORTS = "issue_reports"
INCIDENTS = "incidents"
NEUTRALISATIONS = "neutralisations"
FEW_ANSWERS = "few_answers"


def _certifications(t: dict) -> Select:
    """Each candidate with their exam's review reasons and their result: what the queue and a
    certification's evidence both read."""
    return (
        select(
            t["candidates"],
            t["exams"].c.exam_id,
            t["exams"].c.review_reasons,
            t["results"].c.status.label("result_status"),
            t["results"].c.score,
            t["results"].c.answered,
        )
        .outerjoin(t["exams"], t["exams"].c.candidate_id == t["candidates"].c.candidate_id)
        .outerjoin(t["results"], t["results"].c.candidate_id == t["candidates"].c.candidate_id)
    )


def final_decisions(connection: Connection, db: Database, session_id: str) -> dict[str, str]:
    """Candidate id -> its standing final decision (validate, cancel or reject)."""
    decisions = db.tables["review_decisions"]
    latest: dict[str, str] = {}
    for row in connection.execute(
        select(decisions.c.candidate_id, decisions.c.decision)
        .where(decisions.c.session_id == session_id)
        .order_by(decisions.c.decided_at, decisions.c.decision_id)
    ):
        latest[row.candidate_id] = row.decision
    return {key: value for key, value in latest.items() if value in FINAL_DECISIONS}


def session_pending(connection: Connection, db: Database, session_id: str) -> list[dict[str, Any]]:
    """The certifications of one session still waiting for a reviewer's final decision."""
    t = db.tables
    session = connection.execute(
        select(t["sessions"]).where(t["sessions"].c.session_id == session_id)
    ).first()
    if session is None or session.rehearsal:
        return []
    decided = final_decisions(connection, db, session_id)
    rows = connection.execute(
        _certifications(t)
        .where(
            t["candidates"].c.session_id == session_id,
            t["candidates"].c.status.in_(states.DONE),
        )
        .order_by(t["candidates"].c.last_name, t["candidates"].c.first_names)
    ).all()
    pending = []
    for row in rows:
        if row.candidate_id in decided:
            continue
        reasons = _flags(connection, db, row)
        if reasons:
            pending.append(_summary(connection, db, session, row, reasons))
    return pending


def pending_certifications(
    db: Database, *, session_id: str | None = None, uai: str | None = None
) -> list[dict[str, Any]]:
    """The queue: pending certifications of every finalised session (or of one session, or of
    one school), oldest session first. Each: candidate, session, result so far and `reasons`."""
    sessions = db.tables["sessions"]
    query = select(sessions.c.session_id).where(sessions.c.state == "finalised")
    if session_id is not None:
        query = query.where(sessions.c.session_id == session_id)
    if uai is not None:
        query = query.where(sessions.c.uai == uai.upper())
    with db.read() as connection:
        found = connection.scalars(query.order_by(sessions.c.finalised_at)).all()
        return [item for sid in found for item in session_pending(connection, db, sid)]


def certification_evidence(
    db: Database, candidate_id: str, banks: BankStore | None = None
) -> dict[str, Any]:
    """One certification with everything a reviewer needs: the candidate and result, why it is
    pending, the server's timeline (start, end, pauses, last contact, longest silence), the
    incidents, the issue reports, the replay's verdict on the record, and the decisions so far.
    With the server's `banks`, the replay's answers too (`{number, item_id, status}`: what a
    reviewer may neutralise)."""
    t = db.tables
    with db.read() as connection:
        row = connection.execute(
            _certifications(t).where(t["candidates"].c.candidate_id == candidate_id)
        ).first()
        if row is None:
            raise ApiError("review_candidate_not_found", candidate=candidate_id)
        session = connection.execute(
            select(t["sessions"]).where(t["sessions"].c.session_id == row.session_id)
        ).one()
        evidence = _summary(connection, db, session, row, _flags(connection, db, row))
        evidence["final_decision"] = final_decisions(connection, db, row.session_id).get(
            candidate_id
        )
        evidence["timeline"] = _timeline(connection, db, row.exam_id)
        evidence["incidents"] = [
            dict(incident._mapping)
            for incident in connection.execute(
                select(
                    t["incidents"].c.kind,
                    t["incidents"].c.detail,
                    t["incidents"].c.reported_at,
                    t["incidents"].c.resolved_at,
                )
                .where(t["incidents"].c.exam_id == row.exam_id)
                .order_by(t["incidents"].c.reported_at)
            )
        ]
        evidence["issue_reports"] = [
            dict(report._mapping)
            for report in connection.execute(
                select(
                    t["issue_reports"].c.category,
                    t["issue_reports"].c.subcategory,
                    t["issue_reports"].c.item_id,
                    t["issue_reports"].c.description,
                    t["issue_reports"].c.created_at,
                )
                .where(t["issue_reports"].c.candidate_id == candidate_id)
                .order_by(t["issue_reports"].c.created_at)
            )
        ]
        evidence["replay"] = _replay_verdict(connection, db, row.exam_id)
        if banks is not None and evidence["replay"]["outcome"] == "verified":
            exam = connection.execute(
                select(t["exams"]).where(t["exams"].c.exam_id == row.exam_id)
            ).one()
            evidence["replay"]["answers"] = [
                {"number": number, "item_id": item_id, "status": status}
                for number, (item_id, status) in enumerate(
                    replayed_exam(connection, db, banks, exam).answers, start=1
                )
            ]
        decisions = t["review_decisions"]
        evidence["decisions"] = [
            dict(decision._mapping)
            for decision in connection.execute(
                select(
                    decisions.c.decision,
                    decisions.c.item_id,
                    decisions.c.reason,
                    decisions.c.reviewer,
                    decisions.c.decided_at,
                )
                .where(decisions.c.candidate_id == candidate_id)
                .order_by(decisions.c.decided_at, decisions.c.decision_id)
            )
        ]
    return evidence


def _flags(connection: Connection, db: Database, row) -> list[str]:
    """Why this done candidate's certification needs a reviewer (empty: it does not)."""
    t = db.tables
    flags = review_reasons(row.review_reasons)
    if row.status == states.REJECTED:
        flags.append(QUARANTINED_RECORD)
    if connection.scalar(
        select(func.count())
        .select_from(t["issue_reports"])
        .where(t["issue_reports"].c.candidate_id == row.candidate_id)
    ):
        flags.append(ISSUE_REPORTS)
    if row.exam_id is not None:
        if connection.scalar(
            select(func.count())
            .select_from(t["incidents"])
            .where(t["incidents"].c.exam_id == row.exam_id)
        ):
            flags.append(INCIDENTS)
        neutralised = connection.scalar(
            select(func.count())
            .select_from(t["alerts"])
            .where(t["alerts"].c.exam_id == row.exam_id, t["alerts"].c.state == "validated")
        ) or connection.scalar(
            select(func.count())
            .select_from(t["review_decisions"])
            .where(
                t["review_decisions"].c.candidate_id == row.candidate_id,
                t["review_decisions"].c.decision == "neutralise",
            )
        )
        if neutralised:
            flags.append(NEUTRALISATIONS)
    if row.result_status is not None and row.answered < MIN_ANSWERS:
        flags.append(FEW_ANSWERS)
    return flags


def _summary(
    connection: Connection, db: Database, session, row, reasons: list[str]
) -> dict[str, Any]:
    return {
        "candidate_id": row.candidate_id,
        "session_id": session.session_id,
        "session_number": session.session_number,
        "uai": session.uai or default_uai(connection, db),
        "last_name": row.last_name,
        "first_names": row.first_names,
        "birth_date": row.birth_date,
        "ine": row.ine,
        "candidate_status": row.status,
        "result_status": row.result_status,
        "score": row.score,
        "answered": row.answered,
        "reasons": reasons,
    }


def _timeline(connection: Connection, db: Database, exam_id: str | None) -> dict[str, Any]:
    t = db.tables
    if exam_id is None:
        return {}
    exam = connection.execute(select(t["exams"]).where(t["exams"].c.exam_id == exam_id)).one()
    pauses = connection.execute(
        select(t["pauses"].c.started_at, t["pauses"].c.ended_at, t["pauses"].c.reason)
        .where(t["pauses"].c.exam_id == exam_id)
        .order_by(t["pauses"].c.started_at)
    ).all()
    return {
        "authorised_at": exam.authorised_at,
        "started_at": exam.started_at,
        "ended_at": exam.ended_at,
        "time_allowed_seconds": exam.time_allowed_seconds,
        "extra_seconds": exam.extra_seconds,
        "last_contact_at": exam.last_contact_at,
        "longest_offline_s": exam.longest_offline_s,
        "abort_reason": exam.abort_reason,
        "pauses": [dict(pause._mapping) for pause in pauses],
    }


def _replay_verdict(connection: Connection, db: Database, exam_id: str | None) -> dict[str, Any]:
    """The record's outcome as the server's replay judged it (verified or quarantined, why)."""
    records = db.tables["records"]
    if exam_id is None:
        return {"outcome": None}
    record = connection.execute(
        select(records.c.outcome, records.c.reason_code, records.c.reason_detail).where(
            records.c.exam_id == exam_id
        )
    ).first()
    if record is None:
        return {"outcome": None}
    detail = record.reason_detail
    with suppress(ValueError):
        detail = json.loads(detail) if detail else detail
    return {"outcome": record.outcome, "reason_code": record.reason_code, "detail": detail}
