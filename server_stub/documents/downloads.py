"""The documents as PDF bytes, for the server's routes (the console downloads them).

A render is plain Python work in memory: the routes run it in the thread pool, so the event loop
never waits on it, and several may run at once.
"""

from server_stub.db.database import Database
from server_stub.documents.attendance_report import build_attendance_report
from server_stub.documents.certificate import build_certificate
from server_stub.documents.loading import (
    load_attendance_report,
    load_certificate,
    load_session_sheet,
)
from server_stub.documents.session_sheet import build_session_sheet


def session_sheet_pdf(db: Database, session_id: str, lang: str = "fr") -> bytes:
    return build_session_sheet(load_session_sheet(db, session_id), lang).finished()


def attendance_report_pdf(db: Database, session_id: str, lang: str = "fr") -> bytes:
    return build_attendance_report(load_attendance_report(db, session_id), lang).finished()


def certificate_pdf(
    db: Database, verification_code: str, lookup_url: str, lang: str = "fr"
) -> bytes:
    data = load_certificate(db, verification_code, lookup_url)
    return build_certificate(data, lang).finished()
