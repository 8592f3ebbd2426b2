"""`pix-server account`: member accounts of the schools and their roles.

    pix-server account create --data DIR --login LOGIN [--name NAME] [--password PASSWORD]
        [--role lead|reviewer|it --uai UAI]... [--admin] [--json]
    pix-server account list --data DIR [--json]

Each `--role` goes with the `--uai` that follows it (a reviewer may have `--uai '*'`: every
school). Without `--password` one is generated and printed once; only its Argon2 hash is kept.
"""

import argparse
import time

from engine.canonical import BilingualError
from server_stub.command_support import (
    add_data_argument,
    opened_database,
    print_json_or_text,
    reporting_failures,
)
from server_stub.schools.accounts import ROLES, Account, create_account, list_accounts
from server_stub.schools.audit import CLI_ACTOR
from server_stub.schools.passwords import new_password


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("account", help="school accounts", description=__doc__)
    actions = parser.add_subparsers(dest="account_command", required=True)
    create = actions.add_parser("create", help="add an account")
    add_data_argument(create)
    create.add_argument("--login", required=True)
    create.add_argument("--name", default="", help="the person's name")
    create.add_argument("--password", help="default: generated and printed once")
    create.add_argument("--role", action="append", default=[], choices=ROLES)
    create.add_argument("--uai", action="append", default=[], help="the school of each --role")
    create.add_argument("--admin", action="store_true", help="a server administrator")
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(func=reporting_failures(run_create))
    listing = actions.add_parser("list", help="list the accounts")
    add_data_argument(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=reporting_failures(run_list))


def run_create(args: argparse.Namespace) -> int:
    if len(args.role) != len(args.uai):
        raise BilingualError(
            "role_without_school",
            "chaque --role va avec un --uai (l'établissement où il s'exerce).",
            "each --role goes with a --uai (the school where it applies).",
        )
    password = args.password or new_password()
    with opened_database(args) as db:
        account = create_account(
            db,
            login=args.login,
            display_name=args.name,
            password=password,
            roles=list(zip(args.uai, args.role, strict=True)),
            is_admin=args.admin,
            now=time.time(),
            actor=CLI_ACTOR,
        )
    shown = {} if args.password else {"password": password}
    lines = [f"Compte créé / account created: {account.login}"]
    if shown:
        lines.append(f"  mot de passe (affiché une seule fois) / password (shown once): {password}")
    return print_json_or_text(args.json, {**account.to_dict(), **shown}, lines)


def run_list(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        found = list_accounts(db)
    return print_json_or_text(
        args.json, [account.to_dict() for account in found], (_line(account) for account in found)
    )


def _line(account: Account) -> str:
    roles = ", ".join(f"{grant['role']}@{grant['uai']}" for grant in account.roles)
    admin = " admin" if account.is_admin else ""
    return f"{account.login:<24}{admin} {roles}"
