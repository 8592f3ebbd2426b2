"""One record's verdict: verified and scored, or quarantined with the reason.

A pure function of what the server knew when the record arrived (`RecordJob`), computed outside
any transaction: the heavy part of intake (signatures, hashes, the engine's replay and the
scoring) holds no lock.
"""

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.exam import ExamResult
from engine.journal_format import ChainHead
from engine.record import RecordError
from server_stub.banks import BankStore
from server_stub.intake.preverified_key import PreverifiedKey
from server_stub.intake.server_checks import ServerView, verify_exam_record
from server_stub.live_exams import StreamedExam
from server_stub.results import score


@dataclass(frozen=True)
class RecordJob:
    record: dict[str, Any]
    uploader_id: str
    uploader_key: bytes  # raw Ed25519 public key of the uploading device
    server_key: bytes  # raw Ed25519 public key of this server
    view: ServerView
    bank_id: str
    abort_reason: str | None  # the invigilator's, which wins over the kiosk's
    reports: list[tuple[str | None, str | None]]  # IN_CHALLENGE (subcategory, item reference)


@dataclass(frozen=True)
class RecordVerdict:
    head: ChainHead
    reason: RecordError | None  # why the record is quarantined
    result: ExamResult | None  # when verified
    abort_reason: str | None


def check_record(
    job: RecordJob, banks: BankStore, streamed: StreamedExam | None = None
) -> RecordVerdict:
    """`streamed`: the exam as the server saw it stream in, checked and replayed already."""
    uploader_key = Ed25519PublicKey.from_public_bytes(job.uploader_key)
    own_device = job.uploader_id == job.view.device_id
    try:
        verified = verify_exam_record(
            job.record,
            uploader_id=job.uploader_id,
            # Entries checked on arrival were checked with this device's key: trust only those.
            device_public_key=PreverifiedKey(
                uploader_key, job.view.streamed_signatures if own_device else set()
            ),
            # The tickets checked as the journal streamed in pass at once.
            server_public_key=PreverifiedKey(
                Ed25519PublicKey.from_public_bytes(job.server_key),
                streamed.server_signed if streamed is not None and own_device else frozenset(),
            ),
            view=job.view,
            bank=banks.item_bank(job.bank_id),
            item=lambda item_id: banks.item(job.bank_id, item_id),
            streamed=streamed if own_device else None,
        )
    except RecordError as error:
        return RecordVerdict(_claimed_head(job.record), error, None, None)
    abort_reason = job.abort_reason or verified.record.entries[-1].payload["abort_reason"]
    inputs = (abort_reason, tuple(job.reports), job.view.validated_alert_items)
    done = streamed.scored if streamed is not None and verified.exam is streamed.exam else None
    if done is not None and done.inputs == inputs:
        result = done.result  # scored as its last entry arrived, with these same inputs
    else:
        result = score(verified.exam, *inputs)
    return RecordVerdict(verified.record.head, None, result, abort_reason)


def _claimed_head(record: dict[str, Any]) -> ChainHead:
    """The head a rejected record claims, for its receipt (0 when it does not say)."""
    try:
        head = record["record"]["head"]
        if type(head["seq"]) is int and isinstance(head["hash"], str):
            return ChainHead(head["seq"], head["hash"])
    except (KeyError, TypeError):
        pass
    return ChainHead(0, "")
