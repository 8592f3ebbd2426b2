"""Heads a kiosk commits to while online: the past of its journal, fixed as it grows.

Every few seconds the kiosk signs its journal's head (engine/head_commitment.py) and sends it,
whether or not its entries have caught up. The server keeps the first hash it sees at each
sequence number; a head that contradicts an entry already stored, or another head at the same
number, is refused, logged and sends the exam to review (`journal_conflict`). Entries and
records that arrive later must pass through every kept head (door.py). Each head is
also a contact with the exam's kiosk (exam_evidence.py): heads keep an exam whose entries lag
behind from looking offline, and a head committed before the deadline proves the entries up to
it were written in time, whenever they arrive.
"""

from typing import Any

from fastapi.concurrency import run_in_threadpool

from engine.head_commitment import HeadCommitment, HeadCommitmentError, verify_head
from server_stub.errors import ApiError
from server_stub.exam_evidence import JOURNAL_CONFLICT, add_reason, contact_changes
from server_stub.intake import store
from server_stub.intake.preverified_key import device_key
from server_stub.security import log_event
from server_stub.timeline import instant_text


async def receive_head(ctx, device, exam_id: str, signed: dict[str, Any]) -> dict[str, Any]:
    """Check, keep and answer one signed head of `device`'s journal for `exam_id`."""
    try:
        commitment = verify_head(
            signed,
            device_key(device.signing_key),
            device_id=device.device_id,
            exam_id=exam_id,
        )
    except HeadCommitmentError as error:
        raise ApiError("head_rejected", detail_fr=error.fr, detail=error.en) from error
    stored_seq, now = await run_in_threadpool(_store, ctx, commitment, signed["signature"])
    return {
        "exam_id": exam_id,
        "seq": commitment.head.seq,
        "stored_seq": stored_seq,
        "server_time": instant_text(now),
    }


def _store(ctx, commitment: HeadCommitment, signature: str) -> tuple[int, float]:
    """(the head seq of the entries held, the server's instant); a head that contradicts the
    journal held is logged and sends the exam to review, then is refused once that commits."""
    with ctx.db.write(durable=False) as connection:
        now = ctx.now()
        stored_seq, conflict = _keep(ctx, commitment, signature, connection, now)
    if conflict:
        raise ApiError("head_conflict", seq=commitment.head.seq)
    return stored_seq, now


def _keep(
    ctx, commitment: HeadCommitment, signature: str, connection, now: float
) -> tuple[int, bool]:
    db = ctx.db
    exam = store.exam_row(connection, commitment.exam_id, lock=True)
    if exam.device_id != commitment.device_id:
        raise ApiError("forbidden")
    head = commitment.head
    if head.seq <= exam.head_seq:
        known = store.entry_hash(connection, exam.device_id, exam.exam_id, head.seq)
    else:
        known = store.commitments_from(connection, exam.exam_id, head.seq).get(head.seq)
    changes = contact_changes(connection, db, exam, now, offline_review_s=ctx.offline_review_s)
    conflict = known is not None and known != head.hash
    if conflict:
        log_event(
            connection,
            db,
            at=now,
            kind="head_conflict",
            detail={"exam_id": exam.exam_id, "seq": head.seq, "hash": head.hash, "held": known},
            session_id=exam.session_id,
            device_id=exam.device_id,
        )
        add_reason(changes, exam, JOURNAL_CONFLICT)
    elif known is None and head.seq > exam.head_seq:
        store.insert_commitment(
            connection,
            exam_id=exam.exam_id,
            seq=head.seq,
            head_hash=head.hash,
            signature=signature,
            now=now,
        )
        changes["committed_seq"] = max(exam.committed_seq, head.seq)
    if changes:
        store.update_exam(connection, exam.exam_id, changes)
    return exam.head_seq, conflict
