"""Verifying an exam record against what the server itself knows, then replaying it.

The engine checks the record on its own terms (engine/record.py: signatures, chain, ticket,
events). This module adds what only the server knows (DESIGN §5): the exam and device the
record must be for, the tickets it really issued, the entries already streamed to it, the live
alerts its invigilator validated, and its own clock (time allowed, extra time, pauses). Last,
the engine replays the exam with the ticket's seed: the items shown must be the items it picks.

Any failure raises the engine's `RecordError` with a stable code (listed in docs/protocol.md),
the one shape of a quarantine reason from here to the kiosk's answer; the record is then kept as
evidence and never scored.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.canonical import b64decode
from engine.config import ExamConfig
from engine.exam import Exam
from engine.exam_events import ANSWER, ITEM_REPLACED, ITEM_SHOWN
from engine.exam_replay import ReplayError, replay
from engine.itembank import ItemBank
from engine.items import Item
from engine.journal_format import ENTRY_DOMAIN, JournalError
from engine.record import RecordError, VerifiedRecord, verify_record
from server_stub.intake.door import (
    clock_backwards,
    clock_backwards_error,
    off_commitment,
    off_commitment_error,
)
from server_stub.intake.response_status import status_disagrees
from server_stub.live_exams import StreamedExam
from server_stub.timeline import GRACE_S


@dataclass(frozen=True)
class ServerView:
    """What the server knows of one exam, against which its record is checked."""

    exam_id: str
    device_id: str
    seed: int
    accessibility_needs: bool
    issued_tickets: Mapping[str, str]  # ticket id -> kind ("start" / "resume")
    streamed: Mapping[int, tuple[str, str]]  # seq -> (hash, signature) of streamed entries
    validated_alert_items: frozenset[str]
    budget_s: int  # time allowed (with extra time) plus the invigilator's added time
    paused_s: float  # every pause on the server's timeline
    # seq -> hash of the heads the kiosk committed to beyond the entries streamed
    committed: Mapping[int, str] = field(default_factory=dict)

    @property
    def streamed_signatures(self) -> set[tuple[bytes, bytes]]:
        """(signature, signed message) of every entry verified when it was streamed."""
        return {
            (b64decode(signature), ENTRY_DOMAIN + bytes.fromhex(digest))
            for digest, signature in self.streamed.values()
        }


@dataclass(frozen=True)
class VerifiedExam:
    record: VerifiedRecord
    exam: Exam  # the engine's replay, ready to score


def verify_exam_record(
    record: Mapping[str, Any],
    *,
    uploader_id: str,
    device_public_key: Ed25519PublicKey,
    server_public_key: Ed25519PublicKey,
    view: ServerView,
    bank: ItemBank,
    item: Callable[[str], Item],
    streamed: StreamedExam | None = None,
) -> VerifiedExam:
    """`streamed`: the exam as it streamed in, its entries exactly the record's (the caller
    made sure): their checks and the engine's replay are not done again."""
    verified = verify_record(
        record, device_public_key, server_public_key, streamed.entries if streamed else None
    )
    _check_binding(verified, uploader_id, view)
    _check_streamed(verified, view)
    _check_journal(verified, view)
    _check_shown(verified)
    _check_replacements(verified, view)
    _check_clock(verified, view)
    if streamed is not None and verified.entries is not streamed.entries:
        streamed = None  # its entries were checked in full: replay them too
    _check_responses(verified, item, streamed)
    try:
        if streamed is not None:
            exam = _replayed(streamed)
        else:
            exam = replay(
                bank,
                _ticket_config(verified),
                view.seed,
                verified.events,
                accessibility_needs=view.accessibility_needs,
            )
    except ReplayError as error:
        raise RecordError(
            "not_engine_items",
            "Les questions du journal ne sont pas celles que le moteur choisit "
            f"(événement {error.index}) : {error.reason_fr}.",
            f"The journal's questions are not the ones the engine picks "
            f"(event {error.index}): {error.reason_en}.",
        ) from error
    return VerifiedExam(verified, exam)


def _ticket_config(verified: VerifiedRecord) -> ExamConfig:
    """The configuration the kiosk ran with: the one its start ticket carries, which this
    server signed (the database's may have changed since; reading it cost a query a record)."""
    try:
        return ExamConfig.from_dict(verified.ticket.config)
    except (TypeError, ValueError) as error:
        raise RecordError(
            "ticket_invalid",
            f"La configuration d'examen du ticket est illisible : {error}.",
            f"The ticket's exam configuration is unreadable: {error}.",
        ) from error


def _replayed(streamed: StreamedExam) -> Exam:
    if streamed.replay_error is not None:
        raise streamed.replay_error
    return streamed.exam


def _check_binding(verified: VerifiedRecord, uploader_id: str, view: ServerView) -> None:
    if verified.exam_id != view.exam_id:
        raise RecordError(
            "record_for_another_exam",
            f"Ce procès-verbal est celui de l'examen {verified.exam_id}, envoyé pour "
            f"{view.exam_id}.",
            f"This record belongs to exam {verified.exam_id}, sent for {view.exam_id}.",
        )
    if uploader_id != view.device_id or verified.device_id != view.device_id:
        raise RecordError(
            "wrong_device",
            f"L'examen {view.exam_id} a été autorisé sur le poste {view.device_id}, pas sur "
            f"{verified.device_id}.",
            f"Exam {view.exam_id} was authorised on device {view.device_id}, not "
            f"{verified.device_id}.",
        )
    tickets = [(verified.ticket, "start")] + [(t, "resume") for t in verified.resume_tickets]
    for ticket, kind in tickets:
        if view.issued_tickets.get(ticket.ticket_id) != kind:
            raise RecordError(
                "ticket_not_issued",
                f"Le ticket {ticket.ticket_id} ({kind}) n'a pas été délivré pour cet examen.",
                f"Ticket {ticket.ticket_id} ({kind}) was not issued for this exam.",
            )


def _check_streamed(verified: VerifiedRecord, view: ServerView) -> None:
    """Entries the server already holds must be in the record, unchanged."""
    held = {entry.seq: entry.hash for entry in verified.entries}
    for seq, (digest, _) in sorted(view.streamed.items()):
        if held.get(seq) != digest:
            raise RecordError(
                "streamed_entries_differ",
                f"L'entrée n° {seq} reçue pendant l'examen diffère de celle du procès-verbal "
                "(ou manque).",
                f"Entry no. {seq} received during the exam differs from the record's "
                "(or is missing).",
                seq,
            )


def _check_journal(verified: VerifiedRecord, view: ServerView) -> None:
    """The door's checks (door.py): an elapsed time that never goes back, and every
    head the kiosk committed to during the exam passed through."""
    for found, error in (
        (clock_backwards(verified.entries), clock_backwards_error),
        (off_commitment(verified.entries, view.committed), off_commitment_error),
    ):
        if found is not None:
            raise _quarantined(error(found))
    last = verified.entries[-1].seq
    beyond = [seq for seq in view.committed if seq > last]
    if beyond:
        raise RecordError(
            "head_commitment_broken",
            f"Le journal s'arrête à l'entrée n° {last} alors que ce poste avait annoncé au "
            f"serveur la n° {max(beyond)} pendant l'épreuve (fin du journal supprimée).",
            f"The journal stops at entry no. {last} although this computer announced "
            f"no. {max(beyond)} to the server during the exam (end of the journal removed).",
            last + 1,
        )


def _quarantined(error: JournalError) -> RecordError:
    return RecordError(error.code, error.fr, error.en, error.seq)


def _check_shown(verified: VerifiedRecord) -> None:
    """Each answer or replacement concerns the item on screen at that moment."""
    on_screen: str | None = None
    for entry in verified.entries:
        if entry.kind == ITEM_SHOWN:
            on_screen = entry.payload["item_id"]
        elif entry.kind in (ANSWER, ITEM_REPLACED):
            if entry.payload["item_id"] != on_screen:
                raise RecordError(
                    "item_not_shown",
                    f"Entrée n° {entry.seq} : réponse ou remplacement d'une question qui "
                    "n'était pas affichée.",
                    f"Entry no. {entry.seq}: answer or replacement of a question that was not "
                    "on screen.",
                    entry.seq,
                )
            on_screen = None


def _check_replacements(verified: VerifiedRecord, view: ServerView) -> None:
    for entry in verified.entries:
        if entry.kind == ITEM_REPLACED and entry.payload["item_id"] not in (
            view.validated_alert_items
        ):
            raise RecordError(
                "replacement_not_validated",
                f"Entrée n° {entry.seq} : question remplacée sans signalement validé par le "
                "surveillant.",
                f"Entry no. {entry.seq}: question replaced without an alert validated by the "
                "invigilator.",
                entry.seq,
            )


def _check_clock(verified: VerifiedRecord, view: ServerView) -> None:
    """No answer after the deadline, by the server's budget and the server's pauses.

    The kiosk's elapsed time leaves out its downtime but runs through pauses, so an answer is
    late when its elapsed time exceeds the time allowed plus extra time plus every pause the
    server granted (the kiosk cannot extend its time by journaling pauses of its own).
    """
    limit_ms = (view.budget_s + view.paused_s + GRACE_S) * 1000
    for entry in verified.entries:
        if entry.kind == ANSWER and entry.elapsed_ms > limit_ms:
            raise RecordError(
                "answer_after_deadline",
                f"Entrée n° {entry.seq} : réponse donnée après la fin du temps imparti "
                f"({entry.elapsed_ms // 1000} s pour {int(limit_ms // 1000)} s permises).",
                f"Entry no. {entry.seq}: answer given after the time allowed "
                f"({entry.elapsed_ms // 1000} s for {int(limit_ms // 1000)} s allowed).",
                entry.seq,
            )


def _check_responses(
    verified: VerifiedRecord, item: Callable[[str], Item], streamed: StreamedExam | None
) -> None:
    """The status the kiosk gave each answer agrees with the response, checked again here (or
    as the answers streamed in)."""
    if streamed is not None:
        entry = streamed.status_disagrees
    else:
        entry = next((entry for entry in verified.entries if status_disagrees(entry, item)), None)
    if entry is not None:
        status = entry.payload["status"]
        raise RecordError(
            "status_mismatch",
            f"Entrée n° {entry.seq} : le statut « {status} » ne correspond pas à la réponse "
            "donnée.",
            f"Entry no. {entry.seq}: status '{status}' does not match the response given.",
            entry.seq,
        )
