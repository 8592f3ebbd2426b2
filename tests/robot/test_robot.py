"""The headless candidate: real responses from the 2PL model, and `pix-kiosk robot` against a
`pix-server serve` process, as the demo and the load test run it."""

import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.answers import answer_status
from engine.bank_source import load_demo_bank
from engine.cli import dispatch
from kiosk.robot import CandidateIdentity, latency_figures, read_candidates_csv, simulated_response

SERVER = [sys.executable, "-c", "from server_stub.commands import main; main()"]
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


@pytest.mark.parametrize("correct", [True, False])
def test_simulated_responses_are_real_answers_of_the_intended_worth(correct):
    rng = random.Random(5)
    for item in load_demo_bank():
        response = simulated_response(item, correct, rng)
        assert answer_status(item, response) == ("ok" if correct else "ko"), item.id


def test_candidates_csv_in_either_language():
    english = "last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment\n"
    english += "Dupont,Marie,2008-01-10,X,0,false\n"
    french = "\ufeffnom;prenoms;date_naissance;ine;tiers_temps_pourcent;amenagement_accessibilite\n"
    french += "Lefèvre;Jeanne;03/04/2010;;33;true\n\n"
    assert read_candidates_csv(english) == [CandidateIdentity("Dupont", "Marie", "2008-01-10")]
    assert read_candidates_csv(french) == [CandidateIdentity("Lefèvre", "Jeanne", "2010-04-03")]


def test_latency_figures():
    figures = latency_figures([i / 1000 for i in range(1, 101)])
    assert (figures["count"], figures["p50_ms"], figures["p99_ms"], figures["max_ms"]) == (
        100,
        50.0,
        99.0,
        100.0,
    )


def pix_server(*args: str) -> str:
    done = subprocess.run([*SERVER, *args], capture_output=True, text=True, env=ENV, check=True)
    return done.stdout


@pytest.fixture
def served(tmp_path):
    """A server process with a pix session of three candidates: (url, session, csv, token,
    data directory)."""
    data = str(tmp_path / "data")
    pix_server("init", "--data", data, "--no-calibrate")
    session = json.loads(
        pix_server(
            "session",
            "create",
            "--data",
            data,
            "--centre",
            "Lycée",
            "--room",
            "A1",
            "--date",
            "2025-06-12",
            "--time",
            "08:30",
            "--mode",
            "pix",
            "--json",
        )
    )
    candidates = tmp_path / "candidates.csv"
    candidates.write_text(
        "last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment\n"
        "Dupont,Marie,2008-01-10,A1,0,false\n"
        "Martin,Lucas,2008-02-11,A2,33,false\n"
        "Diallo,Awa,2008-03-12,A3,0,true\n",
        encoding="utf-8",
    )
    pix_server(
        "candidates", "import", "--data", data, "--session", session["session_id"], str(candidates)
    )
    token = pix_server("device", "token", "--data", data, "--devices", "3").strip()
    server = subprocess.Popen(
        [*SERVER, "serve", "--data", data, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        url = re.search(r"(http://\S+)", server.stdout.readline()).group(1)
        yield url, session, candidates, token, data
    finally:
        server.terminate()
        server.wait(timeout=20)


def robots(served, *options: str) -> int:
    url, session, candidates, token, _data = served
    return dispatch(
        "pix-kiosk",
        "robot test",
        "kiosk.commands",
        ("robot",),
        [
            "robot",
            "--server",
            url,
            "--session",
            session["session_id"],
            "--access-code",
            session["access_code"],
            "--invigilator-code",
            session["invigilator_code"],
            "--candidates-csv",
            str(candidates),
            "--enroll-token",
            token,
            *options,
        ],
    )


def exported(served) -> list[dict]:
    _url, session, _candidates, _token, data = served
    return json.loads(
        pix_server("export", "--data", data, "--session", session["session_id"], "--format", "json")
    )


def test_robots_sit_a_whole_session_against_a_server_process(served, capsys):
    status = robots(served, "--count", "3", "--seed", "4", "--finalize", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert status == 0, summary
    assert (summary["completed"], summary["failed"]) == (3, [])
    assert summary["session_state"] == "finalised"  # the lead publishes, not the invigilator
    assert summary["latency"]["upload_record"]["count"] == 3
    _url, session, _candidates, _token, data = served
    pix_server("session", "publish", "--data", data, "--session", session["session_id"])
    rows = exported(served)
    assert [row["status"] for row in rows] == ["validated"] * 3
    assert all(re.fullmatch(r"P-[A-Z0-9]{8}", row["verification_code"]) for row in rows)


def test_robots_lose_the_network_keep_answering_offline_then_sync(served, capsys):
    """`--offline-after N --offline-for S`: each robot's core loses the network after its N-th
    answer for S seconds; the robot keeps answering (journaled, unacknowledged), then the
    outbox syncs and the record verifies: nothing lost."""
    started = time.monotonic()
    status = robots(
        served, "--count", "2", "--seed", "7", "--offline-after", "4", "--offline-for", "3",
        "--json",
    )  # fmt: skip
    elapsed = time.monotonic() - started
    summary = json.loads(capsys.readouterr().out)
    assert status == 0, summary
    assert (summary["completed"], summary["failed"], summary["answers"]) == (2, [], 64)
    assert elapsed >= 3  # the records waited for the network to come back
    rows = {row["last_name"]: row for row in exported(served)}
    assert [rows[name]["status"] for name in ("Dupont", "Martin")] == ["validated"] * 2


def test_offline_options_go_together(capsys):
    status = robots(("http://127.0.0.1:9", {"session_id": "1", "access_code": "x",
                     "invigilator_code": "y"}, Path("missing.csv"), "t", ""),
                    "--offline-after", "3")  # fmt: skip
    assert status == 1
    assert "--offline-for S (S > 0) go together" in capsys.readouterr().err
