"""Printable PDF documents drawn with fpdf2, in memory and in any thread: the session sheet, the
attendance and incident report, and the candidate's certificate.

The names below are loaded from their modules when first used (PEP 562), not with the package:
the `pix-server` commands read `documents.wording` for their options, and every command process
would otherwise load fpdf2 and its fonts to start."""

import importlib
from typing import Any

_MODULES = {
    "build_attendance_report": "attendance_report",
    "render_attendance_report": "attendance_report",
    "CertificateDataError": "certificate",
    "build_certificate": "certificate",
    "render_certificate": "certificate",
    "AttendanceReportData": "data",
    "AttendanceRow": "data",
    "Candidate": "data",
    "CertificateData": "data",
    "Incident": "data",
    "SessionFacts": "data",
    "SessionSheetData": "data",
    "build_session_sheet": "session_sheet",
    "render_session_sheet": "session_sheet",
}

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


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
    globals()[name] = value
    return value
