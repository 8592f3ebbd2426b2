"""`pix-server students`: the school's roster.

    pix-server students import --data DIR --uai UAI [--partial] [--json] FILE
    pix-server students list --data DIR --uai UAI [--class DIVISION] [--archived] [--json]

FILE is SIECLE's `ElevesSansAdresses.xml` or a spreadsheet saved as CSV (`;` or `,`, UTF-8 or
Windows-1252, dates JJ/MM/AAAA); the format is detected. Re-importing updates the students
already known (by INE, else name and birth date); those the file no longer holds are archived,
not deleted (`--partial`: a file of a few students, nobody archived). One bad line and nothing is
imported: every problem is listed with its line and column.
"""

import argparse
import time
from pathlib import Path

from server_stub.command_support import (
    add_data_argument,
    fail,
    opened_database,
    print_json_or_text,
    reporting_failures,
)
from server_stub.schools.audit import CLI_ACTOR
from server_stub.schools.roster import import_roster, list_students


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("students", help="the school's roster", description=__doc__)
    actions = parser.add_subparsers(dest="students_command", required=True)
    importing = actions.add_parser("import", help="import SIECLE XML or a CSV roster")
    add_data_argument(importing)
    importing.add_argument("--uai", required=True, help="the school's UAI")
    importing.add_argument("--partial", action="store_true", help="a few students: archive nobody")
    importing.add_argument("--json", action="store_true", help="print JSON")
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.set_defaults(func=reporting_failures(run_import))
    listing = actions.add_parser("list", help="list the school's students")
    add_data_argument(listing)
    listing.add_argument("--uai", required=True)
    listing.add_argument("--class", dest="division", help="one class (division)")
    listing.add_argument("--archived", action="store_true", help="include archived students")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=reporting_failures(run_list))


def run_import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        return fail(
            f"lecture impossible de {args.file} ({error.strerror}).",
            f"cannot read {args.file} ({error.strerror}).",
        )
    with opened_database(args) as db:
        summary = import_roster(
            db, uai=args.uai, data=data, full=not args.partial, now=time.time(), actor=CLI_ACTOR
        )
    return print_json_or_text(
        args.json,
        summary.to_dict(),
        [
            f"Élèves / students ({summary.uai}, {summary.file_format}): "
            f"{summary.created} créé(s) / created, {summary.updated} mis à jour / updated, "
            f"{summary.unchanged} inchangé(s) / unchanged, {summary.restored} réintégré(s) / "
            f"restored, {summary.archived} archivé(s) / archived."
        ],
        ascii_only=True,
    )


def run_list(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        students = list_students(
            db, args.uai.strip().upper(), division=args.division, archived=args.archived
        )
    return print_json_or_text(args.json, students, (_line(student) for student in students))


def _line(student: dict) -> str:
    archived = "  (archivé / archived)" if student["archived"] else ""
    return (
        f"{student['division']:<8} {student['grade'] or '?':<9} {student['ine'] or '-':<12}"
        f" {student['last_name']} {student['first_name']} {student['birth_date']}{archived}"
    )
