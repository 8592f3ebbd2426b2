"""The exam events the kiosk journals, and what the server draws from a verified journal.

| kind              | required payload keys                   | meaning                       |
|-------------------|-----------------------------------------|-------------------------------|
| exam_started      | ticket                                  | first entry: the start ticket |
| item_shown        | item_id, position                       | item on screen (1-based)      |
| answer            | item_id, response, status, time_spent_s | status: ok, ko, aband, ...    |
| live_alert_raised | item_id                                 | the candidate asks for help   |
| item_replaced     | item_id                                 | alert validated: replaced     |
| alert_dismissed   | item_id                                 | alert dismissed: item stays   |
| extra_time        | added_s, remaining_s                    | invigilator added time (s)    |
| paused, resumed   | -                                       | invigilator pause / resume    |
| locked, unlocked  | -                                       | left the app / unlocked       |
| security_incident | kind, detail                            | a lockdown violation          |
| quit              | phase                                   | invigilator quit the kiosk    |
| resume_authorised | ticket                                  | resume ticket after restart   |
| time_over         | -                                       | the exam time ran out         |
| finished          | abort_reason, result                    | last entry (see below)        |

Tickets are the signed wire form (`{"ticket", "signature"}`); `finished`'s abort_reason is
null, "candidate" or "technical" and its result is the one computed on the kiosk. `quit`: the
invigilator quit the kiosk with the invigilator code (secure mode) on the screen `phase`; the
exam waits for its resume, as after a crash.
`extra_time` journals the server's figures as its command gave them: the seconds added and the
time left then (the server's own clock remains the authority on the deadline). Payloads may
carry more keys than the required ones (e.g. a reason for a pause); the required ones
(`REQUIRED_PAYLOAD_KEYS`) are checked when a record is verified. `replay_events` gives
`engine.replay` its input; `timeline` the entries the server sets against its own clock.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from engine.journal_format import JournalEntry

EXAM_STARTED = "exam_started"
ITEM_SHOWN = "item_shown"
ANSWER = "answer"
LIVE_ALERT_RAISED = "live_alert_raised"
ITEM_REPLACED = "item_replaced"
ALERT_DISMISSED = "alert_dismissed"
EXTRA_TIME = "extra_time"
PAUSED = "paused"
RESUMED = "resumed"
LOCKED = "locked"
UNLOCKED = "unlocked"
SECURITY_INCIDENT = "security_incident"
QUIT = "quit"
RESUME_AUTHORISED = "resume_authorised"
TIME_OVER = "time_over"
FINISHED = "finished"

# The security incident a watched (`focused`) item raises when the window loses the focus
# outside secure mode: a notice for the invigilator, never a lock or a refused start.
WATCHED_FOCUS_LOST = "watched_focus_lost"

REQUIRED_PAYLOAD_KEYS: Mapping[str, frozenset[str]] = {
    EXAM_STARTED: frozenset({"ticket"}),
    ITEM_SHOWN: frozenset({"item_id", "position"}),
    ANSWER: frozenset({"item_id", "response", "status", "time_spent_s"}),
    LIVE_ALERT_RAISED: frozenset({"item_id"}),
    ITEM_REPLACED: frozenset({"item_id"}),
    ALERT_DISMISSED: frozenset({"item_id"}),
    EXTRA_TIME: frozenset({"added_s", "remaining_s"}),
    PAUSED: frozenset(),
    RESUMED: frozenset(),
    LOCKED: frozenset(),
    UNLOCKED: frozenset(),
    SECURITY_INCIDENT: frozenset({"kind", "detail"}),
    QUIT: frozenset({"phase"}),
    RESUME_AUTHORISED: frozenset({"ticket"}),
    TIME_OVER: frozenset(),
    FINISHED: frozenset({"abort_reason", "result"}),
}
KINDS = frozenset(REQUIRED_PAYLOAD_KEYS)

# Everything but the item-by-item flow: what the server sets against its own clock.
TIMELINE_KINDS = frozenset(
    {
        EXAM_STARTED,
        LIVE_ALERT_RAISED,
        ITEM_REPLACED,
        ALERT_DISMISSED,
        EXTRA_TIME,
        PAUSED,
        RESUMED,
        LOCKED,
        UNLOCKED,
        SECURITY_INCIDENT,
        QUIT,
        RESUME_AUTHORISED,
        TIME_OVER,
        FINISHED,
    }
)


def replay_events(entries: Iterable[JournalEntry]) -> list[dict[str, Any]]:
    """The events `engine.replay` consumes, in journal order."""
    return [event for entry in entries if (event := replay_event(entry)) is not None]


def replay_event(entry: JournalEntry) -> dict[str, Any] | None:
    """The replay event `entry` stands for (answers and replacements), None for the others."""
    if entry.kind == ANSWER:
        return {
            "kind": "answer",
            "item_id": entry.payload["item_id"],
            "status": entry.payload["status"],
        }
    if entry.kind == ITEM_REPLACED:
        return {"kind": "replace", "item_id": entry.payload["item_id"]}
    return None


def timeline(entries: Iterable[JournalEntry]) -> list[JournalEntry]:
    """Start, pauses, extra time, locks, alerts, incidents, quits, resumptions and the end, in
    order."""
    return [entry for entry in entries if entry.kind in TIMELINE_KINDS]
