"""The session sheet: the invigilator kit (codes, room, checklist) then the sign-in list."""

from datetime import date
from pathlib import Path

from server_stub.documents.data import Candidate, SessionFacts, SessionSheetData
from server_stub.documents.grid import Cell, Grid, GridDrawer
from server_stub.documents.pdf_pages import DocumentPdf, Line, PageFrame, Run, save_pdf
from server_stub.documents.style import BLUE, BODY_POINTS, GREY, MUTED, RED
from server_stub.documents.wording import clock, long_date, short_date, text

SIGNATURE_ROW_MM = 11.0


def build_session_sheet(
    data: SessionSheetData, lang: str = "fr", today: date | None = None
) -> DocumentPdf:
    session = data.session
    title = f"{text('session_sheet', lang)} — {text('session_number', lang)} {session.number}"
    frame = PageFrame(
        head=f"{title} · {session.centre} · {session.room}",
        foot=f"{text('generated', lang)} {long_date(today or date.today(), lang)}",
        page_word=text("page", lang),
    )
    pdf = DocumentPdf(title, frame, lang)
    _kit(pdf, session, len(data.candidates), lang)
    _sign_in_list(pdf, data, lang)
    return pdf


def render_session_sheet(
    data: SessionSheetData, out_path: Path, lang: str = "fr", today: date | None = None
) -> int:
    """Writes the session sheet PDF; returns its page count."""
    return save_pdf(build_session_sheet(data, lang, today), out_path)


def session_facts(
    pdf: DocumentPdf, session: SessionFacts, lang: str, extra: tuple[tuple[str, str], ...] = ()
) -> None:
    """The two-column table of where and when, shared by the sheet and the report."""
    rows = [
        (text("centre", lang), session.centre),
        (text("room", lang), session.room),
        (text("date", lang), long_date(session.day, lang)),
        (text("start", lang), clock(session.start, lang)),
        (text("examiner", lang), session.examiner),
        *extra,
    ]
    grid = GridDrawer(pdf, Grid(widths=(32, 68), size=BODY_POINTS, ruled=False, padding=0.9))
    for label, value in rows:
        if value:
            grid.row((Cell(label, color=MUTED), Cell(value, bold=True)))


def _kit(pdf: DocumentPdf, session: SessionFacts, candidate_count: int, lang: str) -> None:
    pdf.paragraph(text("invigilator_kit", lang), color=MUTED)
    pdf.heading1(text("session_sheet", lang))
    pdf.runs(
        (
            Run(f"{text('session_number', lang)} ", 26, bold=True, color=BLUE),
            Run(session.number, 26, bold=True, color=BLUE, mono=True),
        ),
        after=10,
    )
    session_facts(pdf, session, lang, ((text("candidates_count", lang), str(candidate_count)),))
    pdf.space(12)
    pdf.box(
        [
            Line((Run(text("access_code", lang), 13, bold=True, color=BLUE),)),
            Line((Run(session.access_code, 40, bold=True, color=BLUE, mono=True),)),
            Line((Run(text("access_help", lang)),), after=0),
        ],
        fill=GREY,
    )
    pdf.space(12)
    pdf.box(
        [
            Line((Run(text("invigilator_code", lang), 13, bold=True, color=RED),)),
            Line((Run(session.invigilator_code, 28, bold=True, mono=True),)),
            Line((Run(text("confidential", lang), bold=True, color=RED),), after=0),
        ],
        border=RED,
        border_mm=0.6,
    )
    pdf.heading2(text("before_start", lang))
    for number, step in enumerate(text("checklist", lang).split("|"), 1):
        pdf.use_font(BODY_POINTS)
        pdf.set_x(pdf.l_margin + 4)
        pdf.cell(6, pdf.line_height(BODY_POINTS), f"{number}.", align="R")
        pdf.set_x(pdf.l_margin + 11)
        pdf.paragraph(step, width=pdf.epw - 11, after=2)
        pdf.set_x(pdf.l_margin)


def _candidate_row(number: int, candidate: Candidate, lang: str) -> tuple[Cell, ...]:
    extra_time = f"{candidate.extra_time_percent} %" if candidate.extra_time_percent else ""
    return (
        Cell(str(number), align="R"),
        Cell(candidate.first_names, lead=candidate.last_name.upper()),
        Cell(short_date(candidate.birth_date, lang)),
        Cell(candidate.external_id),
        Cell(extra_time),
        Cell(text("yes", lang) if candidate.accessibility_needs else ""),
        Cell(),
    )


_LIST_COLUMNS = (
    ("number_sign", 5),
    ("name", 23),
    ("birth_date", 12),
    ("external_id", 14),
    ("extra_time", 13),
    ("accessibility", 17),
    ("signature", 16),
)


def _sign_in_list(pdf: DocumentPdf, data: SessionSheetData, lang: str) -> None:
    pdf.add_page()
    pdf.heading1(text("sign_in_list", lang))
    pdf.paragraph(
        f"{text('session_number', lang)} {data.session.number} · {data.session.room} · "
        f"{long_date(data.session.day, lang)}",
        color=MUTED,
    )
    candidates = sorted(data.candidates, key=lambda candidate: candidate.sort_key)
    if not candidates:
        pdf.paragraph(text("no_candidates", lang))
        return
    grid = GridDrawer(
        pdf,
        Grid(
            widths=[width for _, width in _LIST_COLUMNS],
            headers=[text(key, lang) for key, _ in _LIST_COLUMNS],
        ),
    )
    for number, candidate in enumerate(candidates, 1):
        grid.row(_candidate_row(number, candidate, lang), least=SIGNATURE_ROW_MM)
