"""The kiosk against a real server on loopback, driven by `pix-kiosk rehearse` in its own process:
a whole exam, a kill -9 at a random answer then a resume, and a server down mid-exam."""

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.exam_events import ANSWER, ITEM_SHOWN, RESUME_AUTHORISED
from kiosk.commands.demo import EmbeddedServer
from kiosk.identity import DeviceIdentity
from kiosk.journal import Journal

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def running_server(tmp_path_factory):
    """One server for the module (starting one takes seconds); each test has its own session."""
    with EmbeddedServer(tmp_path_factory.mktemp("server")) as server:
        server.start()
        yield server


@pytest.fixture
def server(running_server):
    running_server.session = running_server.create_session()
    return running_server


def rehearse(server: EmbeddedServer, state: Path, *extra: str) -> subprocess.Popen:
    session = server.session
    environment = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [
            sys.executable, "-m", "kiosk", "rehearse",
            "--server", server.url,
            "--session", str(session["session_number"]),
            "--access-code", session["access_code"],
            f"--invigilator-code={session['invigilator_code']}",
            "--candidates-csv", session["candidates_csv"],
            f"--enroll-token={server.enrolment_token()}",  # tokens may start with "-"
            "--state", str(state),
            "--json",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )  # fmt: skip


def read_until(process: subprocess.Popen, wanted: str) -> list[str]:
    lines = []
    for line in process.stdout:
        lines.append(line.strip())
        if line.strip() == wanted:
            return lines
    raise AssertionError(f"{wanted!r} never came: {lines} {process.stderr.read()}")


def finish(process: subprocess.Popen) -> tuple[list[str], dict]:
    out, err = process.communicate(timeout=300)
    lines = out.strip().splitlines()
    assert process.returncode == 0, err
    return lines, json.loads(lines[-1])


def journal_entries(state: Path):
    identity = DeviceIdentity.load(state)
    (path,) = (state / "exams").glob("*.journal")
    with Journal.open(path, identity.signing_key) as journal:
        return journal.entries()


def exported(server: EmbeddedServer) -> dict:
    rows = json.loads(server.command("export", "--session", server.session["session_id"]))
    return rows[0]


def test_a_whole_exam_meets_every_item_type_and_the_server_scores_it(server, tmp_path):
    shots = tmp_path / "shots"
    lines, summary = finish(rehearse(server, tmp_path / "pc", "--screenshots", str(shots)))
    assert lines[:2] == ["answered 1/32", "answered 2/32"] and "answered 32/32" in lines
    assert summary["completed"] and summary["questions"] == 32 and summary["record_sent"]
    assert set(summary["item_types"]) == {"QCU", "QCM", "QROC", "QROCM-ind", "QROCM-dep"}
    assert {"check_in", "waiting", "instructions", "finished"} <= set(summary["screens"])
    assert len(list(shots.glob("*.png"))) == len(summary["screens"])
    result = exported(server)
    assert result["status"] == "validated" and result["score"] == summary["score"]


def test_killed_at_a_random_answer_it_resumes_the_same_exam(server, tmp_path):
    state = tmp_path / "pc"
    kill_after = random.Random().randint(3, 28)
    first = rehearse(server, state, "--pace", "0.05")
    read_until(first, f"answered {kill_after}/32")
    first.send_signal(signal.SIGKILL)
    first.wait()
    before = journal_entries(state)
    answers_before = [e.payload["item_id"] for e in before if e.kind == ANSWER]
    assert len(answers_before) >= kill_after

    lines, summary = finish(rehearse(server, state))
    assert summary["completed"] and summary["record_sent"]
    after = journal_entries(state)
    assert [e.hash for e in after[: len(before)]] == [e.hash for e in before]
    answers = [e.payload["item_id"] for e in after if e.kind == ANSWER]
    assert answers[: len(answers_before)] == answers_before
    assert len(answers) == 32 and len(set(answers)) == 32
    assert lines[0] == f"answered {len(answers_before) + 1}/32"
    resumed = next(e for e in after if e.kind == RESUME_AUTHORISED)
    shown_last = [e for e in before if e.kind == ITEM_SHOWN][-1]
    if len(answers_before) < shown_last.payload["position"]:
        # The question on screen at the kill is the first one after the resume, shown once.
        assert answers[len(answers_before)] == shown_last.payload["item_id"]
    assert resumed.payload.get("remaining_s", 6300) <= 6300
    assert exported(server)["status"] == "validated"


def test_a_server_down_mid_exam_loses_nothing(server, tmp_path):
    port = int(server.url.rsplit(":", 1)[1])
    process = rehearse(server, tmp_path / "pc", "--pace", "0.1")
    read_until(process, "answered 4/32")
    server.stop()
    read_until(process, "answered 20/32")
    server.start(port=port)
    _, summary = finish(process)
    assert summary["completed"] and summary["record_sent"], summary
    assert exported(server)["status"] == "validated"
