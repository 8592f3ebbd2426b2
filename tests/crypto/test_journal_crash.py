"""Crash safety: a writer killed with SIGKILL at random moments never loses an entry it reported
as appended, and never leaves a chain that does not verify. (Power cuts are covered by the commit's
fsync, synchronous=FULL, checked in test_journal_file.py.)"""

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.keys import load_signing_key, write_private_key
from kiosk.journal import Journal

KILLS = 30
ROOT = Path(__file__).resolve().parents[2]

# The child appends as fast as it can and reports each sequence number once `append` returned.
WRITER = """
import os, sys
from pathlib import Path
from engine.keys import load_signing_key
from kiosk.journal import Journal

journal = Journal.open(Path(sys.argv[1]), load_signing_key(Path(sys.argv[2])), exam_id="crash")
os.write(1, b"ready\\n")
while True:
    seq = journal.append("answer", {"item_id": "rec", "status": "ok", "pad": "x" * 200})
    os.write(1, b"%d\\n" % seq)
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_acknowledged_entries_survive_sigkill(tmp_path):
    key_path = tmp_path / "device.key"
    write_private_key(key_path, Ed25519PrivateKey.generate())
    key = load_signing_key(key_path)
    journal_path = tmp_path / "exam.journal"
    rng = random.Random(2025)
    acknowledged = 0
    started = time.monotonic()
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(journal_path), str(key_path)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.08))
        child.send_signal(signal.SIGKILL)
        child.wait()
        reported = [int(line) for line in child.stdout.read().split()]
        child.stdout.close()
        acknowledged = max([acknowledged, *reported])
        with Journal.open(journal_path, key, exam_id="crash") as journal:
            head = journal.verify(key.public_key())
            assert head is not None and head.seq >= acknowledged
            assert [entry.seq for entry in journal.entries()] == list(range(1, head.seq + 1))
    assert acknowledged > KILLS  # the kills did land in the middle of appends
    assert time.monotonic() - started < 30
