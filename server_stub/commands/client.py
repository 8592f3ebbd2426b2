"""`pix-server client`: OAuth2 clients of the national feeds (docs/feeds.md).

    pix-server client create --data DIR --scope livret-scolaire|parcoursup [--label TEXT] [--json]
    pix-server client list   --data DIR [--json]
    pix-server client revoke --data DIR --client CLIENT_ID

`create` prints `client_id` and `client_secret`: the secret is shown once, only its hash is
kept. The client trades them for a bearer token at POST /api/v1/oauth/token.
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
from server_stub.schools.clients import SCOPES, create_client, list_clients, revoke_client


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("client", help="feed API clients", description=__doc__)
    actions = parser.add_subparsers(dest="client_command", required=True)
    create = actions.add_parser("create", help="a new client and its secret")
    add_data_argument(create)
    create.add_argument("--scope", required=True, choices=SCOPES)
    create.add_argument("--label", default="", help="who it is for")
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(func=reporting_failures(run_create))
    listing = actions.add_parser("list", help="list the clients")
    add_data_argument(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=reporting_failures(run_list))
    revoke = actions.add_parser("revoke", help="revoke a client (its tokens stop working)")
    add_data_argument(revoke)
    revoke.add_argument("--client", required=True, metavar="CLIENT_ID")
    revoke.set_defaults(func=reporting_failures(run_revoke))


def run_create(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        client = create_client(
            db, scope=args.scope, label=args.label, now=time.time(), actor=CLI_ACTOR
        )
    return print_json_or_text(
        args.json,
        client.to_dict(),
        [
            f"client_id: {client.client_id}",
            f"client_secret (affiché une seule fois / shown once): {client.client_secret}",
        ],
    )


def run_list(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        found = list_clients(db)
    return print_json_or_text(args.json, found, (_line(client) for client in found))


def _line(client: dict) -> str:
    revoked = "  (révoqué / revoked)" if client["revoked"] else ""
    return f"{client['client_id']:<32} {client['scope']:<16} {client['label']}{revoked}"


def run_revoke(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        revoke_client(db, args.client, now=time.time(), actor=CLI_ACTOR)
    print(f"Client {args.client} révoqué / revoked.")
    return 0
