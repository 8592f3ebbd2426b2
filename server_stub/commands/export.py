"""`pix-server export --data DIR --session ID --format csv|json`: a session's results.

JSON: an array, one object per candidate (identity, INE, status, score, levels, verification
code, session, centre, date). CSV: the same, one column per competence. Written to stdout, or
to `--out FILE`.
"""

import argparse
import sys
from pathlib import Path

from server_stub.command_support import add_data_argument, data_dir, reporting_failures
from server_stub.exports import export_csv, export_json, session_results


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="export a session's results", description=__doc__)
    add_data_argument(parser)
    parser.add_argument("--session", required=True, metavar="ID", help="session id")
    parser.add_argument("--format", choices=("csv", "json"), default="json")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(func=reporting_failures(run))


def run(args: argparse.Namespace) -> int:
    db = data_dir(args).open_database()
    try:
        rows = session_results(db, args.session)
    finally:
        db.close()
    text = export_csv(rows) if args.format == "csv" else export_json(rows)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8", newline="")
    return 0
