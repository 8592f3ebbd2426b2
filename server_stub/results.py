"""Scoring a verified exam the server's way: its abort reason, its neutralisations.

Neutralised (left out of the score), as Pix does:
- an answer ko or aband to a question named by an IN_CHALLENGE issue report whose subcategory
  neutralises (image not displaying, website unavailable, ...);
- an answer ko or aband to a question whose live alert the invigilator validated but which the
  kiosk did not replace (e.g. the candidate answered before the invigilator came).
Counted as a success: a focusedOut answer to a question named by an IN_CHALLENGE report of
subcategory UNINTENTIONAL_FOCUS_OUT (the invigilator saw that the focus loss was not the
candidate's doing). Reports name a question by item id or by its number as shown to the
candidate ("#7": the seventh answer).
"""

import json
from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, insert, select, update

from engine.exam import Exam, ExamResult
from server_stub.db.database import Database
from server_stub.db.tables import alerts, issue_reports, results
from server_stub.issue_categories import FOCUS_OUT_SUBCATEGORY, NEUTRALISING_SUBCATEGORIES

NEUTRALISABLE_STATUSES = ("ko", "aband")

# Built once: intake runs these for every record (server_stub/intake/store.py says why).
_CHALLENGE_REPORTS = select(issue_reports.c.subcategory, issue_reports.c.item_id).where(
    issue_reports.c.candidate_id == bindparam("candidate_id"),
    issue_reports.c.category == "IN_CHALLENGE",
)
_VALIDATED_ALERT_ITEMS = select(alerts.c.item_id).where(
    alerts.c.exam_id == bindparam("exam_id"), alerts.c.state == "validated"
)
_RESULT_EXISTS = select(results.c.exam_id).where(results.c.exam_id == bindparam("exam_id"))
_UPDATE_RESULT = update(results).where(results.c.exam_id == bindparam("key"))
_INSERT_RESULT = insert(results)


def neutralised_items(
    exam: Exam, reports: Iterable[tuple[str | None, str | None]], validated_alerts: Iterable[str]
) -> list[str]:
    """Item ids to leave out of the score; `reports` are (subcategory, item reference) pairs."""
    named = set(validated_alerts) | _named_by(exam, reports, NEUTRALISING_SUBCATEGORIES)
    statuses = dict(exam.answers)
    return sorted(item_id for item_id in named if statuses.get(item_id) in NEUTRALISABLE_STATUSES)


def unintentional_focus_outs(
    exam: Exam, reports: Iterable[tuple[str | None, str | None]]
) -> list[str]:
    """Item ids whose focusedOut answer counts as ok (UNINTENTIONAL_FOCUS_OUT reports)."""
    statuses = dict(exam.answers)
    named = _named_by(exam, reports, (FOCUS_OUT_SUBCATEGORY,))
    return sorted(item_id for item_id in named if statuses.get(item_id) == "focusedOut")


def _named_by(
    exam: Exam, reports: Iterable[tuple[str | None, str | None]], subcategories: Iterable[str]
) -> set[str]:
    """The item ids that reports of these subcategories name (by id, or "#n" for the n-th)."""
    wanted = set(subcategories)
    by_number = {f"#{n}": item_id for n, (item_id, _) in enumerate(exam.answers, start=1)}
    return {
        by_number.get(reference, reference)
        for subcategory, reference in reports
        if subcategory in wanted and reference is not None
    }


def score(
    exam: Exam,
    abort_reason: str | None,
    reports: Iterable[tuple[str | None, str | None]],
    validated_alerts: Iterable[str],
) -> ExamResult:
    reports = list(reports)
    return exam.result(
        abort_reason=abort_reason,
        neutralised=neutralised_items(exam, reports, validated_alerts),
        unintentional_focus_out=unintentional_focus_outs(exam, reports),
    )


def candidate_reports(
    connection: Connection, db: Database, candidate_id: str
) -> list[tuple[str | None, str | None]]:
    rows = connection.execute(_CHALLENGE_REPORTS, {"candidate_id": candidate_id})
    return [(row.subcategory, row.item_id) for row in rows]


def validated_alert_items(connection: Connection, db: Database, exam_id: str) -> frozenset[str]:
    return frozenset(connection.execute(_VALIDATED_ALERT_ITEMS, {"exam_id": exam_id}).scalars())


def store_result(
    connection: Connection,
    db: Database,
    *,
    exam_id: str,
    candidate_id: str,
    result: ExamResult,
    abort_reason: str | None,
    now: float,
) -> None:
    """Insert or replace the exam's result (re-scoring at finalisation replaces it)."""
    values = {
        "status": result.status,
        "score": result.score,
        "global_level": result.global_level,
        "competence_levels": json.dumps(result.competence_levels, sort_keys=True),
        "unmeasured_competences": json.dumps(list(result.unmeasured_competences)),
        "answered": result.answered,
        "abort_reason": abort_reason,
        "scored_at": now,
    }
    if connection.execute(_RESULT_EXISTS, {"exam_id": exam_id}).first():
        connection.execute(_UPDATE_RESULT, {"key": exam_id, **values})
    else:
        connection.execute(
            _INSERT_RESULT, {"exam_id": exam_id, "candidate_id": candidate_id, **values}
        )
