"""Printable PDF documents made with Qt's own PDF writer: the session sheet, the attendance and
incident report, and the candidate's certificate."""

from server_stub.documents.attendance_report import render_attendance_report
from server_stub.documents.certificate import CertificateDataError, render_certificate
from server_stub.documents.data import (
    AttendanceReportData,
    AttendanceRow,
    Candidate,
    CertificateData,
    Incident,
    SessionFacts,
    SessionSheetData,
)
from server_stub.documents.session_sheet import render_session_sheet

__all__ = [
    "AttendanceReportData",
    "AttendanceRow",
    "Candidate",
    "CertificateData",
    "CertificateDataError",
    "Incident",
    "SessionFacts",
    "SessionSheetData",
    "render_attendance_report",
    "render_certificate",
    "render_session_sheet",
]
