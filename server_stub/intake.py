"""Receiving what kiosks send during and after the exam: journal entries, then the record.

Both are idempotent on (device, exam, seq) — for the record, (device, exam): a retry gets the
original receipt, the same key with different content is refused (422). Every receipt is the
server's signature over the journal head it now holds (engine/journal_format.py), which is what
lets the kiosk mark its outbox acknowledged.

Entries are checked as they come (signature, chain from the stored head); the record is checked
in full and replayed (verification.py) outside the write lock, then stored: verified and scored,
or quarantined with its reason.
"""

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.canonical import b64decode
from engine.exam import ExamResult
from engine.exam_events import ANSWER, FINISHED
from engine.journal_format import ChainHead, JournalEntry, JournalError, sign_receipt, verify_chain
from engine.keys import ed25519_public_from_b64, raw_public_bytes
from server_stub import candidate_states as states
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.record_checks import RecordJob, RecordVerdict
from server_stub.results import candidate_reports, store_result, validated_alert_items
from server_stub.room import room_key
from server_stub.security import log_event
from server_stub.timeline import load_timeline
from server_stub.verification import Quarantined, ServerView

MAX_BATCH = 500


def _exam(connection, ctx: ServerContext, exam_id: str):
    exams = ctx.db.tables["exams"]
    exam = connection.execute(select(exams).where(exams.c.exam_id == exam_id)).first()
    if exam is None:
        raise ApiError("exam_not_found")
    return exam


def receive_entries(
    ctx: ServerContext, device, exam_id: str, raw_entries: list[dict[str, Any]]
) -> dict[str, Any]:
    """Store the entries that extend the stored chain; answer the signed receipt of the head."""
    db, now = ctx.db, ctx.now()
    if len(raw_entries) > MAX_BATCH:
        raise ApiError("entry_rejected", detail=f"plus de / more than {MAX_BATCH} entries")
    try:
        entries = sorted((JournalEntry.from_dict(raw) for raw in raw_entries), key=_seq)
    except JournalError as error:
        raise ApiError("entry_rejected", detail=error.en) from error
    journal = db.tables["journal_entries"]
    failure: ApiError | None = None
    with db.write(durable=False) as connection:
        exam = _exam(connection, ctx, exam_id)
        if exam.device_id != device.device_id:
            raise ApiError("forbidden")
        head = ChainHead(exam.head_seq, exam.head_hash) if exam.head_seq else None
        fresh = []
        for entry in entries:
            if head is not None and entry.seq <= head.seq:
                stored = connection.scalar(
                    select(journal.c.entry_hash).where(
                        journal.c.device_id == device.device_id,
                        journal.c.exam_id == exam_id,
                        journal.c.seq == entry.seq,
                    )
                )
                if stored != entry.hash:
                    raise ApiError("entry_conflict", seq=entry.seq)
            else:
                fresh.append(entry)
        if fresh:
            expected = (head.seq if head else 0) + 1
            if fresh[0].seq != expected:
                raise ApiError(
                    "entry_gap",
                    details=[{"expected_seq": expected}],
                    seq=fresh[0].seq,
                    head=expected - 1,
                )
            try:
                head = verify_chain(fresh, _public_key(device), exam_id, previous=head)
            except JournalError as error:
                log_event(
                    connection,
                    db,
                    at=now,
                    kind="entry_rejected",
                    detail={"exam_id": exam_id, "code": error.code, "seq": error.seq},
                    session_id=exam.session_id,
                    device_id=device.device_id,
                )
                failure = ApiError("entry_rejected", detail=error.en)
            else:
                _store_entries(connection, ctx, device, exam, fresh, head, now)
    if failure is not None:
        raise failure
    if fresh:
        ctx.notifier.notify(room_key(exam.session_id))
    return _receipt(ctx, device.device_id, exam_id, head)


def _store_entries(connection, ctx: ServerContext, device, exam, fresh, head, now) -> None:
    db = ctx.db
    connection.execute(
        db.tables["journal_entries"].insert(),
        [
            {
                "device_id": device.device_id,
                "exam_id": exam.exam_id,
                "seq": entry.seq,
                "entry": json.dumps(entry.to_dict(), ensure_ascii=False),
                "entry_hash": entry.hash,
                "signature": entry.signature,
                "received_at": now,
            }
            for entry in fresh
        ],
    )
    exams = db.tables["exams"]
    values: dict[str, Any] = {
        "head_seq": head.seq,
        "head_hash": head.hash,
        "answered": exam.answered + sum(entry.kind == ANSWER for entry in fresh),
    }
    if any(entry.kind == FINISHED for entry in fresh) and exam.ended_at is None:
        values["ended_at"] = now
    connection.execute(exams.update().where(exams.c.exam_id == exam.exam_id).values(**values))


def _receipt(ctx: ServerContext, device_id: str, exam_id: str, head: ChainHead | None):
    return sign_receipt(
        device_id=device_id,
        head=head or ChainHead(0, ""),
        exam_id=exam_id,
        server_key=ctx.server_key,
    )


def _public_key(device):
    return ed25519_public_from_b64(device.signing_key)


def _seq(entry: JournalEntry) -> int:
    return entry.seq


def receive_record(
    ctx: ServerContext, device, exam_id: str, record: dict[str, Any]
) -> dict[str, Any]:
    """Verify, replay and score a final record (or quarantine it); idempotent per device+exam."""
    db = ctx.db
    t = db.tables
    try:
        record_hash = fingerprint(record)
    except (TypeError, ValueError) as error:
        raise ApiError("record_malformed", detail=str(error)) from error
    with db.read() as connection:
        exam = _exam(connection, ctx, exam_id)
        previous = _stored_record(connection, ctx, device.device_id, exam_id)
        if previous is not None:
            return _previous_answer(previous, record_hash)
        job = RecordJob(
            record=record,
            uploader_id=device.device_id,
            uploader_key=b64decode(device.signing_key),
            server_key=raw_public_bytes(ctx.server_public_key),
            view=_server_view(connection, ctx, exam),
            bank_id=exam.bank_id,
            config=json.loads(
                connection.scalar(
                    select(t["bank_configs"].c.config).where(
                        t["bank_configs"].c.bank_id == exam.bank_id,
                        t["bank_configs"].c.mode == exam.mode,
                    )
                )
            ),
            abort_reason=exam.abort_reason,
            reports=candidate_reports(connection, db, exam.candidate_id),
        )
    verdict = ctx.verifier.check(job)
    reason = None if verdict.reason is None else Quarantined(*verdict.reason)
    receipt = _receipt(ctx, device.device_id, exam_id, ChainHead(*verdict.head))
    outcome = "verified" if reason is None else "quarantined"
    now = ctx.now()
    try:
        with db.write() as connection:
            connection.execute(
                t["records"]
                .insert()
                .values(
                    device_id=device.device_id,
                    exam_id=exam_id,
                    record_hash=record_hash,
                    record=json.dumps(record),
                    received_at=now,
                    receipt=json.dumps(receipt),
                    outcome=outcome,
                    reason_code=reason.code if reason else None,
                    reason_detail=json.dumps({"fr": reason.fr, "en": reason.en, "seq": reason.seq})
                    if reason
                    else None,
                )
            )
            if exam.device_id == device.device_id:
                _settle(connection, ctx, exam, verdict, now)
    except IntegrityError:  # the same upload, processed concurrently: answer as a retry
        with db.read() as connection:
            previous = _stored_record(connection, ctx, device.device_id, exam_id)
        return _previous_answer(previous, record_hash)
    ctx.notifier.notify(room_key(exam.session_id))
    return _answer(receipt, outcome, reason)


def _settle(connection, ctx: ServerContext, exam, verdict: RecordVerdict, now: float) -> None:
    """The candidate's outcome: scored, or rejected with the record kept aside."""
    db = ctx.db
    candidates, exams = db.tables["candidates"], db.tables["exams"]
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
        connection.execute(
            exams.update()
            .where(exams.c.exam_id == exam.exam_id)
            .values(
                abort_reason=verdict.abort_reason,
                ended_at=exam.ended_at if exam.ended_at is not None else now,
            )
        )
        status = states.FINISHED
    connection.execute(
        candidates.update()
        .where(candidates.c.candidate_id == exam.candidate_id)
        .values(status=status)
    )


def _server_view(connection, ctx: ServerContext, exam) -> ServerView:
    db = ctx.db
    t = db.tables
    timeline = load_timeline(connection, db, exam)
    journal = t["journal_entries"]
    streamed = connection.execute(
        select(journal.c.seq, journal.c.entry_hash, journal.c.signature).where(
            journal.c.exam_id == exam.exam_id, journal.c.device_id == exam.device_id
        )
    ).all()
    accessibility = connection.scalar(
        select(t["candidates"].c.accessibility_needs).where(
            t["candidates"].c.candidate_id == exam.candidate_id
        )
    )
    return ServerView(
        exam_id=exam.exam_id,
        device_id=exam.device_id,
        seed=exam.seed,
        accessibility_needs=bool(accessibility),
        issued_tickets=dict(
            connection.execute(
                select(t["tickets"].c.ticket_id, t["tickets"].c.kind).where(
                    t["tickets"].c.exam_id == exam.exam_id
                )
            ).all()
        ),
        streamed={row.seq: (row.entry_hash, row.signature) for row in streamed},
        validated_alert_items=validated_alert_items(connection, db, exam.exam_id),
        budget_s=timeline.budget_s,
        paused_s=timeline.paused_s(ctx.now()),
    )


def _stored_record(connection, ctx: ServerContext, device_id: str, exam_id: str):
    records = ctx.db.tables["records"]
    return connection.execute(
        select(records).where(records.c.device_id == device_id, records.c.exam_id == exam_id)
    ).first()


def fingerprint(record: dict[str, Any]) -> str:
    """What makes two uploads "the same record" for idempotency: the content, key order aside
    (a deterministic digest, not a signature: the stdlib's C encoder is enough)."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
