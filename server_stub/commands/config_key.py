"""`pix-server config-key`: the kiosk configurations this server accepts at check-in.

    pix-server config-key allow --data DIR KEY [--label TEXT]
    pix-server config-key list --data DIR [--json]
    pix-server config-key revoke --data DIR KEY

Each lab PC shows a key at check-in: a hash of its settings and version, which
`pix-kiosk doctor` (line config_hash) and `pix-kiosk enroll` print. While the list is empty every
key is accepted and recorded; once it holds a key, any other key is refused
(`unknown_configuration`). `list` also shows the keys kiosks showed that are not on the list.
Changes apply at once, also to a running server.
"""

import argparse
import time
from collections.abc import Iterator

from server_stub import config_keys
from server_stub.command_support import (
    add_data_argument,
    opened_database,
    print_json_or_text,
    reporting_failures,
)
from server_stub.timeline import instant_text

OPEN_FR = "Liste vide : toute configuration de poste est acceptée (et enregistrée)."
OPEN_EN = "Empty list: every PC configuration is accepted (and recorded)."


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "config-key",
        help="accepted kiosk configurations",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="config_key_command", required=True)
    allow = actions.add_parser("allow", help="accept a configuration key")
    add_data_argument(allow)
    allow.add_argument("key", metavar="KEY", help="64 hexadecimal characters (pix-kiosk doctor)")
    allow.add_argument("--label", default="", help="what it is, e.g. 'Salle B12, v1.2'")
    allow.set_defaults(func=reporting_failures(run_allow))
    listing = actions.add_parser("list", help="the accepted keys, and the others seen")
    add_data_argument(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=reporting_failures(run_list))
    revoke = actions.add_parser("revoke", help="stop accepting a configuration key")
    add_data_argument(revoke)
    revoke.add_argument("key", metavar="KEY")
    revoke.set_defaults(func=reporting_failures(run_revoke))


def run_allow(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        added = config_keys.allow(db, args.key, args.label.strip(), time.time())
    key = config_keys.normalised(args.key)
    if added:
        print(f"Clé autorisée / key allowed: {key}")
    else:
        print(f"Clé déjà autorisée / key already allowed: {key}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        left = config_keys.revoke(db, args.key)
    print(f"Clé retirée / key revoked: {config_keys.normalised(args.key)}")
    if left == 0:
        print(f"{OPEN_FR}\n{OPEN_EN}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with opened_database(args) as db:
        allowed, seen = config_keys.listing(db)
    document = {
        "enforced": bool(allowed),
        "allowed": [{**row, "allowed_at": instant_text(row["allowed_at"])} for row in allowed],
        "seen_not_allowed": [
            {
                "config_key": key.config_key,
                "app_version": key.app_version,
                "check_ins": key.check_ins,
                "refusals": key.refusals,
                "last_seen": instant_text(key.last_seen),
            }
            for key in seen
        ],
    }
    return print_json_or_text(args.json, document, _listing_lines(allowed, seen), indent=2)


def _listing_lines(allowed: list[dict], seen: list[config_keys.SeenKey]) -> Iterator[str]:
    if not allowed:
        yield f"{OPEN_FR}\n{OPEN_EN}"
    else:
        yield "Clés autorisées / allowed keys:"
        for row in allowed:
            yield f"  {row['config_key']}  {instant_text(row['allowed_at'])}  {row['label']}"
    if seen:
        yield "Vues à l'accueil, hors liste / seen at check-in, not on the list:"
        for key in seen:
            yield (
                f"  {key.config_key}  v{key.app_version}  {key.check_ins} accueil(s) / "
                f"check-in(s), {key.refusals} refus / refusal(s), {instant_text(key.last_seen)}"
            )
