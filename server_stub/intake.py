"""Receiving the final record of an exam (the entries streamed before it: streaming.py).

Idempotent on (device, exam): a retry gets the original receipt, the same key with different
content is refused (422). The receipt is the server's signature over the journal head the
record ends with, which lets the kiosk mark its outbox acknowledged. A record may come by its
head, without its entries, when the server holds them all (the kiosk has the receipt of that
head): it is the same record as the whole one, whose text the server puts together from the
entries it holds. The record is checked in full and replayed (verification.py, in a worker
process: verifier.py) outside the write lock, or against the exam as it streamed in,
then stored: verified and scored, or quarantined with its reason.

The record's arrival is evidence too (exam_evidence.py): a contact with the exam's kiosk, and
the entries it alone brings reach the server now — after the deadline, they hold the result
for review.

Asynchronous: while a record is verified no thread of the server waits for it (a room's
records arrive together at the end of a session; one blocked thread each made them fight for
the interpreter lock).
"""

import hashlib
import json
from functools import partial
from typing import Any

from engine.canonical import b64decode, exact_text
from engine.exam import ExamResult
from engine.journal_format import ChainHead
from engine.keys import raw_public_bytes
from server_stub import candidate_states as states
from server_stub import hot_statements as hot
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.exam_evidence import arrival_changes
from server_stub.live_exams import StreamedExam
from server_stub.notifier import room_key
from server_stub.record_checks import RecordJob, RecordVerdict, check_record
from server_stub.replay_inputs import accessibility_needs
from server_stub.results import candidate_reports, store_result, validated_alert_items
from server_stub.security import log_event
from server_stub.streaming import receipt
from server_stub.timeline import load_timeline
from server_stub.verification import Quarantined, ServerView


def _exam(connection, ctx: ServerContext, exam_id: str):
    exam = ctx.db.run(connection, hot.exam, {"exam_id": exam_id}).first()
    if exam is None:
        raise ApiError("exam_not_found")
    return exam


async def receive_record(
    ctx: ServerContext, device, exam_id: str, record: dict[str, Any]
) -> dict[str, Any]:
    """Verify, replay and score a final record (or quarantine it); idempotent per device+exam.

    An exam whose whole journal this server saw streaming in, and replayed meanwhile
    (live_exams.py), is verified here at once; any other in a worker process, in full."""
    streamed = ctx.live_exams.finished(exam_id, device.device_id)
    known = await ctx.reads.run(partial(_job_or_answer, ctx, device, exam_id, record, streamed))
    if not isinstance(known, tuple):
        return known  # a retry: the original answer
    exam, job, record_hash, record_text, streamed = known
    if streamed is not None:
        verdict = check_record(job, ctx.banks, streamed)
    else:
        verdict = await ctx.verifier.verdict(job)
    reason = None if verdict.reason is None else Quarantined(*verdict.reason)
    signed_receipt = receipt(ctx, device.device_id, exam_id, ChainHead(*verdict.head))
    outcome = "verified" if reason is None else "quarantined"
    receipt_text = json.dumps(signed_receipt)

    def store(connection, now: float) -> dict[str, Any] | None:
        # The exam locked first: the same record from two server processes is stored once.
        ctx.db.run(connection, hot.exam_for_update, {"exam_id": exam_id})
        previous = _stored_record(connection, ctx, device.device_id, exam_id)
        if previous is not None:  # the same upload, verified concurrently: answer as a retry
            return _previous_answer(previous, record_hash)
        ctx.db.run(
            connection,
            hot.insert_record,
            {
                "device_id": device.device_id,
                "exam_id": exam_id,
                "record_hash": record_hash,
                "record": record_text,
                "received_at": now,
                "receipt": receipt_text,
                "outcome": outcome,
                "reason_code": reason.code if reason else None,
                "reason_detail": json.dumps({"fr": reason.fr, "en": reason.en, "seq": reason.seq})
                if reason
                else None,
            },
        )
        if exam.device_id == device.device_id:
            _settle(connection, ctx, _exam(connection, ctx, exam_id), verdict, record, now)
        return None

    # A receipt promises the record is stored: its commit reaches the disk (durable).
    earlier = await ctx.writes.run(store, durable=True)
    if earlier is not None:
        return earlier
    ctx.live_exams.forget(exam_id)
    ctx.notifier.notify(room_key(exam.session_id))
    return _answer(signed_receipt, outcome, reason)


def _job_or_answer(
    ctx: ServerContext,
    device,
    exam_id: str,
    record: dict[str, Any],
    streamed: StreamedExam | None,
    connection,
    now: float,
) -> tuple[Any, RecordJob, str, str, StreamedExam | None] | dict[str, Any]:
    """(exam, what the verdict needs, the record's fingerprint and stored text, `streamed` if
    it is the whole journal the server holds); or the answer already given to the same upload.

    `streamed` is kept when the record's entries are exactly it and it is every entry the
    server holds; the entries held are then not read again (nor checked again, nor replayed:
    verification.py)."""
    db = ctx.db
    exam = _exam(connection, ctx, exam_id)
    if exam.device_id != device.device_id:
        raise ApiError("forbidden")  # another PC's exam: refused at the door, never stored
    if record.get("entries") is None:
        record, record_text, streamed = _by_head(connection, ctx, exam, device, record, streamed)
    else:
        record_text = _exact_text(record)
        if streamed is not None and not _is_whole_journal(streamed, exam, device, record_text):
            streamed = None
    # what makes two uploads the same, key order aside (whole or by its head alike)
    record_hash = hashlib.sha256(record_text.encode("utf-8")).hexdigest()
    previous = _stored_record(connection, ctx, device.device_id, exam_id)
    if previous is not None:
        return _previous_answer(previous, record_hash)
    job = RecordJob(
        record=record,
        uploader_id=device.device_id,
        uploader_key=b64decode(device.signing_key),
        server_key=raw_public_bytes(ctx.server_public_key),
        view=_server_view(connection, ctx, exam, now, read_streamed=streamed is None),
        bank_id=exam.bank_id,
        abort_reason=exam.abort_reason,
        reports=candidate_reports(connection, db, exam.candidate_id),
    )
    return exam, job, record_hash, record_text, streamed


def _exact_text(record: dict[str, Any]) -> str:
    try:
        return exact_text(record)
    except (TypeError, ValueError) as error:
        raise ApiError("record_malformed", detail=str(error)) from error


def _by_head(
    connection, ctx: ServerContext, exam, device, record: dict[str, Any], streamed
) -> tuple[dict[str, Any], str, StreamedExam | None]:
    """A record sent without its entries: (the record to verify, the whole record's stored
    text, `streamed` if it stands for the entries). Its entries are those the server holds
    for this device, which must end at the head it signs (else 409 `record_entries_missing`:
    the kiosk then sends them). Verified against `streamed` when that is every entry held;
    else the entries are read back for a full verification."""
    envelope = {key: value for key, value in record.items() if key != "entries"}
    body = envelope.get("record")
    head = body.get("head") if isinstance(body, dict) else None
    if not isinstance(head, dict):
        raise ApiError("record_malformed", detail="record.head")
    held = _held_head(exam, device)
    if held is None or held != ChainHead(head.get("seq"), head.get("hash")):
        raise ApiError("record_entries_missing", seq=exam.head_seq)
    envelope_text = _exact_text(envelope)  # {"record":…,"signature":…}
    if streamed is not None and streamed.head == held:
        entries_text = streamed.text
    else:
        texts = ctx.db.run(
            connection,
            hot.stored_entry_texts,
            {"exam_id": exam.exam_id, "device_id": device.device_id},
        ).scalars()
        entries_text = "[" + ",".join(texts) + "]"
        envelope["entries"] = json.loads(entries_text)
        streamed = None
    # The whole record's exact text: its keys sorted, "entries" comes first.
    return envelope, '{"entries":' + entries_text + "," + envelope_text[1:], streamed


def _is_whole_journal(streamed: StreamedExam, exam, device, record_text: str) -> bool:
    """The streamed exam is every entry stored for this exam, from this device, and the
    record's entries are exactly its entries: the record's stored text (keys sorted,
    "entries" first) starts with theirs."""
    return _held_head(exam, device) == streamed.head and record_text.startswith(
        '{"entries":' + streamed.text + ","
    )


def _held_head(exam, device) -> ChainHead | None:
    """The head of the entries stored for `exam` when they are `device`'s (None otherwise)."""
    if exam.device_id != device.device_id:
        return None
    return ChainHead(exam.head_seq, exam.head_hash)


def _settle(
    connection, ctx: ServerContext, exam, verdict: RecordVerdict, record: dict[str, Any], now: float
) -> None:
    """The candidate's outcome: scored, or rejected with the record kept aside; and what its
    arrival says of the exam (exam_evidence.py)."""
    db = ctx.db
    # The entries the record alone brings (those of a verified record are well formed).
    entries = (record.get("entries") or ()) if verdict.reason is None else ()
    brought = [raw for raw in entries if raw["seq"] > exam.head_seq]
    changes = arrival_changes(
        connection, db, exam, brought, now, offline_review_s=ctx.offline_review_s
    )
    if changes:
        db.run(connection, hot.update_exam, {"key": exam.exam_id, **changes})
    if verdict.reason is not None:
        code, _, _, seq = verdict.reason
        log_event(
            connection,
            db,
            at=now,
            kind="record_quarantined",
            detail={"exam_id": exam.exam_id, "code": code, "seq": seq},
            session_id=exam.session_id,
            device_id=exam.device_id,
        )
        status = states.REJECTED
    else:
        store_result(
            connection,
            db,
            exam_id=exam.exam_id,
            candidate_id=exam.candidate_id,
            result=ExamResult.from_dict(verdict.result),
            abort_reason=verdict.abort_reason,
            now=now,
        )
        db.run(
            connection,
            hot.update_exam,
            {
                "key": exam.exam_id,
                "abort_reason": verdict.abort_reason,
                "ended_at": exam.ended_at if exam.ended_at is not None else now,
            },
        )
        status = states.FINISHED
    db.run(connection, hot.update_candidate, {"key": exam.candidate_id, "status": status})


def _server_view(
    connection, ctx: ServerContext, exam, now: float, *, read_streamed: bool
) -> ServerView:
    db = ctx.db
    timeline = load_timeline(connection, db, exam)
    streamed = (
        db.run(
            connection,
            hot.streamed_entries,
            {"exam_id": exam.exam_id, "device_id": exam.device_id},
        ).all()
        if read_streamed
        else ()
    )
    committed = (
        db.run(
            connection, hot.commitments_from, {"exam_id": exam.exam_id, "seq": exam.head_seq + 1}
        )
        if exam.committed_seq > exam.head_seq
        else ()
    )
    return ServerView(
        exam_id=exam.exam_id,
        device_id=exam.device_id,
        seed=exam.seed,
        accessibility_needs=accessibility_needs(connection, db, exam.candidate_id),
        issued_tickets=dict(
            db.run(connection, hot.issued_tickets, {"exam_id": exam.exam_id}).all()
        ),
        streamed={row.seq: (row.entry_hash, row.signature) for row in streamed},
        validated_alert_items=validated_alert_items(connection, db, exam.exam_id),
        budget_s=timeline.budget_s,
        paused_s=timeline.paused_s(now),
        committed=dict(committed),
    )


def _stored_record(connection, ctx: ServerContext, device_id: str, exam_id: str):
    return ctx.db.run(
        connection, hot.stored_record, {"device_id": device_id, "exam_id": exam_id}
    ).first()


def _previous_answer(previous, record_hash: str) -> dict[str, Any]:
    if previous.record_hash != record_hash:
        raise ApiError("record_conflict")
    reason = None
    if previous.reason_code is not None:
        detail = json.loads(previous.reason_detail)
        reason = Quarantined(previous.reason_code, detail["fr"], detail["en"], detail["seq"])
    return _answer(json.loads(previous.receipt), previous.outcome, reason)


def _answer(receipt: dict[str, Any], outcome: str, reason: Quarantined | None) -> dict[str, Any]:
    return {
        "receipt": receipt,
        "outcome": outcome,
        "reason": None
        if reason is None
        else {
            "code": reason.code,
            "message_fr": reason.fr,
            "message_en": reason.en,
            "seq": reason.seq,
        },
    }
