"""`pix-server export --data DIR --session ID --format csv|json`: a session's results.

JSON: an array, one object per candidate (identity, INE, status, score, levels, verification
code, session, centre, date). CSV: the same, one column per competence. Written to stdout, or
to `--out FILE`.

`--format responses` (CSV) or `responses-json`: the anonymised response matrix of every
verified exam, or of one session's with `--session` (server_stub/response_matrix.py), for
`pix-engine calibrate`.

`--format lsu|parcoursup --uai UAI`: a school's published certifications as the livret scolaire
and Parcoursup read them (feed_export.py, docs/feeds.md).
"""

import argparse
import sys
from pathlib import Path

from engine.canonical import BilingualError
from server_stub.banks import BankStore
from server_stub.command_support import (
    add_data_argument,
    data_dir,
    opened_database,
    reporting_failures,
)
from server_stub.commands.feed_export import FEED_FORMATS, feed_export_text
from server_stub.exports import export_csv, export_json, session_results
from server_stub.response_matrix import (
    exam_key_secret,
    response_rows,
    responses_csv,
    responses_json,
)

RESPONSE_FORMATS = ("responses", "responses-json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="export a session's results", description=__doc__)
    add_data_argument(parser)
    parser.add_argument(
        "--session", metavar="ID", help="session id (csv, json; optional for responses)"
    )
    parser.add_argument(
        "--format", choices=("csv", "json", *RESPONSE_FORMATS, *FEED_FORMATS), default="json"
    )
    parser.add_argument("--uai", help="the school (lsu, parcoursup)")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(func=reporting_failures(run))


def run(args: argparse.Namespace) -> int:
    if args.format in FEED_FORMATS:
        text = feed_export_text(args)
    elif args.format in RESPONSE_FORMATS:
        text = _response_matrix(args)
    else:
        text = session_export_text(args)
    write_export(args, text)
    return 0


def session_export_text(args: argparse.Namespace) -> str:
    if not args.session:
        raise BilingualError(
            "session_missing",
            f"--format {args.format} demande --session.",
            f"--format {args.format} needs --session.",
        )
    with opened_database(args) as db:
        rows = session_results(db, args.session)
    return export_csv(rows) if args.format == "csv" else export_json(rows)


def write_export(args: argparse.Namespace, text: str) -> None:
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8", newline="")


def _response_matrix(args: argparse.Namespace) -> str:
    directory = data_dir(args)
    with opened_database(directory) as db:
        banks = BankStore(directory, directory.publisher_public_key())
        rows = response_rows(db, banks, exam_key_secret(directory), args.session)
    return responses_csv(rows) if args.format == "responses" else responses_json(rows)
