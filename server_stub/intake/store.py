"""What intake reads and writes: the exam's row, its stored journal, the heads its kiosk committed
to, and the record. Plain SQLAlchemy Core on the connection of the caller's transaction.

The statements are built once, here, with bind parameters: each streamed entry and each record
runs a dozen, and a statement built anew for every call costs SQLAlchemy several times what
running a built one does (docs/server.md, "Capacity"). An UPDATE without `values()` sets the
columns its parameters name (the row's key is the parameter `key`).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from engine.exam_events import WATCHED_FOCUS_LOST
from engine.journal_format import JournalEntry
from server_stub.db.tables import (
    candidates,
    exams,
    head_commitments,
    incidents,
    journal_entries,
    records,
    tickets,
)
from server_stub.errors import ApiError

_EXAM = select(exams).where(exams.c.exam_id == bindparam("exam_id"))
# Locked until the transaction ends (FOR NO KEY UPDATE on PostgreSQL): an exam's chain and state
# change one request at a time, whichever server process takes it.
_EXAM_FOR_UPDATE = _EXAM.with_for_update(key_share=True)
_UPDATE_EXAM = update(exams).where(exams.c.exam_id == bindparam("key"))
_UPDATE_CANDIDATE = update(candidates).where(candidates.c.candidate_id == bindparam("key"))
_ENTRY_HASH = select(journal_entries.c.entry_hash).where(
    journal_entries.c.device_id == bindparam("device_id"),
    journal_entries.c.exam_id == bindparam("exam_id"),
    journal_entries.c.seq == bindparam("seq"),
)
_INSERT_ENTRIES = insert(journal_entries)
_STORED_ENTRIES = (
    select(
        journal_entries.c.seq,
        journal_entries.c.entry_hash,
        journal_entries.c.signature,
        journal_entries.c.entry,
    )
    .where(
        journal_entries.c.exam_id == bindparam("exam_id"),
        journal_entries.c.device_id == bindparam("device_id"),
        journal_entries.c.seq > bindparam("after"),
    )
    .order_by(journal_entries.c.seq)
)
_COMMITMENTS_FROM = select(head_commitments.c.seq, head_commitments.c.head_hash).where(
    head_commitments.c.exam_id == bindparam("exam_id"),
    head_commitments.c.seq >= bindparam("seq"),
)
_INSERT_COMMITMENT = insert(head_commitments)
_RECORD = select(records).where(
    records.c.device_id == bindparam("device_id"), records.c.exam_id == bindparam("exam_id")
)
_INSERT_RECORD = insert(records)
_ISSUED_TICKETS = select(tickets.c.ticket_id, tickets.c.kind).where(
    tickets.c.exam_id == bindparam("exam_id")
)
_END_REFUSED_STARTS = (
    update(incidents)
    .where(
        incidents.c.exam_id == bindparam("key"),
        incidents.c.locked.is_(False),
        incidents.c.kind != WATCHED_FOCUS_LOST,  # a notice stays in the room's view
        incidents.c.resolved_at.is_(None),
    )
    .values(resolved_at=bindparam("now"))
)


def exam_row(connection: Connection, exam_id: str, *, lock: bool = False) -> Row:
    """The exam's row, or `exam_not_found`; `lock`: held until the transaction ends."""
    exam = connection.execute(_EXAM_FOR_UPDATE if lock else _EXAM, {"exam_id": exam_id}).first()
    if exam is None:
        raise ApiError("exam_not_found")
    return exam


def update_exam(connection: Connection, exam_id: str, values: Mapping[str, Any]) -> None:
    connection.execute(_UPDATE_EXAM, {"key": exam_id, **values})


def set_candidate_status(connection: Connection, candidate_id: str, status: str) -> None:
    connection.execute(_UPDATE_CANDIDATE, {"key": candidate_id, "status": status})


def entry_hash(connection: Connection, device_id: str, exam_id: str, seq: int) -> str | None:
    """The hash of the stored entry `seq` of `device_id`'s journal of `exam_id`."""
    parameters = {"device_id": device_id, "exam_id": exam_id, "seq": seq}
    return connection.execute(_ENTRY_HASH, parameters).scalar()


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
        _INSERT_ENTRIES,
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


def stored_entries(
    connection: Connection, device_id: str, exam_id: str, *, after: int = 0
) -> list[Row]:
    """(seq, entry_hash, signature, entry) of the stored journal past `after`, in order."""
    parameters = {"device_id": device_id, "exam_id": exam_id, "after": after}
    return connection.execute(_STORED_ENTRIES, parameters).all()


def commitments_from(connection: Connection, exam_id: str, seq: int) -> dict[int, str]:
    """seq -> head hash of the heads committed for `exam_id` from `seq` on."""
    rows = connection.execute(_COMMITMENTS_FROM, {"exam_id": exam_id, "seq": seq})
    return {seq: head_hash for seq, head_hash in rows}


def insert_commitment(
    connection: Connection, *, exam_id: str, seq: int, head_hash: str, signature: str, now: float
) -> None:
    connection.execute(
        _INSERT_COMMITMENT,
        {
            "exam_id": exam_id,
            "seq": seq,
            "head_hash": head_hash,
            "signature": signature,
            "received_at": now,
        },
    )


def stored_record(connection: Connection, device_id: str, exam_id: str) -> Row | None:
    return connection.execute(_RECORD, {"device_id": device_id, "exam_id": exam_id}).first()


def insert_record(connection: Connection, values: Mapping[str, Any]) -> None:
    connection.execute(_INSERT_RECORD, dict(values))


def issued_tickets(connection: Connection, exam_id: str) -> dict[str, str]:
    """ticket id -> kind ("start" / "resume") of the tickets issued for the exam."""
    rows = connection.execute(_ISSUED_TICKETS, {"exam_id": exam_id})
    return {ticket_id: kind for ticket_id, kind in rows}


def end_refused_starts(connection: Connection, exam_id: str, now: float) -> None:
    """Resolve the exam's open refused starts (incidents not locked; a notice stays)."""
    connection.execute(_END_REFUSED_STARTS, {"key": exam_id, "now": now})
