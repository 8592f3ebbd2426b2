"""`pix-kiosk practice-robot` against a real server on loopback: the campaign's students sign in
as students do (login, first-login code, a password of their own), train with simulated
abilities and send their profiles; the export shows them sent. The sheet is the one the server
draws for a rehearsal campaign, or the teacher's (`--sheet`)."""

import json

from kiosk.commands import main as pix_kiosk
from tests.practice.conftest import create_campaign, export_json
from tests.server.school_helpers import run_json


def test_robots_train_and_send_their_profiles(school, live_server, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection", "--multiple-sendings",
                           "--rehearsal")  # fmt: skip
    assert pix_kiosk(["practice-robot", "--server", live_server.url, "--code", code,
                      "--students", "3", "--seed", "7", "--json"]) == 0  # fmt: skip
    summary = json.loads(capsys.readouterr().out)
    assert summary["completed"] == 3 and summary["failed"] == [] and summary["sent"] == 3
    assert all(s["answered"] >= 1 for s in summary["students"])
    assert {"sign_in", "join", "item", "answer", "send"} <= set(summary["latency"])
    rows = export_json(capsys, school, code)
    assert sum(r["sent"] for r in rows) == 3
    by_login_score = sorted(s["pix_score"] for s in summary["students"])
    assert sorted(r["pix_score"] for r in rows if r["sent"]) == by_login_score


def test_the_robot_says_why_it_cannot_start(school, live_server, capsys):
    assert pix_kiosk(["practice-robot", "--server", live_server.url, "--code", "NOPE",
                      "--students", "1"]) == 1  # fmt: skip
    error = capsys.readouterr().err
    assert "Campagne inconnue" in error and "Unknown campaign" in error


def test_robots_on_a_campaign_that_is_not_a_rehearsal(school, live_server, capsys):
    """The contract's options alone: the server lends students who never chose a password."""
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    assert pix_kiosk(["practice-robot", "--server", live_server.url, "--code", code,
                      "--students", "2", "--seed", "3", "--json"]) == 0  # fmt: skip
    summary = json.loads(capsys.readouterr().out)
    assert summary["completed"] == 2 and summary["failed"] == [] and summary["sent"] == 2


def test_robots_sign_in_with_the_teachers_sheet(school, live_server, capsys, tmp_path):
    code = create_campaign(capsys, school, "--type", "profiles-collection")
    robots = ["practice-robot", "--server", live_server.url, "--code", code, "--students", "1"]
    sheet = run_json(capsys, "campaign", "sheet", "--data", str(school), "--code", code, "--json")
    path = tmp_path / "sheet.json"
    path.write_text(json.dumps(sheet), encoding="utf-8")
    assert pix_kiosk([*robots[:-1], "2", "--sheet", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["completed"] == 2 and summary["failed"] == []
    # Their codes are spent: the same sheet cannot sign them in again.
    assert pix_kiosk([*robots[:-1], "2", "--sheet", str(path), "--json"]) == 1
