"""The schema in code: every table the migrations create, declared with SQLAlchemy Core.

The migrations (`server_stub/migrations/NNNN_name.sql`) create and change the tables; this module
says what they are, so that queries are written against names Python knows and a reader finds the
columns here. The two must agree: tests/server/db/test_tables.py compares them (columns, types,
nullability, keys, indexes) on SQLite and on PostgreSQL. A migration that changes a table changes
its declaration here in the same commit.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", Text, primary_key=True),
    Column("login", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("is_admin", Boolean, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("disabled_at", Double),
    UniqueConstraint("login"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("alert_id", Text, primary_key=True),
    Column("exam_id", Text, ForeignKey("exams.exam_id"), nullable=False),
    Column("item_id", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("subcategory", Text),
    Column("raised_at", Double, nullable=False),
    Column("resolved_at", Double),
)

api_clients = Table(
    "api_clients",
    metadata,
    Column("client_id", Text, primary_key=True),
    Column("secret_hash", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("label", Text, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("revoked_at", Double),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("at", Double, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("uai", Text),
    Column("target", Text),
    Column("detail", Text, nullable=False),
    Index("audit_log_by_time", "at"),
)

bank_configs = Table(
    "bank_configs",
    metadata,
    Column("bank_id", Text, ForeignKey("banks.bank_id"), primary_key=True),
    Column("mode", Text, primary_key=True),
    Column("config", Text, nullable=False),
)

banks = Table(
    "banks",
    metadata,
    Column("bank_id", Text, primary_key=True),
    Column("file_name", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("item_count", Integer, nullable=False),
    Column("published_at", Double, nullable=False),
)

candidates = Table(
    "candidates",
    metadata,
    Column("candidate_id", Text, primary_key=True),
    Column("session_id", Text, ForeignKey("sessions.session_id"), nullable=False),
    Column("last_name", Text, nullable=False),
    Column("first_names", Text, nullable=False),
    Column("birth_date", Text, nullable=False),
    Column("ine", Text, nullable=False),
    Column("extra_time_percent", Integer, nullable=False),
    Column("accessibility_needs", Boolean, nullable=False),
    Column("status", Text, nullable=False),
    Column("device_id", Text),
    Column("checked_in_at", Double),
    Column("config_key", Text),
    Column("app_version", Text),
    Column("student_id", Text),
    Column("grade", Text),
    Column("expected_level", Integer),
    Index("candidates_by_session", "session_id"),
)

config_keys = Table(
    "config_keys",
    metadata,
    Column("config_key", Text, primary_key=True),
    Column("label", Text, nullable=False),
    Column("allowed_at", Double, nullable=False),
)

console_tokens = Table(
    "console_tokens",
    metadata,
    Column("token_digest", Text, primary_key=True),
    Column("session_id", Text, ForeignKey("sessions.session_id"), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("expires_at", Double, nullable=False),
)

device_commands = Table(
    "device_commands",
    metadata,
    Column("device_id", Text, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("exam_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("issued_at", Double, nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("device_id", Text, primary_key=True),
    Column("label", Text, nullable=False),
    Column("signing_key", Text, nullable=False),
    Column("exchange_key", Text, nullable=False),
    Column("token_digest", Text, nullable=False),
    Column("enrolment_token_id", Text, nullable=False),
    Column("enrolled_at", Double, nullable=False),
    Column("revoked_at", Double),
    UniqueConstraint("signing_key"),
    UniqueConstraint("token_digest"),
)

enrolment_tokens = Table(
    "enrolment_tokens",
    metadata,
    Column("token_id", Text, primary_key=True),
    Column("token_digest", Text, nullable=False),
    Column("max_devices", Integer, nullable=False),
    Column("enrolled_devices", Integer, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("expires_at", Double, nullable=False),
    UniqueConstraint("token_digest"),
)

exams = Table(
    "exams",
    metadata,
    Column("exam_id", Text, primary_key=True),
    Column("candidate_id", Text, ForeignKey("candidates.candidate_id"), nullable=False),
    Column("session_id", Text, ForeignKey("sessions.session_id"), nullable=False),
    Column("device_id", Text, ForeignKey("devices.device_id"), nullable=False),
    Column("bank_id", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("time_allowed_seconds", Integer, nullable=False),
    Column("extra_seconds", Integer, nullable=False),
    Column("authorised_at", Double, nullable=False),
    Column("started_at", Double),
    Column("ended_at", Double),
    Column("abort_reason", Text),
    Column("answered", Integer, nullable=False),
    Column("head_seq", Integer, nullable=False),
    Column("head_hash", Text),
    Column("ticket", Text),
    Column("last_contact_at", Double),
    Column("longest_offline_s", Double, nullable=False),
    Column("review_reasons", Text),
    Column("committed_seq", Integer, nullable=False),
    Column("head_elapsed_ms", BigInteger, nullable=False),
    # The clock starts by then at the latest (the start ticket's issue + START_WINDOW_S).
    Column("start_by", Double),
    UniqueConstraint("candidate_id"),
    Index("exams_by_session", "session_id"),
)

head_commitments = Table(
    "head_commitments",
    metadata,
    Column("exam_id", Text, ForeignKey("exams.exam_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("head_hash", Text, nullable=False),
    Column("signature", Text, nullable=False),
    Column("received_at", Double, nullable=False),
)

incidents = Table(
    "incidents",
    metadata,
    Column("incident_id", Text, primary_key=True),
    Column("exam_id", Text, ForeignKey("exams.exam_id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("reported_at", Double, nullable=False),
    Column("resolved_at", Double),
    Column("locked", Boolean, nullable=False),
    Index("incidents_by_exam", "exam_id"),
)

issue_reports = Table(
    "issue_reports",
    metadata,
    Column("report_id", Text, primary_key=True),
    Column("session_id", Text, ForeignKey("sessions.session_id"), nullable=False),
    Column("candidate_id", Text, ForeignKey("candidates.candidate_id"), nullable=False),
    Column("category", Text, nullable=False),
    Column("subcategory", Text),
    Column("item_id", Text),
    Column("description", Text, nullable=False),
    Column("created_at", Double, nullable=False),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("device_id", Text, primary_key=True),
    Column("exam_id", Text, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("entry", Text, nullable=False),
    Column("entry_hash", Text, nullable=False),
    Column("signature", Text, nullable=False),
    Column("received_at", Double, nullable=False),
)

lockouts = Table(
    "lockouts",
    metadata,
    Column("session_id", Text, primary_key=True),
    Column("scope", Text, primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", Double),
)

memberships = Table(
    "memberships",
    metadata,
    Column("account_id", Text, ForeignKey("accounts.account_id"), primary_key=True),
    Column("uai", Text, primary_key=True),
    Column("role", Text, primary_key=True),
    Column("created_at", Double, nullable=False),
)

organisations = Table(
    "organisations",
    metadata,
    Column("uai", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("created_at", Double, nullable=False),
)

pauses = Table(
    "pauses",
    metadata,
    Column("exam_id", Text, ForeignKey("exams.exam_id"), primary_key=True),
    Column("started_at", Double, primary_key=True),
    Column("ended_at", Double),
    Column("reason", Text, nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("device_id", Text, primary_key=True),
    Column("exam_id", Text, primary_key=True),
    Column("record_hash", Text, nullable=False),
    Column("record", Text, nullable=False),
    Column("received_at", Double, nullable=False),
    Column("receipt", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("reason_code", Text),
    Column("reason_detail", Text),
)

results = Table(
    "results",
    metadata,
    Column("exam_id", Text, ForeignKey("exams.exam_id"), primary_key=True),
    Column("candidate_id", Text, ForeignKey("candidates.candidate_id"), nullable=False),
    Column("status", Text, nullable=False),
    Column("score", Integer, nullable=False),
    Column("global_level", Integer, nullable=False),
    Column("competence_levels", Text, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("abort_reason", Text),
    Column("scored_at", Double, nullable=False),
    Column("verification_code", Text),
    Column("unmeasured_competences", Text, nullable=False),
    UniqueConstraint("candidate_id"),
    UniqueConstraint("verification_code"),
)

review_decisions = Table(
    "review_decisions",
    metadata,
    Column("decision_id", Text, primary_key=True),
    Column("candidate_id", Text, ForeignKey("candidates.candidate_id"), nullable=False),
    Column("session_id", Text, ForeignKey("sessions.session_id"), nullable=False),
    Column("decision", Text, nullable=False),
    Column("item_id", Text),
    Column("reason", Text, nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("decided_at", Double, nullable=False),
    Index("review_decisions_by_candidate", "candidate_id"),
)

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("applied_at", Double, nullable=False),
)

security_log = Table(
    "security_log",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("at", Double, nullable=False),
    Column("kind", Text, nullable=False),
    Column("session_id", Text),
    Column("device_id", Text),
    Column("detail", Text, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("session_id", Text, primary_key=True),
    Column("session_number", Integer, nullable=False),
    Column("centre", Text, nullable=False),
    Column("room", Text, nullable=False),
    Column("exam_date", Text, nullable=False),
    Column("start_time", Text, nullable=False),
    Column("invigilator", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("bank_id", Text, ForeignKey("banks.bank_id"), nullable=False),
    Column("access_code", Text, nullable=False),
    Column("invigilator_code", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("finalised_at", Double),
    Column("published_at", Double),
    Column("finalisation_remarks", Text),
    Column("rehearsal", Boolean, nullable=False),
    Column("base_minutes", Integer, nullable=False),
    Column("uai", Text),
    UniqueConstraint("session_number"),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("realm", Text, primary_key=True),
    Column("source", Text, primary_key=True),
    Column("login", Text, primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", Double, nullable=False),
    Index("sign_in_failures_by_time", "last_failure_at"),
)

students = Table(
    "students",
    metadata,
    Column("student_id", Text, primary_key=True),
    Column("uai", Text, ForeignKey("organisations.uai"), nullable=False),
    Column("ine", Text),
    Column("last_name", Text, nullable=False),
    Column("preferred_last_name", Text),
    Column("first_name", Text, nullable=False),
    Column("middle_name", Text),
    Column("third_name", Text),
    Column("sex", Text),
    Column("birth_date", Text, nullable=False),
    Column("birth_place", Text),
    Column("division", Text, nullable=False),
    Column("grade", Text),
    Column("extra_time_percent", Integer, nullable=False),
    Column("accessibility_needs", Boolean, nullable=False),
    Column("imported_at", Double, nullable=False),
    Column("archived_at", Double),
    Index("students_by_class", "uai", "division"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("ticket_id", Text, primary_key=True),
    Column("exam_id", Text, ForeignKey("exams.exam_id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("issued_at", Double, nullable=False),
    Column("ticket", Text, nullable=False),
)

# The web space's sessions (0027_web_sessions.sql, server_stub/web/web_sessions.py).
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", Text, primary_key=True),
    Column("created_at", Double, nullable=False),
    Column("last_seen", Double, nullable=False),
    Column("lang", Text, nullable=False),
    Column("account_login", Text),
    Column("student_id", Text),
    Column("student", Text),
    Column("pending", Text),
    Column("flash", Text, nullable=False),
    Column("feedback", Text, nullable=False),
    Index("web_sessions_by_last_seen", "last_seen"),
    Index("web_sessions_by_created_at", "created_at"),
    Index("web_sessions_by_student", "student_id"),
)

# Practice before certification day (0023_practice.sql, 0025_practice_credentials.sql,
# server_stub/practice/).

campaigns = Table(
    "campaigns",
    metadata,
    Column("code", Text, primary_key=True),
    Column("uai", Text, ForeignKey("organisations.uai"), nullable=False),
    Column("title", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("parcours_id", Text),
    Column("multiple_sendings", Boolean, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("closed_at", Double),
    Column("archived_at", Double),
    Column("rehearsal", Boolean, nullable=False),
    Index("campaigns_by_school", "uai"),
)

campaign_classes = Table(
    "campaign_classes",
    metadata,
    Column("code", Text, ForeignKey("campaigns.code"), primary_key=True),
    Column("division", Text, primary_key=True),
)

practice_accounts = Table(
    "practice_accounts",
    metadata,
    Column("student_id", Text, ForeignKey("students.student_id"), primary_key=True),
    Column("login", Text, nullable=False),
    Column("code_hash", Text, nullable=False),
    Column("code_issued_at", Double, nullable=False),
    Column("first_sign_in_at", Double),
    Column("password_hash", Text),
    UniqueConstraint("login"),
)

participations = Table(
    "participations",
    metadata,
    Column("code", Text, ForeignKey("campaigns.code"), primary_key=True),
    Column("student_id", Text, ForeignKey("students.student_id"), primary_key=True),
    Column("joined_at", Double, nullable=False),
    Column("current_item", Text),
    Column("finished_at", Double),
    Column("last_seen_at", Double, nullable=False),
    Column("sequence", Integer, nullable=False),
)

practice_answers = Table(
    "practice_answers",
    metadata,
    Column("answer_id", Text, primary_key=True),
    Column("student_id", Text, ForeignKey("students.student_id"), nullable=False),
    Column("code", Text, ForeignKey("campaigns.code"), nullable=False),
    Column("item_id", Text, nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("answered_at", Double, nullable=False),
    Index("practice_answers_by_student", "student_id", "answered_at"),
)

profile_sendings = Table(
    "profile_sendings",
    metadata,
    Column("sending_id", Text, primary_key=True),
    Column("code", Text, ForeignKey("campaigns.code"), nullable=False),
    Column("student_id", Text, ForeignKey("students.student_id"), nullable=False),
    Column("sent_at", Double, nullable=False),
    Column("pix_score", Integer, nullable=False),
    Column("certifiable", Boolean, nullable=False),
    Column("certifiable_competences", Integer, nullable=False),
    Column("competence_levels", Text, nullable=False),
    Index("profile_sendings_by_campaign", "code", "student_id", "sent_at"),
)
