"""`pix-server candidates import --data DIR --session ID FILE.csv`: add a session's candidates.

UTF-8 CSV (a BOM is fine), header `last_name,first_names,birth_date,ine,extra_time_percent,
accessibility_adjustment` with ISO dates, or the French header `nom,prenoms,date_naissance,ine,
tiers_temps_pourcent,amenagement_accessibilite` with dd/mm/yyyy dates. Extra time: an integer
percentage 0–99; adjustment: true/false. One bad line and nothing is imported: every bad line is
listed with its reason.
"""

import argparse
from pathlib import Path

from server_stub.command_support import add_data_argument, data_dir, fail, reporting_failures
from server_stub.planning import import_candidates


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "candidates", help="import a session's candidates", description=__doc__
    )
    actions = parser.add_subparsers(dest="candidates_command", required=True)
    importing = actions.add_parser("import", help="import a candidates CSV file")
    add_data_argument(importing)
    importing.add_argument("--session", required=True, metavar="ID", help="session id")
    importing.add_argument("file", type=Path, metavar="FILE.csv")
    importing.set_defaults(func=reporting_failures(run_import))


def run_import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        return fail(
            f"lecture impossible de {args.file} ({error.strerror}).",
            f"cannot read {args.file} ({error.strerror}).",
        )
    db = data_dir(args).open_database()
    try:
        imported = import_candidates(db, args.session, data)
    finally:
        db.close()
    print(f"{len(imported)} candidat(s) importé(s) / candidate(s) imported.")
    return 0
