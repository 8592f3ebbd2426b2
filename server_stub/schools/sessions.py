"""Sessions planned from the roster: a session's school, enrolling a class or picked students
(their grade and expected level travel with them), and listing, editing and deleting sessions
before they start.

A session's school is `sessions.uai`; NULL (a session planned without a UAI, or before schools
existed) means the server's default school. A session has started once a candidate checked in:
from then on it can be neither edited nor deleted.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from engine.canonical import BilingualError
from server_stub import codes
from server_stub.db.database import Database
from server_stub.planning import session_row
from server_stub.schools import audit
from server_stub.schools.grades import expected_level
from server_stub.schools.orgs import Organisation, default_uai, organisation
from server_stub.schools.roster import class_students
from server_stub.schools.uai import normalise_uai

EDITABLE = ("centre", "room", "exam_date", "start_time", "invigilator")


class SessionPlanError(BilingualError):
    """A roster session that cannot be planned, edited or deleted as asked."""


@dataclass(frozen=True)
class RosterPick:
    """What a session will enrol, checked before the session is created."""

    school: Organisation
    students: list[dict[str, Any]]


def pick_students(
    db: Database, uai: str | None, division: str | None, ines: list[str] = ()
) -> RosterPick:
    """The school (default one without `uai`) and the students of `division` and/or `ines`."""
    with db.read() as connection:
        school = organisation(
            connection, db, normalise_uai(uai) if uai else default_uai(connection, db)
        )
        students: list[dict[str, Any]] = []
        if division is not None:
            students = class_students(connection, db, school.uai, division)
            if not students:
                known = sorted(
                    {s["division"] for s in class_students(connection, db, school.uai, None)}
                )
                raise SessionPlanError(
                    "class_not_found",
                    f"aucun élève dans la classe « {division} » de {school.uai} (classes : "
                    f"{', '.join(known) or 'aucune, importez la liste des élèves'}).",
                    f"no student in class “{division}” of {school.uai} (classes: "
                    f"{', '.join(known) or 'none, import the students list'}).",
                )
        if ines:
            everyone = {s["ine"]: s for s in class_students(connection, db, school.uai, None)}
            missing = [ine for ine in ines if ine.strip().upper() not in everyone]
            if missing:
                raise SessionPlanError(
                    "student_not_found",
                    f"INE inconnu(s) dans {school.uai} : {', '.join(missing)}.",
                    f"unknown INE(s) in {school.uai}: {', '.join(missing)}.",
                )
            chosen = {s["student_id"] for s in students}
            for ine in ines:
                student = everyone[ine.strip().upper()]
                if student["student_id"] not in chosen:
                    chosen.add(student["student_id"])
                    students.append(student)
    return RosterPick(school, students)


def enrol(db: Database, session_id: str, pick: RosterPick, *, now: float, actor: str) -> list[str]:
    """Attach the session to the pick's school and enrol its students not enrolled yet."""
    sessions, candidates = db.tables["sessions"], db.tables["candidates"]
    with db.write() as connection:
        session = session_row(connection, db, session_id)
        _require_not_started(connection, db, session)
        current = session.uai or default_uai(connection, db)
        if current != pick.school.uai and _candidate_count(connection, db, session_id):
            raise SessionPlanError(
                "other_school",
                f"la session {session_id} est celle de {current}, pas de {pick.school.uai}.",
                f"session {session_id} belongs to {current}, not {pick.school.uai}.",
            )
        connection.execute(
            update(sessions).where(sessions.c.session_id == session_id).values(uai=pick.school.uai)
        )
        enrolled = set(
            connection.scalars(
                select(candidates.c.student_id).where(candidates.c.session_id == session_id)
            )
        )
        rows = [
            {
                "candidate_id": codes.identifier("cand"),
                "session_id": session_id,
                "last_name": s["last_name"],
                "first_names": " ".join(
                    name for name in (s["first_name"], s["middle_name"], s["third_name"]) if name
                ),
                "birth_date": s["birth_date"],
                "ine": s["ine"] or "",
                "extra_time_percent": s["extra_time_percent"],
                "accessibility_needs": s["accessibility_needs"],
                "status": "not_arrived",
                "student_id": s["student_id"],
                "grade": s["grade"],
                "expected_level": expected_level(s["grade"]),
            }
            for s in pick.students
            if s["student_id"] not in enrolled
        ]
        if rows:
            connection.execute(candidates.insert(), rows)
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="session.enrol",
            uai=pick.school.uai,
            target=session_id,
            students=[row["student_id"] for row in rows],
        )
    return [row["candidate_id"] for row in rows]


def session_uai(db: Database, session_id: str) -> str:
    """The session's school (the default school for a session planned without one)."""
    with db.read() as connection:
        return session_row(connection, db, session_id).uai or default_uai(connection, db)


def note_created(db: Database, session_id: str, *, now: float, actor: str) -> None:
    """The session's creation in the audit log (with its school, default or not)."""
    with db.write() as connection:
        session = session_row(connection, db, session_id)
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="session.create",
            uai=session.uai or default_uai(connection, db),
            target=session_id,
            session_number=session.session_number,
            date=session.exam_date,
        )


def list_sessions(db: Database, uai: str | None = None) -> list[dict[str, Any]]:
    sessions, candidates = db.tables["sessions"], db.tables["candidates"]
    counts = (
        select(candidates.c.session_id, func.count().label("candidates"))
        .group_by(candidates.c.session_id)
        .subquery()
    )
    with db.read() as connection:
        fallback = default_uai(connection, db)
        rows = connection.execute(
            select(sessions, counts.c.candidates)
            .outerjoin(counts, counts.c.session_id == sessions.c.session_id)
            .order_by(sessions.c.exam_date, sessions.c.start_time, sessions.c.session_number)
        ).all()
    found = [
        {
            "session_id": row.session_id,
            "session_number": row.session_number,
            "uai": row.uai or fallback,
            "centre": row.centre,
            "room": row.room,
            "date": row.exam_date,
            "time": row.start_time,
            "invigilator": row.invigilator,
            "mode": row.mode,
            "state": row.state,
            "candidate_count": row.candidates or 0,
        }
        for row in rows
    ]
    return [s for s in found if uai is None or s["uai"] == normalise_uai(uai)]


def session_sheet(db: Database, uai: str, session_id: str) -> dict[str, Any] | None:
    """One session of the school `uai` as list_sessions gives it, with its access and
    invigilator codes and when it was finalised and published; None if the school has no such
    session."""
    found = next((s for s in list_sessions(db, uai) if s["session_id"] == session_id), None)
    if found is None:
        return None
    with db.read() as connection:
        row = session_row(connection, db, session_id)
    return {
        **found,
        "access_code": row.access_code,
        "invigilator_code": row.invigilator_code,
        "finalised_at": row.finalised_at,
        "published_at": row.published_at,
    }


def edit_session(
    db: Database, session_id: str, changes: dict[str, str], *, now: float, actor: str
) -> None:
    """Change the session's place, date, time or invigilator before it starts."""
    changes = {name: value.strip() for name, value in changes.items() if value is not None}
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _check_fields(changes)
    sessions = db.tables["sessions"]
    with db.write() as connection:
        session = session_row(connection, db, session_id)
        _require_not_started(connection, db, session)
        if changes:
            connection.execute(
                update(sessions).where(sessions.c.session_id == session_id).values(**changes)
            )
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="session.edit",
            uai=session.uai or default_uai(connection, db),
            target=session_id,
            **changes,
        )


def delete_session(db: Database, session_id: str, *, now: float, actor: str) -> int:
    """Delete a session that has not started, with its candidates; returns how many."""
    t = db.tables
    with db.write() as connection:
        session = session_row(connection, db, session_id)
        _require_not_started(connection, db, session)
        count = _candidate_count(connection, db, session_id)
        for name in ("issue_reports", "console_tokens", "candidates"):
            connection.execute(delete(t[name]).where(t[name].c.session_id == session_id))
        connection.execute(delete(t["lockouts"]).where(t["lockouts"].c.session_id == session_id))
        connection.execute(delete(t["sessions"]).where(t["sessions"].c.session_id == session_id))
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="session.delete",
            uai=session.uai or default_uai(connection, db),
            target=session_id,
            session_number=session.session_number,
            candidates=count,
        )
    return count


def _require_not_started(connection: Connection, db: Database, session) -> None:
    t = db.tables
    started = connection.scalar(
        select(func.count())
        .select_from(t["exams"])
        .where(t["exams"].c.session_id == session.session_id)
    ) or connection.scalar(
        select(func.count())
        .select_from(t["candidates"])
        .where(
            t["candidates"].c.session_id == session.session_id,
            t["candidates"].c.checked_in_at.is_not(None),
        )
    )
    if session.state != "planned" or started:
        raise SessionPlanError(
            "session_started",
            f"la session {session.session_id} a commencé : elle ne peut plus être modifiée "
            "ni supprimée.",
            f"session {session.session_id} has started: it can no longer be edited or deleted.",
        )


def _candidate_count(connection: Connection, db: Database, session_id: str) -> int:
    candidates = db.tables["candidates"]
    return connection.scalar(
        select(func.count()).select_from(candidates).where(candidates.c.session_id == session_id)
    )


def _check_fields(changes: dict[str, str]) -> None:
    problems = []
    for name in ("centre", "room"):
        if name in changes and not changes[name]:
            problems.append(name)
    if "exam_date" in changes:
        try:
            date.fromisoformat(changes["exam_date"])
        except ValueError:
            problems.append("date (YYYY-MM-DD)")
    if "start_time" in changes:
        try:
            datetime.strptime(changes["start_time"], "%H:%M")
        except ValueError:
            problems.append("time (HH:MM)")
    if problems:
        raise SessionPlanError(
            "invalid_session_field",
            f"champ(s) de session invalide(s) : {', '.join(problems)}.",
            f"invalid session field(s): {', '.join(problems)}.",
        )
