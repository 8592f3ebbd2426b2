"""The headless candidate: real responses from the 2PL model, and `pix-kiosk robot` against a
`pix-server serve` process, as the demo and the load test run it."""

import json
import os
import random
import re
import subprocess
import sys
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


def test_robots_sit_a_whole_session_against_a_server_process(tmp_path, capsys):
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
        status = dispatch(
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
                "--count",
                "3",
                "--seed",
                "4",
                "--finalize",
                "--json",
            ],
        )
    finally:
        server.terminate()
        server.wait(timeout=20)
    summary = json.loads(capsys.readouterr().out)
    assert status == 0, summary
    assert (summary["completed"], summary["failed"]) == (3, [])
    assert summary["session_state"] == "published"
    assert summary["latency"]["upload_record"]["count"] == 3
    rows = json.loads(
        pix_server("export", "--data", data, "--session", session["session_id"], "--format", "json")
    )
    assert [row["status"] for row in rows] == ["validated"] * 3
    assert all(re.fullmatch(r"P-[A-Z0-9]{8}", row["verification_code"]) for row in rows)
