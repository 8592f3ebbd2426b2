"""The entry format as the server sees it: wire round trip, batches, receipts, bad input."""

import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.journal_format import (
    ChainHead,
    JournalEntry,
    JournalError,
    genesis_hash,
    sign_entry,
    sign_receipt,
    verify_chain,
    verify_receipt,
)
from engine.keys import device_id_for


@pytest.fixture(scope="module")
def key():
    return Ed25519PrivateKey.generate()


def _chain(key, count, exam_id="exam-1"):
    entries, prev = [], genesis_hash(exam_id)
    for seq in range(1, count + 1):
        entry = sign_entry(
            exam_id=exam_id,
            seq=seq,
            prev=prev,
            elapsed_ms=seq * 1000,
            wall_time=datetime(2025, 6, 2, 9, 0, seq, 123456, tzinfo=UTC),
            kind="answer",
            payload={"item_id": f"rec{seq}", "status": "ok", "time_spent_s": 12.25},
            signing_key=key,
        )
        entries.append(entry)
        prev = entry.hash
    return entries


def test_entries_survive_the_wire(key):
    entries = _chain(key, 5)
    arrived = [JournalEntry.from_dict(json.loads(json.dumps(e.to_dict()))) for e in entries]
    assert arrived == entries
    assert verify_chain(arrived, key.public_key(), "exam-1") == entries[-1].head
    assert arrived[0].wall_time == "2025-06-02T09:00:01.123456Z"


def test_the_server_verifies_streamed_batches_from_its_stored_head(key):
    entries = _chain(key, 9)
    head = None
    for batch in (entries[:4], entries[4:5], entries[5:]):
        head = verify_chain(batch, key.public_key(), "exam-1", previous=head)
    assert head == entries[-1].head
    with pytest.raises(JournalError) as caught:  # a batch that skips one
        verify_chain(entries[6:], key.public_key(), "exam-1", previous=entries[4].head)
    assert (caught.value.code, caught.value.seq) == ("out_of_sequence", 6)


def test_an_empty_batch_leaves_the_head(key):
    head = ChainHead(3, "ab" * 32)
    assert verify_chain([], key.public_key(), "exam-1", previous=head) == head
    assert verify_chain([], key.public_key(), "exam-1") is None


def test_the_genesis_binds_the_exam(key):
    entries = _chain(key, 2, exam_id="exam-1")
    with pytest.raises(JournalError) as caught:
        verify_chain(entries, key.public_key(), "exam-2")
    assert (caught.value.code, caught.value.seq) == ("exam_mismatch", 1)


@pytest.mark.parametrize(
    "change",
    [
        {"v": 2},
        {"seq": "1"},
        {"seq": True},
        {"elapsed_ms": -1},
        {"payload": []},
        {"wall_time": "09:00"},
        {"extra": 1},
    ],
)
def test_malformed_wire_entries(key, change):
    data = _chain(key, 1)[0].to_dict() | change
    with pytest.raises(JournalError) as caught:
        JournalEntry.from_dict(data)
    assert caught.value.code == "malformed"


def test_receipts(key):
    server = Ed25519PrivateKey.generate()
    head = _chain(key, 3)[-1].head
    device_id = device_id_for(key.public_key())
    receipt = sign_receipt(device_id=device_id, exam_id="exam-1", head=head, server_key=server)
    receipt = json.loads(json.dumps(receipt))
    got = verify_receipt(receipt, server.public_key(), device_id=device_id, exam_id="exam-1")
    assert got == head
    for public, device, exam in (
        (key.public_key(), device_id, "exam-1"),  # not the server's key
        (server.public_key(), "other-device", "exam-1"),
        (server.public_key(), device_id, "exam-2"),
    ):
        with pytest.raises(JournalError) as caught:
            verify_receipt(receipt, public, device_id=device, exam_id=exam)
        assert caught.value.code == "bad_receipt"
