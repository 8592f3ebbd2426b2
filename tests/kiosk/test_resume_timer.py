"""After a restart the question on screen keeps its timer from when it was first shown, even
when a refused start made the kiosk journal it again (kiosk/exam_session.py)."""

from engine.exam_events import (
    ANSWER,
    ITEM_REPLACED,
    ITEM_SHOWN,
    PAUSED,
    RESUME_AUTHORISED,
    RESUMED,
)
from engine.journal_format import JournalEntry
from kiosk.core.exam_files import first_showing, item_time_spent_ms


def entry(seq: int, kind: str, elapsed_ms: int, **payload) -> JournalEntry:
    return JournalEntry("exam", seq, "", elapsed_ms, "2026-11-27T10:00:00Z", kind, payload, "", "")


def test_the_first_showing_of_the_question_on_screen_counts():
    journal = [
        entry(1, ITEM_SHOWN, 1_000, item_id="a", position=1),
        entry(2, ANSWER, 4_000, item_id="a"),
        entry(3, ITEM_SHOWN, 5_000, item_id="b", position=2),
        entry(4, RESUME_AUTHORISED, 7_000),
        entry(5, ITEM_SHOWN, 9_000, item_id="b", position=2),  # again, after a refused start
    ]
    assert first_showing(journal, journal[-1]) is journal[2]


def test_a_replacement_starts_a_new_timer():
    journal = [
        entry(1, ITEM_SHOWN, 1_000, item_id="b", position=2),
        entry(2, ITEM_REPLACED, 3_000, item_id="b"),
        entry(3, ITEM_SHOWN, 3_500, item_id="c", position=2),
    ]
    assert first_showing(journal, journal[-1]) is journal[-1]
    assert first_showing([], None) is None


def test_a_pause_does_not_count_on_the_question_timer():
    journal = [
        entry(1, ITEM_SHOWN, 1_000, item_id="a", position=1),
        entry(2, PAUSED, 3_000),
        entry(3, RESUMED, 18_000),  # 15 s of pause
        entry(4, PAUSED, 20_000),  # paused again when the kiosk stopped
        entry(5, RESUMED, 21_000),
        entry(6, PAUSED, 22_000),
    ]
    first = first_showing(journal, journal[0])
    assert item_time_spent_ms(journal, first) == 2_000 + 2_000 + 1_000
    assert item_time_spent_ms(journal, None) == 0
