"""The invigilator's actions on a session, signed in with the session's invigilator code.

Every action that concerns a running kiosk also queues a command for it (kiosk_commands.py);
every action wakes the room status long-poll. Actions the attendance report lists without a table
of their own (extra time, absences) are logged with the server's time (`log_event`, kinds in
`INVIGILATOR_EVENTS`).
"""

from typing import Any

from sqlalchemy import select

from engine.config import ExamConfig
from engine.feasibility import check_feasible
from server_stub import candidate_states as states
from server_stub import codes
from server_stub.checkin import new_seed
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.intake.replay_inputs import exam_config
from server_stub.issue_categories import IN_CHALLENGE_SUBCATEGORIES, ISSUE_CATEGORIES
from server_stub.kiosk_commands import device_key, queue_command
from server_stub.notifier import candidate_key, room_key
from server_stub.security import (
    check_invigilator_code,
    console_source,
    log_event,
    session_by_number,
)
from server_stub.timeline import instant_text, load_timeline, time_allowed_s

CONSOLE_TOKEN_TTL_S = 12 * 3600
ABORT_REASONS = ("candidate", "technical")
EXTRA_TIME_EVENT = "extra_time_added"
ABSENT_EVENT = "marked_absent"
MOVED_EVENT = "candidate_moved"
INVIGILATOR_EVENTS = (EXTRA_TIME_EVENT, ABSENT_EVENT)
# Who acted: the console signed in with the session's invigilator code (one code per session,
# so the server cannot tell which invigilator of the room it was).
BY_CONSOLE = "invigilator_console"


def sign_in(
    ctx: ServerContext, *, session_number: int, invigilator_code: str, address: str | None = None
) -> dict[str, Any]:
    """A console token for the session; `address`: the client's, the source the failures are
    counted for (security.py)."""
    db, now = ctx.db, ctx.now()
    token = codes.bearer_token()
    source = console_source(address)
    with db.write() as connection:
        session = session_by_number(
            connection, db, session_number, now=now, detail={"by": "invigilator", "source": source}
        )
        failure = check_invigilator_code(
            connection,
            db,
            session,
            invigilator_code,
            now=now,
            source=source,
            detail={"session_number": session_number},
            locked_kind="invigilator_sign_in_while_locked",
        )
        if failure is None:
            connection.execute(
                db.tables["console_tokens"]
                .insert()
                .values(
                    token_digest=codes.token_digest(token),
                    session_id=session.session_id,
                    created_at=now,
                    expires_at=now + CONSOLE_TOKEN_TTL_S,
                )
            )
    if failure is not None:
        raise failure
    return {
        "token": token,
        "session_id": session.session_id,
        "session_number": session.session_number,
        "centre": session.centre,
        "room": session.room,
        "expires_at": instant_text(now + CONSOLE_TOKEN_TTL_S),
    }


def session_for_console_token(ctx: ServerContext, token: str) -> str:
    tokens = ctx.db.tables["console_tokens"]
    with ctx.db.read() as connection:
        row = connection.execute(
            select(tokens).where(tokens.c.token_digest == codes.token_digest(token))
        ).first()
    if row is None or row.expires_at <= ctx.now():
        raise ApiError("unauthenticated")
    return row.session_id


class _Action:
    """One console action: a write transaction, then the wake-ups for what it touched."""

    def __init__(self, ctx: ServerContext, session_id: str) -> None:
        self.ctx = ctx
        self.db = ctx.db
        self.t = ctx.db.tables
        self.now = ctx.now()
        self.session_id = session_id
        self.devices: set[str] = set()
        self.candidates: set[str] = set()  # whose status changed: their kiosk may be waiting

    def __enter__(self):
        self._transaction = self.db.write()
        self.connection = self._transaction.__enter__()
        session = self.connection.execute(
            select(self.t["sessions"])
            .where(self.t["sessions"].c.session_id == self.session_id)
            .with_for_update(key_share=True)  # the session's actions one at a time, in any process
        ).first()
        if session is None:
            self._transaction.__exit__(None, None, None)
            raise ApiError("session_not_found")
        self.session = session
        return self

    def __exit__(self, kind, error, traceback):
        result = self._transaction.__exit__(kind, error, traceback)
        if kind is None:
            self.ctx.notifier.notify(room_key(self.session_id))
            for device_id in self.devices:
                self.ctx.notifier.notify(device_key(device_id))
            for candidate_id in self.candidates:
                self.ctx.notifier.notify(candidate_key(candidate_id))
        return result

    def require_open(self) -> None:
        if self.session.state != "planned":
            raise ApiError("session_closed")

    def candidate(self, candidate_id: str):
        candidates = self.t["candidates"]
        row = self.connection.execute(
            select(candidates).where(
                candidates.c.candidate_id == candidate_id,
                candidates.c.session_id == self.session_id,
            )
        ).first()
        if row is None:
            raise ApiError("candidate_not_found_in_session")
        # Its exam locked before anything of it changes: rows are locked exam first, then
        # candidate, as record intake does (a different order could deadlock on PostgreSQL).
        exams = self.t["exams"]
        self.connection.execute(
            select(exams.c.exam_id)
            .where(exams.c.candidate_id == candidate_id)
            .with_for_update(key_share=True)
        )
        return row

    def exam(self, candidate_id: str):
        exams = self.t["exams"]
        return self.connection.execute(
            select(exams).where(exams.c.candidate_id == candidate_id)
        ).first()

    def running_exam(self, candidate_id: str):
        candidate = self.candidate(candidate_id)
        if candidate.status not in states.RUNNING:
            raise ApiError("exam_not_running", status=candidate.status)
        return self.exam(candidate_id)

    def set_status(self, candidate_id: str, status: str) -> None:
        candidates = self.t["candidates"]
        self.connection.execute(
            candidates.update()
            .where(candidates.c.candidate_id == candidate_id)
            .values(status=status)
        )
        self.candidates.add(candidate_id)

    def command(self, exam, kind: str, payload: dict[str, Any]) -> None:
        queue_command(
            self.connection,
            self.db,
            device_id=exam.device_id,
            exam_id=exam.exam_id,
            kind=kind,
            payload=payload,
            now=self.now,
        )
        self.devices.add(exam.device_id)

    def timing(self, exam) -> dict[str, Any]:
        exams = self.t["exams"]
        fresh = self.connection.execute(select(exams).where(exams.c.exam_id == exam.exam_id)).one()
        timeline = load_timeline(self.connection, self.db, fresh)
        deadline = timeline.deadline(self.now)
        return {
            "extra_s": fresh.extra_seconds,
            "remaining_s": round(timeline.remaining_s(self.now), 1),
            "deadline": instant_text(deadline) if deadline is not None else None,
        }


def authorise(ctx: ServerContext, session_id: str, candidate_id: str) -> dict[str, Any]:
    """Let a waiting candidate start, or resume after a crash (always asked again, as in Pix)."""
    with _Action(ctx, session_id) as action:
        action.require_open()
        candidate = action.candidate(candidate_id)
        exams = action.t["exams"]
        if candidate.status == states.WAITING:
            _check_feasible(action, candidate)
            exam = action.exam(candidate_id)
            if exam is None:
                action.connection.execute(
                    exams.insert().values(
                        exam_id=codes.identifier("exam"),
                        candidate_id=candidate_id,
                        session_id=session_id,
                        device_id=candidate.device_id,
                        bank_id=action.session.bank_id,
                        mode=action.session.mode,
                        seed=new_seed(),
                        time_allowed_seconds=time_allowed_s(
                            candidate.extra_time_percent, action.session.base_minutes
                        ),
                        extra_seconds=0,
                        authorised_at=action.now,
                        answered=0,
                        head_seq=0,
                    )
                )
            else:  # authorised before, then checked in again (maybe elsewhere) before starting
                action.connection.execute(
                    exams.update()
                    .where(exams.c.exam_id == exam.exam_id)
                    .values(device_id=candidate.device_id, authorised_at=action.now)
                )
            status, kind = states.AUTHORISED, "start"
        elif candidate.status == states.WAITING_RESUME:
            status, kind = states.RESUME_AUTHORISED, "resume"
        else:
            raise ApiError("candidate_not_waiting", status=candidate.status)
        action.set_status(candidate_id, status)
        log_event(
            action.connection,
            action.db,
            at=action.now,
            kind=f"authorised_{kind}",
            detail={"candidate_id": candidate_id},
            session_id=session_id,
            device_id=candidate.device_id,
        )
    return {"candidate_id": candidate_id, "status": status, "kind": kind}


def _check_feasible(action: _Action, candidate) -> None:
    """Refuse, before the exam starts, a bank that cannot give this candidate a complete exam
    (an accessibility filter that leaves too few items, engine/feasibility.py)."""
    session = action.session
    refusal = check_feasible(
        action.ctx.banks.item_bank(session.bank_id),
        ExamConfig.from_dict(exam_config(action.connection, session)),
        candidate.accessibility_needs,
    )
    if refusal is not None:
        raise ApiError("exam_not_feasible", reason_fr=refusal.fr, reason_en=refusal.en)


def pause(ctx: ServerContext, session_id: str, candidate_id: str) -> dict[str, Any]:
    with _Action(ctx, session_id) as action:
        action.require_open()
        exam = action.running_exam(candidate_id)
        if _open_pause(action, exam) is None:
            action.connection.execute(
                action.t["pauses"]
                .insert()
                .values(exam_id=exam.exam_id, started_at=action.now, reason="invigilator")
            )
            action.command(exam, "pause", {})
        return {"candidate_id": candidate_id, "paused": True, **action.timing(exam)}


def resume(ctx: ServerContext, session_id: str, candidate_id: str) -> dict[str, Any]:
    with _Action(ctx, session_id) as action:
        action.require_open()
        exam = action.running_exam(candidate_id)
        pause_row = _open_pause(action, exam)
        if pause_row is not None and pause_row.reason == "invigilator":
            pauses = action.t["pauses"]
            action.connection.execute(
                pauses.update()
                .where(pauses.c.exam_id == exam.exam_id, pauses.c.ended_at.is_(None))
                .values(ended_at=action.now)
            )
            timing = action.timing(exam)
            action.command(exam, "resume", {"remaining_s": timing["remaining_s"]})
        return {"candidate_id": candidate_id, "paused": False, **action.timing(exam)}


def running_candidates(ctx: ServerContext, session_id: str) -> list[str]:
    candidates = ctx.db.tables["candidates"]
    with ctx.db.read() as connection:
        return list(
            connection.scalars(
                select(candidates.c.candidate_id).where(
                    candidates.c.session_id == session_id,
                    candidates.c.status == states.IN_PROGRESS,
                )
            )
        )


def add_extra_time(
    ctx: ServerContext, session_id: str, candidate_id: str, minutes: int
) -> dict[str, Any]:
    with _Action(ctx, session_id) as action:
        action.require_open()
        exam = action.running_exam(candidate_id)
        exams = action.t["exams"]
        action.connection.execute(
            exams.update()
            .where(exams.c.exam_id == exam.exam_id)
            .values(extra_seconds=exams.c.extra_seconds + minutes * 60)
        )
        log_event(
            action.connection,
            action.db,
            at=action.now,
            kind=EXTRA_TIME_EVENT,
            detail={"candidate_id": candidate_id, "minutes": minutes, "by": BY_CONSOLE},
            session_id=session_id,
            device_id=exam.device_id,
        )
        timing = action.timing(exam)
        action.command(exam, "extra_time", {"added_s": minutes * 60, **timing})
        return {"candidate_id": candidate_id, **timing}


def end_exam(
    ctx: ServerContext, session_id: str, candidate_id: str, abort_reason: str
) -> dict[str, Any]:
    """Stop a candidate's test; the kiosk seals and uploads what was answered."""
    with _Action(ctx, session_id) as action:
        action.require_open()
        exam = action.running_exam(candidate_id)
        exams, pauses = action.t["exams"], action.t["pauses"]
        action.connection.execute(
            pauses.update()
            .where(pauses.c.exam_id == exam.exam_id, pauses.c.ended_at.is_(None))
            .values(ended_at=action.now)
        )
        action.connection.execute(
            exams.update()
            .where(exams.c.exam_id == exam.exam_id)
            .values(ended_at=action.now, abort_reason=abort_reason)
        )
        action.set_status(candidate_id, states.ENDED)
        action.command(exam, "end", {"abort_reason": abort_reason})
    return {"candidate_id": candidate_id, "status": states.ENDED, "abort_reason": abort_reason}


def resolve_alert(
    ctx: ServerContext, session_id: str, alert_id: str, subcategory: str | None
) -> dict[str, Any]:
    """Validate (with a subcategory: the question is replaced) or dismiss (None) a live alert."""
    if subcategory is not None and subcategory not in IN_CHALLENGE_SUBCATEGORIES:
        raise ApiError("invalid_subcategory", detail=subcategory)
    with _Action(ctx, session_id) as action:
        alerts, exams = action.t["alerts"], action.t["exams"]
        row = action.connection.execute(
            select(alerts, exams.c.device_id, exams.c.session_id)
            .join(exams, exams.c.exam_id == alerts.c.exam_id)
            .where(alerts.c.alert_id == alert_id, exams.c.session_id == session_id)
        ).first()
        if row is None:
            raise ApiError("alert_not_found")
        if row.state != "open":
            raise ApiError("alert_already_resolved")
        state = "validated" if subcategory is not None else "dismissed"
        action.connection.execute(
            alerts.update()
            .where(alerts.c.alert_id == alert_id)
            .values(state=state, subcategory=subcategory, resolved_at=action.now)
        )
        payload = {"alert_id": alert_id, "item_id": row.item_id}
        if subcategory is not None:
            action.command(row, "replace_question", {**payload, "subcategory": subcategory})
        else:
            action.command(row, "alert_dismissed", payload)
    return {"alert_id": alert_id, "state": state, "item_id": row.item_id}


def unlock(ctx: ServerContext, session_id: str, incident_id: str) -> dict[str, Any]:
    with _Action(ctx, session_id) as action:
        incidents, exams = action.t["incidents"], action.t["exams"]
        row = action.connection.execute(
            select(incidents, exams.c.device_id)
            .join(exams, exams.c.exam_id == incidents.c.exam_id)
            .where(incidents.c.incident_id == incident_id, exams.c.session_id == session_id)
        ).first()
        if row is None:
            raise ApiError("incident_not_found")
        if row.resolved_at is None:
            action.connection.execute(
                incidents.update()
                .where(incidents.c.incident_id == incident_id)
                .values(resolved_at=action.now)
            )
            action.command(row, "unlock", {"incident_id": incident_id})
    return {"incident_id": incident_id, "unlocked": True}


def report_issue(
    ctx: ServerContext,
    session_id: str,
    candidate_id: str,
    *,
    category: str,
    subcategory: str | None,
    item_id: str | None,
    question_number: int | None,
    description: str,
) -> dict[str, Any]:
    """An issue report (DESIGN §4); IN_CHALLENGE ones name the question and may neutralise it."""
    if category not in ISSUE_CATEGORIES:
        raise ApiError("invalid_category", detail=category)
    if category == "IN_CHALLENGE" and subcategory not in IN_CHALLENGE_SUBCATEGORIES:
        raise ApiError("invalid_subcategory", detail=str(subcategory))
    report_id = codes.identifier("rep")
    with _Action(ctx, session_id) as action:
        action.require_open()
        action.candidate(candidate_id)
        action.connection.execute(
            action.t["issue_reports"]
            .insert()
            .values(
                report_id=report_id,
                session_id=session_id,
                candidate_id=candidate_id,
                category=category,
                subcategory=subcategory,
                item_id=item_id if item_id is not None else _question_ref(question_number),
                description=description,
                created_at=action.now,
            )
        )
    return {"report_id": report_id, "category": category, "subcategory": subcategory}


def _question_ref(question_number: int | None) -> str | None:
    """A report may name the question by its number (as the candidate sees it): "#7"."""
    return f"#{question_number}" if question_number is not None else None


def mark_absent(ctx: ServerContext, session_id: str, candidate_id: str) -> dict[str, Any]:
    with _Action(ctx, session_id) as action:
        action.require_open()
        candidate = action.candidate(candidate_id)
        if candidate.status not in (states.NOT_ARRIVED, states.WAITING, states.ABSENT):
            raise ApiError("candidate_not_waiting", status=candidate.status)
        if candidate.status != states.ABSENT:  # marking twice is one event
            action.set_status(candidate_id, states.ABSENT)
            log_event(
                action.connection,
                action.db,
                at=action.now,
                kind=ABSENT_EVENT,
                detail={"candidate_id": candidate_id, "by": BY_CONSOLE},
                session_id=session_id,
                device_id=candidate.device_id,
            )
    return {"candidate_id": candidate_id, "status": states.ABSENT}


def release_candidate(ctx: ServerContext, session_id: str, candidate_id: str) -> dict[str, Any]:
    """Move a candidate checked in but not started to another PC: the check-in is undone, the
    candidate checks in again on the PC the invigilator chose (checkin.py refuses any other
    PC meanwhile). Journaled in the security log (`candidate_moved`)."""
    with _Action(ctx, session_id) as action:
        action.require_open()
        candidate = action.candidate(candidate_id)
        if candidate.status not in (states.WAITING, states.AUTHORISED):
            raise ApiError("candidate_not_waiting", status=candidate.status)
        candidates = action.t["candidates"]
        action.connection.execute(
            candidates.update()
            .where(candidates.c.candidate_id == candidate_id)
            .values(status=states.NOT_ARRIVED, device_id=None)
        )
        action.candidates.add(candidate_id)
        log_event(
            action.connection,
            action.db,
            at=action.now,
            kind=MOVED_EVENT,
            detail={"candidate_id": candidate_id, "from": candidate.status, "by": BY_CONSOLE},
            session_id=session_id,
            device_id=candidate.device_id,
        )
    return {"candidate_id": candidate_id, "status": states.NOT_ARRIVED}


def _open_pause(action: _Action, exam):
    pauses = action.t["pauses"]
    return action.connection.execute(
        select(pauses).where(pauses.c.exam_id == exam.exam_id, pauses.c.ended_at.is_(None))
    ).first()
