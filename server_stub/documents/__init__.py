"""Printable PDF documents drawn with fpdf2, in memory and in any thread: the session sheet, the
attendance and incident report, and the candidate's certificate."""

from server_stub.documents.attendance_report import (
    build_attendance_report,
    render_attendance_report,
)
from server_stub.documents.certificate import (
    CertificateDataError,
    build_certificate,
    render_certificate,
)
from server_stub.documents.data import (
    AttendanceReportData,
    AttendanceRow,
    Candidate,
    CertificateData,
    Incident,
    SessionFacts,
    SessionSheetData,
)
from server_stub.documents.session_sheet import build_session_sheet, render_session_sheet

__all__ = [
    "AttendanceReportData",
    "AttendanceRow",
    "Candidate",
    "CertificateData",
    "CertificateDataError",
    "Incident",
    "SessionFacts",
    "SessionSheetData",
    "build_attendance_report",
    "build_certificate",
    "build_session_sheet",
    "render_attendance_report",
    "render_certificate",
    "render_session_sheet",
]
