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
The directory and its folders are 0700 and its data files 0600 (`make_private`, at `init` and
whenever the database is opened): the database holds names, birth dates, results and the
sessions' codes.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.canonical import BilingualError
from engine.keys import load_content_key, load_public_key, load_signing_key
from server_stub.db.database import Database

SETTINGS_FILE = "server.json"
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
        return f"sqlite:///{(self.root / 'pix-server.sqlite3').resolve()}"

    def is_initialised(self) -> bool:
        return self.settings_path.is_file()

    def database_url(self) -> str:
        self.require_initialised()
        return json.loads(self.settings_path.read_text(encoding="utf-8"))["database"]

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
        self.root.mkdir(parents=True, exist_ok=True)
        settings = {"database": database_url} | ({"public_url": public_url} if public_url else {})
        self.settings_path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")


def _bank_hex(bank_id: str) -> str:
    """File name part of a bank id ("sha256:<hex>"): the hex digest alone."""
    return bank_id.removeprefix("sha256:")
