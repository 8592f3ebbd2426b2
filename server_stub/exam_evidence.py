"""What the server itself saw of an exam's journal reaching it: late entries, offline stretches.

A kiosk writes and signs its own elapsed time, so the deadline check of a record
(intake/server_checks.py) only holds against an honest kiosk. The server's clock does not depend on
the kiosk: it knows when its own timeline says the exam ends (start + time allowed + extra time
+ pauses, timeline.py), when each entry reached it, when each head commitment reached it
(engine/head_commitment.py: an entry is proven written once a head at or after it is
committed, whenever the entry itself follows), and when it last heard from the exam's kiosk.

From that come the reasons a result is held for review (`pending`, never silently validated
nor silently rejected; docs/security.md):
- `late_entries`: an entry that can change the result (an item shown, an answer, a
  replacement) reached the server, and no commitment covering it did, later than the deadline
  plus `ARRIVAL_GRACE_S`;
- `offline_stretch`: the kiosk was out of contact with the server for longer than the server's
  threshold (5 minutes by default; `pix-server serve --offline-review-minutes`) while the exam
  ran or could have run (pauses on the server's timeline left out);
- `journal_conflict`: the kiosk committed a head that contradicts its own journal.

Offline-first remains a promise: a shorter stretch that ends before the deadline leaves no trace
on the result.

The watch begins with the start ticket's issue, not with the clock's start: the clock starts
when the server receives the kiosk's start (timeline.py), so a kiosk silent between its ticket
and that receipt — pulling the cable at « Commencer », or before — would otherwise show no
silence at all. While the candidate reads the instructions the kiosk has no journal to send; it
asks for its ticket again instead (kiosk/core/reading_contact.py), a contact (`reading_contact`).
"""

import json
from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from engine.exam_events import ANSWER, ITEM_REPLACED, ITEM_SHOWN
from server_stub.db.database import Database
from server_stub.timeline import ARRIVAL_GRACE_S, clock_start, load_timeline, received_start

LATE_ENTRIES = "late_entries"
OFFLINE_STRETCH = "offline_stretch"
JOURNAL_CONFLICT = "journal_conflict"
REVIEW_REASONS = (LATE_ENTRIES, OFFLINE_STRETCH, JOURNAL_CONFLICT)
DEFAULT_OFFLINE_REVIEW_S = 5 * 60
# The entries that can change a result on their own.
RESULT_KINDS = frozenset({ITEM_SHOWN, ANSWER, ITEM_REPLACED})


def review_reasons(stored: str | None) -> list[str]:
    """The reasons kept on an exam row (a JSON list, NULL for none), in a stable order."""
    found = set(json.loads(stored)) if stored else set()
    return [reason for reason in REVIEW_REASONS if reason in found]


def with_reasons(stored: str | None, *added: str) -> str | None:
    """The stored reasons with `added` ones, as the column keeps them."""
    reasons = set(review_reasons(stored)) | set(added)
    ordered = [reason for reason in REVIEW_REASONS if reason in reasons]
    return json.dumps(ordered) if ordered else None


def contact_changes(
    connection, db: Database, exam, now: float, *, offline_review_s: float
) -> dict[str, Any]:
    """The exam columns to set for a contact from its kiosk at `now` (an entry, a head
    commitment, the record, or its ticket asked for again before the start): the last contact
    and, when the silence since the previous one was long, the stretch measured on the server's
    clock with its pauses left out. The first contact is the start ticket's issue
    (`ticket_contact`); a row from before that rule counts from the clock's start."""
    since = exam.last_contact_at if exam.last_contact_at is not None else clock_start(exam, now)
    if since is None:
        return {}
    until = now if exam.ended_at is None else min(now, exam.ended_at)
    changes: dict[str, Any] = {"last_contact_at": now}
    silence = until - since
    if silence <= offline_review_s:
        if silence > exam.longest_offline_s:
            changes["longest_offline_s"] = silence
        return changes
    timeline = load_timeline(connection, db, exam)
    running = silence - (timeline.paused_s(until) - timeline.paused_s(since))
    if running > exam.longest_offline_s:
        changes["longest_offline_s"] = running
    if running > offline_review_s:
        add_reason(changes, exam, OFFLINE_STRETCH)
    return changes


def ticket_contact(
    connection, db: Database, exam, now: float, *, offline_review_s: float
) -> dict[str, Any]:
    """The exam columns to set when its kiosk takes a start ticket at `now`: the watch on its
    contact begins (the exam may run from this ticket on), or goes on for a ticket issued
    again (a PC restarted on the instructions screen, authorised afresh)."""
    if exam.last_contact_at is None:
        return {"last_contact_at": now}
    return contact_changes(connection, db, exam, now, offline_review_s=offline_review_s)


def reading_contact(
    connection, db: Database, exam, now: float, *, offline_review_s: float
) -> dict[str, Any]:
    """The exam columns to set when its kiosk asks for its ticket again at `now`: a contact
    while the server's clock has not started (the candidate reading the instructions), nothing
    once it runs — from then on only the journal's entries and heads say the kiosk is there."""
    if clock_start(exam, now) is not None:
        return {}
    return contact_changes(connection, db, exam, now, offline_review_s=offline_review_s)


def arrival_changes(
    connection,
    db: Database,
    exam,
    fresh: Iterable[Mapping[str, Any]],
    now: float,
    *,
    offline_review_s: float,
) -> dict[str, Any]:
    """The exam columns to set when `fresh` entries (`seq` and `kind` of each) reach the server
    at `now`: the clock's start if this is the first news of the exam (the server's receipt,
    timeline.received_start), the contact, and `late_entries` if they came too late
    (`arrived_late`)."""
    start = received_start(exam, now)
    if start:
        exam = SimpleNamespace(**{**exam._asdict(), **start})
    changes = start | contact_changes(connection, db, exam, now, offline_review_s=offline_review_s)
    if arrived_late(connection, db, exam, fresh, now):
        add_reason(changes, exam, LATE_ENTRIES)
    return changes


def add_reason(changes: dict[str, Any], exam, reason: str) -> None:
    """Add a review reason to the `changes` of an exam row (over those it already has)."""
    changes["review_reasons"] = with_reasons(
        changes.get("review_reasons", exam.review_reasons), reason
    )


def arrived_late(
    connection, db: Database, exam, fresh: Iterable[Mapping[str, Any]], now: float
) -> bool:
    """Whether entries reaching the server at `now` (`seq` and `kind` of each, new to it) can
    change the result although they came after the deadline and no head committed before it
    covers them."""
    result_seqs = [entry["seq"] for entry in fresh if entry["kind"] in RESULT_KINDS]
    start = clock_start(exam, now)
    if not result_seqs or start is None:
        return False
    # Pauses only move the deadline later: most calls stop here, without a query.
    earliest = start + exam.time_allowed_seconds + exam.extra_seconds
    if now <= earliest + ARRIVAL_GRACE_S:
        return False
    cutoff = load_timeline(connection, db, exam).deadline(now) + ARRIVAL_GRACE_S
    if now <= cutoff:
        return False
    commitments = db.tables["head_commitments"]
    covered = connection.scalar(
        select(func.max(commitments.c.seq)).where(
            commitments.c.exam_id == exam.exam_id, commitments.c.received_at <= cutoff
        )
    )
    return max(result_seqs) > (covered or 0)
