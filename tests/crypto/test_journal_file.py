"""The kiosk's SQLite journal: durable appends, the outbox, and tampering seen by `verify`."""

import hashlib
import json
import os
import sqlite3
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.canonical import canonical_json
from engine.journal_format import ChainHead, genesis_hash, sign_entry
from kiosk.journal import Journal, JournalError, read_journal


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def path(tmp_path):
    return tmp_path / "exam.journal"


def _fill(path, key, count=6, exam_id="exam-1") -> ChainHead:
    with Journal.open(path, key, exam_id=exam_id) as journal:
        for number in range(count):
            journal.append("answer", {"item_id": f"rec{number}", "status": "ok", "n": number})
        return journal.head()


def _raw(path):
    """A plain sqlite3 connection, as an attacker with the file would use; triggers dropped."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("DROP TRIGGER entries_no_update")
    connection.execute("DROP TRIGGER entries_no_delete")
    return connection


def _verify_code(path, key) -> tuple[str, int | None]:
    with Journal.open(path, key) as journal, pytest.raises(JournalError) as caught:
        journal.verify(key.public_key())
    assert caught.value.fr and caught.value.en
    return caught.value.code, caught.value.seq


def test_append_returns_sequence_numbers_and_entries_come_back_in_order(path, key):
    with Journal.open(path, key, exam_id="exam-1") as journal:
        assert journal.head() is None
        assert [journal.append("paused", {}), journal.append("resumed", {"by": "x"})] == [1, 2]
        entries = journal.entries()
        assert [(e.seq, e.kind, e.payload) for e in entries] == [
            (1, "paused", {}),
            (2, "resumed", {"by": "x"}),
        ]
        assert entries[0].prev == genesis_hash("exam-1")
        assert entries[1].prev == entries[0].hash
        assert entries[0].elapsed_ms <= entries[1].elapsed_ms
        assert journal.verify(key.public_key()) == entries[1].head


def test_the_public_api_works_without_an_exam_id(path, key):
    journal = Journal.open(path, key)
    assert journal.append("any_kind", {"x": [1, 2.5, None, "é"]}) == 1
    journal.verify(key.public_key())
    exam_id = journal.exam_id
    journal.close()
    assert Journal.open(path, key).exam_id == exam_id


def test_reopening_continues_the_chain_and_elapsed_time(path, key):
    head = _fill(path, key, count=3)
    with Journal.open(path, key, exam_id="exam-1") as journal:
        last_elapsed = journal.entries()[-1].elapsed_ms
        assert journal.append("resume_authorised", {"ticket": {}}) == 4
        entries = journal.entries()
        assert entries[3].prev == head.hash
        assert entries[3].elapsed_ms >= last_elapsed
        journal.verify(key.public_key())


def test_reopening_with_another_exam_id_is_refused(path, key):
    _fill(path, key, count=1)
    with pytest.raises(JournalError) as caught:
        Journal.open(path, key, exam_id="exam-2")
    assert caught.value.code == "exam_mismatch"


def test_durability_settings_and_owner_only_file(path, key):
    with Journal.open(path, key) as journal:
        journal.append("paused", {})
        assert journal._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_outbox(path, key):
    with Journal.open(path, key) as journal:
        for _ in range(5):
            journal.append("paused", {})
        assert journal.acknowledged_seq == 0
        assert [e.seq for e in journal.unacknowledged()] == [1, 2, 3, 4, 5]
        journal.acknowledge(3)
        assert [e.seq for e in journal.unacknowledged()] == [4, 5]
        journal.acknowledge(2)  # a late, older receipt does not move it back
        assert journal.acknowledged_seq == 3
        with pytest.raises(ValueError):
            journal.acknowledge(6)
    with Journal.open(path, key) as journal:
        assert journal.acknowledged_seq == 3


def test_a_payload_that_is_not_json_is_refused_and_nothing_is_written(path, key):
    with Journal.open(path, key) as journal:
        with pytest.raises(ValueError):
            journal.append("answer", {"response": b"bytes"})
        with pytest.raises(ValueError):
            journal.append("answer", {"seed": 2**60})
        assert journal.append("paused", {}) == 1


def test_the_table_refuses_updates_and_deletes(path, key):
    _fill(path, key, count=2)
    connection = sqlite3.connect(path)
    for statement in ("UPDATE entries SET entry = 'x'", "DELETE FROM entries"):
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute(statement)
    connection.close()


def test_an_edited_payload_is_detected(path, key):
    _fill(path, key)
    connection = _raw(path)
    (text,) = connection.execute("SELECT entry FROM entries WHERE seq = 3").fetchone()
    data = json.loads(text)
    data["payload"]["status"] = "ko"
    connection.execute("UPDATE entries SET entry = ? WHERE seq = 3", (json.dumps(data),))
    connection.close()
    assert _verify_code(path, key) == ("altered", 3)


def test_an_edited_entry_with_its_hash_recomputed_is_detected(path, key):
    _fill(path, key)
    connection = _raw(path)
    (text,) = connection.execute("SELECT entry FROM entries WHERE seq = 4").fetchone()
    data = json.loads(text)
    data["payload"]["status"] = "ko"
    body = {k: v for k, v in data.items() if k not in ("hash", "signature")}
    data["hash"] = hashlib.sha256(canonical_json(body)).hexdigest()
    connection.execute("UPDATE entries SET entry = ? WHERE seq = 4", (json.dumps(data),))
    connection.close()
    assert _verify_code(path, key) == ("bad_signature", 4)


def test_a_deleted_entry_is_detected(path, key):
    _fill(path, key)
    connection = _raw(path)
    connection.execute("DELETE FROM entries WHERE seq = 2")
    connection.close()
    assert _verify_code(path, key) == ("out_of_sequence", 2)


def test_a_deleted_first_entry_is_detected(path, key):
    _fill(path, key)
    connection = _raw(path)
    connection.execute("DELETE FROM entries WHERE seq = 1")
    connection.close()
    assert _verify_code(path, key) == ("out_of_sequence", 1)


def test_reordered_entries_are_detected(path, key):
    _fill(path, key)
    connection = _raw(path)
    connection.execute("UPDATE entries SET seq = -1 WHERE seq = 3")
    connection.execute("UPDATE entries SET seq = 3 WHERE seq = 4")
    connection.execute("UPDATE entries SET seq = 4 WHERE seq = -1")
    connection.close()
    assert _verify_code(path, key) == ("out_of_sequence", 3)


def test_swapped_entry_texts_are_detected(path, key):
    _fill(path, key)
    connection = _raw(path)
    rows = dict(connection.execute("SELECT seq, entry FROM entries WHERE seq IN (2, 5)"))
    connection.execute("UPDATE entries SET entry = ? WHERE seq = 2", (rows[5],))
    connection.execute("UPDATE entries SET entry = ? WHERE seq = 5", (rows[2],))
    connection.close()
    assert _verify_code(path, key) == ("out_of_sequence", 2)


def test_an_inserted_forged_entry_is_detected(path, key):
    """Forged with another key at the end, and slipped into the middle by renumbering."""
    head = _fill(path, key)
    forger = Ed25519PrivateKey.generate()
    with Journal.open(path, key) as journal:
        entries = journal.entries()
    forged = sign_entry(
        exam_id="exam-1",
        seq=head.seq + 1,
        prev=head.hash,
        elapsed_ms=entries[-1].elapsed_ms,
        wall_time=entries[-1].wall_datetime,
        kind="answer",
        payload={"item_id": "rec9", "status": "ok"},
        signing_key=forger,
    )
    connection = _raw(path)
    connection.execute(
        "INSERT INTO entries VALUES (?, ?)",
        (forged.seq, canonical_json(forged.to_dict()).decode()),
    )
    connection.close()
    assert _verify_code(path, key) == ("bad_signature", head.seq + 1)


def test_an_entry_replayed_from_earlier_in_the_chain_is_detected(path, key):
    """A genuine entry copied in again (a duplicate answer) breaks the sequence."""
    _fill(path, key)
    connection = _raw(path)
    (text,) = connection.execute("SELECT entry FROM entries WHERE seq = 2").fetchone()
    connection.execute("INSERT INTO entries VALUES (7, ?)", (text,))
    connection.close()
    assert _verify_code(path, key) == ("out_of_sequence", 7)


def test_removing_the_last_entries_is_caught_with_the_acknowledged_head(path, key):
    head = _fill(path, key)
    connection = _raw(path)
    connection.execute("DELETE FROM entries WHERE seq >= 5")
    connection.close()
    with Journal.open(path, key) as journal:
        journal.verify(key.public_key())  # the file alone cannot tell
        with pytest.raises(JournalError) as caught:
            journal.verify(key.public_key(), expected_head=head)
    assert (caught.value.code, caught.value.seq) == ("missing_entries", 5)


def test_a_different_acknowledged_head_is_caught(path, key):
    head = _fill(path, key)
    with Journal.open(path, key) as journal, pytest.raises(JournalError) as caught:
        journal.verify(key.public_key(), expected_head=ChainHead(head.seq, "00" * 32))
    assert caught.value.code == "head_mismatch"


def test_another_devices_key_does_not_verify(path, key):
    _fill(path, key)
    with Journal.open(path, key) as journal, pytest.raises(JournalError) as caught:
        journal.verify(Ed25519PrivateKey.generate().public_key())
    assert (caught.value.code, caught.value.seq) == ("bad_signature", 1)


def test_a_journal_moved_to_another_exam_is_detected(path, key):
    _fill(path, key)
    connection = _raw(path)
    connection.execute("UPDATE meta SET value = 'exam-2' WHERE key = 'exam_id'")
    connection.close()
    assert _verify_code(path, key) == ("exam_mismatch", 1)


@pytest.mark.parametrize("seq", [2, 6])
def test_unreadable_entry_text_is_reported_by_verify(path, key, seq):
    _fill(path, key)
    connection = _raw(path)
    connection.execute("UPDATE entries SET entry = 'not json' WHERE seq = ?", (seq,))
    connection.close()
    assert _verify_code(path, key) == ("malformed", seq)


def test_a_file_that_is_not_a_journal(tmp_path, key):
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not SQLite at all" * 10)
    with pytest.raises(JournalError) as caught:
        Journal.open(path, key)
    assert caught.value.code == "storage"
    assert path.read_text().startswith("hello")  # never overwritten


def test_elapsed_ms_is_on_the_entries_scale_and_continues_after_a_reopen(path, key):
    with Journal.open(path, key, exam_id="exam-1") as journal:
        before = journal.elapsed_ms()
        journal.append("paused", {})
        entry = journal.entries()[-1]
        assert before <= entry.elapsed_ms <= journal.elapsed_ms()
    with Journal.open(path, key, exam_id="exam-1") as journal:
        resumed = journal.elapsed_ms()
        assert resumed >= entry.elapsed_ms
        journal.append("resumed", {})
        assert resumed <= journal.entries()[-1].elapsed_ms <= journal.elapsed_ms()


def test_read_journal_reads_beside_the_writer(path, key):
    with Journal.open(path, key, exam_id="exam-1") as journal:
        journal.append("paused", {})
        journal.acknowledge(1)
        journal.append("resumed", {})
        snapshot = read_journal(path)  # while the kiosk holds it open
    assert snapshot.exam_id == "exam-1" and snapshot.acknowledged_seq == 1
    assert [entry.kind for entry in snapshot.entries] == ["paused", "resumed"]
    assert read_journal(path) == snapshot  # and once it is closed


def test_read_journal_leaves_a_journal_being_created_to_its_kiosk(path, key):
    """The kiosk creates the file, then binds it to its exam: a reader in between must not."""
    path.touch()
    assert read_journal(path).entries == []
    with Journal.open(path, key, exam_id="exam-1") as journal:
        assert journal.exam_id == "exam-1"
        journal.append("paused", {})
    assert read_journal(path).exam_id == "exam-1"


def test_read_journal_of_a_file_that_is_not_a_journal(tmp_path):
    broken = tmp_path / "broken.journal"
    broken.write_bytes(b"this is not a journal")
    with pytest.raises(JournalError) as caught:
        read_journal(broken)
    assert caught.value.code == "storage"
    assert broken.read_bytes() == b"this is not a journal"
