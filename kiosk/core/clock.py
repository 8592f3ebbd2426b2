"""The exam clock, rebuilt from the journal: it stops during pauses and while a crashed kiosk
waits for its resume authorisation."""

from dataclasses import dataclass

from engine.exam_events import EXAM_STARTED, FINISHED, PAUSED, RESUME_AUTHORISED, RESUMED, TIME_OVER
from engine.journal_format import JournalEntry


@dataclass
class ExamClock:
    """Time used on the exam clock, which stops during pauses and while a crashed kiosk waits
    for the resume authorisation. Times are the journal's elapsed milliseconds."""

    allowed_s: float
    used_s: float = 0.0
    running_since_ms: int | None = None

    def start(self, at_ms: int) -> None:
        if self.running_since_ms is None:
            self.running_since_ms = at_ms

    def stop(self, at_ms: int) -> None:
        if self.running_since_ms is not None:
            self.used_s += max(0, at_ms - self.running_since_ms) / 1000
            self.running_since_ms = None

    def set_remaining(self, remaining_s: float) -> None:
        """The server's word on the time left (after a pause or a resume) wins."""
        self.used_s = max(0.0, self.allowed_s - remaining_s)

    def remaining_s(self, now_ms: int) -> float:
        used = self.used_s
        if self.running_since_ms is not None:
            used += max(0, now_ms - self.running_since_ms) / 1000
        return max(0.0, self.allowed_s - used)

    @classmethod
    def from_entries(cls, allowed_s: float, entries: list[JournalEntry]) -> "ExamClock":
        """Rebuild the clock from a journal; a restart stopped it at the last entry before the
        resume authorisation (what happened after that entry is given back to the candidate).
        `allowed_s` is the latest ticket's, which already counts the extra time the server
        granted before issuing it: journaled `extra_time` entries are not added again."""
        clock = cls(allowed_s)
        previous: JournalEntry | None = None
        for entry in entries:
            if entry.kind == EXAM_STARTED:
                clock.start(entry.elapsed_ms)
            elif entry.kind == PAUSED:
                clock.stop(entry.elapsed_ms)
            elif entry.kind in (RESUMED, RESUME_AUTHORISED):
                if entry.kind == RESUME_AUTHORISED and previous is not None:
                    clock.stop(previous.elapsed_ms)
                if "remaining_s" in entry.payload:
                    clock.set_remaining(float(entry.payload["remaining_s"]))
                clock.start(entry.elapsed_ms)
            elif entry.kind in (TIME_OVER, FINISHED):
                clock.stop(entry.elapsed_ms)
            previous = entry
        return clock
