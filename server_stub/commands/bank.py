"""`pix-server bank publish|list`: put a new edition of the item bank in service, list editions.

    pix-server bank publish --data DIR FILE --content-key KEYFILE [--mode pix|default ...]
    pix-server bank list --data DIR [--json]

A bank is re-sealed for each exam period (`pix-engine bank seal SRC --edition NAME`), each
sealing under a new content key; publishing it here lets new sessions be planned on it
(`pix-server session create --edition NAME`, default: the newest), and a session's tickets
release its own edition's key only. The file must be signed by this server's publisher key and
the content key must open it; a bank id, an edition name or a content key already published is
refused. Kiosks fetch the new edition with `pix-kiosk enroll` (docs/bank-format.md).
"""

import argparse
import time
from pathlib import Path

from engine.config import ExamConfig
from engine.keys import load_content_key
from engine.sealed_bank import SealedBank, SealedBankFile
from server_stub.banks import bank_editions, list_banks, publish_bank
from server_stub.command_support import (
    add_data_argument,
    data_dir,
    opened_database,
    print_json_or_text,
    reporting_failures,
)
from server_stub.planning import MODES

CONFIGS = {"pix": ExamConfig.pix, "default": ExamConfig.default}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bank", help="publish and list bank editions", description=__doc__
    )
    actions = parser.add_subparsers(dest="bank_command", required=True)
    publish = actions.add_parser("publish", help="publish a sealed bank edition")
    add_data_argument(publish)
    publish.add_argument("file", type=Path, help="sealed bank (pix-engine bank seal --out)")
    publish.add_argument(
        "--content-key", type=Path, required=True, help="its content key file (--content-key-out)"
    )
    publish.add_argument(
        "--mode",
        action="append",
        choices=MODES,
        help="exam mode it serves (repeatable; default: every mode)",
    )
    publish.set_defaults(func=reporting_failures(run_publish))
    listing = actions.add_parser("list", help="published editions, newest first")
    add_data_argument(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=reporting_failures(run_list))


def run_publish(args: argparse.Namespace) -> int:
    directory = data_dir(args)
    directory.require_initialised()
    opened = SealedBank.open(args.file, directory.publisher_public_key())
    content_key = load_content_key(args.content_key)
    unlocked = opened.unlock(content_key)
    modes = args.mode or list(MODES)
    with opened_database(directory) as db:
        publish_bank(
            directory,
            db,
            SealedBankFile(opened.data, content_key, opened.bank_id, opened.edition),
            item_count=len(unlocked.item_ids),
            configs={mode: CONFIGS[mode]() for mode in modes},
            now=time.time(),
        )
    print(f"Édition publiée / edition published: {opened.edition} ({opened.bank_id})")
    print(f"  modes: {', '.join(modes)}; items: {len(unlocked.item_ids)}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    directory = data_dir(args)
    with opened_database(directory) as db:
        editions = bank_editions(directory, db)
        banks = [{**bank, "edition": editions[bank["bank_id"]]} for bank in list_banks(db)]
    return print_json_or_text(args.json, banks, (_line(bank) for bank in banks), ascii_only=True)


def _line(bank: dict) -> str:
    published = time.strftime("%Y-%m-%d %H:%M", time.gmtime(bank["published_at"]))
    return (
        f"{bank['edition']}  {bank['bank_id']}  {bank['item_count']} items  "
        f"{'/'.join(bank['modes'])}  {published} UTC"
    )
