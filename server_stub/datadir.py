"""The server's data directory: what lives where, and opening it for a command or the app.

    DIR/server.json          settings written by `init` (the database URL, the public address)
    DIR/pix-server.sqlite3   the database, unless server.json names a PostgreSQL URL
    DIR/keys/server.pem      the server's Ed25519 key (tickets, receipts)          0600
    DIR/keys/publisher.pem   the publisher's Ed25519 key (seals item banks)         0600
    DIR/keys/publisher.pub   its public key (all the running server needs of it)
    DIR/admin.token          bearer token for the planning API                     0600
    DIR/banks/<hex>.pixbank  sealed banks, as served to kiosks (id "sha256:<hex>")
    DIR/keys/banks/<hex>.key the content key of each bank (wrapped into tickets)    0600

Key files use the engine's formats (engine/keys.py): PEM PKCS#8 private keys, base64 content keys.
server.json names a SQLite database by its path relative to DIR (`sqlite:///pix-server.sqlite3`):
a copied or restored data directory uses its own database, never the original's. An absolute
path, as older versions wrote, is still read as it is.

The directory and its folders are 0700 and its data files 0600 (`make_private`, at `init` and
whenever the database is opened): the database holds names, birth dates, results and the
sessions' codes.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.engine import make_url

from engine.canonical import BilingualError
from engine.keys import load_content_key, load_public_key, load_signing_key
from server_stub.db.database import Database
from server_stub.db.integrity import sqlite_path

SETTINGS_FILE = "server.json"
DATABASE_FILE = "pix-server.sqlite3"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class DataDirError(BilingualError):
    """A data directory that cannot be used as asked (missing, or already initialised)."""


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def settings_path(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def server_key_path(self) -> Path:
        return self.root / "keys" / "server.pem"

    @property
    def publisher_key_path(self) -> Path:
        return self.root / "keys" / "publisher.pem"

    @property
    def publisher_public_key_path(self) -> Path:
        return self.root / "keys" / "publisher.pub"

    @property
    def admin_token_path(self) -> Path:
        return self.root / "admin.token"

    @property
    def banks_dir(self) -> Path:
        return self.root / "banks"

    def default_database_url(self) -> str:
        return f"sqlite:///{(self.root / DATABASE_FILE).resolve()}"

    def is_initialised(self) -> bool:
        return self.settings_path.is_file()

    def database_url(self) -> str:
        """The URL to open: a relative SQLite path in server.json is read from this directory."""
        self.require_initialised()
        stored = json.loads(self.settings_path.read_text(encoding="utf-8"))["database"]
        path = sqlite_path(stored)
        if path is None or path.is_absolute():
            return stored
        return _with_sqlite_file(stored, (self.root / path).resolve())

    def sqlite_path(self) -> Path | None:
        """The SQLite database file this directory uses; None on PostgreSQL."""
        return sqlite_path(self.database_url())

    def public_url(self) -> str:
        """The address candidates and employers reach the server at (`init --public-url`),
        printed on certificates; empty when it was not given."""
        self.require_initialised()
        settings = json.loads(self.settings_path.read_text(encoding="utf-8"))
        return settings.get("public_url", "")

    def require_initialised(self) -> None:
        if not self.is_initialised():
            raise DataDirError(
                "data_dir_not_initialised",
                f"{self.root} n'est pas un dossier de données pix-server : lancez d'abord "
                f"`pix-server init --data {self.root}`.",
                f"{self.root} is not a pix-server data directory: run "
                f"`pix-server init --data {self.root}` first.",
            )

    def open_database(self) -> Database:
        database = Database(self.database_url())
        self.make_private()
        return database

    def make_private(self) -> None:
        """Folders 0700, files 0600 (SQLite gives its -wal and -shm files the database's)."""
        if not self.root.is_dir():
            return
        for path in (self.root, *self.root.rglob("*")):
            if path.is_symlink():
                continue
            path.chmod(PRIVATE_DIR_MODE if path.is_dir() else PRIVATE_FILE_MODE)

    def bank_path(self, bank_id: str) -> Path:
        return self.banks_dir / f"{_bank_hex(bank_id)}.pixbank"

    def content_key_path(self, bank_id: str) -> Path:
        return self.root / "keys" / "banks" / f"{_bank_hex(bank_id)}.key"

    def server_key(self) -> Ed25519PrivateKey:
        return load_signing_key(self.server_key_path)

    def publisher_key(self) -> Ed25519PrivateKey:
        return load_signing_key(self.publisher_key_path)

    def publisher_public_key(self) -> Ed25519PublicKey:
        return load_public_key(self.publisher_public_key_path)

    def content_key(self, bank_id: str) -> bytes:
        return load_content_key(self.content_key_path(bank_id))

    def admin_token(self) -> str:
        return self.admin_token_path.read_text(encoding="ascii").strip()

    def write_settings(self, database_url: str, public_url: str = "") -> None:
        """`database_url` as given, except a SQLite file inside this directory, which is
        written relative to it."""
        self.root.mkdir(parents=True, exist_ok=True)
        stored = self.stored_database_url(database_url)
        settings = {"database": stored} | ({"public_url": public_url} if public_url else {})
        self.settings_path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")

    def stored_database_url(self, database_url: str) -> str:
        """How server.json names the database: a SQLite file inside this directory by its path
        relative to it, a SQLite path relative to the working directory made absolute."""
        path = sqlite_path(database_url)
        if path is None:
            return database_url
        path, root = path.resolve(), self.root.resolve()
        return _with_sqlite_file(
            database_url, path.relative_to(root) if path.is_relative_to(root) else path
        )


def _with_sqlite_file(database_url: str, path: Path) -> str:
    return make_url(database_url).set(database=path.as_posix()).render_as_string(False)


def _bank_hex(bank_id: str) -> str:
    """File name part of a bank id ("sha256:<hex>"): the hex digest alone."""
    return bank_id.removeprefix("sha256:")
