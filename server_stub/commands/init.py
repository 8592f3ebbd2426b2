"""`pix-server init --data DIR`: a new data directory, ready to serve.

It creates the database (migrated), the server's and the publisher's Ed25519 keys, the admin
token, and seals and publishes the demo bank for both modes (exposure control calibrated for
the default mode unless `--no-calibrate`, which tests use: calibration takes about half a minute).
It also creates the first administrator account (`--admin-login`, default `admin`) with the
password `--admin-password`, or a generated one printed once.
"""

import argparse
import time
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.bank_source import load_demo_bank
from engine.config import ExamConfig
from engine.exposure import calibrate_exposure
from engine.itembank import ItemBank
from engine.keys import (
    fingerprint,
    public_key_b64,
    write_private_key,
    write_public_key,
    write_secret,
)
from engine.sealed_bank import seal_bank
from server_stub import codes
from server_stub.banks import publish_bank
from server_stub.command_support import add_data_argument, data_dir, reporting_failures
from server_stub.datadir import DataDirError
from server_stub.db.database import Database
from server_stub.schools.accounts import create_account, normalise_login
from server_stub.schools.audit import CLI_ACTOR
from server_stub.schools.passwords import check_strength, new_password


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "init", help="create a data directory: database, keys, demo bank", description=__doc__
    )
    add_data_argument(parser)
    parser.add_argument(
        "--database",
        metavar="URL",
        help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/pix (default: SQLite in DIR)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        type=public_address,
        help="the address candidates and employers reach this server at, printed on "
        "certificates (e.g. https://certif.lycee.fr)",
    )
    parser.add_argument(
        "--no-calibrate", action="store_true", help="skip exposure calibration (faster; tests)"
    )
    parser.add_argument(
        "--admin-login", default="admin", help="the first administrator's login (default admin)"
    )
    parser.add_argument(
        "--admin-password",
        metavar="PASSWORD",
        help="the first administrator's password (default: generated and printed once)",
    )
    parser.set_defaults(func=reporting_failures(run))


def public_address(text: str) -> str:
    """An http(s) address with a host, without its trailing slash (argparse's type)."""
    parsed = urlsplit(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas une adresse http(s)://hôte / "
            f"“{text}” is not an http(s)://host address"
        )
    return text.rstrip("/")


def run(args: argparse.Namespace) -> int:
    directory = data_dir(args)
    admin_login = normalise_login(args.admin_login)
    admin_password = args.admin_password or new_password()
    check_strength(admin_password)
    if directory.is_initialised() or directory.server_key_path.exists():
        raise DataDirError(
            "already_initialised",
            f"{directory.root} est déjà un dossier de données pix-server : rien n'est écrasé.",
            f"{directory.root} is already a pix-server data directory: nothing is overwritten.",
        )
    directory.root.mkdir(parents=True, exist_ok=True)
    (directory.root / "keys").mkdir(mode=0o700, exist_ok=True)
    server_key, publisher_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    write_private_key(directory.server_key_path, server_key)
    write_private_key(directory.publisher_key_path, publisher_key)
    write_public_key(directory.publisher_public_key_path, publisher_key.public_key())
    write_secret(directory.admin_token_path, (codes.bearer_token() + "\n").encode("ascii"))
    url = args.database or directory.default_database_url()
    db = Database(url)
    try:
        items = load_demo_bank()
        bank = ItemBank.from_items(items)
        if not args.no_calibrate:
            print("Calibrage de l'exposition… / Calibrating exposure…", flush=True)
            bank = calibrate_exposure(bank, ExamConfig.default(), seed=0)
        sealed = seal_bank(
            bank.to_dict(), {item.id: item.to_dict() for item in items}, publisher_key, label="demo"
        )
        publish_bank(
            directory,
            db,
            sealed,
            item_count=len(items),
            configs={"pix": ExamConfig.pix(), "default": ExamConfig.default()},
            now=time.time(),
        )
        create_account(
            db,
            login=admin_login,
            display_name="Administrateur / Administrator",
            password=admin_password,
            roles=[],
            is_admin=True,
            now=time.time(),
            actor=CLI_ACTOR,
        )
    finally:
        db.close()
    directory.write_settings(url, args.public_url or "")
    directory.make_private()
    print(f"Dossier de données / data directory: {directory.root}")
    print(f"  base / database: {url.split('@')[-1]}")
    print(f"  adresse publique / public address: {args.public_url or '-'}")
    print(f"  clé serveur / server key: {public_key_b64(server_key.public_key())}")
    print(f"    empreinte / fingerprint: {fingerprint(server_key.public_key())}")
    print(f"  clé éditeur / publisher key: {public_key_b64(publisher_key.public_key())}")
    print(f"    empreinte / fingerprint: {fingerprint(publisher_key.public_key())}")
    print(f"  banque / bank: {sealed.bank_id} ({len(items)} items)")
    print(f"  jeton admin / admin token: {directory.admin_token_path} (0600)")
    print(f"  administrateur / administrator: {admin_login}")
    if args.admin_password is None:
        print(f"    mot de passe (une seule fois) / password (shown once): {admin_password}")
    return 0
