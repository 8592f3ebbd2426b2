"""The school's roster in the database: import (create, update, archive), list, and a class.

A student is the same person from one import to the next by INE, else by last name, first name
and birth date (case and accents ignored): re-importing updates, never duplicates. A full import
(the default) archives the students the file no longer holds; an archived student who comes back
is restored. Extra time and accessibility needs are kept as stored when the file does not say.
A school the server does not know yet is created by its first import (orgs.ensure_organisation).
"""

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select, update

from server_stub import codes
from server_stub.db.database import Database
from server_stub.names import name_key
from server_stub.schools import audit
from server_stub.schools.grades import expected_level
from server_stub.schools.orgs import ensure_organisation, organisation
from server_stub.schools.roster_csv import parse_roster_csv
from server_stub.schools.roster_rows import RosterImportError, RosterLineError, StudentRow
from server_stub.schools.roster_siecle import parse_siecle
from server_stub.schools.uai import normalise_uai

IDENTITY_FIELDS = (
    "ine",
    "last_name",
    "preferred_last_name",
    "first_name",
    "middle_name",
    "third_name",
    "sex",
    "birth_date",
    "birth_place",
    "division",
    "grade",
)


@dataclass(frozen=True)
class ImportSummary:
    uai: str
    file_format: str
    created: int
    updated: int
    unchanged: int
    restored: int
    archived: int
    school_created: bool

    def to_dict(self) -> dict:
        return asdict(self)


def parse_roster(data: bytes, uai: str, today: date) -> tuple[str, list[StudentRow]]:
    """("siecle" | "csv", rows): the format is told by the first character that is not a BOM or
    blank (`<`: XML)."""
    start = data.lstrip(b"\xef\xbb\xbf").lstrip()
    if start.startswith(b"<"):
        return "siecle", parse_siecle(data, uai, today)
    return "csv", parse_roster_csv(data, today)


def import_roster(
    db: Database, *, uai: str, data: bytes, full: bool, now: float, actor: str
) -> ImportSummary:
    uai = normalise_uai(uai)
    file_format, rows = parse_roster(data, uai, date.fromtimestamp(now))
    _refuse_duplicates(rows)
    students = db.tables["students"]
    counts = {"created": 0, "updated": 0, "unchanged": 0, "restored": 0, "archived": 0}
    with db.write() as connection:
        school_created = ensure_organisation(connection, db, uai, now=now, actor=actor)
        existing = connection.execute(select(students).where(students.c.uai == uai)).all()
        by_ine = {row.ine: row for row in existing if row.ine}
        by_person = {_person_key(row): row for row in existing}
        seen: set[str] = set()
        for row in rows:
            match = (by_ine.get(row.ine) if row.ine else None) or by_person.get(_person_key(row))
            if match is None:
                connection.execute(students.insert().values(**_insert_values(row, uai, now)))
                counts["created"] += 1
                continue
            seen.add(match.student_id)
            changes = _changes(match, row)
            if match.archived_at is not None:
                changes["archived_at"] = None
                counts["restored"] += 1
            elif changes:
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
            if changes:
                connection.execute(
                    update(students)
                    .where(students.c.student_id == match.student_id)
                    .values(**changes, imported_at=now)
                )
        if full:
            leaving = [
                row.student_id
                for row in existing
                if row.archived_at is None and row.student_id not in seen
            ]
            if leaving:
                connection.execute(
                    update(students)
                    .where(students.c.student_id.in_(leaving))
                    .values(archived_at=now)
                )
            counts["archived"] = len(leaving)
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="roster.import",
            uai=uai,
            file_format=file_format,
            full=full,
            students=len(rows),
            **counts,
        )
    return ImportSummary(uai, file_format, school_created=school_created, **counts)


def list_students(
    db: Database, uai: str, *, division: str | None = None, archived: bool = False
) -> list[dict[str, Any]]:
    with db.read() as connection:
        organisation(connection, db, uai)
        return class_students(connection, db, normalise_uai(uai), division, archived=archived)


def class_students(
    connection: Connection,
    db: Database,
    uai: str,
    division: str | None,
    *,
    archived: bool = False,
) -> list[dict[str, Any]]:
    """The school's current students (of one class if `division`), by name."""
    students = db.tables["students"]
    query = select(students).where(students.c.uai == uai)
    if not archived:
        query = query.where(students.c.archived_at.is_(None))
    if division is not None:
        query = query.where(students.c.division == division)
    rows = connection.execute(
        query.order_by(students.c.division, students.c.last_name, students.c.first_name)
    ).all()
    return [
        {
            **{name: getattr(row, name) for name in IDENTITY_FIELDS},
            "student_id": row.student_id,
            "extra_time_percent": row.extra_time_percent,
            "accessibility_needs": bool(row.accessibility_needs),
            "expected_level": expected_level(row.grade),
            "archived": row.archived_at is not None,
        }
        for row in rows
    ]


def _refuse_duplicates(rows: list[StudentRow]) -> None:
    first_by_ine: dict[str, int] = {}
    first_by_person: dict[tuple[str, str, str], int] = {}
    errors = []
    for row in rows:
        key = _person_key(row)
        if row.ine and row.ine in first_by_ine:
            errors.append((row.line, "INE", first_by_ine[row.ine]))
        elif key in first_by_person:
            errors.append((row.line, "nom / name", first_by_person[key]))
        if row.ine:
            first_by_ine.setdefault(row.ine, row.line)
        first_by_person.setdefault(key, row.line)
    if errors:
        raise RosterImportError(
            [
                RosterLineError(
                    line,
                    column,
                    f"élève en double dans le fichier (déjà ligne {first})",
                    f"student twice in the file (already on line {first})",
                )
                for line, column, first in errors
            ]
        )


def _person_key(row) -> tuple[str, str, str]:
    return (name_key(row.last_name), name_key(row.first_name), row.birth_date)


def _insert_values(row: StudentRow, uai: str, now: float) -> dict[str, Any]:
    return {
        "student_id": codes.identifier("stu"),
        "uai": uai,
        **{name: getattr(row, name) or None for name in IDENTITY_FIELDS},
        "last_name": row.last_name,
        "first_name": row.first_name,
        "birth_date": row.birth_date,
        "division": row.division,
        "extra_time_percent": row.extra_time_percent or 0,
        "accessibility_needs": bool(row.accessibility_needs),
        "imported_at": now,
    }


def _changes(stored, row: StudentRow) -> dict[str, Any]:
    wanted = {name: getattr(row, name) or None for name in IDENTITY_FIELDS}
    wanted.update(last_name=row.last_name, first_name=row.first_name, division=row.division)
    if row.extra_time_percent is not None:
        wanted["extra_time_percent"] = row.extra_time_percent
    if row.accessibility_needs is not None:
        wanted["accessibility_needs"] = row.accessibility_needs
    return {name: value for name, value in wanted.items() if getattr(stored, name) != value}
