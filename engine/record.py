"""The exam record: what the kiosk uploads at the end, and the server's verification of it.

On the wire:

    {"record": {"format": "pix-record", "version": 1, "device_id", "exam_id",
                "ticket": <signed start ticket>, "head": {"seq", "hash"}, "result": {...}},
     "entries": [<journal entries, wire form>],
     "signature": <base64 Ed25519 by the device over a domain tag + canonical JSON of "record">}

The device signs the journal head and the result; the entries are bound to that head by their
hash chain, so the signature covers them without hashing them twice. `verify_record` checks the
lot and hands back what the server needs to replay and re-score the exam.

A record "by its head" leaves "entries" out: the server already holds and checked them, up to
the head the record signs (the kiosk has its receipt), so 35 KB are not sent a second time.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.canonical import BilingualError, b64decode, b64encode, canonical_json
from engine.exam_events import (
    EXAM_STARTED,
    FINISHED,
    REQUIRED_PAYLOAD_KEYS,
    RESUME_AUTHORISED,
    replay_events,
    timeline,
)
from engine.journal_format import ChainHead, JournalEntry, JournalError, verify_chain
from engine.keys import device_id_for
from engine.ticket import Ticket, TicketError, verify_ticket

RECORD_FORMAT = "pix-record"
RECORD_VERSION = 1
RECORD_DOMAIN = b"pix-kiosk record v1\n"


class RecordError(BilingualError):
    """A record the server must keep aside as evidence and never score; `code` is stable:
    malformed, bad_signature, wrong_device, ticket_invalid, exam_mismatch, chain_broken,
    ticket_mismatch, bad_event, not_finished, result_mismatch. `seq` names the entry at fault."""

    def __init__(self, code: str, fr: str, en: str, seq: int | None = None) -> None:
        super().__init__(code, fr, en)
        self.seq = seq


@dataclass(frozen=True)
class VerifiedRecord:
    """A record that passed every check: the inputs of the server's replay and clock checks."""

    device_id: str
    exam_id: str
    ticket: Ticket  # the start ticket
    resume_tickets: tuple[Ticket, ...]
    entries: tuple[JournalEntry, ...]
    result: Mapping[str, Any]  # as computed on the kiosk
    head: ChainHead

    # Worked out when asked: a server that replayed the exam as it streamed in needs neither.
    @cached_property
    def events(self) -> list[dict[str, Any]]:
        """For engine.replay(bank, config, ticket.selection_seed, events)."""
        return replay_events(self.entries)

    @cached_property
    def timeline(self) -> list[JournalEntry]:
        """Start, pauses, locks, alerts, incidents, resumptions, end."""
        return timeline(self.entries)


def build_record(
    *,
    ticket: Mapping[str, Any],
    entries: Sequence[JournalEntry],
    result: Mapping[str, Any],
    signing_key: Ed25519PrivateKey,
) -> dict[str, Any]:
    """Seal a finished exam: `ticket` is the signed start ticket, `entries` the whole journal."""
    if not entries:
        raise ValueError("a record needs the journal's entries")
    body = {
        "format": RECORD_FORMAT,
        "version": RECORD_VERSION,
        "device_id": device_id_for(signing_key.public_key()),
        "exam_id": entries[0].exam_id,
        "ticket": dict(ticket),
        "head": {"seq": entries[-1].seq, "hash": entries[-1].hash},
        "result": dict(result),
    }
    signature = signing_key.sign(RECORD_DOMAIN + canonical_json(body))
    return {
        "record": body,
        "entries": [entry.to_dict() for entry in entries],
        "signature": b64encode(signature),
    }


def verify_record(
    record: Mapping[str, Any],
    device_public_key: Ed25519PublicKey,
    server_public_key: Ed25519PublicKey,
    checked: tuple[JournalEntry, ...] | None = None,
) -> VerifiedRecord:
    """Check the device signature, the ticket binding, the chain and the events; see the doc.

    `checked`: the record's entries as the caller already verified them, one chain from the
    first entry with this device's key (the server, as they streamed in), having made sure
    that the record's wire entries are exactly these — or that it has none, sent by its head;
    they are not hashed and checked again.
    """
    body, raw_entries, signature = _split(record)
    try:
        device_public_key.verify(signature, RECORD_DOMAIN + canonical_json(body))
    except (InvalidSignature, ValueError):
        raise RecordError(
            "bad_signature",
            "Signature du procès-verbal invalide pour ce poste.",
            "The record's signature is not valid for this computer.",
        ) from None
    device_id = device_id_for(device_public_key)
    if body["device_id"] != device_id:
        raise _wrong_device(body["device_id"], device_id)
    ticket = _verified_ticket(body["ticket"], server_public_key, device_id)
    exam_id = body["exam_id"]
    if ticket.exam_id != exam_id:
        raise _exam_mismatch(ticket.exam_id, exam_id)
    if _is_checked(checked, raw_entries, exam_id, body["head"]):
        entries = checked
    elif raw_entries is None:
        raise _malformed()
    else:
        entries = _verified_entries(raw_entries, device_public_key, exam_id, body["head"])
    _check_events(entries, body)
    resume_tickets = tuple(
        _verified_ticket(entry.payload["ticket"], server_public_key, device_id, entry.seq)
        for entry in entries
        if entry.kind == RESUME_AUTHORISED
    )
    for resumed in resume_tickets:
        if resumed.exam_id != exam_id:
            raise _exam_mismatch(resumed.exam_id, exam_id)
    return VerifiedRecord(
        device_id=device_id,
        exam_id=exam_id,
        ticket=ticket,
        resume_tickets=resume_tickets,
        entries=entries,
        result=body["result"],
        head=entries[-1].head,
    )


def _split(record: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any] | None, bytes]:
    """(body, wire entries or None for a record by its head, signature)."""
    try:
        body, raw_entries = record["record"], record.get("entries")
        signature = b64decode(record["signature"])
        if body["format"] != RECORD_FORMAT or body["version"] != RECORD_VERSION:
            raise ValueError
        if not (
            (raw_entries is None or isinstance(raw_entries, list))
            and all(isinstance(body[name], str) for name in ("device_id", "exam_id"))
            and all(isinstance(body[name], dict) for name in ("ticket", "head", "result"))
        ):
            raise TypeError
        return body, raw_entries, signature
    except (AttributeError, KeyError, TypeError, ValueError):
        raise _malformed() from None


def _malformed() -> RecordError:
    return RecordError(
        "malformed",
        "Procès-verbal d'examen mal formé (format ou champs manquants).",
        "Malformed exam record (format or missing fields).",
    )


def _verified_ticket(
    signed: Any, server_public_key: Ed25519PublicKey, device_id: str, seq: int | None = None
) -> Ticket:
    try:
        return verify_ticket(signed, server_public_key, device_id=device_id)
    except TicketError as error:
        code = "wrong_device" if error.code == "wrong_device" else "ticket_invalid"
        raise RecordError(code, error.fr, error.en, seq) from error


def _verified_entries(
    raw_entries: list[Any],
    device_public_key: Ed25519PublicKey,
    exam_id: str,
    head: Mapping[str, Any],
) -> tuple[JournalEntry, ...]:
    try:
        entries = tuple(JournalEntry.from_dict(raw) for raw in raw_entries)
        signed_head = ChainHead(head["seq"], head["hash"])
        last = verify_chain(entries, device_public_key, exam_id, expected_head=signed_head)
    except JournalError as error:
        code = error.code if error.code in ("bad_signature", "exam_mismatch") else "chain_broken"
        raise RecordError(code, error.fr, error.en, error.seq) from error
    except (KeyError, TypeError):
        raise RecordError(
            "malformed", "Tête de journal illisible.", "Unreadable journal head."
        ) from None
    if last != signed_head:
        raise RecordError(
            "chain_broken",
            f"Des entrées suivent la tête signée du journal (n° {signed_head.seq}).",
            f"Entries follow the journal's signed head (no. {signed_head.seq}).",
            signed_head.seq + 1,
        )
    return entries


def _is_checked(
    checked: tuple[JournalEntry, ...] | None,
    raw_entries: list[Any] | None,
    exam_id: str,
    head: Mapping[str, Any],
) -> bool:
    """Whether `checked` stands for the record's entries (or for none, by its head), of its
    exam, ending at the head it signs (in any other case they are verified in full, which
    names what is wrong)."""
    if not checked or checked[0].exam_id != exam_id:
        return False
    if raw_entries is not None and len(checked) != len(raw_entries):
        return False
    return head.get("seq") == checked[-1].seq and head.get("hash") == checked[-1].hash


def _check_events(entries: tuple[JournalEntry, ...], body: Mapping[str, Any]) -> None:
    """Known kinds with their payload keys; starts with this ticket; ends with this result."""
    for entry in entries:
        required = REQUIRED_PAYLOAD_KEYS.get(entry.kind)
        if required is None or not required <= entry.payload.keys():
            raise RecordError(
                "bad_event",
                f"Entrée n° {entry.seq} : événement « {entry.kind} » inconnu ou incomplet.",
                f"Entry no. {entry.seq}: unknown or incomplete '{entry.kind}' event.",
                entry.seq,
            )
    first, last = entries[0], entries[-1]
    if first.kind != EXAM_STARTED or first.payload["ticket"] != body["ticket"]:
        raise RecordError(
            "ticket_mismatch",
            "Le journal ne commence pas par le ticket du procès-verbal.",
            "The journal does not start with the record's ticket.",
            first.seq,
        )
    if last.kind != FINISHED:
        raise RecordError(
            "not_finished",
            "Le journal ne se termine pas par la fin de l'examen.",
            "The journal does not end with the end of the exam.",
            last.seq,
        )
    if last.payload["result"] != body["result"]:
        raise RecordError(
            "result_mismatch",
            "Le résultat du procès-verbal diffère de celui du journal.",
            "The record's result differs from the journal's.",
            last.seq,
        )


def _wrong_device(claimed: str, actual: str) -> RecordError:
    return RecordError(
        "wrong_device",
        f"Procès-verbal d'un autre poste ({claimed}) que celui qui l'a signé ({actual}).",
        f"Record of another computer ({claimed}) than the one that signed it ({actual}).",
    )


def _exam_mismatch(ticket_exam: str, record_exam: str) -> RecordError:
    return RecordError(
        "exam_mismatch",
        f"Le ticket porte sur l'examen {ticket_exam}, le procès-verbal sur {record_exam}.",
        f"The ticket is for exam {ticket_exam}, the record for {record_exam}.",
    )
