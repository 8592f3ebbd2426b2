"""Session planning by the certification lead: create a session, import its candidates.

Used by the `pix-server session create` / `candidates import` commands and by the planning API.
The session id is the session number written as text, as in Pix where the number is the id.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, func, select

from server_stub import codes
from server_stub.candidate_import import CandidateImportError, CandidateRow, parse_candidates_csv
from server_stub.db.database import Database
from server_stub.errors import ApiError
from server_stub.timeline import BASE_MINUTES

MODES = ("pix", "default")
MAX_MINUTES = 600


@dataclass(frozen=True)
class SessionCodes:
    session_id: str
    session_number: int
    access_code: str
    invigilator_code: str


def create_session(
    db: Database,
    *,
    centre: str,
    room: str,
    exam_date: str,
    start_time: str,
    invigilator: str,
    mode: str,
    now: float,
    rehearsal: bool = False,
    minutes: int = BASE_MINUTES,
    bank_id: str | None = None,
) -> SessionCodes:
    """Plan a session on one bank edition (`bank_id`, default: the newest for `mode`): its
    tickets release that edition's content key and no other. `rehearsal`: a rehearsal session,
    never published as certificates; `minutes`: the time allowed before extra time (105 for a
    real session, a rehearsal may be shorter)."""
    _check_session_fields(centre, room, exam_date, start_time, mode)
    if not 1 <= minutes <= MAX_MINUTES:
        raise ApiError("invalid_session_field", field="minutes", detail=f"1-{MAX_MINUTES}")
    sessions = db.tables["sessions"]
    with db.write() as connection:
        if bank_id is None:
            bank_id = latest_bank_for_mode(connection, db, mode)
        elif bank_id not in offered_banks(connection, db, mode):
            raise ApiError("edition_not_found", edition=bank_id, mode=mode)
        taken = set(connection.scalars(select(sessions.c.session_number)))
        number = codes.session_number()
        while number in taken:
            number = codes.session_number()
        created = SessionCodes(
            session_id=str(number),
            session_number=number,
            access_code=codes.access_code(),
            invigilator_code=codes.invigilator_code(),
        )
        connection.execute(
            sessions.insert().values(
                session_id=created.session_id,
                session_number=number,
                centre=centre.strip(),
                room=room.strip(),
                exam_date=exam_date,
                start_time=start_time,
                invigilator=invigilator.strip(),
                mode=mode,
                bank_id=bank_id,
                access_code=created.access_code,
                invigilator_code=created.invigilator_code,
                state="planned",
                created_at=now,
                rehearsal=rehearsal,
                base_minutes=minutes,
            )
        )
    return created


def offered_banks(connection: Connection, db: Database, mode: str) -> list[str]:
    """The banks published for `mode`, newest first."""
    banks, configs = db.tables["banks"], db.tables["bank_configs"]
    return list(
        connection.scalars(
            select(banks.c.bank_id)
            .join(configs, configs.c.bank_id == banks.c.bank_id)
            .where(configs.c.mode == mode)
            .order_by(banks.c.published_at.desc())
        )
    )


def latest_bank_for_mode(connection: Connection, db: Database, mode: str) -> str:
    banks, configs = db.tables["banks"], db.tables["bank_configs"]
    bank_id = connection.scalar(
        select(banks.c.bank_id)
        .join(configs, configs.c.bank_id == banks.c.bank_id)
        .where(configs.c.mode == mode)
        .order_by(banks.c.published_at.desc())
        .limit(1)
    )
    if bank_id is None:
        raise ApiError("no_bank_published", mode=mode)
    return bank_id


def session_row(connection: Connection, db: Database, session_id: str):
    row = connection.execute(
        select(db.tables["sessions"]).where(db.tables["sessions"].c.session_id == session_id)
    ).first()
    if row is None:
        raise ApiError("session_not_found")
    return row


def import_candidates(db: Database, session_id: str, data: bytes) -> list[str]:
    """Add every candidate of a CSV file to a planned session, or none (CandidateImportError)."""
    candidates = db.tables["candidates"]
    with db.write() as connection:
        session = session_row(connection, db, session_id)
        if session.state != "planned":
            raise ApiError("session_closed")
        existing = [
            CandidateRow(
                last_name=row.last_name,
                first_names=row.first_names,
                birth_date=row.birth_date,
                ine=row.ine,
                extra_time_percent=row.extra_time_percent,
                accessibility_needs=row.accessibility_needs,
            )
            for row in connection.execute(
                select(candidates).where(candidates.c.session_id == session_id)
            )
        ]
        rows = parse_candidates_csv(data, existing)
        identifiers = [codes.identifier("cand") for _ in rows]
        connection.execute(
            candidates.insert(),
            [
                {
                    "candidate_id": candidate_id,
                    "session_id": session_id,
                    "last_name": row.last_name,
                    "first_names": row.first_names,
                    "birth_date": row.birth_date,
                    "ine": row.ine,
                    "extra_time_percent": row.extra_time_percent,
                    "accessibility_needs": row.accessibility_needs,
                    "status": "not_arrived",
                }
                for candidate_id, row in zip(identifiers, rows, strict=True)
            ],
        )
    return identifiers


def candidate_count(connection: Connection, db: Database, session_id: str) -> int:
    candidates = db.tables["candidates"]
    return connection.scalar(
        select(func.count()).select_from(candidates).where(candidates.c.session_id == session_id)
    )


def import_error_details(error: CandidateImportError) -> list[dict]:
    return [{"line": e.line, "message_fr": e.fr, "message_en": e.en} for e in error.errors]


def _check_session_fields(centre: str, room: str, exam_date: str, start_time: str, mode: str):
    for field, value in (("centre", centre), ("room", room)):
        if not value.strip():
            raise ApiError("invalid_session_field", field=field, detail="vide / empty")
    try:
        date.fromisoformat(exam_date)
        if len(exam_date) != 10:
            raise ValueError
    except ValueError:
        raise ApiError("invalid_session_field", field="date", detail="YYYY-MM-DD") from None
    try:
        datetime.strptime(start_time, "%H:%M")
        if len(start_time) != 5:
            raise ValueError
    except ValueError:
        raise ApiError("invalid_session_field", field="time", detail="HH:MM") from None
    if mode not in MODES:
        raise ApiError("invalid_session_field", field="mode", detail="pix | default")
