"""The documents as PDF bytes, for the server's routes (the console downloads them).

Each render (a tenth of a second) runs on the render thread (render_thread.py), one at a time;
the caller waits for it without holding the server's event loop.
"""

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from server_stub.database import Database
from server_stub.documents.attendance_report import render_attendance_report
from server_stub.documents.certificate import render_certificate
from server_stub.documents.loading import (
    load_attendance_report,
    load_certificate,
    load_session_sheet,
)
from server_stub.documents.render_thread import submit
from server_stub.documents.session_sheet import render_session_sheet


def _pdf(render: Callable[[Any, Path, str], int], data: Any, lang: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="pix-pdf-") as folder:
        path = Path(folder) / "document.pdf"
        submit(lambda: render(data, path, lang)).result()
        return path.read_bytes()


def session_sheet_pdf(db: Database, session_id: str, lang: str = "fr") -> bytes:
    return _pdf(render_session_sheet, load_session_sheet(db, session_id), lang)


def attendance_report_pdf(db: Database, session_id: str, lang: str = "fr") -> bytes:
    return _pdf(render_attendance_report, load_attendance_report(db, session_id), lang)


def certificate_pdf(
    db: Database, verification_code: str, lookup_url: str, lang: str = "fr"
) -> bytes:
    return _pdf(render_certificate, load_certificate(db, verification_code, lookup_url), lang)
