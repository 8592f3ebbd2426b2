"""Closing a session: finalisation by the invigilator, which hands the session to review.

Finalising marks the candidates who never came as absent and re-scores every verified record
with the issue reports made until then (neutralisations). The session then waits for its
reviewers and its lead: publication is theirs (review/publication.py), never the invigilator's.

Finalisation takes the invigilators' remarks (remarks.py), printed on the attendance report. A
repeated finalisation changes nothing else; remarks it gives replace the stored ones (a console
retrying after a lost answer sends the same), and without remarks the first ones stay.
"""

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from engine.exam import Exam
from engine.exam_events import replay_events
from engine.exam_replay import replay
from engine.journal_format import JournalEntry
from server_stub import candidate_states as states
from server_stub.banks import BankStore
from server_stub.context import ServerContext
from server_stub.db.database import Database
from server_stub.errors import ApiError
from server_stub.intake.replay_inputs import exam_start
from server_stub.notifier import room_key
from server_stub.remarks import checked_remarks
from server_stub.results import candidate_reports, score, store_result, validated_alert_items

BLOCKING = (states.WAITING, states.AUTHORISED, *states.RUNNING)


def finalise(ctx: ServerContext, session_id: str, remarks: Any = None) -> dict[str, Any]:
    remarks = checked_remarks(remarks)  # refused before anything is written
    db, now = ctx.db, ctx.now()
    t = db.tables
    candidates, sessions = t["candidates"], t["sessions"]
    with db.write() as connection:
        session = connection.execute(
            select(sessions).where(sessions.c.session_id == session_id)
        ).first()
        if session is None:
            raise ApiError("session_not_found")
        if session.state == "planned":
            blocking = connection.execute(
                select(candidates.c.last_name, candidates.c.first_names).where(
                    candidates.c.session_id == session_id, candidates.c.status.in_(BLOCKING)
                )
            ).all()
            if blocking:
                names = ", ".join(f"{row.last_name} {row.first_names}" for row in blocking)
                raise ApiError("exams_still_running", names=names)
            connection.execute(
                candidates.update()
                .where(
                    candidates.c.session_id == session_id,
                    candidates.c.status == states.NOT_ARRIVED,
                )
                .values(status=states.ABSENT)
            )
            for exam in connection.execute(
                select(t["exams"])
                .join(candidates, candidates.c.candidate_id == t["exams"].c.candidate_id)
                .where(
                    t["exams"].c.session_id == session_id,
                    candidates.c.status == states.FINISHED,
                )
            ).all():
                rescore(connection, ctx.db, ctx.banks, exam, now)
            connection.execute(
                sessions.update()
                .where(sessions.c.session_id == session_id)
                .values(state="finalised", finalised_at=now, finalisation_remarks=remarks)
            )
        elif remarks is not None:
            connection.execute(
                sessions.update()
                .where(sessions.c.session_id == session_id)
                .values(finalisation_remarks=remarks)
            )
    ctx.notifier.notify(room_key(session_id))
    return session_state(ctx, session_id)


def replayed_exam(connection, db: Database, banks: BankStore, exam) -> Exam:
    """The exam as the server replays its verified record (the answers and their statuses)."""
    t = db.tables
    stored = connection.execute(
        select(t["records"].c.record).where(
            t["records"].c.exam_id == exam.exam_id,
            t["records"].c.device_id == exam.device_id,
            t["records"].c.outcome == "verified",
        )
    ).scalar_one()
    entries = [JournalEntry.from_dict(raw) for raw in json.loads(stored)["entries"]]
    start = exam_start(connection, banks, exam)
    return replay(
        start.bank,
        start.config,
        start.seed,
        replay_events(entries),
        accessibility_needs=start.accessibility_needs,
    )


def rescore(
    connection, db: Database, banks: BankStore, exam, now: float, neutralised: Iterable[str] = ()
) -> Exam:
    """Replay a verified record again and score it with today's reports and alerts, plus the
    answers a reviewer `neutralised` (the same path as a validated alert: ko or aband only).
    Returns the replayed exam."""
    replayed = replayed_exam(connection, db, banks, exam)
    result = score(
        replayed,
        exam.abort_reason,
        candidate_reports(connection, db, exam.candidate_id),
        validated_alert_items(connection, db, exam.exam_id) | frozenset(neutralised),
    )
    store_result(
        connection,
        db,
        exam_id=exam.exam_id,
        candidate_id=exam.candidate_id,
        result=result,
        abort_reason=exam.abort_reason,
        now=now,
    )
    return replayed


def session_state(ctx: ServerContext, session_id: str) -> dict[str, Any]:
    sessions = ctx.db.tables["sessions"]
    with ctx.db.read() as connection:
        session = connection.execute(
            select(sessions).where(sessions.c.session_id == session_id)
        ).one()
    return {
        "session_id": session_id,
        "state": session.state,
        "remarks": session.finalisation_remarks,
    }
