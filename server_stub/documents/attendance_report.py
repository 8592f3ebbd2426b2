"""The attendance and incident report ("procès-verbal"): who sat, how each test ended, what the
invigilators recorded, their remarks and signatures."""

from datetime import date
from pathlib import Path

from server_stub.documents.data import AttendanceReportData, AttendanceRow, Incident
from server_stub.documents.grid import Cell, Grid, GridDrawer
from server_stub.documents.pdf_pages import DocumentPdf, PageFrame, save_pdf
from server_stub.documents.session_sheet import session_facts
from server_stub.documents.style import BLUE, BODY_POINTS, GREY, INK, RED
from server_stub.documents.wording import clock, code_label, date_and_clock, long_date, text

EXAM_LENGTH = 32
SIGNATURE_BOX_MM = 30.0


def build_attendance_report(
    data: AttendanceReportData, lang: str = "fr", today: date | None = None
) -> DocumentPdf:
    session = data.session
    title = f"{text('attendance_report', lang)} — {text('session_number', lang)} {session.number}"
    frame = PageFrame(
        head=f"{title} · {session.centre} · {session.room}",
        foot=f"{text('generated', lang)} {long_date(today or date.today(), lang)}",
        page_word=text("page", lang),
    )
    pdf = DocumentPdf(title, frame, lang)
    _heading(pdf, data, lang)
    _summary(pdf, data.rows, lang)
    _attendance(pdf, data.rows, lang)
    _incidents(pdf, data.incidents, lang)
    _closing(pdf, data, lang)
    return pdf


def render_attendance_report(
    data: AttendanceReportData, out_path: Path, lang: str = "fr", today: date | None = None
) -> int:
    """Writes the attendance and incident report PDF; returns its page count."""
    return save_pdf(build_attendance_report(data, lang, today), out_path)


def _heading(pdf: DocumentPdf, data: AttendanceReportData, lang: str) -> None:
    session = data.session
    pdf.heading1(text("attendance_report", lang))
    pdf.paragraph(f"{text('session_number', lang)} {session.number}", 16, bold=True, color=BLUE)
    session_facts(pdf, session, lang)
    if data.finalised_at is None:
        pdf.paragraph(text("not_finalised", lang), bold=True, color=RED)
    else:
        pdf.space(6)
        finalised = date_and_clock(data.finalised_at, lang)
        pdf.paragraph(f"{text('finalised_at', lang)} {finalised}", bold=True)


def _summary(pdf: DocumentPdf, rows: tuple[AttendanceRow, ...], lang: str) -> None:
    absent = sum(row.outcome == "absent" for row in rows)
    counts = (
        ("candidates_count", len(rows)),
        ("present", len(rows) - absent),
        ("absent_count", absent),
        ("finished_count", sum(row.outcome == "finished" for row in rows)),
        ("aborted_count", sum(row.outcome == "aborted" for row in rows)),
    )
    pdf.heading2(text("summary", lang))
    grid = GridDrawer(
        pdf, Grid(widths=(20,) * 5, size=BODY_POINTS, ruled=False, gap=2.0, padding=2.0)
    )
    grid.row(
        [
            Cell(
                str(count),
                size=20,
                bold=True,
                color=BLUE,
                align="C",
                fill=GREY,
                note=text(key, lang),
                note_color=INK,
            )
            for key, count in counts
        ]
    )


def _outcome(row: AttendanceRow, lang: str) -> Cell:
    return Cell(
        code_label(row.outcome, lang),
        color=RED if row.outcome == "aborted" else INK,
        note=code_label(row.abort_reason, lang) if row.abort_reason else "",
    )


def _times(row: AttendanceRow, lang: str) -> str:
    """`14 h 05 – 15 h 40`; an open end (`…`) only while the test may still be running."""
    if row.started_at is None:
        return ""
    if row.ended_at is not None:
        return f"{clock(row.started_at, lang)} – {clock(row.ended_at, lang)}"
    return clock(row.started_at, lang) + (" – …" if row.outcome == "not_finished" else "")


_ATTENDANCE_COLUMNS = (
    ("number_sign", 5),
    ("name", 26),
    ("outcome", 16),
    ("answers", 11),
    ("times", 17),
    ("device", 10),
    ("certification", 15),
)


def _attendance(pdf: DocumentPdf, rows: tuple[AttendanceRow, ...], lang: str) -> None:
    pdf.heading2(text("attendance", lang))
    if not rows:
        pdf.paragraph(text("no_candidates", lang))
        return
    grid = GridDrawer(
        pdf,
        Grid(
            widths=[width for _, width in _ATTENDANCE_COLUMNS],
            headers=[text(key, lang) for key, _ in _ATTENDANCE_COLUMNS],
        ),
    )
    for number, row in enumerate(sorted(rows, key=lambda row: row.candidate.sort_key), 1):
        candidate = row.candidate
        answers = "" if row.outcome == "absent" else f"{row.answers} / {EXAM_LENGTH}"
        grid.row(
            (
                Cell(str(number), align="R"),
                Cell(candidate.first_names, lead=candidate.last_name.upper()),
                _outcome(row, lang),
                Cell(answers),
                Cell(_times(row, lang)),
                Cell(row.device),
                Cell(code_label(row.certification_status, lang)),
            )
        )


def _incident_kind(incident: Incident, lang: str) -> Cell:
    details = [
        code_label(code, lang) for code in (incident.subcategory, incident.resolution) if code
    ]
    return Cell(code_label(incident.kind, lang), note=" · ".join(details))


_INCIDENT_COLUMNS = (("time", 10), ("candidate", 24), ("kind", 32), ("details", 34))


def _incidents(pdf: DocumentPdf, incidents: tuple[Incident, ...], lang: str) -> None:
    pdf.heading2(text("incidents", lang))
    if not incidents:
        pdf.paragraph(text("no_incidents", lang))
        return
    grid = GridDrawer(
        pdf,
        Grid(
            widths=[width for _, width in _INCIDENT_COLUMNS],
            headers=[text(key, lang) for key, _ in _INCIDENT_COLUMNS],
        ),
    )
    for incident in sorted(incidents, key=lambda incident: incident.at):
        grid.row(
            (
                Cell(clock(incident.at, lang)),
                Cell(incident.candidate_name or text("whole_room", lang)),
                _incident_kind(incident, lang),
                Cell(incident.description),
            )
        )


def _closing(pdf: DocumentPdf, data: AttendanceReportData, lang: str) -> None:
    pdf.heading2(text("comment", lang))
    pdf.paragraph(data.comment or text("no_comment", lang))
    pdf.heading2(text("signatures", lang), room_after=SIGNATURE_BOX_MM)
    GridDrawer(pdf, Grid(widths=(50, 50))).row((Cell(), Cell()), least=SIGNATURE_BOX_MM)
