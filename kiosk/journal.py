"""The exam journal: an append-only SQLite file of signed, hash-chained entries, and the outbox.

Every exam event is appended here before the UI acts on it; `append` returns once the entry is on
disk (WAL, synchronous=FULL: the commit fsyncs). The entry format and the chain rules are in
engine/journal_format.py, which the server uses too. The journal also remembers how far the
server has acknowledged, so the sync loop knows what to send after a restart.

Elapsed time is the kiosk's own running time for the exam: monotonic while the process runs, and
continued from the last entry after a restart, so it never goes back and leaves out the downtime
(the wall time shows it).
"""

import contextlib
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.canonical import canonical_json
from engine.journal_format import (
    ChainHead,
    JournalEntry,
    JournalError,
    genesis_hash,
    sign_entry,
    verify_chain,
)

__all__ = ["Journal", "JournalError", "JournalSnapshot", "read_journal"]

JOURNAL_FORMAT = "pix-journal/1"
FILE_MODE = 0o600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
"""


class Journal:
    """One exam's journal on this PC. Open with `Journal.open`; safe to share between threads."""

    def __init__(
        self, connection: sqlite3.Connection, signing_key: Ed25519PrivateKey, exam_id: str
    ):
        self._db = connection
        self._signing_key = signing_key
        self._lock = threading.RLock()
        self._together = False  # inside `together()`: appends wait for its commit
        self.exam_id = exam_id
        self._elapsed_base_ms: int | None = None  # the last entry's, read at first use
        self._opened_at = time.monotonic()

    @classmethod
    def open(
        cls, path: Path, signing_key: Ed25519PrivateKey, exam_id: str | None = None
    ) -> "Journal":
        """Create the journal, or reopen it after a restart (the chain continues where it was).

        `exam_id` (from the ticket) binds the chain to the exam; a new journal opened without
        one gets a random id. Reopening with another exam's id is refused.
        """
        path = Path(path)
        connection = None
        try:
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.executescript(_SCHEMA)
            connection.execute("BEGIN IMMEDIATE")
            stored = dict(connection.execute("SELECT key, value FROM meta").fetchall())
            if not stored:
                stored = {
                    "format": JOURNAL_FORMAT,
                    "exam_id": exam_id or uuid.uuid4().hex,
                    "acknowledged_seq": "0",
                }
                connection.executemany("INSERT INTO meta VALUES (?, ?)", stored.items())
            connection.execute("COMMIT")
        except (OSError, sqlite3.Error) as error:
            if connection is not None:
                connection.close()
            raise _storage_error(path, error) from error
        if stored.get("format") != JOURNAL_FORMAT:
            connection.close()
            raise _unknown_format(path)
        if exam_id is not None and stored["exam_id"] != exam_id:
            connection.close()
            raise JournalError(
                "exam_mismatch",
                None,
                f"{path} est le journal de l'examen {stored['exam_id']}, pas de {exam_id}.",
                f"{path} is the journal of exam {stored['exam_id']}, not {exam_id}.",
            )
        return cls(connection, signing_key, stored["exam_id"])

    @contextlib.contextmanager
    def together(self) -> Iterator[None]:
        """The entries appended inside are made durable together when the block ends: one
        commit, one fsync, all of them or none (an exception rolls them all back)."""
        with self._lock:
            if self._together:
                yield  # already inside: the outer block commits
                return
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise _storage_error(None, error) from error
            self._together = True
            try:
                yield
            except BaseException:
                self._together = False
                self._db.execute("ROLLBACK")
                raise
            self._together = False
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                self._db.execute("ROLLBACK")
                raise _storage_error(None, error) from error

    def append(self, kind: str, payload: Mapping[str, Any]) -> int:
        """Sign and store the next entry; returns its sequence number once it is durable (inside
        `together()`: once the block ends)."""
        with self._lock:
            if self._together:
                return self._insert(kind, payload).seq
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    entry = self._insert(kind, payload)
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as error:
                raise _storage_error(None, error) from error
        return entry.seq

    def _insert(self, kind: str, payload: Mapping[str, Any]) -> JournalEntry:
        """Sign the next entry and insert it, in the transaction already open."""
        last = self._last_entry()
        elapsed = self._elapsed_now_ms()
        entry = sign_entry(
            exam_id=self.exam_id,
            seq=last.seq + 1 if last else 1,
            prev=last.hash if last else genesis_hash(self.exam_id),
            elapsed_ms=max(elapsed, last.elapsed_ms if last else 0),
            wall_time=datetime.now(UTC),
            kind=kind,
            payload=payload,
            signing_key=self._signing_key,
        )
        self._db.execute(
            "INSERT INTO entries (seq, entry) VALUES (?, ?)",
            (entry.seq, canonical_json(entry.to_dict()).decode("utf-8")),
        )
        return entry

    def elapsed_ms(self) -> int:
        """The exam's running time now, on the scale of the entries' `elapsed_ms`: what an
        entry appended at this instant would carry (the clock and the item timers use it)."""
        with self._lock:
            try:
                return self._elapsed_now_ms()
            except sqlite3.Error as error:
                raise _storage_error(None, error) from error

    def entries(self, after_seq: int = 0) -> list[JournalEntry]:
        """The entries in order (those after `after_seq`, by default all)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, entry FROM entries WHERE seq > ? ORDER BY seq", (after_seq,)
            ).fetchall()
        return [_parse(seq, text) for seq, text in rows]

    def head(self) -> ChainHead | None:
        with self._lock:
            last = self._last_entry()
        return last.head if last else None

    @property
    def acknowledged_seq(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'acknowledged_seq'")
            return int(row.fetchone()[0])

    def unacknowledged(self) -> list[JournalEntry]:
        """What the server has not yet acknowledged, in order: the outbox."""
        return self.entries(after_seq=self.acknowledged_seq)

    def acknowledge(self, up_to_seq: int) -> None:
        """Record the server's receipt; acknowledgement only moves forward."""
        head = self.head()
        if up_to_seq > (head.seq if head else 0):
            raise ValueError(f"cannot acknowledge {up_to_seq}: the journal ends at {head}")
        with self._lock:
            try:
                self._db.execute(
                    "UPDATE meta SET value = CAST(MAX(CAST(value AS INTEGER), ?) AS TEXT) "
                    "WHERE key = 'acknowledged_seq'",
                    (up_to_seq,),
                )
            except sqlite3.Error as error:
                raise _storage_error(None, error) from error

    def verify(
        self, public_key: Ed25519PublicKey, expected_head: ChainHead | None = None
    ) -> ChainHead | None:
        """Check the whole chain (and that it holds `expected_head`, e.g. the server's receipt);
        raises `JournalError` naming the first bad entry. Returns the head."""
        return verify_chain(self.entries(), public_key, self.exam_id, expected_head=expected_head)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _elapsed_now_ms(self) -> int:
        """The last entry's time when the journal was opened, plus the monotonic time since
        (call with the lock held; the file is read once, at the first call)."""
        if self._elapsed_base_ms is None:
            last = self._last_entry()
            self._elapsed_base_ms = last.elapsed_ms if last else 0
        return self._elapsed_base_ms + round((time.monotonic() - self._opened_at) * 1000)

    def _last_entry(self) -> JournalEntry | None:
        row = self._db.execute(
            "SELECT seq, entry FROM entries ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return _parse(*row) if row else None


@dataclass(frozen=True)
class JournalSnapshot:
    """What a journal holds at one moment, as a reader beside the kiosk sees it."""

    exam_id: str
    entries: list[JournalEntry]
    acknowledged_seq: int


def read_journal(path: Path) -> JournalSnapshot:
    """Read a journal without writing anything to it: for readers beside a running kiosk
    (`pix-kiosk incidents`, the escape suite). Not `Journal.open`, which creates the journal
    and binds it to its exam: a reader doing that to a journal the kiosk has only just created
    would bind it to a random exam, and the kiosk would then refuse its own journal. A journal
    not bound to its exam yet reads as empty."""
    path = Path(path)
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
        )
        try:
            connection.execute("BEGIN")  # one snapshot of meta and entries
            tables = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
            stored = (
                dict(connection.execute("SELECT key, value FROM meta")) if "meta" in tables else {}
            )
            rows = (
                connection.execute("SELECT seq, entry FROM entries ORDER BY seq").fetchall()
                if stored
                else []
            )
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise _storage_error(path, error) from error
    if not stored:
        return JournalSnapshot("", [], 0)
    if stored.get("format") != JOURNAL_FORMAT:
        raise _unknown_format(path)
    return JournalSnapshot(
        stored["exam_id"],
        [_parse(seq, text) for seq, text in rows],
        int(stored["acknowledged_seq"]),
    )


def _unknown_format(path: Path) -> JournalError:
    return JournalError(
        "unknown_format",
        None,
        f"{path} n'est pas un journal d'examen lisible par cette version.",
        f"{path} is not an exam journal this version can read.",
    )


def _parse(seq: int, text: str) -> JournalEntry:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise JournalError(
            "malformed",
            seq,
            f"Entrée de journal n° {seq} illisible.",
            f"Unreadable journal entry no. {seq}.",
        )
    return JournalEntry.from_dict(data)


def _storage_error(path: Path | None, error: Exception) -> JournalError:
    where = f" ({path})" if path else ""
    return JournalError(
        "storage",
        None,
        f"Impossible d'écrire ou de lire le journal d'examen{where} : {error}. "
        "Prévenez le surveillant ; rien n'est effacé.",
        f"Cannot write or read the exam journal{where}: {error}. "
        "Tell the invigilator; nothing is erased.",
    )
