"""`pix-server org`: the schools on this server.

    pix-server org create --data DIR --uai UAI --name NAME --type collège|lycée|supérieur|other
        [--default] [--json]
    pix-server org edit --data DIR --uai UAI [--name NAME] [--type TYPE] [--default] [--json]
    pix-server org list --data DIR [--json]

`--default` makes the school the server's default one: sessions planned without `--uai` belong
to it. Every creation is in the audit log.
"""

import argparse
import time

from server_stub.command_support import (
    add_data_argument,
    opened_database,
    print_json_or_text,
    reporting_failures,
)
from server_stub.schools.audit import CLI_ACTOR
from server_stub.schools.orgs import (
    KIND_LABELS,
    Organisation,
    create_organisation,
    edit_organisation,
    list_organisations,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("org", help="schools (organisations)", description=__doc__)
    actions = parser.add_subparsers(dest="org_command", required=True)
    create = actions.add_parser("create", help="add a school")
    add_data_argument(create)
    create.add_argument("--uai", required=True, help="the school's UAI (7 digits and a letter)")
    create.add_argument("--name", required=True)
    create.add_argument("--type", required=True, dest="kind", help="collège|lycée|supérieur|other")
    create.add_argument("--default", action="store_true", help="make it the default school")
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(func=reporting_failures(run_create))
    edit = actions.add_parser("edit", help="rename a school, change its type or make it default")
    add_data_argument(edit)
    edit.add_argument("--uai", required=True)
    edit.add_argument("--name")
    edit.add_argument("--type", dest="kind", help="collège|lycée|supérieur|other")
    edit.add_argument("--default", action="store_true", help="make it the default school")
    edit.add_argument("--json", action="store_true", help="print JSON")
    edit.set_defaults(func=reporting_failures(run_edit))
    listing = actions.add_parser("list", help="list the schools")
    add_data_argument(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=reporting_failures(run_list))


def run_create(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        created = create_organisation(
            db,
            uai=args.uai,
            name=args.name,
            kind=args.kind,
            make_default=args.default,
            now=time.time(),
            actor=CLI_ACTOR,
        )
    return print_json_or_text(
        args.json,
        created.to_dict(),
        [f"Établissement créé / school created: {created.uai} {created.name}"],
    )


def run_edit(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        edited = edit_organisation(
            db,
            uai=args.uai,
            name=args.name,
            kind=args.kind,
            make_default=args.default,
            now=time.time(),
            actor=CLI_ACTOR,
        )
    return print_json_or_text(
        args.json,
        edited.to_dict(),
        [f"Établissement modifié / school updated: {edited.uai} {edited.name}"],
    )


def run_list(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        found = list_organisations(db)
    return print_json_or_text(
        args.json, [org.to_dict() for org in found], (_org_line(org) for org in found)
    )


def _org_line(org: Organisation) -> str:
    default = "  (par défaut / default)" if org.is_default else ""
    return f"{org.uai}  {KIND_LABELS[org.kind]:<10} {org.name}{default}"
