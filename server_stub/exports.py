"""Results of a session for the school's systems (CSV and JSON), and the public certificate lookup.

One row per candidate (DESIGN §4): identity, INE, status, score, global level, the level of every
competence, verification code, session, centre and date, and the kiosk configuration key and
version the candidate checked in with, and the competences of the plan that no answer measured
(`unmeasured_competences`: their level comes from the global estimate alone). Status: validated,
rejected, cancelled (as the engine scores them), pending (no verified result yet, or a result held
for review), absent. A record kept aside by verification exports as rejected, with its reason in
`rejection_reason`. `review_reasons` lists why a result is held for review (exam_evidence.py:
`late_entries`, `offline_stretch`, `journal_conflict`); it is empty for a clean exam, and a
result with reasons exports as `pending`, without its score, until a reviewer decides
(review/decisions.py: validate keeps the scored status, cancel and reject export as such).
"""

import json
from typing import Any

from sqlalchemy import Connection, select

from engine.referential import COMPETENCES
from server_stub import candidate_states as states
from server_stub.codes import is_verification_code
from server_stub.csv_cells import csv_text
from server_stub.db.database import Database
from server_stub.errors import ApiError
from server_stub.exam_evidence import review_reasons
from server_stub.review.queue import final_decisions

# A reviewer's final decision -> the exported status (None: the result's own).
REVIEWED_STATUS = {"validate": None, "cancel": "cancelled", "reject": "rejected"}

FIELDS = (
    "last_name",
    "first_names",
    "birth_date",
    "ine",
    "status",
    "score",
    "global_level",
    "verification_code",
    "session_id",
    "centre",
    "room",
    "date",
    "extra_time_percent",
    "abort_reason",
    "rejection_reason",
    "config_key",
    "app_version",
    "grade",
    "expected_level",
)


def session_results(db: Database, session_id: str) -> list[dict[str, Any]]:
    t = db.tables
    with db.read() as connection:
        session = connection.execute(
            select(t["sessions"]).where(t["sessions"].c.session_id == session_id)
        ).first()
        if session is None:
            raise ApiError("session_not_found")
        rows = connection.execute(
            select(
                t["candidates"],
                t["results"].c.status.label("result_status"),
                t["results"].c.score,
                t["results"].c.global_level,
                t["results"].c.competence_levels,
                t["results"].c.unmeasured_competences,
                t["results"].c.verification_code,
                t["results"].c.abort_reason,
                t["exams"].c.review_reasons,
            )
            .outerjoin(t["results"], t["results"].c.candidate_id == t["candidates"].c.candidate_id)
            .outerjoin(t["exams"], t["exams"].c.candidate_id == t["candidates"].c.candidate_id)
            .where(t["candidates"].c.session_id == session_id)
            .order_by(t["candidates"].c.last_name, t["candidates"].c.first_names)
        ).all()
        reasons = _rejection_reasons(connection, db, session_id)
        decided = final_decisions(connection, db, session_id)
    return [
        _row(session, row, reasons.get(row.candidate_id), decided.get(row.candidate_id))
        for row in rows
    ]


def _rejection_reasons(connection: Connection, db: Database, session_id: str) -> dict[str, str]:
    t = db.tables
    return dict(
        connection.execute(
            select(t["exams"].c.candidate_id, t["records"].c.reason_code)
            .join(
                t["records"],
                (t["records"].c.exam_id == t["exams"].c.exam_id)
                & (t["records"].c.device_id == t["exams"].c.device_id),
            )
            .where(t["exams"].c.session_id == session_id, t["records"].c.outcome == "quarantined")
        ).all()
    )


def _row(session, row, rejection: str | None, decision: str | None) -> dict[str, Any]:
    reasons = review_reasons(row.review_reasons)
    if decision in REVIEWED_STATUS and row.status in states.DONE:
        status = REVIEWED_STATUS[decision] or row.result_status or "rejected"
    elif row.status == states.FINISHED and row.result_status is not None and reasons:
        status = "pending"  # held for review
    elif row.status == states.FINISHED and row.result_status is not None:
        status = row.result_status
    elif row.status == states.REJECTED:
        status = "rejected"
    elif row.status == states.ABSENT:
        status = "absent"
    else:
        status = "pending"
    scored = status in ("validated", "rejected", "cancelled") and row.result_status is not None
    levels = json.loads(row.competence_levels) if scored else {}
    return {
        "last_name": row.last_name,
        "first_names": row.first_names,
        "birth_date": row.birth_date,
        "ine": row.ine,
        "status": status,
        "score": row.score if scored else None,
        "global_level": row.global_level if scored else None,
        "competence_levels": {c.code: levels.get(c.code) for c in COMPETENCES} if scored else {},
        "competences": [
            {
                "code": c.code,
                "area": c.area_code,
                "name_fr": c.name_fr,
                "name_en": c.name_en,
                "level": levels.get(c.code),
            }
            for c in COMPETENCES
        ]
        if scored
        else [],
        "verification_code": row.verification_code,
        "session_id": session.session_id,
        "centre": session.centre,
        "room": session.room,
        "date": session.exam_date,
        "extra_time_percent": row.extra_time_percent,
        "abort_reason": row.abort_reason,
        "rejection_reason": rejection,
        "review_reasons": reasons,
        "config_key": row.config_key,
        "app_version": row.app_version,
        "unmeasured_competences": json.loads(row.unmeasured_competences) if scored else [],
        "grade": row.grade,
        "expected_level": row.expected_level,
    }


def export_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def export_csv(rows: list[dict[str, Any]]) -> str:
    """The same rows, one column per competence (`competence_1.1` ... `competence_5.2`), then
    the review reasons separated by `;`, then the unmeasured competences (space-separated codes);
    cells a spreadsheet could run are neutralised."""
    return csv_text(
        [
            *FIELDS,
            *(f"competence_{c.code}" for c in COMPETENCES),
            "review_reasons",
            "unmeasured_competences",
        ],
        (
            [row[name] for name in FIELDS]
            + [row["competence_levels"].get(c.code) for c in COMPETENCES]
            + [";".join(row["review_reasons"]), " ".join(row["unmeasured_competences"])]
            for row in rows
        ),
    )


def certificate(db: Database, verification_code: str) -> dict[str, Any]:
    """The published certificate with this code (public: anyone holding the code may check)."""
    code = verification_code.strip().upper()
    if not is_verification_code(code):
        raise ApiError("certificate_not_found")
    t = db.tables
    with db.read() as connection:
        row = connection.execute(
            select(t["results"].c.candidate_id, t["candidates"].c.session_id)
            .join(t["candidates"], t["candidates"].c.candidate_id == t["results"].c.candidate_id)
            .join(t["sessions"], t["sessions"].c.session_id == t["candidates"].c.session_id)
            .where(t["results"].c.verification_code == code, t["sessions"].c.state == "published")
        ).first()
    if row is None:
        raise ApiError("certificate_not_found")
    found = next(
        line for line in session_results(db, row.session_id) if line["verification_code"] == code
    )
    return {
        name: found[name]
        for name in (
            "verification_code",
            "last_name",
            "first_names",
            "birth_date",
            "score",
            "global_level",
            "competence_levels",
            "competences",
            "centre",
            "date",
            "session_id",
            "status",
        )
    }
