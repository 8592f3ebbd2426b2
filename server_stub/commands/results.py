"""`pix-server results --data DIR --uai UAI --class DIVISION [--format json|csv] [--out FILE]`:
a class's results, each student with their latest published certification and the level their
grade is expected to reach. CSV: French headers, `;`, UTF-8 with a BOM (opens as is in a French
spreadsheet); JSON: an array of objects."""

import argparse
import json
import sys
from pathlib import Path

from server_stub.command_support import add_data_argument, data_dir, reporting_failures
from server_stub.schools.class_results import class_results, class_results_csv


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("results", help="a class's results", description=__doc__)
    add_data_argument(parser)
    parser.add_argument("--uai", required=True, help="the school")
    parser.add_argument("--class", dest="division", required=True, metavar="DIVISION")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(func=reporting_failures(run))


def run(args: argparse.Namespace) -> int:
    db = data_dir(args).open_database()
    try:
        rows = class_results(db, args.uai, args.division)
    finally:
        db.close()
    if args.format == "csv":
        data = class_results_csv(rows)
    else:
        data = (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if args.out is not None:
        args.out.write_bytes(data)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0
