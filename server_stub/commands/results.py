"""`pix-server results --data DIR --uai UAI --class DIVISION [--format json|csv|pdf] [--out FILE]`:
a class's results, each student with their latest published certification and the level their
grade is expected to reach. CSV: French headers, `;`, UTF-8 with a BOM (opens as is in a French
spreadsheet); JSON: an array of objects; PDF (`--out` required, `--lang fr|en`,
`--public-url URL` for the QR codes): the class's attestations, one certificate per page."""

import argparse
import json
import sys
from pathlib import Path

from server_stub.certificate_page import lookup_address
from server_stub.command_support import (
    add_data_argument,
    data_dir,
    fail,
    opened_database,
    reporting_failures,
)
from server_stub.commands.certificate import DEFAULT_PUBLIC_URL
from server_stub.documents.wording import LANGUAGES
from server_stub.schools.class_results import class_results, class_results_csv


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("results", help="a class's results", description=__doc__)
    add_data_argument(parser)
    parser.add_argument("--uai", required=True, help="the school")
    parser.add_argument("--class", dest="division", required=True, metavar="DIVISION")
    parser.add_argument("--format", choices=("json", "csv", "pdf"), default="json")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--lang", choices=LANGUAGES, default="fr", help="PDF language")
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help=f"for the QR codes (PDF; default: the one given at init, else {DEFAULT_PUBLIC_URL})",
    )
    parser.set_defaults(func=reporting_failures(run))


def run(args: argparse.Namespace) -> int:
    if args.format == "pdf" and args.out is None:
        return fail("--format pdf demande --out FICHIER.pdf.", "--format pdf needs --out FILE.pdf.")
    directory = data_dir(args)
    args.public_url = args.public_url or directory.public_url() or DEFAULT_PUBLIC_URL
    with opened_database(directory) as db:
        data = _document(db, args)
    if args.out is not None:
        args.out.write_bytes(data)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def _document(db, args: argparse.Namespace) -> bytes:
    if args.format == "pdf":
        # Here, not with the module: every `pix-server` command registers this one's options.
        from server_stub.documents.class_attestations import class_attestations_pdf

        lookup = lookup_address(args.public_url)
        return class_attestations_pdf(db, args.uai, args.division, lookup, args.lang)
    rows = class_results(db, args.uai, args.division)
    if args.format == "csv":
        return class_results_csv(rows)
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
