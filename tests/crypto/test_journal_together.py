"""Entries made durable together (`Journal.together`): the core journals an answer and the next
question's `item_shown` in one commit — one fsync instead of two on the answer's path — and
they must stand or fall together: nothing of the block is on disk before it ends, an error
inside stores none of them, and a process killed inside leaves the journal as before it."""

import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.keys import write_private_key
from kiosk.journal import Journal, read_journal


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_entries_of_a_block_are_on_disk_together_or_not_at_all(tmp_path, key):
    path = tmp_path / "exam.journal"
    with Journal.open(path, key, exam_id="exam-1") as journal:
        journal.append("exam_started", {"n": 0})
        with journal.together():
            first = journal.append("answer", {"item_id": "a"})
            assert [e.seq for e in read_journal(path).entries] == [1]  # not yet on disk
            second = journal.append("item_shown", {"item_id": "b", "position": 2})
        assert (first, second) == (2, 3)
        assert [e.kind for e in read_journal(path).entries][-2:] == ["answer", "item_shown"]
        with pytest.raises(RuntimeError), journal.together():
            journal.append("answer", {"item_id": "b"})
            raise RuntimeError("the engine failed")
        assert journal.append("answer", {"item_id": "b"}) == 4  # the chain goes on from 3
        journal.verify(key.public_key())
    assert [e.seq for e in read_journal(path).entries] == [1, 2, 3, 4]


KILLED_INSIDE = """
import os, sys
from pathlib import Path
from engine.keys import load_signing_key
from kiosk.journal import Journal
journal = Journal.open(Path(sys.argv[1]), load_signing_key(Path(sys.argv[2])), exam_id="exam-1")
journal.append("exam_started", {})
with journal.together():
    journal.append("answer", {"item_id": "a"})
    journal.append("item_shown", {"item_id": "b", "position": 2})
    os._exit(9)
"""


def test_a_core_killed_inside_the_block_leaves_neither_entry(tmp_path, key):
    path, key_path = tmp_path / "exam.journal", tmp_path / "signing.key"
    write_private_key(key_path, key)
    died = subprocess.run([sys.executable, "-c", KILLED_INSIDE, str(path), str(key_path)])
    assert died.returncode == 9
    assert [e.kind for e in read_journal(path).entries] == ["exam_started"]
    with Journal.open(path, key, exam_id="exam-1") as journal:
        assert journal.append("answer", {"item_id": "a"}) == 2
        journal.verify(key.public_key())
