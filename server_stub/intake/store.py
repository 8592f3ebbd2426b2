"""What intake reads and writes: the exam's row, its stored journal, the heads its kiosk committed
to, and the record. Plain SQLAlchemy Core on the connection of the caller's transaction."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from engine.journal_format import JournalEntry
from server_stub.db.tables import exams, head_commitments, journal_entries, records
from server_stub.errors import ApiError


def exam_row(connection: Connection, exam_id: str) -> Row:
    """The exam's row, or `exam_not_found`."""
    exam = connection.execute(select(exams).where(exams.c.exam_id == exam_id)).first()
    if exam is None:
        raise ApiError("exam_not_found")
    return exam


def update_exam(connection: Connection, exam_id: str, values: Mapping[str, Any]) -> None:
    connection.execute(update(exams).where(exams.c.exam_id == exam_id).values(**values))


def entry_hash(connection: Connection, device_id: str, exam_id: str, seq: int) -> str | None:
    """The hash of the stored entry `seq` of `device_id`'s journal of `exam_id`."""
    return connection.execute(
        select(journal_entries.c.entry_hash).where(
            journal_entries.c.device_id == device_id,
            journal_entries.c.exam_id == exam_id,
            journal_entries.c.seq == seq,
        )
    ).scalar()


def insert_entries(
    connection: Connection,
    *,
    device_id: str,
    exam_id: str,
    entries: Sequence[JournalEntry],
    texts: Sequence[str],
    now: float,
) -> None:
    """Store `entries` (verified, continuing the stored chain) with their wire texts."""
    connection.execute(
        insert(journal_entries),
        [
            {
                "device_id": device_id,
                "exam_id": exam_id,
                "seq": entry.seq,
                "entry": text,
                "entry_hash": entry.hash,
                "signature": entry.signature,
                "received_at": now,
            }
            for entry, text in zip(entries, texts, strict=True)
        ],
    )


def stored_entries(connection: Connection, device_id: str, exam_id: str) -> list[Row]:
    """(seq, entry_hash, signature, entry) of the stored journal, in order."""
    return connection.execute(
        select(
            journal_entries.c.seq,
            journal_entries.c.entry_hash,
            journal_entries.c.signature,
            journal_entries.c.entry,
        )
        .where(journal_entries.c.exam_id == exam_id, journal_entries.c.device_id == device_id)
        .order_by(journal_entries.c.seq)
    ).all()


def commitments_from(connection: Connection, exam_id: str, seq: int) -> dict[int, str]:
    """seq -> head hash of the heads committed for `exam_id` from `seq` on."""
    rows = connection.execute(
        select(head_commitments.c.seq, head_commitments.c.head_hash).where(
            head_commitments.c.exam_id == exam_id, head_commitments.c.seq >= seq
        )
    )
    return {seq: head_hash for seq, head_hash in rows}


def insert_commitment(
    connection: Connection, *, exam_id: str, seq: int, head_hash: str, signature: str, now: float
) -> None:
    connection.execute(
        insert(head_commitments).values(
            exam_id=exam_id, seq=seq, head_hash=head_hash, signature=signature, received_at=now
        )
    )


def stored_record(connection: Connection, device_id: str, exam_id: str) -> Row | None:
    return connection.execute(
        select(records).where(records.c.device_id == device_id, records.c.exam_id == exam_id)
    ).first()


def insert_record(connection: Connection, values: Mapping[str, Any]) -> None:
    connection.execute(insert(records).values(**values))
