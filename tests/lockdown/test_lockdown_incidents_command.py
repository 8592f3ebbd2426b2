"""`pix-kiosk incidents` on real exam journals in a state directory."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.cli import dispatch
from engine.exam_events import ITEM_SHOWN, SECURITY_INCIDENT
from kiosk.core.exam_files import JOURNAL_SUFFIX
from kiosk.journal import Journal


def pix_kiosk(*argv: str) -> int:
    return dispatch("pix-kiosk", "test", "kiosk.commands", ["incidents"], list(argv))


@pytest.fixture
def state(tmp_path: Path) -> Path:
    exams = tmp_path / "exams"
    exams.mkdir()
    key = Ed25519PrivateKey.generate()
    with Journal.open(exams / f"exam-a{JOURNAL_SUFFIX}", key, "exam-a") as journal:
        journal.append(ITEM_SHOWN, {"item_id": "q1", "position": 1})
        journal.append(SECURITY_INCIDENT, {"kind": "focus_lost", "detail": "another window"})
        journal.acknowledge(2)
        journal.append(SECURITY_INCIDENT, {"kind": "escape_shortcut", "detail": "Alt+Tab pressed"})
    with Journal.open(exams / f"exam-b{JOURNAL_SUFFIX}", key, "exam-b") as journal:
        journal.append(ITEM_SHOWN, {"item_id": "q9", "position": 1})
    return tmp_path


def test_json_lists_every_incident_with_its_acknowledgement(
    state: Path, capsys: pytest.CaptureFixture
) -> None:
    assert pix_kiosk("incidents", "--state", str(state), "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(i["exam_id"], i["seq"], i["kind"], i["acknowledged"]) for i in listed] == [
        ("exam-a", 2, "focus_lost", True),
        ("exam-a", 3, "escape_shortcut", False),
    ]
    assert listed[1]["detail"] == "Alt+Tab pressed" and listed[1]["time"].endswith("Z")


def test_the_table(state: Path, capsys: pytest.CaptureFixture) -> None:
    assert pix_kiosk("incidents", "--state", str(state)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["time", "exam", "kind", "acknowledged", "detail"]
    assert lines[1].split()[1:4] == ["exam-a", "focus_lost", "yes"]
    assert lines[2].endswith("Alt+Tab pressed")


def test_no_incident(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert pix_kiosk("incidents", "--state", str(tmp_path)) == 0
    assert "No security incident" in capsys.readouterr().out


def test_an_unreadable_journal_is_named_and_left_alone(
    state: Path, capsys: pytest.CaptureFixture
) -> None:
    broken = state / "exams" / f"broken{JOURNAL_SUFFIX}"
    broken.write_bytes(b"this is not a journal")
    assert pix_kiosk("incidents", "--state", str(state), "--json") == 1
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 2  # the readable journals are still listed
    assert str(broken) in captured.err
    assert broken.read_bytes() == b"this is not a journal"


def test_a_missing_state_directory(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert pix_kiosk("incidents", "--state", str(tmp_path / "nowhere")) == 2
    error = capsys.readouterr().err
    assert "introuvable" in error and "not found" in error
