"""Heads a kiosk commits to while online: the past of its journal, fixed as it grows.

Every few seconds the kiosk signs its journal's head (engine/head_commitment.py) and sends it,
whether or not its entries have caught up. The server keeps the first hash it sees at each
sequence number; a head that contradicts an entry already stored, or another head at the same
number, is refused, logged and sends the exam to review (`journal_conflict`). Entries and
records that arrive later must pass through every kept head (journal_door.py). Each head is
also a contact with the exam's kiosk (exam_evidence.py): heads keep an exam whose entries lag
behind from looking offline, and a head committed before the deadline proves the entries up to
it were written in time, whenever they arrive.
"""

from functools import partial
from typing import Any

from engine.head_commitment import HeadCommitment, HeadCommitmentError, verify_head
from engine.keys import ed25519_public_from_b64
from server_stub import hot_statements as hot
from server_stub.errors import ApiError
from server_stub.exam_evidence import JOURNAL_CONFLICT, add_reason, contact_changes
from server_stub.security import log_event
from server_stub.timeline import instant_text


async def receive_head(ctx, device, exam_id: str, signed: dict[str, Any]) -> dict[str, Any]:
    """Check, keep and answer one signed head of `device`'s journal for `exam_id`."""
    try:
        commitment = verify_head(
            signed,
            ed25519_public_from_b64(device.signing_key),
            device_id=device.device_id,
            exam_id=exam_id,
        )
    except HeadCommitmentError as error:
        raise ApiError("head_rejected", detail_fr=error.fr, detail=error.en) from error
    stored_seq, now = await ctx.writes.run(
        partial(_keep, ctx, commitment, signed["signature"]), durable=False
    )
    return {
        "exam_id": exam_id,
        "seq": commitment.head.seq,
        "stored_seq": stored_seq,
        "server_time": instant_text(now),
    }


def _keep(
    ctx, commitment: HeadCommitment, signature: str, connection, now: float
) -> tuple[int, float]:
    db = ctx.db
    exam = db.run(connection, hot.exam_for_update, {"exam_id": commitment.exam_id}).first()
    if exam is None:
        raise ApiError("exam_not_found")
    if exam.device_id != commitment.device_id:
        raise ApiError("forbidden")
    head = commitment.head
    if head.seq <= exam.head_seq:
        known = db.run(
            connection,
            hot.entry_hash,
            {"device_id": exam.device_id, "exam_id": exam.exam_id, "seq": head.seq},
        ).scalar()
    else:
        known = dict(
            db.run(connection, hot.commitments_from, {"exam_id": exam.exam_id, "seq": head.seq})
        ).get(head.seq)
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
        db.run(
            connection,
            hot.insert_commitment,
            {
                "exam_id": exam.exam_id,
                "seq": head.seq,
                "head_hash": head.hash,
                "signature": signature,
                "received_at": now,
            },
        )
        changes["committed_seq"] = max(exam.committed_seq, head.seq)
    if changes:
        db.run(connection, hot.update_exam, {"key": exam.exam_id, **changes})
    if conflict:
        raise ApiError("head_conflict", seq=head.seq)
    return exam.head_seq, now
