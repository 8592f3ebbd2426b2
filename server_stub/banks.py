"""Sealed item banks on the server: publishing one, serving it, and reading it to verify records.

The server keeps each bank's content key (to wrap it into tickets) and so can open its own banks:
record verification replays exams on the bank's index and re-checks answers on its items.
Opened banks stay in memory, items being decrypted once, on first use.
"""

import hashlib
import json
import os
import threading
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from engine.config import ExamConfig
from engine.itembank import ItemBank
from engine.items import Item
from engine.keys import write_content_key
from engine.sealed_bank import SealedBank, SealedBankFile, UnlockedBank
from server_stub.datadir import DataDir
from server_stub.db.database import Database
from server_stub.errors import ApiError


def publish_bank(
    data_dir: DataDir,
    db: Database,
    sealed: SealedBankFile,
    *,
    item_count: int,
    configs: Mapping[str, ExamConfig],
    now: float,
) -> None:
    """Store the sealed file and its content key, and offer it for the given modes.

    Each published bank is an edition with its own content key and name: a bank sealed again
    under a key already released would make that key worth every later session too."""
    published = bank_editions(data_dir, db)
    if sealed.bank_id in published:
        raise ApiError("bank_already_published", bank_id=sealed.bank_id)
    for bank_id, edition in published.items():
        if edition == sealed.edition:
            raise ApiError("edition_taken", edition=edition)
        if data_dir.content_key(bank_id) == sealed.content_key:
            raise ApiError("content_key_reused", edition=edition)
    path = data_dir.bank_path(sealed.bank_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(path.name + ".part")
    staging.write_bytes(sealed.data)
    os.replace(staging, path)
    data_dir.content_key_path(sealed.bank_id).parent.mkdir(parents=True, exist_ok=True)
    write_content_key(data_dir.content_key_path(sealed.bank_id), sealed.content_key)
    with db.write() as connection:
        connection.execute(
            db.tables["banks"]
            .insert()
            .values(
                bank_id=sealed.bank_id,
                file_name=path.name,
                sha256=hashlib.sha256(sealed.data).hexdigest(),
                size_bytes=len(sealed.data),
                item_count=item_count,
                published_at=now,
            )
        )
        connection.execute(
            db.tables["bank_configs"].insert(),
            [
                {"bank_id": sealed.bank_id, "mode": mode, "config": json.dumps(config.to_dict())}
                for mode, config in configs.items()
            ],
        )


def list_banks(db: Database) -> list[dict[str, Any]]:
    banks, configs = db.tables["banks"], db.tables["bank_configs"]
    with db.read() as connection:
        modes: dict[str, list[str]] = {}
        for bank_id, mode in connection.execute(select(configs.c.bank_id, configs.c.mode)):
            modes.setdefault(bank_id, []).append(mode)
        rows = connection.execute(select(banks).order_by(banks.c.published_at.desc())).all()
    return [
        {
            "bank_id": row.bank_id,
            "sha256": row.sha256,
            "size_bytes": row.size_bytes,
            "item_count": row.item_count,
            "modes": sorted(modes.get(row.bank_id, [])),
            "published_at": row.published_at,
        }
        for row in rows
    ]


def bank_editions(data_dir: DataDir, db: Database) -> dict[str, str]:
    """Bank id -> edition name of every published bank (read from the sealed files' headers)."""
    publisher_key = data_dir.publisher_public_key()
    return {
        bank_id: SealedBank.open(data_dir.bank_path(bank_id), publisher_key).edition
        for bank_id in published_bank_ids(db)
    }


def published_bank_ids(db: Database) -> tuple[str, ...]:
    banks = db.tables["banks"]
    with db.read() as connection:
        return tuple(connection.scalars(select(banks.c.bank_id)))


class BankStore:
    """The server's opened banks, by id (thread-safe; each is opened once)."""

    def __init__(self, data_dir: DataDir, publisher_key: Ed25519PublicKey) -> None:
        self._data_dir = data_dir
        self._publisher_key = publisher_key
        self._lock = threading.Lock()
        self._unlocked: dict[str, UnlockedBank] = {}
        self._indexes: dict[str, ItemBank] = {}
        self._items: dict[tuple[str, str], Item] = {}

    def file_path(self, bank_id: str):
        path = self._data_dir.bank_path(bank_id)
        if not path.is_file():
            raise ApiError("bank_not_found")
        return path

    def _open(self, bank_id: str) -> UnlockedBank:
        with self._lock:
            unlocked = self._unlocked.get(bank_id)
            if unlocked is None:
                sealed = SealedBank.open(self.file_path(bank_id), self._publisher_key)
                unlocked = sealed.unlock(self._data_dir.content_key(bank_id))
                self._unlocked[bank_id] = unlocked
                self._indexes[bank_id] = unlocked.item_bank()
            return unlocked

    def item_bank(self, bank_id: str) -> ItemBank:
        self._open(bank_id)
        return self._indexes[bank_id]

    def item(self, bank_id: str, item_id: str) -> Item:
        key = (bank_id, item_id)
        item = self._items.get(key)
        if item is None:
            item = self._open(bank_id).item(item_id)
            self._items[key] = item
        return item
