"""Request and response bodies of the API (pydantic): what the OpenAPI document describes.

Instants are UTC ISO 8601 text; keys and signatures are base64; signed objects (ticket, receipt,
journal entries, record) keep the engine's wire form (docs/journal-and-record.md).
"""

from datetime import date as Date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server_stub.issue_categories import IN_CHALLENGE_SUBCATEGORIES, ISSUE_CATEGORIES
from server_stub.remarks import MAX_REMARKS

Text = Field(min_length=1, max_length=200)
PUBLIC_KEY = r"^[A-Za-z0-9+/]{43}=$"  # 32 bytes in base64
CONFIG_KEY = r"^[0-9a-f]{64}$"  # SHA-256 in hex (kiosk/config_key.py)
Category = Literal[ISSUE_CATEGORIES]
InChallengeSubcategory = Literal[IN_CHALLENGE_SUBCATEGORIES]
Name = Field(min_length=1, max_length=200)


class Textual(BaseModel):
    """A request body whose text fields refuse NUL."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """No text holds NUL: it prints as nothing, and PostgreSQL refuses it in TEXT (the same
        refusal on SQLite, rather than a 500 on one database only)."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL character (U+0000) / caractère NUL (U+0000)")
        return value


class Strict(Textual):
    model_config = ConfigDict(extra="forbid")


# --- errors -------------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable code, for programs (see docs/protocol.md)")
    message_fr: str
    message_en: str
    details: list[dict[str, Any]] | None = Field(
        default=None, description="Individual problems, e.g. every bad line of a CSV file"
    )


class ErrorResponse(BaseModel):
    error: ErrorDetail


# --- public -------------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]
    server_time: str
    version: str


class PublicKeys(BaseModel):
    server_public_key: str = Field(description="Ed25519, raw 32 bytes in base64 (tickets)")
    publisher_public_key: str = Field(description="Ed25519, raw 32 bytes in base64 (banks)")
    server_key_fingerprint: str
    publisher_key_fingerprint: str


class CompetenceResult(BaseModel):
    code: str
    area: str
    name_fr: str
    name_en: str
    level: int | None


class Certificate(BaseModel):
    verification_code: str
    last_name: str
    first_names: str
    birth_date: str
    score: int | None
    global_level: int | None
    competence_levels: dict[str, int | None]
    competences: list[CompetenceResult]
    centre: str
    date: str
    session_id: str
    status: str


# --- enrolment and banks ------------------------------------------------------------------------


class EnrolRequest(Strict):
    enrolment_token: str = Field(min_length=1, max_length=200)
    label: str = Field(default="", max_length=100, description="Name shown on the console")
    signing_public_key: str = Field(pattern=PUBLIC_KEY, description="Ed25519, base64 of 32 bytes")
    exchange_public_key: str = Field(pattern=PUBLIC_KEY, description="X25519, base64 of 32 bytes")


class EnrolResponse(BaseModel):
    device_id: str = Field(description="Fingerprint of the signing key (engine/keys.py)")
    device_token: str = Field(description="Bearer token for every /kiosk call; keep it secret")
    server_public_key: str
    publisher_public_key: str


class BankInfo(BaseModel):
    bank_id: str
    sha256: str
    size_bytes: int
    item_count: int
    modes: list[str]
    published_at: str


# --- kiosk: check-in, status, ticket ------------------------------------------------------------


class CheckinRequest(Strict):
    session_number: int = Field(ge=0, le=2**31 - 1)
    access_code: str = Field(min_length=1, max_length=20)
    last_name: str = Name
    first_names: str = Name
    birth_date: Date
    config_key: str = Field(
        pattern=CONFIG_KEY,
        description="The kiosk's configuration key: SHA-256 of its settings and version",
    )
    app_version: str = Field(min_length=1, max_length=50, description="The kiosk's version")
    bank_id: str | None = Field(
        default=None,
        pattern=r"^sha256:[0-9a-f]{64}$",
        description="The sealed bank edition this kiosk holds; refused (`edition_not_held`) "
        "when the session is planned on another",
    )


class CheckinResponse(BaseModel):
    candidate_id: str
    session_id: str
    status: str = Field(description="waiting, waiting_resume or ended")
    exam_id: str | None
    last_name: str
    first_names: str


class CandidateStatus(BaseModel):
    candidate_id: str
    status: str
    exam_id: str | None
    ticket_ready: bool
    remaining_s: float | None
    paused: bool


class SignedTicket(BaseModel):
    ticket: dict[str, Any]
    signature: str


class Command(BaseModel):
    seq: int
    exam_id: str
    kind: Literal[
        "pause", "resume", "unlock", "end", "replace_question", "alert_dismissed", "extra_time"
    ]
    payload: dict[str, Any]
    issued_at: str


class CommandList(BaseModel):
    commands: list[Command]
    last_seq: int = Field(description="Pass it as `after` on the next poll")


class AlertRequest(Strict):
    item_id: str = Field(min_length=1, max_length=200)


class AlertResponse(BaseModel):
    alert_id: str
    state: str
    item_id: str


class IncidentRequest(Strict):
    kind: str = Field(min_length=1, max_length=50, description="e.g. focus_lost, window_switch")
    detail: str = Field(default="", max_length=2000)
    locked: bool = Field(
        default=True,
        description="False: the kiosk refused to start the exam's lockdown and is not locked",
    )


class IncidentResponse(BaseModel):
    incident_id: str
    locked: bool


class KioskUnlockRequest(Strict):
    invigilator_code: str = Field(min_length=1, max_length=20)


class KioskUnlockResponse(BaseModel):
    unlocked: bool
    incident_ids: list[str]


class KioskQuitRequest(Strict):
    session_number: int = Field(ge=0, le=2**31 - 1, description="The session the kiosk serves")
    invigilator_code: str = Field(min_length=1, max_length=20)
    exam_id: str | None = Field(
        default=None, max_length=100, description="The exam under way on the kiosk, if any"
    )


class KioskQuitResponse(BaseModel):
    quit: bool
    session_id: str


# --- kiosk: journal and record ------------------------------------------------------------------


class EntriesRequest(Strict):
    entries: list[dict[str, Any]] = Field(
        max_length=500, description="Journal entries in wire form, consecutive, oldest first"
    )


class HeadCommitmentRequest(Strict):
    commitment: dict[str, Any] = Field(
        description='{"format": "pix-head", "v": 1, "device_id", "exam_id", "seq", "hash"}: '
        "the kiosk's journal head (engine/head_commitment.py)"
    )
    signature: str = Field(description="base64 Ed25519 by the device's signing key")


class HeadCommitmentResponse(BaseModel):
    exam_id: str
    seq: int = Field(description="The head committed")
    stored_seq: int = Field(description="The last entry the server holds for this exam")
    server_time: str


class ReceiptBody(BaseModel):
    device_id: str
    exam_id: str
    seq: int = Field(description="Head acknowledged: every entry up to it is stored")
    hash: str


class Receipt(BaseModel):
    receipt: ReceiptBody
    signature: str = Field(description="Ed25519 by the server (engine.journal_format)")


class RecordUpload(BaseModel):
    record: dict[str, Any]
    entries: list[dict[str, Any]] | None = Field(
        default=None,
        description="The journal's entries; left out when the server acknowledged every "
        "entry up to record.head (409 record_entries_missing if it does not hold them)",
    )
    signature: str


class Reason(BaseModel):
    code: str
    message_fr: str
    message_en: str
    seq: int | None


class RecordResponse(BaseModel):
    receipt: Receipt
    outcome: Literal["verified", "quarantined"]
    reason: Reason | None


# --- console ------------------------------------------------------------------------------------


class SignInRequest(Strict):
    session_number: int = Field(ge=0, le=2**31 - 1)
    invigilator_code: str = Field(min_length=1, max_length=20)


class SignInResponse(BaseModel):
    token: str
    session_id: str
    session_number: int
    centre: str
    room: str
    expires_at: str


class AlertLine(BaseModel):
    alert_id: str
    item_id: str
    raised_at: str


class IncidentLine(BaseModel):
    incident_id: str
    kind: str
    detail: str
    reported_at: str
    locked: bool = Field(description="False: a refused start, the kiosk is not locked")


class CandidateLine(BaseModel):
    candidate_id: str
    last_name: str
    first_names: str
    birth_date: str
    extra_time_percent: int
    accessibility_needs: bool
    status: Literal[
        "not_arrived",
        "absent",
        "waiting",
        "authorised",
        "in_progress",
        "paused",
        "locked",
        "start_refused",
        "live_alert",
        "finished",
        "record_received",
        "record_rejected",
    ]
    waiting_for: Literal["start", "resume"] | None
    exam_id: str | None
    answered: int
    question_count: int
    remaining_s: float | None
    deadline: str | None
    device_id: str | None
    device_label: str | None
    config_key: str | None = Field(description="The configuration key of the last check-in")
    config_label: str | None = Field(description="Its label on the allow-list, if it is on it")
    app_version: str | None = Field(description="The kiosk version of the last check-in")
    last_contact: str | None
    alerts: list[AlertLine]
    incidents: list[IncidentLine]
    rejection_reason: str | None
    review_reasons: list[str] = Field(
        default_factory=list,
        description="Why the result will be held for review (late_entries, offline_stretch, "
        "journal_conflict); empty for a clean exam",
    )


class RoomStatus(BaseModel):
    session_id: str
    session_state: str
    version: str = Field(description="Pass it as `since` to wait for the next change")
    server_time: str
    candidates: list[CandidateLine]


class AuthoriseResponse(BaseModel):
    candidate_id: str
    status: str
    kind: Literal["start", "resume"]


class TimingResponse(BaseModel):
    candidate_id: str
    paused: bool | None = None
    extra_s: int
    remaining_s: float
    deadline: str | None


class CandidateIds(BaseModel):
    candidate_ids: list[str]


class ExtraTimeRequest(Strict):
    minutes: int = Field(ge=1, le=120)


class EndRequest(Strict):
    abort_reason: Literal["candidate", "technical"]


class EndResponse(BaseModel):
    candidate_id: str
    status: str
    abort_reason: str


class AlertValidation(Strict):
    subcategory: InChallengeSubcategory


class AlertDecision(BaseModel):
    alert_id: str
    state: Literal["validated", "dismissed"]
    item_id: str


class UnlockResponse(BaseModel):
    incident_id: str
    unlocked: bool


class IssueReportRequest(Strict):
    category: Category
    subcategory: str | None = Field(
        default=None, max_length=50, description="Required for IN_CHALLENGE (DESIGN §4 list)"
    )
    item_id: str | None = Field(default=None, max_length=200)
    question_number: int | None = Field(default=None, ge=1, le=64)
    description: str = Field(default="", max_length=2000)


class IssueReportResponse(BaseModel):
    report_id: str
    category: str
    subcategory: str | None


class CandidateStatusChange(BaseModel):
    candidate_id: str
    status: str


class FinaliseRequest(Strict):
    remarks: str | None = Field(
        default=None,
        max_length=MAX_REMARKS,
        description="The invigilators' remarks, printed on the attendance report (optional; "
        "blank or absent keeps those already given)",
    )


class SessionState(BaseModel):
    session_id: str
    state: Literal["planned", "finalised", "published"]
    remarks: str | None = Field(default=None, description="The remarks given at finalisation")


# --- planning (admin) ---------------------------------------------------------------------------


class SessionCreateRequest(Strict):
    centre: str = Text
    room: str = Text
    date: Date
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM")
    invigilator: str = Field(default="", max_length=200)
    mode: Literal["pix", "default"] = "default"
    rehearsal: bool = Field(default=False, description="A rehearsal: never published")
    minutes: int = Field(default=105, ge=1, le=600, description="Time allowed before extra time")


class SessionCreated(BaseModel):
    session_id: str
    session_number: int
    access_code: str
    invigilator_code: str


class SessionSummary(SessionCreated):
    centre: str
    room: str
    date: str
    time: str
    invigilator: str
    mode: str
    bank_id: str
    state: str
    candidate_count: int


class CandidatesImportRequest(Strict):
    csv: str = Field(max_length=5_000_000, description="The CSV file's text (see docs/server.md)")


class ImportWarning(BaseModel):
    message_fr: str
    message_en: str


class CandidatesImported(BaseModel):
    imported: int
    candidate_ids: list[str]
    warnings: list[ImportWarning] = []  # columns of the file that were ignored


class DeviceTokenRequest(Strict):
    devices: int = Field(default=1, ge=1, le=1000)
    valid_hours: float = Field(default=24, gt=0, le=24 * 30)


class DeviceTokenResponse(BaseModel):
    token: str
    max_devices: int
    expires_at: str


class ExportRow(BaseModel):
    last_name: str
    first_names: str
    birth_date: str
    ine: str
    status: Literal["validated", "rejected", "cancelled", "pending", "absent"]
    score: int | None
    global_level: int | None
    competence_levels: dict[str, int | None]
    competences: list[CompetenceResult]
    verification_code: str | None
    session_id: str
    centre: str
    room: str
    date: str
    extra_time_percent: int
    abort_reason: str | None
    rejection_reason: str | None
    review_reasons: list[str] = Field(
        default_factory=list,
        description="Why the result is held for review (status pending); empty when clean",
    )
    config_key: str | None = Field(description="The kiosk configuration the candidate used")
    app_version: str | None
    grade: str | None = Field(None, description="6e … Tle, post-bac (from the school's roster)")
    expected_level: int | None = Field(None, description="The level the grade is expected to reach")
