"""Sending the Pix profile to a campaign, and the campaign's rows as Pix Orga exports them.

A sending is a snapshot: the 16 levels, the Pix score and certifiability as they stood when the
student clicked (`profile_sendings`). A campaign without multiple sendings takes one per student;
an assessment takes it once its parcours is finished. The export has one row per current student
of the campaign's classes, with their latest sending (`sent` False and empty figures if none).
"""

import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.referential import COMPETENCES
from server_stub.db.database import Database
from server_stub.practice.campaigns import campaign, require_open
from server_stub.practice.errors import PracticeError
from server_stub.practice.training import check_student_in, participation_row, profile_of
from server_stub.schools import audit
from server_stub.schools.roster import class_students
from server_stub.spreadsheet_csv import write_sheet

FRANCE = ZoneInfo("Europe/Paris")


def _refused(fr: str, en: str) -> PracticeError:
    return PracticeError("sending_refused", detail_fr=fr, detail_en=en)


def send_profile(db: Database, student: dict[str, Any], code: str, *, now: float) -> dict[str, Any]:
    """Snapshot the student's profile into the campaign; the sending as a dict."""
    sendings = db.tables["profile_sendings"]
    with db.write() as connection:
        found = campaign(connection, db, code)
        check_student_in(found, student)
        require_open(found)
        row = participation_row(connection, db, found.code, student["student_id"])
        if found.kind == "assessment" and row.finished_at is None:
            raise _refused(
                "terminez d'abord le parcours de la campagne.",
                "finish the campaign's parcours first.",
            )
        already = connection.scalar(
            select(sendings.c.sending_id).where(
                sendings.c.code == found.code, sendings.c.student_id == student["student_id"]
            )
        )
        if already is not None and not found.multiple_sendings:
            raise _refused(
                "cette campagne ne prend qu'un envoi, et le vôtre est fait.",
                "this campaign takes one sending, and yours is done.",
            )
        profile = profile_of(connection, db, student["student_id"])
        sending_id = f"ps_{time.time_ns():020d}_{secrets.token_hex(4)}"
        connection.execute(
            sendings.insert().values(
                sending_id=sending_id,
                code=found.code,
                student_id=student["student_id"],
                sent_at=now,
                pix_score=profile["pix_score"],
                certifiable=profile["certifiable"],
                certifiable_competences=profile["certifiable_competences"],
                competence_levels=json.dumps(profile["competence_levels"], sort_keys=True),
            )
        )
        audit.record(
            connection,
            db,
            at=now,
            actor=f"student:{student['login']}",
            action="practice.send_profile",
            uai=found.uai,
            target=found.code,
            pix_score=profile["pix_score"],
        )
    return {"sending_id": sending_id, "code": found.code, "sent_at": iso(now), **profile}


def iso(at: float | None) -> str | None:
    """A UTC instant in ISO 8601 (what JSON carries)."""
    if at is None:
        return None
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def student_sendings(db: Database, code: str, student_id: str) -> list[dict[str, Any]]:
    """Every sending of one student to one campaign, oldest first (the evolution)."""
    sendings = db.tables["profile_sendings"]
    with db.read() as connection:
        rows = connection.execute(
            select(sendings)
            .where(sendings.c.code == code, sendings.c.student_id == student_id)
            .order_by(sendings.c.sent_at)
        ).all()
    return [_sending(row) for row in rows]


def _sending(row) -> dict[str, Any]:
    return {
        "sent_at": iso(row.sent_at),
        "pix_score": row.pix_score,
        "certifiable": bool(row.certifiable),
        "certifiable_competences": row.certifiable_competences,
        "competence_levels": json.loads(row.competence_levels),
    }


def campaign_rows(db: Database, code: str) -> list[dict[str, Any]]:
    """One row per current student of the campaign's classes: participation and latest sending.

    Keys: identity (`last_name`, `first_name`, `ine`, `division`, `grade`), `started`,
    `answers`, `finished`, `sendings`, `sent`, `sent_at`, `pix_score`, `certifiable`,
    `certifiable_competences`, `competence_levels` ({"1.1": level, ...} — the 16 levels), and
    `first_pix_score` (the first sending's score: the evolution)."""
    sendings, participations = db.tables["profile_sendings"], db.tables["participations"]
    answers = db.tables["practice_answers"]
    with db.read() as connection:
        found = campaign(connection, db, code)
        students = [
            student
            for division in found.divisions
            for student in class_students(connection, db, found.uai, division)
        ]
        by_student: dict[str, list] = {}
        for row in connection.execute(
            select(sendings).where(sendings.c.code == found.code).order_by(sendings.c.sent_at)
        ):
            by_student.setdefault(row.student_id, []).append(row)
        joined = {
            row.student_id: row
            for row in connection.execute(
                select(participations).where(participations.c.code == found.code)
            )
        }
        counts: dict[str, int] = {}
        for student_id in connection.scalars(
            select(answers.c.student_id).where(answers.c.code == found.code)
        ):
            counts[student_id] = counts.get(student_id, 0) + 1
    rows = []
    for student in students:
        sent = by_student.get(student["student_id"], [])
        latest = _sending(sent[-1]) if sent else None
        participation = joined.get(student["student_id"])
        rows.append(
            {
                "student_id": student["student_id"],
                "last_name": student["last_name"],
                "first_name": student["first_name"],
                "ine": student["ine"],
                "division": student["division"],
                "grade": student["grade"],
                "started": participation is not None,
                "answers": counts.get(student["student_id"], 0),
                "finished": participation is not None and participation.finished_at is not None,
                "last_seen_at": iso(participation.last_seen_at) if participation else None,
                "sendings": len(sent),
                "sent": latest is not None,
                "sent_at": latest["sent_at"] if latest else None,
                "pix_score": latest["pix_score"] if latest else None,
                "first_pix_score": sent[0].pix_score if sent else None,
                "certifiable": latest["certifiable"] if latest else None,
                "certifiable_competences": latest["certifiable_competences"] if latest else None,
                "competence_levels": {
                    c.code: (latest["competence_levels"].get(c.code) if latest else None)
                    for c in COMPETENCES
                },
            }
        )
    return rows


CSV_COLUMNS = (
    ("last_name", "Nom du participant"),
    ("first_name", "Prénom du participant"),
    ("ine", "INE"),
    ("division", "Classe"),
    ("grade", "Niveau"),
    ("sent", "Envoi (O/N)"),
    ("sent_at", "Date de l'envoi"),
    ("pix_score", "Nombre de pix total"),
    ("certifiable", "Certifiable (O/N)"),
    ("certifiable_competences", "Nombre de compétences certifiables"),
)


def campaign_csv(rows: list[dict[str, Any]]) -> bytes:
    """The profile-collection CSV as France's spreadsheets open it: French headers, `;`, UTF-8
    with a BOM, O/N, dates JJ/MM/AAAA HH:MM in French time, one column per competence."""
    header = [title for _, title in CSV_COLUMNS] + [
        f"Niveau pour la compétence {c.code} {c.name_fr}" for c in COMPETENCES
    ]
    return write_sheet(
        header,
        [
            [_cell(name, row[name]) for name, _ in CSV_COLUMNS]
            + [row["competence_levels"].get(c.code) for c in COMPETENCES]
            for row in rows
        ],
    )


def _cell(name: str, value: Any) -> Any:
    if name in ("sent", "certifiable"):
        return "" if value is None else ("O" if value else "N")
    if name == "sent_at" and value:
        return french_time(value)
    return value


def french_time(iso_text: str | None) -> str:
    """`2026-12-07T17:55:25Z` → `07/12/2026 18:55`, in French time (spreadsheets and pages)."""
    if not iso_text:
        return ""
    at = datetime.fromisoformat(iso_text.replace("Z", "+00:00")).astimezone(FRANCE)
    return at.strftime("%d/%m/%Y %H:%M")
