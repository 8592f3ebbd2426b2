"""The stored entries a process's live replay has not seen, so that it replays on past a gap.

A kiosk keeps several connections, and with several server processes each one sees only part
of an exam's journal. Every entry stored was checked (chain, signatures, door) by whichever
process received it, in the transaction that stored it, so the process that receives the next
entry — or the record — reads those it missed from the database and its live replay goes on
(live_exams.py). They are only a cache of what was checked: the record's own entries still
decide (records.py compares them with the replay's, text for text).
"""

import json
from dataclasses import dataclass

from sqlalchemy import Connection

from engine.journal_format import JournalEntry
from server_stub.banks import BankStore
from server_stub.intake import store
from server_stub.intake.replay_inputs import exam_start
from server_stub.live_exams import ExamStart


@dataclass(frozen=True)
class CatchUp:
    """Stored entries past what the live replay holds, with their stored wire texts; `start`
    when the replay holds none (it begins with them)."""

    entries: list[JournalEntry]
    texts: list[str]
    start: ExamStart | None


def stored_since(connection: Connection, banks: BankStore, exam, held_seq: int) -> CatchUp:
    """The entries of `exam`'s stored journal past `held_seq`, in sequence order (read only
    when the exam's row says there are some: the usual upload misses none)."""
    rows = []
    if held_seq < exam.head_seq:
        rows = store.stored_entries(connection, exam.device_id, exam.exam_id, after=held_seq)
    texts = [row.entry for row in rows]
    entries = [JournalEntry.from_dict(json.loads(text)) for text in texts]
    start = exam_start(connection, banks, exam) if held_seq == 0 else None
    return CatchUp(entries, texts, start)
