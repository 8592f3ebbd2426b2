"""What a teacher reads of a campaign: the class × competence heat map, and each grade of the
school across its campaigns (the back-to-school diagnostic).

Both read the sent profiles only (what students chose to send), the latest per student.
A cell is the mean level of the class's students who sent, with its count; a class or grade with
no sending has no cells.
"""

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from engine.referential import COMPETENCES
from server_stub.db.database import Database
from server_stub.schools.grades import GRADES
from server_stub.schools.uai import normalise_uai

LEVEL_BANDS = 8  # levels 0..7, one shade each


def heat_map(rows: Iterable[dict[str, Any]], key: str = "division") -> list[dict[str, Any]]:
    """[{group, students, sent, certifiable, mean_pix_score, cells: {code: {mean, band}}}] from
    export rows (sendings.campaign_rows), grouped by `key`."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[key] or "—", []).append(row)
    found = []
    for group, members in sorted(groups.items(), key=lambda pair: _order(key, pair[0])):
        sent = [r for r in members if r["sent"]]
        cells = {}
        for c in COMPETENCES:
            levels = [r["competence_levels"][c.code] for r in sent]
            mean = sum(levels) / len(levels) if levels else None
            cells[c.code] = {
                "mean": None if mean is None else round(mean, 1),
                "band": None if mean is None else min(LEVEL_BANDS - 1, round(mean)),
            }
        found.append(
            {
                "group": group,
                "students": len(members),
                "sent": len(sent),
                "certifiable": sum(1 for r in sent if r["certifiable"]),
                "mean_pix_score": round(sum(r["pix_score"] for r in sent) / len(sent))
                if sent
                else None,
                "cells": cells,
            }
        )
    return found


def school_latest_profiles(db: Database, uai: str) -> list[dict[str, Any]]:
    """Each current student of the school with their latest sending to any of its campaigns
    (rows shaped as the export's, for heat_map by `grade`)."""
    uai = normalise_uai(uai)
    students, sendings, campaigns = (
        db.tables["students"],
        db.tables["profile_sendings"],
        db.tables["campaigns"],
    )
    with db.read() as connection:
        pupils = connection.execute(
            select(students).where(students.c.uai == uai, students.c.archived_at.is_(None))
        ).all()
        latest: dict[str, Any] = {}
        for row in connection.execute(
            select(sendings)
            .join(campaigns, campaigns.c.code == sendings.c.code)
            .where(campaigns.c.uai == uai)
            .order_by(sendings.c.sent_at)
        ):
            latest[row.student_id] = row
    rows = []
    for pupil in pupils:
        sent = latest.get(pupil.student_id)
        levels = json.loads(sent.competence_levels) if sent else {}
        rows.append(
            {
                "student_id": pupil.student_id,
                "grade": pupil.grade,
                "division": pupil.division,
                "sent": sent is not None,
                "pix_score": sent.pix_score if sent else None,
                "certifiable": bool(sent.certifiable) if sent else None,
                "competence_levels": {c.code: levels.get(c.code) for c in COMPETENCES},
            }
        )
    return rows


def _order(key: str, group: str) -> tuple[int, str]:
    return (grade_order(group) if key == "grade" else 0, group)


def grade_order(group: str) -> int:
    """Grades in school order (6e first), others after."""
    return GRADES.index(group) if group in GRADES else len(GRADES)


def enrolled_certifiability(db: Database, uai: str, session_id: str) -> list[dict[str, Any]]:
    """The candidates of a session, by name, each with `certifiable` by their latest profile
    sent to a campaign of the school (None: no profile sent, not a current student, or not
    enrolled from the roster) — the badge beside each candidate in session enrolment."""
    candidates, students = db.tables["candidates"], db.tables["students"]
    sendings, campaigns = db.tables["profile_sendings"], db.tables["campaigns"]
    with db.read() as connection:
        rows = connection.execute(
            select(candidates.c.last_name, candidates.c.first_names, candidates.c.student_id)
            .where(candidates.c.session_id == session_id)
            .order_by(candidates.c.last_name, candidates.c.first_names)
        ).all()
        enrolled = [row.student_id for row in rows if row.student_id]
        badges: dict[str, bool] = {}
        for sent in connection.execute(
            select(sendings.c.student_id, sendings.c.certifiable)
            .join(campaigns, campaigns.c.code == sendings.c.code)
            .join(students, students.c.student_id == sendings.c.student_id)
            .where(campaigns.c.uai == normalise_uai(uai), students.c.archived_at.is_(None))
            .where(sendings.c.student_id.in_(enrolled))
            .order_by(sendings.c.sent_at)
        ):
            badges[sent.student_id] = bool(sent.certifiable)
    return [
        {
            "last_name": row.last_name,
            "first_name": row.first_names,
            "certifiable": badges.get(row.student_id) if row.student_id else None,
        }
        for row in rows
    ]
