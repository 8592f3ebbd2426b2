"""The checks a journal passes at the server's door, streamed entry by entry or in a record.

Beyond the chain itself (engine/journal_format.py): every event is one the engine knows, with
its payload keys; the kiosk's elapsed time never goes back; and the journal passes through
every head the kiosk committed to while online (engine/head_commitment.py) — a past rewritten
after its head was committed, even re-signed with the device's own key, stops here. The
record's verification (server_checks.py) runs the same checks, so an entry refused while
streaming could never have passed in a record.
"""

from collections.abc import Mapping, Sequence

from engine.exam_events import REQUIRED_PAYLOAD_KEYS
from engine.journal_format import JournalEntry, JournalError
from server_stub.intake import store


def unknown_event(entries: Sequence[JournalEntry]) -> JournalEntry | None:
    """The first entry of a kind the engine does not know, or without its payload keys."""
    for entry in entries:
        required = REQUIRED_PAYLOAD_KEYS.get(entry.kind)
        if required is None or not required <= entry.payload.keys():
            return entry
    return None


def clock_backwards(entries: Sequence[JournalEntry], previous_ms: int = 0) -> JournalEntry | None:
    """The first entry whose elapsed time is earlier than the entry before it."""
    for entry in entries:
        if entry.elapsed_ms < previous_ms:
            return entry
        previous_ms = entry.elapsed_ms
    return None


def off_commitment(
    entries: Sequence[JournalEntry], committed: Mapping[int, str]
) -> JournalEntry | None:
    """The first entry that differs from the head committed at its number."""
    for entry in entries:
        digest = committed.get(entry.seq)
        if digest is not None and digest != entry.hash:
            return entry
    return None


def unknown_event_error(entry: JournalEntry) -> JournalError:
    return JournalError(
        "bad_event",
        entry.seq,
        f"Entrée n° {entry.seq} : événement « {entry.kind} » inconnu ou incomplet.",
        f"Entry no. {entry.seq}: unknown or incomplete '{entry.kind}' event.",
    )


def clock_backwards_error(entry: JournalEntry) -> JournalError:
    return JournalError(
        "clock_backwards",
        entry.seq,
        f"Entrée n° {entry.seq} : le temps écoulé de l'épreuve recule "
        f"({entry.elapsed_ms} ms), l'horloge du poste a été modifiée.",
        f"Entry no. {entry.seq}: the exam's elapsed time goes back ({entry.elapsed_ms} ms), "
        "the computer's clock was tampered with.",
    )


def off_commitment_error(entry: JournalEntry) -> JournalError:
    return JournalError(
        "head_commitment_broken",
        entry.seq,
        f"Entrée n° {entry.seq} : le journal diffère de la tête que ce poste avait annoncée au "
        "serveur pendant l'épreuve (passé réécrit). Refusé.",
        f"Entry no. {entry.seq}: the journal differs from the head this computer announced to "
        "the server during the exam (rewritten past). Refused.",
    )


def door_refusal(connection, exam, fresh: Sequence[JournalEntry]) -> None:
    """Raise the `JournalError` of the first fresh entry (continuing the chain stored for
    `exam`) that fails a check above."""
    entry = unknown_event(fresh)
    if entry is not None:
        raise unknown_event_error(entry)
    entry = clock_backwards(fresh, exam.head_elapsed_ms)
    if entry is not None:
        raise clock_backwards_error(entry)
    if exam.committed_seq >= fresh[0].seq:
        committed = store.commitments_from(connection, exam.exam_id, fresh[0].seq)
        entry = off_commitment(fresh, committed)
        if entry is not None:
            raise off_commitment_error(entry)
