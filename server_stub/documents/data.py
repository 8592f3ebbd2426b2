"""The facts the printed documents show, as plain values: the renderers know nothing of the
database, and the loaders (`loading.py`) know nothing of PDF drawing."""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time


@dataclass(frozen=True)
class SessionFacts:
    """What identifies a session on every document it appears on."""

    number: str
    centre: str
    room: str
    day: date
    start: time
    access_code: str
    invigilator_code: str
    examiner: str = ""


@dataclass(frozen=True)
class Candidate:
    """One registered candidate, as imported from the school's list."""

    last_name: str
    first_names: str
    birth_date: date
    external_id: str = ""
    extra_time_percent: int = 0
    accessibility_needs: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_names}"

    @property
    def sort_key(self) -> tuple[str, str, date]:
        """Alphabetical as a French reader expects it: accents and case do not count."""
        return (_plain(self.last_name), _plain(self.first_names), self.birth_date)


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True)
class SessionSheetData:
    """The session sheet: the codes for the invigilators and the room's sign-in list."""

    session: SessionFacts
    candidates: tuple[Candidate, ...]


ATTENDANCE_OUTCOMES = (
    "not_arrived",
    "absent",
    "not_started",
    "not_finished",
    "finished",
    "aborted",
)
"""How a candidate's sitting went: before finalisation some are still under way."""

CERTIFICATION_STATUSES = ("validated", "rejected", "cancelled", "pending")
"""What became of a candidate's certification (DESIGN §4, exports)."""


@dataclass(frozen=True)
class AttendanceRow:
    """One candidate's line in the attendance report."""

    candidate: Candidate
    outcome: str
    answers: int = 0
    started_at: datetime | None = None
    ended_at: datetime | None = None
    abort_reason: str | None = None
    device: str = ""
    certification_status: str = "pending"

    def __post_init__(self) -> None:
        if self.outcome not in ATTENDANCE_OUTCOMES:
            raise ValueError(f"unknown attendance outcome {self.outcome!r}")
        if self.certification_status not in CERTIFICATION_STATUSES:
            raise ValueError(f"unknown certification status {self.certification_status!r}")


@dataclass(frozen=True)
class Incident:
    """Something that happened to a candidate's test: an issue report, a live alert, a lock...

    `kind` is an issue-report category of DESIGN §4 or one of the room's event kinds
    (`LIVE_ALERT`, `KIOSK_LOCKED`, `START_REFUSED`, `TEST_ENDED`, `PAUSED`, `EXTRA_TIME`,
    `MARKED_ABSENT`); `subcategory` and `resolution` are codes too (a live alert's subcategory, a
    lock's or a refused start's reason, an early end's abort reason; `alert_validated`,
    `alert_dismissed`, `unlocked`, `resolved`, `open`); unknown codes print as they are.
    """

    at: datetime
    candidate_name: str
    kind: str
    subcategory: str = ""
    description: str = ""
    resolution: str = ""


@dataclass(frozen=True)
class AttendanceReportData:
    """The attendance and incident report signed by the invigilators at finalisation;
    `comment` holds their remarks given at finalisation ("" when none)."""

    session: SessionFacts
    rows: tuple[AttendanceRow, ...]
    incidents: tuple[Incident, ...] = ()
    finalised_at: datetime | None = None
    comment: str = ""


@dataclass(frozen=True)
class CertificateData:
    """One candidate's certificate.

    `competence_levels` maps each of the 16 competence codes ("1.1".."5.2") to a level 0–7;
    `verification_url` is what the QR code holds (the public lookup for the code).
    """

    candidate: Candidate
    session_number: str
    centre: str
    session_day: date
    score: int
    global_level: int
    competence_levels: Mapping[str, int]
    verification_code: str
    verification_url: str
    issued_on: date
    grade: str | None = None  # the candidate's grade (3e, Tle…), when enrolled from a roster
    expected_level: int | None = None  # the global level the grade is expected to reach
