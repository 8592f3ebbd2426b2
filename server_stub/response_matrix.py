"""The anonymised response matrix: every verified answer, for calibrating items.

One row per (exam, item answered): an opaque exam key, the item id, the answer's status (ok, ko,
aband, timedout, focusedOut), whether the item was a pretest one, the bank version (its id) and
the answer's position in the exam. Only verified records count: their answers were checked
against the items and replayed by the engine. The exam key is an HMAC of the exam id under a key
derived from the server's private key: stable from one export to the next (rows of one exam stay
together) and meaningless without the server's key, so the matrix names no candidate, session,
device or date. `pix-engine calibrate` reads it.
"""

import csv
import hashlib
import hmac
import io
import json
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from engine.exam_events import replay_events
from engine.journal_format import JournalEntry
from server_stub.banks import BankStore
from server_stub.datadir import DataDir
from server_stub.db.database import Database
from server_stub.errors import ApiError

FIELDS = ("exam_key", "item_id", "status", "pretest", "bank_version", "position")
_KEY_LABEL = b"pix-kiosk response matrix exam key v1"


def exam_key_secret(data_dir: DataDir) -> bytes:
    """The HMAC key of exam keys, derived from (never equal to) the server's private key."""
    raw = data_dir.server_key().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return HKDF(hashes.SHA256(), 32, salt=None, info=_KEY_LABEL).derive(raw)


def response_rows(
    db: Database, banks: BankStore, secret: bytes, session_id: str | None = None
) -> list[dict[str, Any]]:
    """The matrix's rows, exam by exam in exam-key order (all sessions unless one is named)."""
    t = db.tables
    query = (
        select(t["exams"].c.exam_id, t["exams"].c.bank_id, t["records"].c.record)
        .join(
            t["records"],
            (t["records"].c.exam_id == t["exams"].c.exam_id)
            & (t["records"].c.device_id == t["exams"].c.device_id),
        )
        .where(t["records"].c.outcome == "verified")
    )
    with db.read() as connection:
        if session_id is not None:
            known = connection.execute(
                select(t["sessions"].c.session_id).where(t["sessions"].c.session_id == session_id)
            ).first()
            if known is None:
                raise ApiError("session_not_found")
            query = query.where(t["exams"].c.session_id == session_id)
        exams = connection.execute(query).all()
    rows = []
    for exam_id, bank_id, record in exams:
        key = hmac.new(secret, exam_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
        bank = banks.item_bank(bank_id)
        entries = [JournalEntry.from_dict(raw) for raw in json.loads(record)["entries"]]
        answers = [event for event in replay_events(entries) if event["kind"] == "answer"]
        for position, event in enumerate(answers, start=1):
            rows.append(
                {
                    "exam_key": key,
                    "item_id": event["item_id"],
                    "status": event["status"],
                    "pretest": bool(bank.pretest[bank.position[event["item_id"]]]),
                    "bank_version": bank_id,
                    "position": position,
                }
            )
    rows.sort(key=lambda row: (row["exam_key"], row["position"]))
    return rows


def responses_csv(rows: list[dict[str, Any]]) -> str:
    """CSV, one row per answer. Every cell is a hex key, an item id (letters, digits, . _ -),
    a status, a flag, a bank id or a number: nothing a spreadsheet could read as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow(
            [str(row[name]).lower() if name == "pretest" else row[name] for name in FIELDS]
        )
    return buffer.getvalue()


def responses_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
