"""The room as the console knows it: the server's last status, aged locally between updates.

The server sends one line per candidate (server_stub/room.py) with the time left and the last
contact as of its own clock; between two long-poll answers the console counts down locally, so
the screen stays right to the second without asking the server again.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.canonical import parse_utc_text
from engine.exam_events import WATCHED_FOCUS_LOST

CLOCK_RUNS = ("in_progress", "locked", "start_refused", "live_alert")
"""Statuses whose time left goes down (a lock, a refused start or an alert does not stop the
clock)."""
URGENT = ("live_alert", "locked", "start_refused")
"""Statuses the invigilator must handle now (the banner): a refused start too, since only
someone at the PC can fix it (close the program, unplug the screen...)."""
NEEDS_ATTENTION = ("waiting", *URGENT, "record_rejected")
BLOCKING = ("waiting", "authorised", "in_progress", "paused", *URGENT)
"""Statuses that stop a session from being finalised (the server refuses too): the test is not
over. `not_arrived` candidates are marked absent at finalisation; `finished` ones whose record
has not come in yet stay pending."""
FINISHED_STATUSES = ("finished", "record_received", "record_rejected")
"""Statuses of a test that is over: no time left to speak of."""
STALE_CONTACT_S = 30.0


@dataclass(frozen=True)
class Alert:
    alert_id: str
    item_id: str
    raised_at: str


@dataclass(frozen=True)
class Lock:
    """A lockdown incident: the kiosk locked itself, or (`locked` false) it refused to start
    the exam's lockdown and waits, not locked, until the PC is seen to."""

    incident_id: str
    kind: str
    detail: str
    reported_at: str
    locked: bool = True


@dataclass(frozen=True)
class RoomLine:
    """One candidate's line, as the server last described it."""

    candidate_id: str
    last_name: str
    first_names: str
    birth_date: str
    extra_time_percent: int
    accessibility_needs: bool
    status: str
    waiting_for: str | None
    answered: int
    question_count: int
    remaining_s: float | None
    device_label: str
    last_contact: str | None
    alerts: tuple[Alert, ...]
    locks: tuple[Lock, ...]  # the incidents that locked the kiosk (what "unlock" resolves)
    rejection_reason: str | None
    config_key: str | None = None  # the kiosk configuration of the last check-in
    config_label: str | None = None  # its label on the server's allow-list
    app_version: str | None = None
    refusals: tuple[Lock, ...] = ()  # refused starts: the kiosk is not locked
    focus_losses: tuple[Lock, ...] = ()  # the window left during a watched question (notices)
    review_reasons: tuple[str, ...] = ()  # why the server will hold the result for review
    # The server instant the exam must end by; None while the clock has not started (the
    # candidate reads the instructions: the clock starts when they press « Commencer »).
    deadline: str | None = None

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_names}"

    @property
    def born(self) -> str:
        """The birth date as on French identity documents: 10/01/2008."""
        year, month, day = self.birth_date.split("-")
        return f"{day}/{month}/{year}"

    @classmethod
    def from_wire(cls, line: Mapping[str, Any]) -> "RoomLine":
        incidents = [
            Lock(
                lock["incident_id"],
                lock["kind"],
                lock.get("detail") or "",
                lock["reported_at"],
                bool(lock.get("locked", True)),  # a server from before refused starts
            )
            for lock in line.get("incidents") or ()
        ]
        return cls(
            candidate_id=line["candidate_id"],
            last_name=line["last_name"],
            first_names=line["first_names"],
            birth_date=line["birth_date"],
            extra_time_percent=int(line.get("extra_time_percent") or 0),
            accessibility_needs=bool(line.get("accessibility_needs")),
            status=line["status"],
            waiting_for=line.get("waiting_for"),
            answered=int(line.get("answered") or 0),
            question_count=int(line.get("question_count") or 32),
            remaining_s=line.get("remaining_s"),
            deadline=line.get("deadline"),
            device_label=line.get("device_label") or line.get("device_id") or "",
            last_contact=line.get("last_contact"),
            alerts=tuple(
                Alert(alert["alert_id"], alert["item_id"], alert["raised_at"])
                for alert in line.get("alerts") or ()
            ),
            locks=tuple(lock for lock in incidents if lock.locked),
            rejection_reason=line.get("rejection_reason"),
            config_key=line.get("config_key"),
            config_label=line.get("config_label"),
            app_version=line.get("app_version"),
            refusals=tuple(
                lock for lock in incidents if not lock.locked and lock.kind != WATCHED_FOCUS_LOST
            ),
            focus_losses=tuple(
                lock for lock in incidents if not lock.locked and lock.kind == WATCHED_FOCUS_LOST
            ),
            review_reasons=tuple(line.get("review_reasons") or ()),
        )


@dataclass(frozen=True)
class RoomSnapshot:
    """The whole room at one server instant, and when (monotonic seconds) it reached us."""

    session_id: str
    session_state: str
    version: str
    server_time: float
    received_at: float
    lines: tuple[RoomLine, ...]

    @classmethod
    def from_wire(cls, status: Mapping[str, Any], received_at: float) -> "RoomSnapshot":
        return cls(
            session_id=status["session_id"],
            session_state=status["session_state"],
            version=str(status["version"]),
            server_time=parse_utc_text(status["server_time"]).timestamp(),
            received_at=received_at,
            lines=tuple(RoomLine.from_wire(line) for line in status["candidates"]),
        )

    @property
    def is_open(self) -> bool:
        return self.session_state == "planned"

    def line(self, candidate_id: str) -> RoomLine | None:
        return next((line for line in self.lines if line.candidate_id == candidate_id), None)

    def urgent(self) -> list[RoomLine]:
        """The lines that need the invigilator now, most urgent first (`URGENT`'s order; the
        table's order among equals)."""
        waiting = (line for line in self.lines if line.status in URGENT)
        return sorted(waiting, key=lambda line: URGENT.index(line.status))

    def focus_losses(self) -> list[tuple[RoomLine, Lock]]:
        """Every window left during a watched question, latest first."""
        found = [(line, lock) for line in self.lines for lock in line.focus_losses]
        return sorted(found, key=lambda pair: pair[1].reported_at, reverse=True)

    def time_left_s(self, line: RoomLine, now: float) -> float | None:
        """Seconds left at monotonic instant `now` (never below zero), None before the start."""
        if line.remaining_s is None:
            return None
        running = line.status in CLOCK_RUNS and line.deadline is not None
        elapsed = now - self.received_at if running else 0.0
        return max(0.0, line.remaining_s - elapsed)

    def contact_age_s(self, line: RoomLine, now: float) -> float | None:
        """Seconds since the kiosk last reached the server, on the server's clock."""
        if line.last_contact is None:
            return None
        contact = parse_utc_text(line.last_contact).timestamp()
        return max(0.0, self.server_time - contact + (now - self.received_at))

    def count(self, *statuses: str) -> int:
        return sum(line.status in statuses for line in self.lines)

    def blocking(self) -> tuple[RoomLine, ...]:
        return tuple(line for line in self.lines if line.status in BLOCKING)


ACTIONS = (
    "authorise_start",
    "authorise_resume",
    "pause",
    "resume",
    "extra_time",
    "handle_alert",
    "unlock",
    "end",
    "mark_absent",
    "move_device",
    "report",
)


def actions_for(line: RoomLine, session_open: bool) -> tuple[str, ...]:
    """The actions that make sense for a candidate now, in the order the panel shows them."""
    if not session_open:
        return ()
    status = line.status
    offered: list[str] = []
    if status == "waiting":
        offered.append("authorise_resume" if line.waiting_for == "resume" else "authorise_start")
    if status == "live_alert":
        offered.append("handle_alert")
    if status == "locked" or (status == "live_alert" and line.locks):
        offered.append("unlock")
    if status in CLOCK_RUNS:
        offered.append("pause")
    if status == "paused":
        offered.append("resume")
    if status in (*CLOCK_RUNS, "paused"):
        offered += ["extra_time", "end"]
    if status in ("not_arrived",) or (status == "waiting" and line.waiting_for != "resume"):
        offered.append("mark_absent")
    if status == "authorised" or (status == "waiting" and line.waiting_for != "resume"):
        offered.append("move_device")  # checked in on a PC, not started: the server refuses
    if status != "absent":
        offered.append("report")
    return tuple(offered)


def format_clock(seconds: float | None) -> str:
    """`1:04:09`, `43:05`, or an en dash when there is no clock."""
    if seconds is None:
        return "–"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def local_clock(instant: str) -> str:
    """A server instant as the room's wall clock shows it: 10:42."""
    return parse_utc_text(instant).astimezone().strftime("%H:%M")
