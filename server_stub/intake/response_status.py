"""Does the status a kiosk gave an answer agree with the response? Checked again by the server,
as each answer streams in (live_exams.py) or on the record (server_checks.py)."""

from collections.abc import Callable

from engine.answers import ResponseError, check_answer
from engine.canonical import BilingualError
from engine.exam_events import ANSWER
from engine.items import Item
from engine.journal_format import JournalEntry

# Statuses whose response the server re-checks: ok and focusedOut need a correct response, ko a
# wrong one. aband (skipped) and timedout say nothing about the response.
CORRECT_STATUSES = ("ok", "focusedOut")


def status_disagrees(entry: JournalEntry, item: Callable[[str], Item]) -> bool:
    """True for an answer whose status the response contradicts (or whose response cannot
    be checked); False for any other entry."""
    if entry.kind != ANSWER:
        return False
    status = entry.payload["status"]
    if status not in (*CORRECT_STATUSES, "ko"):
        return False
    try:
        correct = check_answer(item(entry.payload["item_id"]), entry.payload["response"])
    except (ResponseError, BilingualError):
        return True
    return correct is None or correct != (status in CORRECT_STATUSES)
