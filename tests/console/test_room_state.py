"""The room model without a server: clocks aged locally, the actions offered per status."""

import pytest

from kiosk.console.room_state import RoomSnapshot, actions_for, format_clock


def wire(status: str, **line) -> dict:
    return {
        "session_id": "482913",
        "session_state": "planned",
        "version": "boot-7",
        "server_time": "2026-03-12T14:30:00Z",
        "candidates": [
            {
                "candidate_id": "cand_1",
                "last_name": "Dupont",
                "first_names": "Marie",
                "birth_date": "2009-04-04",
                "extra_time_percent": 33,
                "accessibility_needs": False,
                "status": status,
                "waiting_for": None,
                "answered": 12,
                "question_count": 32,
                "remaining_s": 600.0,
                "deadline": "2026-03-12T14:40:00Z",
                "device_label": "PC-07",
                "last_contact": "2026-03-12T14:29:55Z",
                "alerts": [],
                "incidents": [],
                "rejection_reason": None,
                **line,
            }
        ],
    }


def test_clocks_run_only_while_the_test_does():
    running = RoomSnapshot.from_wire(wire("in_progress"), received_at=100.0)
    line = running.lines[0]
    assert running.time_left_s(line, now=130.0) == 570.0
    assert running.contact_age_s(line, now=130.0) == 35.0
    assert running.time_left_s(line, now=10_000.0) == 0.0
    paused = RoomSnapshot.from_wire(wire("paused"), received_at=100.0)
    assert paused.time_left_s(paused.lines[0], now=130.0) == 600.0
    assert line.born == "04/04/2009" and line.name == "DUPONT Marie"


@pytest.mark.parametrize("status", ["authorised", "start_refused"])
def test_a_clock_not_started_yet_does_not_run(status):
    """On the instructions screen (and while the lockdown refuses the start) the candidate has
    not pressed « Commencer »: the server sends no deadline and the time left stands still."""
    snapshot = RoomSnapshot.from_wire(wire(status, deadline=None), received_at=100.0)
    assert snapshot.time_left_s(snapshot.lines[0], now=400.0) == 600.0


@pytest.mark.parametrize(
    ("status", "extra", "offered"),
    [
        ("not_arrived", {}, ("mark_absent", "report")),
        ("waiting", {}, ("authorise_start", "mark_absent", "move_device", "report")),
        ("authorised", {}, ("move_device", "report")),
        ("waiting", {"waiting_for": "resume"}, ("authorise_resume", "report")),
        ("in_progress", {}, ("pause", "extra_time", "end", "report")),
        ("paused", {}, ("resume", "extra_time", "end", "report")),
        (
            "locked",
            {"incidents": [{"incident_id": "i", "kind": "focus_lost", "reported_at": "x"}]},
            ("unlock", "pause", "extra_time", "end", "report"),
        ),
        (
            "live_alert",
            {"alerts": [{"alert_id": "a", "item_id": "q", "raised_at": "x"}]},
            ("handle_alert", "pause", "extra_time", "end", "report"),
        ),
        ("record_received", {}, ("report",)),
        ("absent", {}, ()),
    ],
)
def test_actions_offered_per_status(status, extra, offered):
    snapshot = RoomSnapshot.from_wire(wire(status, **extra), received_at=0.0)
    assert actions_for(snapshot.lines[0], session_open=True) == offered
    assert actions_for(snapshot.lines[0], session_open=False) == ()


def test_clock_format():
    assert [format_clock(s) for s in (None, 59.9, 3599, 3600, 8940)] == [
        "–",
        "0:59",
        "59:59",
        "1:00:00",
        "2:29:00",
    ]
