"""The kiosk's side of exam day: check a candidate in, poll their status, fetch the ticket.

All calls come from an enrolled device. Check-in binds the candidate to that device and to the
configuration key the device showed (the ticket then carries it, so the record proves which
configuration ran); a check-in on a device where the candidate's exam had already started is a
crash recovery: the clock stops (a pause) until the invigilator authorises the resume and the
kiosk takes its new ticket.

A candidate already waiting, authorised or started on one PC cannot be checked in on another
(`candidate_on_other_device`): someone who knows a candidate's name and birth date and the
room's access code could otherwise take their exam over. The invigilator moves a candidate who
has not started yet (`release_candidate`, a console action, journaled); a started exam goes on
only on its own PC, whose journal holds it. Wrong access codes and unknown candidates count
alike towards the device's check-in lockout.
"""

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from engine.keys import x25519_public_from_b64
from engine.ticket import MAX_SEED, START_WINDOW_S, TicketGrant, issue_ticket
from server_stub import candidate_states as states
from server_stub.config_keys import REFUSED_EVENT, is_accepted
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.exam_evidence import reading_contact, ticket_contact
from server_stub.names import first_names_match, name_key
from server_stub.notifier import room_key
from server_stub.security import (
    ANY_SESSION,
    clear_failures,
    locked_minutes,
    log_event,
    record_failure,
    session_by_number,
)
from server_stub.timeline import clock_start, load_timeline

# Accessibility needs travel in the ticket as this flag (engine/ticket.py: a tuple of flags).
ACCESSIBILITY_NEEDS = "accessibility_needs"
# How long a ticket stays valid beyond the exam's own length (a kiosk verifies it on receipt).
TICKET_MARGIN_S = 3600


def check_in(
    ctx: ServerContext,
    device,
    *,
    session_number: int,
    access_code: str,
    last_name: str,
    first_names: str,
    birth_date: str,
    config_key: str,
    app_version: str,
    bank_id: str | None = None,
) -> dict[str, Any]:
    """Check a candidate in on `device`, which shows its configuration key first: a key off a
    non-empty allow-list is refused before anything else is looked at (config_keys.py). A
    device that says which bank edition it holds (`bank_id`) is refused, once the access code
    is right, when the session is planned on another edition: it could not open the items."""
    db, now = ctx.db, ctx.now()
    candidates, pauses = db.tables["candidates"], db.tables["pauses"]
    scope = f"checkin:{device.device_id}"
    failure: ApiError | None = None
    with db.write() as connection:
        session = None
        if not is_accepted(connection, db, config_key):
            log_event(
                connection,
                db,
                at=now,
                kind=REFUSED_EVENT,
                detail={
                    "config_key": config_key,
                    "app_version": app_version,
                    "session_number": session_number,
                },
                device_id=device.device_id,
            )
            failure = ApiError(REFUSED_EVENT, key=config_key[:16], version=app_version)
        elif (minutes := locked_minutes(connection, db, ANY_SESSION, scope, now)) is not None:
            failure = ApiError("checkin_locked", minutes=minutes)
        elif (
            session := session_by_number(
                connection, db, session_number, now=now, detail={}, device_id=device.device_id
            )
        ) is None:
            record_failure(connection, db, ANY_SESSION, scope, now)  # guessing session numbers
            failure = ApiError("session_not_found")
        elif session.state != "planned":
            failure = ApiError("session_closed")
        elif (
            minutes := locked_minutes(connection, db, session.session_id, scope, now)
        ) is not None:
            failure = ApiError("checkin_locked", minutes=minutes)
        elif not secrets.compare_digest(
            access_code.strip().upper().encode(), session.access_code.encode()
        ):
            left = record_failure(connection, db, session.session_id, scope, now)
            log_event(
                connection,
                db,
                at=now,
                kind="wrong_access_code",
                detail={"attempts_left": left},
                session_id=session.session_id,
                device_id=device.device_id,
            )
            failure = ApiError("wrong_access_code")
        elif bank_id is not None and bank_id != session.bank_id:
            clear_failures(connection, db, session.session_id, scope)
            log_event(
                connection,
                db,
                at=now,
                kind="edition_not_held",
                detail={"held": bank_id, "planned": session.bank_id},
                session_id=session.session_id,
                device_id=device.device_id,
            )
            failure = ApiError(
                "edition_not_held", held=_short(bank_id), planned=_short(session.bank_id)
            )
        else:
            lock_session(connection, db, session.session_id)
            candidate = _find_candidate(
                connection, db, session.session_id, last_name, first_names, birth_date
            )
            if candidate is None:
                left = record_failure(connection, db, session.session_id, scope, now)
                log_event(
                    connection,
                    db,
                    at=now,
                    kind="candidate_not_found",
                    detail={
                        "last_name": last_name,
                        "birth_date": birth_date,
                        "attempts_left": left,
                    },
                    session_id=session.session_id,
                    device_id=device.device_id,
                )
                failure = ApiError("candidate_not_found")
            else:
                status, failure = _arrive(connection, db, candidate, device.device_id, now)
                if failure is not None:
                    log_event(
                        connection,
                        db,
                        at=now,
                        kind="checkin_refused",
                        detail={"candidate_id": candidate.candidate_id, "code": failure.code},
                        session_id=session.session_id,
                        device_id=device.device_id,
                    )
                else:
                    connection.execute(
                        candidates.update()
                        .where(candidates.c.candidate_id == candidate.candidate_id)
                        .values(
                            status=status,
                            device_id=device.device_id,
                            checked_in_at=now,
                            config_key=config_key,
                            app_version=app_version,
                        )
                    )
                    clear_failures(connection, db, session.session_id, scope)
                    exam = _exam_of(connection, db, candidate.candidate_id)
                    if status == states.WAITING_RESUME and not _open_pause(
                        connection, db, exam.exam_id
                    ):
                        connection.execute(
                            pauses.insert().values(
                                exam_id=exam.exam_id, started_at=now, ended_at=None, reason="resume"
                            )
                        )
    if failure is not None:
        raise failure
    ctx.notifier.notify(room_key(session.session_id))
    return {
        "candidate_id": candidate.candidate_id,
        "session_id": session.session_id,
        "status": status,
        "exam_id": exam.exam_id if exam is not None else None,
        "last_name": candidate.last_name,
        "first_names": candidate.first_names,
    }


def _short(bank_id: str) -> str:
    """A bank id as IT compares it with `pix-server bank list`: its first hex digits."""
    return bank_id.removeprefix("sha256:")[:12]


def _find_candidate(connection, db, session_id, last_name, first_names, birth_date):
    candidates = db.tables["candidates"]
    for candidate in connection.execute(
        select(candidates).where(
            candidates.c.session_id == session_id, candidates.c.birth_date == birth_date
        )
    ):
        if name_key(candidate.last_name) == name_key(last_name) and first_names_match(
            first_names, candidate.first_names
        ):
            return candidate
    return None


def _arrive(connection, db, candidate, device_id: str, now: float):
    """The candidate's status once checked in on `device_id`, or the refusal."""
    status = candidate.status
    if status == states.ABSENT:
        return status, ApiError("candidate_absent")
    if status in states.DONE:
        return status, ApiError("candidate_finished")
    if status == states.NOT_ARRIVED:
        return states.WAITING, None
    if status in (states.WAITING, states.AUTHORISED):
        if candidate.device_id != device_id:  # the invigilator moves them (release_candidate)
            return status, ApiError("candidate_on_other_device")
        # A new check-in on the same PC withdraws an authorisation not yet used.
        return states.WAITING, None
    exam = _exam_of(connection, db, candidate.candidate_id)
    if exam.device_id != device_id:
        return status, ApiError("candidate_on_other_device")
    if status == states.ENDED:
        return status, None
    if clock_start(exam, now) is None:
        # Authorised, ticket taken, clock not started (the PC restarted on the instructions
        # screen): nothing to resume, the invigilator authorises the start again.
        return states.WAITING, None
    return states.WAITING_RESUME, None


def lock_session(connection, db, session_id) -> None:
    """Hold the session's row until the transaction ends: its candidates change one check-in
    or console action at a time (console.py locks it too), in any server process."""
    sessions = db.tables["sessions"]
    connection.execute(
        select(sessions.c.session_id)
        .where(sessions.c.session_id == session_id)
        .with_for_update(key_share=True)
    )


def _exam_of(connection, db, candidate_id: str):
    exams = db.tables["exams"]
    return connection.execute(select(exams).where(exams.c.candidate_id == candidate_id)).first()


def _open_pause(connection, db, exam_id: str):
    pauses = db.tables["pauses"]
    return connection.execute(
        select(pauses).where(pauses.c.exam_id == exam_id, pauses.c.ended_at.is_(None))
    ).first()


def own_candidate(connection, db, device, candidate_id: str):
    """The candidate checked in on this device, or not_found/forbidden."""
    candidates = db.tables["candidates"]
    candidate = connection.execute(
        select(candidates).where(candidates.c.candidate_id == candidate_id)
    ).first()
    if candidate is None:
        raise ApiError("not_found")
    if candidate.device_id != device.device_id:
        raise ApiError("forbidden")
    return candidate


def candidate_status(ctx: ServerContext, device, candidate_id: str) -> dict[str, Any]:
    """What the waiting kiosk polls: its candidate's status and, once started, the time left."""
    db, now = ctx.db, ctx.now()
    with db.read() as connection:
        candidate = own_candidate(connection, db, device, candidate_id)
        exam = _exam_of(connection, db, candidate_id)
        timeline = load_timeline(connection, db, exam) if exam is not None else None
    return {
        "candidate_id": candidate_id,
        "status": candidate.status,
        "exam_id": exam.exam_id if exam is not None else None,
        "ticket_ready": candidate.status in (states.AUTHORISED, states.RESUME_AUTHORISED),
        "remaining_s": round(timeline.remaining_s(now), 1) if timeline is not None else None,
        "paused": timeline.is_paused() if timeline is not None else False,
    }


def fetch_ticket(ctx: ServerContext, device, candidate_id: str) -> dict[str, Any]:
    """Issue the signed ticket once authorised. A resume ticket restarts the exam clock now; a
    start ticket opens the start window: the clock starts with the candidate (timeline.py).

    Asking again while the exam runs on the same device returns the same ticket, so a kiosk
    whose connection dropped during the download can retry.
    """
    db, now = ctx.db, ctx.now()
    candidates, exams, pauses = db.tables["candidates"], db.tables["exams"], db.tables["pauses"]
    with db.write() as connection:
        # One ticket per authorisation, whichever server process each request reaches: the
        # candidate's session is locked, as by the console's actions.
        lock_session(
            connection,
            db,
            select(candidates.c.session_id)
            .where(candidates.c.candidate_id == candidate_id)
            .scalar_subquery(),
        )
        candidate = own_candidate(connection, db, device, candidate_id)
        exam = _exam_of(connection, db, candidate_id)
        if candidate.status == states.IN_PROGRESS and exam is not None and exam.ticket:
            reading = reading_contact(
                connection, db, exam, now, offline_review_s=ctx.offline_review_s
            )
            if reading:
                connection.execute(
                    exams.update().where(exams.c.exam_id == exam.exam_id).values(**reading)
                )
            return json.loads(exam.ticket)
        if candidate.status not in (states.AUTHORISED, states.RESUME_AUTHORISED):
            raise ApiError("not_authorised_yet")
        kind = "start" if candidate.status == states.AUTHORISED else "resume"
        # A start ticket starts no clock: the kiosk's start does, when it reaches the server
        # (exam_evidence.arrival_changes), by `start_by` at the latest (timeline.clock_start).
        started_at = clock_start(exam, now) or now if kind == "resume" else exam.started_at
        start_by = now + START_WINDOW_S if kind == "start" else exam.start_by
        # The watch on the kiosk's contact begins with a start ticket (exam_evidence.py).
        contact = (
            ticket_contact(connection, db, exam, now, offline_review_s=ctx.offline_review_s)
            if kind == "start"
            else {}
        )
        if kind == "resume":
            connection.execute(
                pauses.update()
                .where(pauses.c.exam_id == exam.exam_id, pauses.c.ended_at.is_(None))
                .values(ended_at=now)
            )
        configs = db.tables["bank_configs"]
        config = connection.scalar(
            select(configs.c.config).where(
                configs.c.bank_id == exam.bank_id, configs.c.mode == exam.mode
            )
        )
        grant = TicketGrant(
            kind=kind,
            session_id=exam.session_id,
            candidate_id=candidate_id,
            device_id=device.device_id,
            exam_id=exam.exam_id,
            bank_id=exam.bank_id,
            server_start_time=datetime.fromtimestamp(started_at or now, UTC),
            time_allowed_s=exam.time_allowed_seconds + exam.extra_seconds,
            extra_time_percent=candidate.extra_time_percent,
            selection_seed=exam.seed,
            mode=exam.mode,
            config=json.loads(config),
            accessibility=(ACCESSIBILITY_NEEDS,) if candidate.accessibility_needs else (),
            kiosk_config_key=candidate.config_key,
            kiosk_version=candidate.app_version,
            issued_at=datetime.fromtimestamp(now, UTC),
            expires_at=datetime.fromtimestamp(
                now
                + START_WINDOW_S
                + exam.time_allowed_seconds
                + exam.extra_seconds
                + TICKET_MARGIN_S,
                UTC,
            ),
        )
        ticket = issue_ticket(
            grant,
            content_key=ctx.data_dir.content_key(exam.bank_id),
            device_exchange_key=x25519_public_from_b64(device.exchange_key),
            server_key=ctx.server_key,
        )
        connection.execute(
            exams.update()
            .where(exams.c.exam_id == exam.exam_id)
            .values(
                started_at=started_at,
                start_by=start_by,
                ticket=json.dumps(ticket),
                **contact,
            )
        )
        connection.execute(
            db.tables["tickets"]
            .insert()
            .values(
                ticket_id=ticket["ticket"]["ticket_id"],
                exam_id=exam.exam_id,
                kind=kind,
                issued_at=now,
                ticket=json.dumps(ticket),
            )
        )
        connection.execute(
            candidates.update()
            .where(candidates.c.candidate_id == candidate_id)
            .values(status=states.IN_PROGRESS)
        )
    ctx.notifier.notify(room_key(exam.session_id))
    return ticket


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED + 1)
