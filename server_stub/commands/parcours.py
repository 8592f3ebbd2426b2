"""`pix-server parcours list --data DIR [--json]`: the catalogue of parcours students train on
(back-to-school diagnostics per grade, short thematic training), shipped with the engine."""

import argparse

from server_stub.command_support import (
    add_data_argument,
    data_dir,
    print_json_or_text,
    reporting_failures,
)
from server_stub.practice.content import catalogue, parcours_dict


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("parcours", help="the parcours catalogue", description=__doc__)
    actions = parser.add_subparsers(dest="parcours_command", required=True)
    listing = actions.add_parser("list", help="list the parcours")
    add_data_argument(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=reporting_failures(run_list))


def run_list(args: argparse.Namespace) -> int:
    data_dir(args).require_initialised()
    found = [parcours_dict(p) for p in catalogue()]
    return print_json_or_text(
        args.json,
        found,
        (
            f"{p['id']:<28} {p['purpose']:<10} {p['grade'] or '-':<5} "
            f"{len(p['competences']):>2} comp. {p['title'].get('fr', '')}"
            for p in found
        ),
    )
