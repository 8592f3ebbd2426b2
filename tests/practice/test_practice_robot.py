"""`pix-kiosk practice-robot` against a real server on loopback: the campaign's students train
with simulated abilities and send their profiles; the export shows them sent."""

import json

from kiosk.commands import main as pix_kiosk
from tests.practice.conftest import create_campaign, export_json


def test_robots_train_and_send_their_profiles(school, live_server, capsys):
    code = create_campaign(capsys, school, "--type", "profiles-collection", "--multiple-sendings")
    assert pix_kiosk(["practice-robot", "--server", live_server.url, "--code", code,
                      "--students", "3", "--seed", "7", "--json"]) == 0  # fmt: skip
    summary = json.loads(capsys.readouterr().out)
    assert summary["completed"] == 3 and summary["failed"] == [] and summary["sent"] == 3
    assert all(s["answered"] >= 1 for s in summary["students"])
    assert {"join", "item", "answer", "send"} <= set(summary["latency"])
    rows = export_json(capsys, school, code)
    assert sum(r["sent"] for r in rows) == 3
    by_login_score = sorted(s["pix_score"] for s in summary["students"])
    assert sorted(r["pix_score"] for r in rows if r["sent"]) == by_login_score


def test_the_robot_says_why_it_cannot_start(school, live_server, capsys):
    assert pix_kiosk(["practice-robot", "--server", live_server.url, "--code", "NOPE",
                      "--students", "1"]) == 1  # fmt: skip
    error = capsys.readouterr().err
    assert "Campagne inconnue" in error and "Unknown campaign" in error
