"""The session sheet: the invigilator kit (codes, room, checklist) then the sign-in list."""

from datetime import date
from html import escape
from pathlib import Path

from server_stub.documents.data import Candidate, SessionFacts, SessionSheetData
from server_stub.documents.pdf_pages import PageFrame, write_pdf
from server_stub.documents.style import BLUE, GREY, RED, new_document
from server_stub.documents.wording import clock, long_date, short_date, text


def render_session_sheet(
    data: SessionSheetData, out_path: Path, lang: str = "fr", today: date | None = None
) -> int:
    """Writes the session sheet PDF; returns its page count."""
    session = data.session
    document = new_document()
    document.setHtml(_kit_html(session, len(data.candidates), lang) + _list_html(data, lang))
    title = f"{text('session_sheet', lang)} — {text('session_number', lang)} {session.number}"
    frame = PageFrame(
        head=f"{title} · {session.centre} · {session.room}",
        foot=f"{text('generated', lang)} {long_date(today or date.today(), lang)}",
        page_word=text("page", lang),
    )
    return write_pdf(document, out_path, title, frame)


def session_facts_html(
    session: SessionFacts, lang: str, extra: tuple[tuple[str, str], ...] = ()
) -> str:
    """The two-column table of where and when, shared by the sheet and the report."""
    rows = [
        (text("centre", lang), session.centre),
        (text("room", lang), session.room),
        (text("date", lang), long_date(session.day, lang)),
        (text("start", lang), clock(session.start, lang)),
        (text("examiner", lang), session.examiner),
        *extra,
    ]
    cells = "".join(
        f"<tr><td class='label' width='32%'>{escape(label)}</td>"
        f"<td><b>{escape(value)}</b></td></tr>"
        for label, value in rows
        if value
    )
    return f"<table width='100%' cellpadding='3' cellspacing='0'>{cells}</table>"


def _kit_html(session: SessionFacts, candidate_count: int, lang: str) -> str:
    facts = session_facts_html(
        session, lang, ((text("candidates_count", lang), str(candidate_count)),)
    )
    steps = "".join(f"<li>{escape(step)}</li>" for step in text("checklist", lang).split("|"))
    return f"""
<p class='muted'>{escape(text("invigilator_kit", lang))}</p>
<h1>{escape(text("session_sheet", lang))}</h1>
<p style='font-size:26pt; color:{BLUE}; font-weight:bold; margin-bottom:10pt'>
{escape(text("session_number", lang))} <span class='code'>{escape(session.number)}</span></p>
{facts}
<br/>
<table width='100%' cellpadding='12' cellspacing='0' style='background-color:{GREY}'>
<tr><td>
<p style='color:{BLUE}; font-size:13pt; font-weight:bold'>{escape(text("access_code", lang))}</p>
<p class='code' style='font-size:40pt; color:{BLUE}'>{escape(session.access_code)}</p>
<p>{escape(text("access_help", lang))}</p>
</td></tr></table>
<br/>
<table width='100%' cellpadding='12' cellspacing='0' style='border-collapse:collapse'>
<tr><td style='border: 2px solid {RED}'>
<p style='color:{RED}; font-size:13pt; font-weight:bold'>
{escape(text("invigilator_code", lang))}</p>
<p class='code' style='font-size:28pt'>{escape(session.invigilator_code)}</p>
<p class='alert'>{escape(text("confidential", lang))}</p>
</td></tr></table>
<h2>{escape(text("before_start", lang))}</h2>
<ol>{steps}</ol>
"""


def _candidate_row(number: int, candidate: Candidate, lang: str) -> str:
    extra_time = f"{candidate.extra_time_percent} %" if candidate.extra_time_percent else ""
    return (
        "<tr>"
        f"<td align='right'>{number}</td>"
        f"<td><b>{escape(candidate.last_name.upper())}</b> {escape(candidate.first_names)}</td>"
        f"<td>{short_date(candidate.birth_date, lang)}</td>"
        f"<td>{escape(candidate.external_id)}</td>"
        f"<td>{escape(extra_time)}</td>"
        f"<td>{escape(text('yes', lang)) if candidate.accessibility_needs else ''}</td>"
        "<td class='signature'></td>"
        "</tr>"
    )


_LIST_COLUMNS = (
    ("number_sign", 4),
    ("name", 23),
    ("birth_date", 12),
    ("external_id", 14),
    ("extra_time", 10),
    ("accessibility", 16),
    ("signature", 21),
)


def _list_html(data: SessionSheetData, lang: str) -> str:
    candidates = sorted(data.candidates, key=lambda candidate: candidate.sort_key)
    heading = (
        f"<h1 style='page-break-before:always'>{escape(text('sign_in_list', lang))}</h1>"
        f"<p class='muted'>{escape(text('session_number', lang))} {escape(data.session.number)}"
        f" · {escape(data.session.room)} · {long_date(data.session.day, lang)}</p>"
    )
    if not candidates:
        return heading + f"<p>{escape(text('no_candidates', lang))}</p>"
    headers = "".join(
        f"<th width='{width}%'>{escape(text(key, lang))}</th>" for key, width in _LIST_COLUMNS
    )
    rows = "".join(
        _candidate_row(number, candidate, lang) for number, candidate in enumerate(candidates, 1)
    )
    return (
        heading
        + "<table class='grid' width='100%' cellpadding='3' cellspacing='0'>"
        + f"<thead><tr>{headers}</tr></thead>{rows}</table>"
    )
