"""The exam clock rebuilt from a journal: pauses stop it, a crash gives back the downtime."""

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.journal_format import genesis_hash, sign_entry
from kiosk.core.clock import ExamClock

KEY = Ed25519PrivateKey.generate()


def journal(*events: tuple[int, str, dict]) -> list:
    entries, prev = [], genesis_hash("exam-1")
    for seq, (elapsed_ms, kind, payload) in enumerate(events, start=1):
        entry = sign_entry(
            exam_id="exam-1",
            seq=seq,
            prev=prev,
            elapsed_ms=elapsed_ms,
            wall_time=datetime.now(UTC),
            kind=kind,
            payload=payload,
            signing_key=KEY,
        )
        entries.append(entry)
        prev = entry.hash
    return entries


def test_the_clock_runs_from_the_start_and_stops_during_pauses():
    entries = journal(
        (1_000, "exam_started", {"ticket": {}}),
        (61_000, "paused", {}),
        (181_000, "resumed", {}),
        (241_000, "answer", {}),
    )
    clock = ExamClock.from_entries(6300, entries)
    assert clock.remaining_s(241_000) == 6300 - 120
    assert clock.remaining_s(301_000) == 6300 - 180


def test_after_a_crash_the_time_waiting_for_the_resume_is_not_counted():
    entries = journal(
        (0, "exam_started", {"ticket": {}}),
        (600_000, "item_shown", {}),
        # killed here; the journal reopens at 600 000 ms; 5 minutes waiting for the invigilator
        (900_000, "resume_authorised", {"ticket": {}}),
    )
    clock = ExamClock.from_entries(6300, entries)
    assert clock.remaining_s(900_000) == 6300 - 600


def test_the_servers_figure_wins_when_it_gives_one():
    entries = journal(
        (0, "exam_started", {"ticket": {}}),
        (600_000, "answer", {}),
        (700_000, "resume_authorised", {"ticket": {}, "remaining_s": 5000}),
    )
    clock = ExamClock.from_entries(6300, entries)
    assert clock.remaining_s(700_000) == 5000
    assert clock.remaining_s(710_000) == 4990


def test_time_over_stops_the_clock_at_zero():
    clock = ExamClock(60)
    clock.start(0)
    assert clock.remaining_s(90_000) == 0
