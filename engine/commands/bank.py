"""`pix-engine bank seal|verify`: make a sealed item bank, and check one.

    pix-engine bank seal SRC --key DIR/publisher.key --out FILE --content-key-out KEYFILE
    pix-engine bank verify FILE --publisher PUB [--content-key KEYFILE]

SRC is a bank source directory (see docs/bank-format.md) or `demo` for the built-in bank. Sealing
refuses a practice bank (or one mixing practice and certification items: docs/bank-source.md)
and a bank that cannot run both modes' exams (engine/feasibility.py: too few items for the
length or the plan, implausible 2PL parameters, duplicate items, an unreachable exposure bound),
then calibrates exposure control for the default mode, unless `--no-calibrate`. The content key
file (base64, mode 0600) is what the server releases to kiosks in authorisation tickets: keep it
on the server only. `verify` exits 0 with a summary, or 1 with a one-line reason.
"""

import argparse
import os
import sys
from pathlib import Path

from engine.bank_source import BankSourceError, bank_purpose, load_bank_source, load_demo_bank
from engine.canonical import BilingualError
from engine.config import ExamConfig
from engine.exposure import calibrate_exposure
from engine.feasibility import check_sealable
from engine.itembank import BankIndexError, ItemBank
from engine.items import ItemError
from engine.keys import (
    fingerprint,
    load_content_key,
    load_public_key,
    load_signing_key,
    write_content_key,
)
from engine.sealed_bank import SealedBank, seal_bank


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bank",
        help="seal an item bank for kiosks, or verify a sealed one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="bank_command", required=True)

    seal = actions.add_parser("seal", help="encrypt and sign a bank source")
    seal.add_argument("src", help="bank source directory, or `demo` for the built-in bank")
    seal.add_argument("--key", type=Path, required=True, help="publisher.key (from keygen)")
    seal.add_argument("--out", type=Path, required=True, help="sealed bank file to write")
    seal.add_argument(
        "--content-key-out", type=Path, required=True, help="content key file to write (secret)"
    )
    seal.add_argument("--label", help="name shown to IT (default: the source's name)")
    seal.add_argument(
        "--edition",
        help="this sealing's name, e.g. 2026-june (default: the sealing time); each sealing "
        "draws a new content key",
    )
    seal.add_argument(
        "--no-calibrate", action="store_true", help="skip exposure calibration (faster)"
    )
    seal.set_defaults(func=run_seal)

    verify = actions.add_parser("verify", help="check a sealed bank's signature (and content)")
    verify.add_argument("file", type=Path, help="sealed bank file")
    verify.add_argument("--publisher", type=Path, required=True, help="publisher.pub")
    verify.add_argument(
        "--content-key", type=Path, help="also decrypt the index and every item with this key"
    )
    verify.set_defaults(func=run_verify)


def run_seal(args: argparse.Namespace) -> int:
    try:
        if args.content_key_out.exists():
            return _fail(
                f"{args.content_key_out} existe déjà : il n'est pas écrasé.",
                f"{args.content_key_out} already exists and is not overwritten.",
            )
        signing_key = load_signing_key(args.key)
        items = load_demo_bank() if args.src == "demo" else load_bank_source(Path(args.src))
        if bank_purpose(items, args.src) == "practice":
            return _fail(
                f"{args.src} est une banque d'entraînement : ses items et leurs corrections sont "
                "publics, elle n'est jamais scellée pour la certification.",
                f"{args.src} is a practice bank: its items and corrections are public, it is "
                "never sealed for certification.",
            )
        bank = ItemBank.from_items(items)
        check_sealable(
            bank,
            (ExamConfig.pix(), ExamConfig.default()),
            {item.id: item.to_dict() for item in items},
            exposure_control=not args.no_calibrate,
        )
        if not args.no_calibrate:
            print("Calibration de l'exposition… / calibrating exposure…", flush=True)
            bank = calibrate_exposure(bank, ExamConfig.default())
        label = args.label or ("demo" if args.src == "demo" else Path(args.src).resolve().name)
        sealed = seal_bank(
            bank.to_dict(),
            {item.id: item.to_dict() for item in items},
            signing_key,
            label=label,
            edition=args.edition,
        )
        write_content_key(args.content_key_out, sealed.content_key)
        staging = args.out.with_name(args.out.name + ".part")
        staging.write_bytes(sealed.data)
        os.replace(staging, args.out)
    except BilingualError as error:
        return _fail(error.fr, error.en)
    except (BankSourceError, ItemError) as error:
        return _fail(error.message_fr, error.message_en)
    except BankIndexError as error:
        english, french = str(error).split("\n", 1)
        return _fail(french, english)
    except OSError as error:
        return _fail(
            f"écriture impossible ({error.filename}: {error.strerror}).",
            f"cannot write ({error.filename}: {error.strerror}).",
        )
    print(f"Banque scellée / sealed bank: {args.out} ({len(sealed.data) // 1024} KiB)")
    print(f"  identifiant / bank id: {sealed.bank_id}")
    print(f"  items: {len(items)}; étiquette / label: {label}")
    print(f"  édition / edition: {sealed.edition}")
    print(f"  éditeur / publisher: {fingerprint(signing_key.public_key())}")
    print(f"  clé de contenu / content key: {args.content_key_out} (0600, secret)")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    try:
        opened = SealedBank.open(args.file, load_public_key(args.publisher))
        unlocked = None
        if args.content_key is not None:
            unlocked = opened.unlock(load_content_key(args.content_key))
            ItemBank.from_dict(unlocked.index)
            for item_id in unlocked.item_ids:
                unlocked.item(item_id)
    except BilingualError as error:
        return _fail(error.fr, error.en)
    except (BankIndexError, ItemError) as error:
        return _fail(
            f"banque signée mais contenu invalide : {error}",
            f"signed bank with invalid content: {error}",
        )
    print(f"Banque valide / sound bank: {args.file}")
    print(f"  identifiant / bank id: {opened.bank_id}")
    print(f"  étiquette / label: {opened.label}; créée / created: {opened.created_at:%Y-%m-%d}")
    print(f"  édition / edition: {opened.edition}")
    print(f"  éditeur / publisher: {opened.publisher_fingerprint}; items: {opened.item_count}")
    if unlocked is not None:
        print(f"  index et {len(unlocked.item_ids)} items déchiffrés / index and items decrypted")
    return 0


def _fail(fr: str, en: str) -> int:
    print(f"erreur : {fr} / error: {en}".replace("\n", " "), file=sys.stderr)
    return 1
