"""What the livret scolaire (LSU/LSL) and Parcoursup read: published certifications, in the
shapes and with the field names of Pix's own APIs for them (docs/feeds.md).

Published certifications only: a scored result in a session whose results were published.
A cancelled certification is none; its status otherwise: `validated`, `rejected`, or `pending`
(held for review). A certification belongs to its session's school (the default school for a
session planned without one).
"""

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from engine.referential import COMPETENCES, area
from engine.scoring import ScoringConfig
from server_stub.codes import is_verification_code
from server_stub.db.database import Database
from server_stub.errors import ApiError
from server_stub.names import first_names_match, name_key
from server_stub.schools.orgs import default_uai, organisation
from server_stub.timeline import instant_text

FEED_STATUSES = {"validated": "validated", "rejected": "rejected", "pending": "pending"}
SEARCH_BY_INE = ("ine",)
SEARCH_BY_IDENTITY = ("organizationUai", "lastName", "firstName", "birthdate")
SEARCH_BY_CODE = ("verificationCode",)


def competence_referential() -> list[dict[str, Any]]:
    """The 16 competences with their area, as the livret scolaire receives them."""
    return [
        {
            "id": c.code,
            "name": c.name_fr,
            "area": {"id": c.area_code, "name": area(c.area_code).name_fr},
        }
        for c in COMPETENCES
    ]


def livret_scolaire(db: Database, uai: str) -> dict[str, Any]:
    """`{certifications, competences}` for one school (ApiError 404 for an unknown UAI)."""
    with db.read() as connection:
        school = organisation(connection, db, uai)
        rows = published_certifications(connection, db, school_uai=school.uai)
    return {
        "certifications": [_livret_entry(row) for row in rows],
        "competences": competence_referential(),
    }


def parcoursup_search(db: Database, query: dict[str, Any]) -> dict[str, Any]:
    """The latest published certification the search finds (ApiError 404/409/422)."""
    kind = _search_kind(query)
    with db.read() as connection:
        if kind == SEARCH_BY_INE:
            ine = str(query["ine"]).strip().upper()
            rows = [
                r
                for r in published_certifications(connection, db)
                if r.ine and r.ine.upper() == ine
            ]
        elif kind == SEARCH_BY_CODE:
            code = str(query["verificationCode"]).strip().upper()
            if not is_verification_code(code):
                raise ApiError("certification_not_found")
            rows = [
                r for r in published_certifications(connection, db) if r.verification_code == code
            ]
        else:
            school = organisation(connection, db, str(query["organizationUai"]))
            rows = [
                r
                for r in published_certifications(connection, db, school_uai=school.uai)
                if name_key(r.last_name) == name_key(str(query["lastName"]))
                and first_names_match(str(query["firstName"]), r.first_names)
                and r.birth_date == str(query["birthdate"])
            ]
    if not rows:
        raise ApiError("certification_not_found")
    people = {(r.ine or "", name_key(r.last_name), r.birth_date) for r in rows}
    if len(people) > 1:
        raise ApiError("more_than_one_certification")
    return parcoursup_entry(max(rows, key=lambda r: r.taken_at or 0))


def parcoursup_school(db: Database, uai: str) -> list[dict[str, Any]]:
    """Every student's latest published certification, for a school's offline upload."""
    with db.read() as connection:
        school = organisation(connection, db, uai)
        rows = published_certifications(connection, db, school_uai=school.uai)
    latest: dict[tuple, Any] = {}
    for row in rows:
        key = (row.ine or "", name_key(row.last_name), name_key(row.first_names), row.birth_date)
        if key not in latest or (row.taken_at or 0) > (latest[key].taken_at or 0):
            latest[key] = row
    return [parcoursup_entry(row) for row in latest.values()]


def parcoursup_entry(row) -> dict[str, Any]:
    levels = json.loads(row.competence_levels)
    return {
        "organizationUai": row.school_uai,
        "ine": row.ine or None,
        "lastName": row.last_name,
        "firstName": _given_names(row)[0],
        "birthdate": row.birth_date,
        "status": FEED_STATUSES[row.status],
        "pixScore": row.score,
        "globalLevel": global_level_label(row.global_level),
        "certificationDate": _instant(row.taken_at),
        "competences": [
            {
                "code": c.code,
                "name": c.name_fr,
                "areaName": area(c.area_code).name_fr,
                "level": levels.get(c.code),
            }
            for c in COMPETENCES
        ],
    }


def global_level_label(level: int) -> str | None:
    """`Indépendant 1` for level 3 (the scoring mesh's label); None below level 1."""
    labels = {row.level: row.label for row in ScoringConfig.shipped().mesh}
    return labels.get(level) or None


def _livret_entry(row) -> dict[str, Any]:
    first, middle, third = _given_names(row)
    levels = json.loads(row.competence_levels)
    return {
        "id": row.exam_id,
        "firstName": first,
        "middleName": middle,
        "thirdName": third,
        "lastName": row.last_name,
        "birthdate": row.birth_date,
        "nationalStudentId": row.ine or None,
        "status": FEED_STATUSES[row.status],
        "pixScore": row.score,
        "verificationCode": row.verification_code,
        "date": _instant(row.taken_at),
        "deliveredAt": _instant(row.published_at),
        "certificationCenter": row.centre,
        "competenceResults": [
            {"competenceId": c.code, "level": levels.get(c.code)} for c in COMPETENCES
        ],
    }


def _given_names(row) -> tuple[str, str | None, str | None]:
    """(first, middle, third): the roster's when the candidate came from it, else the
    candidate's first names split."""
    if row.first_name:
        return row.first_name, row.middle_name or None, row.third_name or None
    given = row.first_names.split()
    return (
        given[0] if given else "",
        given[1] if len(given) > 1 else None,
        " ".join(given[2:]) or None,
    )


def _instant(seconds: float | None) -> str | None:
    return None if seconds is None else instant_text(seconds)


def _search_kind(query: dict[str, Any]) -> tuple[str, ...]:
    given = {name for name, value in query.items() if value not in (None, "")}
    for kind in (SEARCH_BY_INE, SEARCH_BY_IDENTITY, SEARCH_BY_CODE):
        if given == set(kind):
            if kind == SEARCH_BY_IDENTITY and not _is_iso_date(str(query["birthdate"])):
                break
            return kind
    raise ApiError("invalid_search")


def _is_iso_date(text: str) -> bool:
    try:
        return len(text) == 10 and date.fromisoformat(text) is not None
    except ValueError:
        return False


def published_certifications(
    connection: Connection, db: Database, *, school_uai: str | None = None
) -> list:
    """Published, not cancelled results with their candidate, student and session, oldest first
    per candidate name (the rows every feed and the class results read)."""
    t = db.tables
    fallback = default_uai(connection, db)
    school = func.coalesce(t["sessions"].c.uai, fallback).label("school_uai")
    query = (
        select(
            t["results"].c.exam_id,
            t["results"].c.status,
            t["results"].c.score,
            t["results"].c.global_level,
            t["results"].c.competence_levels,
            t["results"].c.verification_code,
            t["candidates"].c.last_name,
            t["candidates"].c.first_names,
            t["candidates"].c.birth_date,
            t["candidates"].c.ine,
            t["candidates"].c.student_id,
            t["students"].c.first_name,
            t["students"].c.middle_name,
            t["students"].c.third_name,
            t["sessions"].c.session_id,
            t["sessions"].c.centre,
            t["sessions"].c.published_at,
            func.coalesce(t["exams"].c.started_at, t["exams"].c.authorised_at).label("taken_at"),
            school,
        )
        .join(t["candidates"], t["candidates"].c.candidate_id == t["results"].c.candidate_id)
        .join(t["sessions"], t["sessions"].c.session_id == t["candidates"].c.session_id)
        .join(t["exams"], t["exams"].c.exam_id == t["results"].c.exam_id)
        .outerjoin(t["students"], t["students"].c.student_id == t["candidates"].c.student_id)
        .where(t["sessions"].c.state == "published", t["results"].c.status.in_(FEED_STATUSES))
        .order_by(t["candidates"].c.last_name, t["candidates"].c.first_names, "taken_at")
    )
    if school_uai is not None:
        query = query.where(school == school_uai)
    return connection.execute(query).all()
