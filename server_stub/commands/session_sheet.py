"""`pix-server session sheet`: print a session's sheet (codes, room, sign-in list) as a PDF.

    pix-server session sheet --data DIR --session ID --out FILE.pdf [--lang fr|en]

An action of the `session` command: `session.py` calls `register_action(actions)` with its
sub-parsers (this module is not a top-level subcommand).
"""

import argparse
from pathlib import Path

from server_stub.command_support import add_data_argument, opened_database, reporting_failures
from server_stub.documents.wording import LANGUAGES


def register_action(actions: argparse._SubParsersAction) -> None:
    sheet = actions.add_parser("sheet", help="print the session sheet (PDF)", description=__doc__)
    add_data_argument(sheet)
    sheet.add_argument("--session", required=True, metavar="ID", help="session id")
    sheet.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    sheet.add_argument("--lang", choices=LANGUAGES, default="fr", help="language (default fr)")
    sheet.set_defaults(func=reporting_failures(run))


def run(args: argparse.Namespace) -> int:
    # Here, not with the module: every `pix-server` command registers this one's options.
    from server_stub.documents import render_session_sheet
    from server_stub.documents.loading import load_session_sheet

    with opened_database(args) as db:
        data = load_session_sheet(db, args.session)
    pages = render_session_sheet(data, args.out, args.lang)
    print(f"PDF : {args.out} ({pages} pages, {len(data.candidates)} candidats / candidates)")
    return 0
