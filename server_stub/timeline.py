"""The server's timeline of one exam: when it started, when it was paused, when it must end.

The server's clock is the authority (DESIGN §5). The clock starts when the server receives the
kiosk's start — the first entry of its journal, journaled when the candidate presses
« Commencer » — and at the latest at the start ticket's issue plus START_WINDOW_S
(`clock_start`): a kiosk that holds its start back gains nothing. Pauses stop it (invigilator
pauses, and the wait between a crashed kiosk's new check-in and its resume ticket); the
invigilator may add time.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, select

from engine.canonical import utc_text
from server_stub.db.database import Database
from server_stub.db.tables import pauses

BASE_MINUTES = 105
# Tolerance for the time an answer takes to reach the journal and the network to carry it.
GRACE_S = 30
# Tolerance on the server's own clock for an entry to reach it after the deadline (a retry
# with backoff on a flaky network): beyond it, the entry is late (exam_evidence.py).
ARRIVAL_GRACE_S = 60


def time_allowed_s(extra_time_percent: int, base_minutes: int = BASE_MINUTES) -> int:
    """The session's time (105 minutes, or a rehearsal's own) plus the candidate's extra time
    ("tiers-temps"), in whole seconds."""
    return base_minutes * 60 * (100 + extra_time_percent) // 100


def clock_start(exam, now: float) -> float | None:
    """When the exam clock started on the server's clock, as known at `now`: the server's
    receipt of the kiosk's start, or the end of the start window once it is past; None while
    the candidate may still be reading the instructions (or has no start ticket)."""
    if exam.started_at is not None:
        return exam.started_at
    if exam.start_by is not None and now >= exam.start_by:
        return exam.start_by
    return None


def received_start(exam, now: float) -> dict[str, float]:
    """The exam column to set when the kiosk's journal first reaches the server at `now`: the
    clock starts then, or at the end of the start window if that is earlier."""
    if exam.started_at is not None:
        return {}
    return {"started_at": now if exam.start_by is None else min(now, exam.start_by)}


@dataclass(frozen=True)
class Timeline:
    started_at: float | None
    time_allowed_s: int
    extra_s: int
    pauses: tuple[tuple[float, float | None], ...]
    start_by: float | None = None

    @property
    def budget_s(self) -> int:
        return self.time_allowed_s + self.extra_s

    def start(self, now: float) -> float | None:
        """When the clock started, as known at `now` (`clock_start`)."""
        return clock_start(self, now)

    def paused_s(self, until: float) -> float:
        """Pause time up to `until`; only pauses after the clock started count (one asked for
        on the instructions screen takes effect with the start)."""
        start = self.start(until)
        return sum(
            max(0.0, min(end if end is not None else until, until) - max(begun, start or begun))
            for begun, end in self.pauses
        )

    def is_paused(self) -> bool:
        return any(end is None for _, end in self.pauses)

    def deadline(self, now: float) -> float | None:
        """The server instant the exam must end by (pauses up to `now` included)."""
        start = self.start(now)
        if start is None:
            return None
        return start + self.budget_s + self.paused_s(now)

    def remaining_s(self, now: float) -> float:
        start = self.start(now)
        if start is None:
            return float(self.budget_s)
        used = now - start - self.paused_s(now)
        return max(0.0, self.budget_s - used)


# Built once: intake reads an exam's pauses for every record (server_stub/intake/store.py).
_PAUSES = (
    select(pauses.c.started_at, pauses.c.ended_at)
    .where(pauses.c.exam_id == bindparam("exam_id"))
    .order_by(pauses.c.started_at)
)


def load_timeline(connection: Connection, db: Database, exam) -> Timeline:
    rows = connection.execute(_PAUSES, {"exam_id": exam.exam_id})
    return Timeline(
        started_at=exam.started_at,
        time_allowed_s=exam.time_allowed_seconds,
        extra_s=exam.extra_seconds,
        pauses=tuple((row.started_at, row.ended_at) for row in rows),
        start_by=exam.start_by,
    )


def instant_text(seconds: float) -> str:
    """A server instant (seconds since the epoch) as the wire writes instants: UTC ISO 8601."""
    return utc_text(datetime.fromtimestamp(seconds, UTC))
