"""Results a school reads: one class, each student with their latest published certification
(score, global level, the 16 levels) beside the level their grade is expected to reach.

A student with no published certification is listed too (`status` `not_certified`), so the
class is whole. Rows come as JSON objects, or as a CSV with French headers (spreadsheet_csv).
"""

import json
from typing import Any

from engine.referential import COMPETENCES
from server_stub.db.database import Database
from server_stub.schools.feeds import global_level_label, published_certifications
from server_stub.schools.orgs import organisation
from server_stub.schools.roster import class_students
from server_stub.spreadsheet_csv import write_sheet

CSV_COLUMNS = (
    ("last_name", "Nom"),
    ("first_name", "Prénom"),
    ("ine", "INE"),
    ("birth_date", "Date de naissance"),
    ("division", "Classe"),
    ("grade", "Niveau"),
    ("status", "Statut"),
    ("score", "Score Pix"),
    ("global_level", "Niveau global"),
    ("global_level_label", "Libellé du niveau"),
    ("expected_level", "Niveau attendu"),
    ("expected_level_reached", "Niveau attendu atteint"),
    ("verification_code", "Code de vérification"),
    ("session_id", "Session"),
)


def class_results(db: Database, uai: str, division: str) -> list[dict[str, Any]]:
    with db.read() as connection:
        uai = organisation(connection, db, uai).uai
        students = class_students(connection, db, uai, division)
        certified = published_certifications(connection, db, school_uai=uai)
    latest: dict[str, Any] = {}
    for row in certified:
        if row.student_id and (
            row.student_id not in latest
            or (row.taken_at or 0) >= (latest[row.student_id].taken_at or 0)
        ):
            latest[row.student_id] = row
    return [_row(student, latest.get(student["student_id"])) for student in students]


def class_results_csv(rows: list[dict[str, Any]]) -> bytes:
    header = [title for _, title in CSV_COLUMNS] + [f"Compétence {c.code}" for c in COMPETENCES]
    return write_sheet(
        header,
        [
            [_csv_value(row[name]) for name, _ in CSV_COLUMNS]
            + [row["competence_levels"].get(c.code) for c in COMPETENCES]
            for row in rows
        ],
    )


def _row(student: dict[str, Any], result) -> dict[str, Any]:
    levels = json.loads(result.competence_levels) if result is not None else {}
    expected = student["expected_level"]
    reached = None
    if result is not None and expected is not None:
        reached = result.global_level >= expected
    return {
        "student_id": student["student_id"],
        "last_name": student["last_name"],
        "first_name": student["first_name"],
        "ine": student["ine"],
        "birth_date": student["birth_date"],
        "division": student["division"],
        "grade": student["grade"],
        "expected_level": expected,
        "status": result.status if result is not None else "not_certified",
        "score": result.score if result is not None else None,
        "global_level": result.global_level if result is not None else None,
        "global_level_label": global_level_label(result.global_level) if result else None,
        "expected_level_reached": reached,
        "verification_code": result.verification_code if result is not None else None,
        "session_id": result.session_id if result is not None else None,
        "competence_levels": {c.code: levels.get(c.code) for c in COMPETENCES} if levels else {},
    }


def _csv_value(value: Any) -> Any:
    if value is True:
        return "oui"
    if value is False:
        return "non"
    return value
