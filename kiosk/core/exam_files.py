"""Where the core keeps each exam on disk (`<data>/exams/`): the journal, the sealed record, and
the marker saying the server took the record."""

from pathlib import Path
from typing import Any

from engine.exam_events import ANSWER, FINISHED, ITEM_REPLACED, ITEM_SHOWN, PAUSED, RESUMED
from engine.journal_format import JournalEntry
from kiosk.journal import Journal

EXAMS_DIR = "exams"
JOURNAL_SUFFIX = ".journal"
RECORD_SUFFIX = ".record.json"
SENT_SUFFIX = ".sent"


def journal_path(exams_dir: Path, exam_id: str) -> Path:
    return exams_dir / f"{exam_id}{JOURNAL_SUFFIX}"


def record_path(exams_dir: Path, exam_id: str) -> Path:
    return exams_dir / f"{exam_id}{RECORD_SUFFIX}"


def sent_marker(record: Path) -> Path:
    return record.with_name(record.name + SENT_SUFFIX)


def unsent_records(exams_dir: Path) -> list[Path]:
    """Finished records the server has not taken yet (a previous run could not deliver them)."""
    return [
        path
        for path in sorted(exams_dir.glob(f"*{RECORD_SUFFIX}"))
        if not sent_marker(path).exists()
    ]


def unfinished_exam_ids(exams_dir: Path, signing_key: Any) -> list[str]:
    """Exams whose journal has started but not finished: a kiosk that was killed mid-exam."""
    unfinished = []
    for path in sorted(exams_dir.glob(f"*{JOURNAL_SUFFIX}")):
        with Journal.open(path, signing_key) as journal:
            entries = journal.entries()
            if entries and entries[-1].kind != FINISHED:
                unfinished.append(journal.exam_id)
    return unfinished


def first_showing(
    entries: list[JournalEntry], last_shown: JournalEntry | None
) -> JournalEntry | None:
    """When the question on screen was first shown: a resume after a refused start journals it
    again (same item, same position, nothing answered or replaced in between)."""
    first = last_shown
    for entry in reversed(entries):
        if entry.kind in (ANSWER, ITEM_REPLACED):
            break
        if entry.kind == ITEM_SHOWN and last_shown and entry.payload == last_shown.payload:
            first = entry
    return first


def item_time_spent_ms(entries: list[JournalEntry], first_shown: JournalEntry | None) -> int:
    """How long the question on screen had been shown when the journal stops, less the
    invigilator's pauses: its own timer stands still during a pause, as the exam clock does."""
    if first_shown is None or not entries:
        return 0
    spent = entries[-1].elapsed_ms - first_shown.elapsed_ms
    paused_at: int | None = None
    for entry in entries:
        if entry.elapsed_ms < first_shown.elapsed_ms:
            continue
        if entry.kind == PAUSED:
            paused_at = entry.elapsed_ms
        elif entry.kind == RESUMED and paused_at is not None:
            spent -= entry.elapsed_ms - paused_at
            paused_at = None
    if paused_at is not None:
        spent -= entries[-1].elapsed_ms - paused_at
    return max(0, spent)
