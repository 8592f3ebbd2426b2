"""The verification workers are real processes: one killed by the system (out of memory, an
operator's mistake) must not leave the server unable to verify records."""

import asyncio
import os
import signal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.keys import raw_public_bytes
from server_stub.banks import published_bank_ids
from server_stub.context import ServerContext
from server_stub.datadir import DataDir
from server_stub.intake.server_checks import ServerView
from server_stub.intake.verdict import RecordJob


def a_job(bank_id: str) -> RecordJob:
    """A job whose record is malformed: a quick verdict (quarantined), computed by a worker."""
    key = raw_public_bytes(Ed25519PrivateKey.generate().public_key())
    view = ServerView(
        exam_id="exam-1",
        device_id="device-1",
        seed=1,
        accessibility_needs=False,
        issued_tickets={},
        streamed={},
        validated_alert_items=frozenset(),
        budget_s=6300,
        paused_s=0.0,
    )
    return RecordJob({"record": {}}, "device-1", key, key, view, bank_id, None, [])


def test_a_killed_worker_is_replaced_and_the_record_still_gets_its_verdict(data_dir):
    ctx = ServerContext.open(DataDir(data_dir), verify_workers=1)
    try:
        job = a_job(published_bank_ids(ctx.db)[0])
        first = asyncio.run(ctx.verifier.verdict(job))
        assert first.reason is not None and first.result is None
        (worker,) = ctx.verifier._pool._processes  # the pid of the one worker
        os.kill(worker, signal.SIGKILL)
        again = asyncio.run(ctx.verifier.verdict(job))
        assert again == first
        assert worker not in ctx.verifier._pool._processes
    finally:
        ctx.close()


def test_an_error_in_a_worker_is_that_records_error_alone(data_dir):
    ctx = ServerContext.open(DataDir(data_dir), verify_workers=1)
    try:
        bank_id = published_bank_ids(ctx.db)[0]
        broken = RecordJob(**{**a_job(bank_id).__dict__, "bank_id": "no-such-bank"})
        with pytest.raises(RuntimeError, match="record check failed: "):
            asyncio.run(ctx.verifier.verdict(broken))
        pool = ctx.verifier._pool
        assert asyncio.run(ctx.verifier.verdict(a_job(bank_id))).reason is not None
        assert ctx.verifier._pool is pool  # the pool survived the error
    finally:
        ctx.close()
