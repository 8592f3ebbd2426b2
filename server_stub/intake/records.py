"""Receiving the final record of an exam (the entries streamed before it: streaming.py).

Idempotent on (device, exam): a retry gets the original receipt, the same key with different
content is refused (422). The receipt is the server's signature over the journal head the
record ends with, which lets the kiosk mark its outbox acknowledged. A record may come by its
head, without its entries, when the server holds them all (the kiosk has the receipt of that
head): it is the same record as the whole one, whose text the server puts together from the
entries it holds. The record is checked in full and replayed (server_checks.py), or against the
exam as it streamed in (live_exams.py), outside the write lock, then stored: verified and
scored, or quarantined with its reason (an `engine.record.RecordError`, from the check that
finds it to the kiosk's answer).

The record's arrival is evidence too (exam_evidence.py): a contact with the exam's kiosk, and
the entries it alone brings reach the server now — they complete its copy of the journal (the
console's answered count with them), and after the deadline they hold the result for review.
"""

import hashlib
import json
import secrets
from typing import Any

from fastapi.concurrency import run_in_threadpool

from engine.canonical import b64decode, exact_text
from engine.journal_format import ChainHead, JournalEntry
from engine.keys import raw_public_bytes
from engine.record import RecordError
from server_stub import candidate_states as states
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.exam_evidence import arrival_changes
from server_stub.intake import store
from server_stub.intake.catch_up import CatchUp, stored_since
from server_stub.intake.replay_inputs import accessibility_needs
from server_stub.intake.server_checks import ServerView
from server_stub.intake.streaming import append_entries, receipt
from server_stub.intake.verdict import RecordJob, RecordVerdict, check_record
from server_stub.live_exams import StreamedExam
from server_stub.notifier import room_key
from server_stub.results import candidate_reports, store_result, validated_alert_items
from server_stub.security import log_event
from server_stub.timeline import load_timeline

# A string no record holds (random, drawn at start), where the entries' text goes.
_ENTRIES_STAND_IN = f"entries-{secrets.token_hex(16)}"


async def receive_record(
    ctx: ServerContext, device, exam_id: str, record: dict[str, Any]
) -> dict[str, Any]:
    """Verify, replay and score a final record (or quarantine it); idempotent per device+exam.

    An exam replayed as its journal streamed in (live_exams.py, kept by the event loop), is
    compared with its replay rather than verified in full; the replay first reads the entries
    other server processes stored (catch_up.py). The work itself runs in a worker thread."""
    live = ctx.live_exams
    held_seq = live.held_seq(exam_id, device.device_id)
    streamed = live.finished(exam_id, device.device_id)
    if streamed is None and held_seq is not None:
        missed = await run_in_threadpool(_stored_since, ctx, device, exam_id, held_seq)
        if missed is not None and missed.entries:
            live.extend(exam_id, device.device_id, missed.entries, missed.texts, missed.start)
            streamed = live.finished(exam_id, device.device_id)
    answer = await run_in_threadpool(_receive, ctx, device, exam_id, record, streamed)
    ctx.live_exams.forget(exam_id)
    return answer


def _stored_since(ctx: ServerContext, device, exam_id: str, held_seq: int) -> CatchUp | None:
    """The stored entries the live replay lacks; None when the exam is not this device's (the
    record's own check refuses it) or its record is stored (a retry: answered as before, no
    replay rebuilt for it)."""
    with ctx.db.read() as connection:
        try:
            exam = store.exam_row(connection, exam_id)
        except ApiError:
            return None
        if exam.device_id != device.device_id:
            return None
        if store.stored_record(connection, device.device_id, exam_id) is not None:
            return None
        return stored_since(connection, ctx.banks, exam, held_seq)


def _receive(
    ctx: ServerContext,
    device,
    exam_id: str,
    record: dict[str, Any],
    streamed: StreamedExam | None,
) -> dict[str, Any]:
    with ctx.db.read() as connection:
        known = _job_or_answer(ctx, device, exam_id, record, streamed, connection, ctx.now())
    if isinstance(known, dict):
        return known  # a retry: the original answer
    exam, job, record_hash, record_text, streamed = known
    verdict = check_record(job, ctx.banks, streamed)
    signed_receipt = receipt(ctx, device.device_id, exam_id, verdict.head)
    outcome = "quarantined" if verdict.reason else "verified"
    # A receipt promises the record is stored: its commit reaches the disk (durable).
    with ctx.db.write(durable=True) as connection:
        now = ctx.now()
        # The exam locked first: the same record from two server processes is stored once.
        locked = store.exam_row(connection, exam_id, lock=True)
        previous = store.stored_record(connection, device.device_id, exam_id)
        if previous is not None:  # the same upload, verified concurrently: answer as a retry
            return _previous_answer(previous, record_hash)
        store.insert_record(
            connection,
            {
                "device_id": device.device_id,
                "exam_id": exam_id,
                "record_hash": record_hash,
                "record": record_text,
                "received_at": now,
                "receipt": json.dumps(signed_receipt),
                "outcome": outcome,
                "reason_code": verdict.reason.code if verdict.reason else None,
                "reason_detail": _reason_detail(verdict.reason),
            },
        )
        _settle(connection, ctx, locked, verdict, record, now)
    ctx.notifier.notify(room_key(exam.session_id))
    return _answer(signed_receipt, outcome, verdict.reason)


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
    server_checks.py)."""
    exam = store.exam_row(connection, exam_id)
    if exam.device_id != device.device_id:
        raise ApiError("forbidden")  # another PC's exam: refused at the door, never stored
    held = ChainHead(exam.head_seq, exam.head_hash)
    if record.get("entries") is None:
        record, streamed = _by_head(connection, exam, record, held, streamed)
    elif streamed is not None and not _is_whole_journal(streamed, held, record):
        streamed = None
    # What makes two uploads the same, key order aside; the entries' text is the streamed one.
    record_text = _exact_text(record) if streamed is None else _with_entries_text(record, streamed)
    record_hash = hashlib.sha256(record_text.encode("utf-8")).hexdigest()
    previous = store.stored_record(connection, device.device_id, exam_id)
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
        reports=candidate_reports(connection, ctx.db, exam.candidate_id),
    )
    return exam, job, record_hash, record_text, streamed


def _exact_text(value: Any) -> str:
    try:
        return exact_text(value)
    except (TypeError, ValueError) as error:
        raise ApiError("record_malformed", detail=str(error)) from error


def _with_entries_text(record: dict[str, Any], streamed: StreamedExam) -> str:
    """`_exact_text(record)` for a record whose entries are exactly `streamed`'s: the streamed
    text (already exact_text of those entries) stands in for encoding 35 KB again."""
    stand_in = _ENTRIES_STAND_IN
    text = _exact_text({**record, "entries": stand_in})
    return text.replace(json.dumps(stand_in), streamed.text, 1)


def _by_head(
    connection, exam, record: dict[str, Any], held: ChainHead, streamed: StreamedExam | None
) -> tuple[dict[str, Any], StreamedExam | None]:
    """A record sent without its entries: (the whole record, `streamed` if it stands for its
    entries). Its entries are those the server holds for this device, which must end at the
    head it signs (else 409 `record_entries_missing`: the kiosk then sends them)."""
    whole = {key: value for key, value in record.items() if key != "entries"}
    body = whole.get("record")
    head = body.get("head") if isinstance(body, dict) else None
    if not isinstance(head, dict):
        raise ApiError("record_malformed", detail="record.head")
    if held != ChainHead(head.get("seq"), head.get("hash")):
        raise ApiError("record_entries_missing", seq=exam.head_seq)
    if streamed is not None and streamed.head == held:
        whole["entries"] = json.loads(streamed.text)
    else:
        rows = store.stored_entries(connection, exam.device_id, exam.exam_id)
        whole["entries"] = [json.loads(row.entry) for row in rows]
        streamed = None
    return whole, streamed


def _is_whole_journal(streamed: StreamedExam, held: ChainHead, record: dict[str, Any]) -> bool:
    """The streamed exam is every entry stored for this exam, and the record's entries are
    exactly its entries."""
    return held == streamed.head and _exact_text(record["entries"]) == streamed.text


def _settle(
    connection,
    ctx: ServerContext,
    exam,
    verdict: RecordVerdict,
    record: dict[str, Any],
    now: float,
) -> None:
    """The candidate's outcome: scored, or rejected with the record kept aside; and what its
    arrival says of the exam (exam_evidence.py)."""
    db = ctx.db
    # The entries the record alone brings complete the stored journal (a verified record's
    # entries are well formed and continue the chain the server holds).
    brought = []
    if verdict.reason is None and _continues_held_chain(record, exam):
        brought = [
            JournalEntry.from_dict(raw)
            for raw in record.get("entries") or ()
            if raw["seq"] > exam.head_seq
        ]
    changes = {}  # of the exam row, set at once below
    if brought:
        append_entries(connection, ctx, exam, brought, now)
        exam = store.exam_row(connection, exam.exam_id)
    else:
        changes = arrival_changes(
            connection, db, exam, [], now, offline_review_s=ctx.offline_review_s
        )
    if verdict.reason is not None:
        log_event(
            connection,
            db,
            at=now,
            kind="record_quarantined",
            detail={
                "exam_id": exam.exam_id,
                "code": verdict.reason.code,
                "seq": verdict.reason.seq,
            },
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
            result=verdict.result,
            abort_reason=verdict.abort_reason,
            now=now,
        )
        changes["abort_reason"] = verdict.abort_reason
        changes["ended_at"] = exam.ended_at if exam.ended_at is not None else now
        status = states.FINISHED
    if changes:
        store.update_exam(connection, exam.exam_id, changes)
    store.set_candidate_status(connection, exam.candidate_id, status)


def _continues_held_chain(record: dict[str, Any], exam) -> bool:
    """The record's entries pass through the head stored now (entries streamed while the record
    was verified are the record's own, unless the kiosk signed two journals)."""
    if exam.head_seq == 0:
        return True
    return any(
        raw["seq"] == exam.head_seq and raw["hash"] == exam.head_hash
        for raw in record.get("entries") or ()
    )


def _server_view(connection, ctx: ServerContext, exam, now: float, *, read_streamed: bool):
    timeline = load_timeline(connection, ctx.db, exam)
    streamed = (
        store.stored_entries(connection, exam.device_id, exam.exam_id) if read_streamed else ()
    )
    committed = (
        store.commitments_from(connection, exam.exam_id, exam.head_seq + 1)
        if exam.committed_seq > exam.head_seq
        else {}
    )
    return ServerView(
        exam_id=exam.exam_id,
        device_id=exam.device_id,
        seed=exam.seed,
        accessibility_needs=accessibility_needs(connection, exam.candidate_id),
        issued_tickets=store.issued_tickets(connection, exam.exam_id),
        streamed={row.seq: (row.entry_hash, row.signature) for row in streamed},
        validated_alert_items=validated_alert_items(connection, ctx.db, exam.exam_id),
        budget_s=timeline.budget_s,
        paused_s=timeline.paused_s(now),
        committed=committed,
    )


def _reason_detail(reason: RecordError | None) -> str | None:
    """How a quarantine reason is stored beside its code."""
    if reason is None:
        return None
    return json.dumps({"fr": reason.fr, "en": reason.en, "seq": reason.seq})


def _previous_answer(previous, record_hash: str) -> dict[str, Any]:
    if previous.record_hash != record_hash:
        raise ApiError("record_conflict")
    reason = None
    if previous.reason_code is not None:
        detail = json.loads(previous.reason_detail)
        reason = RecordError(previous.reason_code, detail["fr"], detail["en"], detail["seq"])
    return _answer(json.loads(previous.receipt), previous.outcome, reason)


def _answer(receipt: dict[str, Any], outcome: str, reason: RecordError | None) -> dict[str, Any]:
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
