"""Journal entries streamed by kiosks during the exam: checked, stored, acknowledged.

Every kiosk sends each entry as it writes it (docs/protocol.md), so in a full room this is the
server's busiest path, and its latency is what a kiosk waits on for a receipt. The device
signatures (the costly part) are checked before any lock (`presigned`); the write transaction
then checks each upload against the chain it holds — hashes, sequence, links — so that nothing
reaches the database unverified; signatures already checked pass at once
(preverified_key.PreverifiedKey). Uploads are idempotent on (device, exam, seq): an entry
already stored is acknowledged if identical, refused (`entry_conflict`) if not.

Entries are checked at the door as a record would be (door.py, server_checks.py): known kinds
with their payload keys, an elapsed time that never goes back, and every head the kiosk
committed to (heads.py) passed through. Each upload is also evidence the server keeps of its
own (exam_evidence.py): the contact with the exam's kiosk, and entries that can change the
result arriving after the server's deadline.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.concurrency import run_in_threadpool

from engine.canonical import b64decode, canonical_json, exact_text
from engine.exam_events import ANSWER, FINISHED, ITEM_SHOWN
from engine.journal_format import (
    ENTRY_DOMAIN,
    ChainHead,
    JournalEntry,
    JournalError,
    sign_receipt,
    verify_chain,
)
from server_stub.errors import ApiError
from server_stub.exam_evidence import arrival_changes
from server_stub.intake import store
from server_stub.intake.catch_up import CatchUp, stored_since
from server_stub.intake.door import door_refusal
from server_stub.intake.preverified_key import PreverifiedKey, device_key
from server_stub.notifier import room_key
from server_stub.security import log_event

MAX_BATCH = 500  # entries per upload
# Uploads of more entries than this have their signatures checked off the event loop.
SIGNATURES_CHECKED_INLINE = 4


def parse_entries(raw_entries: list[dict[str, Any]]) -> list[JournalEntry]:
    """The uploaded entries in sequence order, or `entry_rejected` if one is malformed."""
    if len(raw_entries) > MAX_BATCH:
        raise ApiError(
            "entry_rejected",
            detail_fr=f"plus de {MAX_BATCH} entrées",
            detail=f"more than {MAX_BATCH} entries",
        )
    try:
        return sorted((JournalEntry.from_dict(raw) for raw in raw_entries), key=_seq)
    except JournalError as error:
        raise ApiError("entry_rejected", detail_fr=error.fr, detail=error.en) from error


def presigned(
    entries: Sequence[JournalEntry], public_key: Ed25519PublicKey
) -> set[tuple[bytes, bytes]]:
    """The (signature, message) pairs of `entries` that this device really signed. An entry
    left out is checked again by the writer, which then names what is wrong with it."""
    verified = set()
    for entry in entries:
        try:
            digest = hashlib.sha256(canonical_json(entry.body())).digest()
            if digest.hex() != entry.hash:
                continue
            signature, message = b64decode(entry.signature), ENTRY_DOMAIN + digest
            public_key.verify(signature, message)
        except (InvalidSignature, ValueError):
            continue
        verified.add((signature, message))
    return verified


@dataclass
class _Upload:
    device: Any  # the device row
    exam_id: str
    entries: list[JournalEntry]
    key: Ed25519PublicKey  # the device's
    signed: set[tuple[bytes, bytes]]
    held_seq: int | None  # the last entry this process's live replay holds (LiveExams)
    refusal: ApiError | None = None  # logged in the transaction, answered once it commits
    session_id: str | None = None  # set once fresh entries are written: that room changed
    fresh: list[JournalEntry] = field(default_factory=list)  # the entries written
    texts: list[str] = field(default_factory=list)  # and their wire forms as stored
    missed: CatchUp | None = None  # stored entries before them the live replay has not seen


async def stream_entries(ctx, device, exam_id: str, entries: list[JournalEntry]) -> dict[str, Any]:
    """Check and store `entries` of `device`'s journal for `exam_id`; the signed receipt of the
    head the server then holds (raises `ApiError`). The live replay (live_exams.py) is kept
    by the event loop; the signatures and the transaction run in a worker thread."""
    key = device_key(device.signing_key)
    if len(entries) > SIGNATURES_CHECKED_INLINE:  # a kiosk back online: not on the event loop
        signed = await run_in_threadpool(presigned, entries, key)
    else:
        signed = presigned(entries, key)
    held_seq = ctx.live_exams.held_seq(exam_id, device.device_id)
    upload = _Upload(device, exam_id, entries, key, signed, held_seq)
    head = await run_in_threadpool(_store, ctx, upload)
    missed = upload.missed
    if upload.fresh and missed is not None:
        ctx.live_exams.extend(
            exam_id,
            device.device_id,
            [*missed.entries, *upload.fresh],
            [*missed.texts, *upload.texts],
            missed.start,
        )
    if upload.session_id is not None:
        ctx.notifier.notify(room_key(upload.session_id))
    return receipt(ctx, device.device_id, exam_id, head)


def _store(ctx, upload: _Upload) -> ChainHead | None:
    """The head held once `upload` is stored; a chain that does not verify is logged, then
    refused. Streaming commits without waiting for the disk (Database.write)."""
    with ctx.db.write(durable=False) as connection:
        head = _extend(ctx, upload, connection, ctx.now())
    if upload.refusal is not None:
        raise upload.refusal
    return head


def _extend(ctx, upload: _Upload, connection, now: float) -> ChainHead | None:
    """Store what `upload` adds to its exam's chain and return the new head."""
    db = ctx.db
    device_id, exam_id = upload.device.device_id, upload.exam_id
    exam = store.exam_row(connection, exam_id, lock=True)
    if exam.device_id != device_id:
        raise ApiError("forbidden")
    head = ChainHead(exam.head_seq, exam.head_hash) if exam.head_seq else None
    fresh = []
    for entry in upload.entries:
        if head is not None and entry.seq <= head.seq:
            if store.entry_hash(connection, device_id, exam_id, entry.seq) != entry.hash:
                raise ApiError("entry_conflict", seq=entry.seq)
        else:
            fresh.append(entry)
    if not fresh:
        return head
    expected = (head.seq if head else 0) + 1
    if fresh[0].seq != expected:
        raise ApiError(
            "entry_gap", details=[{"expected_seq": expected}], seq=fresh[0].seq, head=expected - 1
        )
    key = PreverifiedKey(upload.key, upload.signed)
    try:
        head = verify_chain(fresh, key, exam_id, previous=head)
        door_refusal(connection, exam, fresh)
    except JournalError as error:
        log_event(
            connection,
            db,
            at=now,
            kind="entry_rejected",
            detail={"exam_id": exam_id, "code": error.code, "seq": error.seq},
            session_id=exam.session_id,
            device_id=device_id,
        )
        upload.refusal = ApiError("entry_rejected", detail_fr=error.fr, detail=error.en)
        return None
    # Read before `fresh` is stored: those the other server processes stored since.
    if upload.held_seq is not None:
        upload.missed = stored_since(connection, ctx.banks, exam, upload.held_seq)
    upload.texts = append_entries(connection, ctx, exam, fresh, now)
    upload.session_id, upload.fresh = exam.session_id, fresh
    return head


def append_entries(connection, ctx, exam, fresh: Sequence[JournalEntry], now: float) -> list[str]:
    """Store `fresh` (verified entries continuing the chain stored for `exam`), with what they
    say of the exam: its head, answered count, end, and the evidence of their arrival
    (exam_evidence.py). The entries' stored wire texts."""
    texts = [exact_text(entry.to_dict()) for entry in fresh]
    store.insert_entries(
        connection,
        device_id=exam.device_id,
        exam_id=exam.exam_id,
        entries=fresh,
        texts=texts,
        now=now,
    )
    finished = any(entry.kind == FINISHED for entry in fresh) and exam.ended_at is None
    changes = arrival_changes(
        connection,
        ctx.db,
        exam,
        [{"seq": entry.seq, "kind": entry.kind} for entry in fresh],
        now,
        offline_review_s=ctx.offline_review_s,
    )
    store.update_exam(
        connection,
        exam.exam_id,
        {
            "head_seq": fresh[-1].seq,
            "head_hash": fresh[-1].hash,
            "answered": exam.answered + sum(entry.kind == ANSWER for entry in fresh),
            "ended_at": now if finished else exam.ended_at,
            "head_elapsed_ms": fresh[-1].elapsed_ms,
            **changes,
        },
    )
    if any(entry.kind == ITEM_SHOWN for entry in fresh):
        # A question on screen: the lockdown holds, so a refused start is over (live_events.py).
        store.end_refused_starts(connection, exam.exam_id, now)
    return texts


def receipt(ctx, device_id: str, exam_id: str, head: ChainHead | None) -> dict[str, Any]:
    """The server's signed acknowledgement of the head it holds (kiosks clear their outbox)."""
    return sign_receipt(
        device_id=device_id,
        head=head or ChainHead(0, ""),
        exam_id=exam_id,
        server_key=ctx.server_key,
    )


def _seq(entry: JournalEntry) -> int:
    return entry.seq
