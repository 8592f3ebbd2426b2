"""The attendance and incident report ("procès-verbal"): who sat, how each test ended, what the
invigilators recorded, their remarks and signatures."""

from datetime import date
from html import escape
from pathlib import Path

from server_stub.documents.data import AttendanceReportData, AttendanceRow, Incident
from server_stub.documents.pdf_pages import PageFrame, write_pdf
from server_stub.documents.session_sheet import session_facts_html
from server_stub.documents.style import BLUE, GREY, RED, new_document
from server_stub.documents.wording import clock, code_label, date_and_clock, long_date, text

EXAM_LENGTH = 32


def render_attendance_report(
    data: AttendanceReportData, out_path: Path, lang: str = "fr", today: date | None = None
) -> int:
    """Writes the attendance and incident report PDF; returns its page count."""
    session = data.session
    document = new_document()
    document.setHtml(
        _heading_html(data, lang)
        + _summary_html(data.rows, lang)
        + _attendance_html(data.rows, lang)
        + _incidents_html(data.incidents, lang)
        + _closing_html(data, lang)
    )
    title = f"{text('attendance_report', lang)} — {text('session_number', lang)} {session.number}"
    frame = PageFrame(
        head=f"{title} · {session.centre} · {session.room}",
        foot=f"{text('generated', lang)} {long_date(today or date.today(), lang)}",
        page_word=text("page", lang),
    )
    return write_pdf(document, out_path, title, frame)


def _heading_html(data: AttendanceReportData, lang: str) -> str:
    session = data.session
    if data.finalised_at is None:
        status = f"<p class='alert'>{escape(text('not_finalised', lang))}</p>"
    else:
        finalised = date_and_clock(data.finalised_at, lang)
        status = (
            f"<p style='margin-top:6pt'><b>{escape(text('finalised_at', lang))} "
            f"{escape(finalised)}</b></p>"
        )
    return (
        f"<h1>{escape(text('attendance_report', lang))}</h1>"
        f"<p style='font-size:16pt; color:{BLUE}; font-weight:bold'>"
        f"{escape(text('session_number', lang))} {escape(session.number)}</p>"
        + session_facts_html(session, lang)
        + status
    )


def _summary_html(rows: tuple[AttendanceRow, ...], lang: str) -> str:
    absent = sum(row.outcome == "absent" for row in rows)
    counts = (
        ("candidates_count", len(rows)),
        ("present", len(rows) - absent),
        ("absent_count", absent),
        ("finished_count", sum(row.outcome == "finished" for row in rows)),
        ("aborted_count", sum(row.outcome == "aborted" for row in rows)),
    )
    cells = "".join(
        f"<td width='20%' align='center' style='background-color:{GREY}'>"
        f"<p style='font-size:20pt; font-weight:bold; color:{BLUE}'>{count}</p>"
        f"<p>{escape(text(key, lang))}</p></td>"
        for key, count in counts
    )
    return (
        f"<h2>{escape(text('summary', lang))}</h2>"
        f"<table width='100%' cellspacing='6' cellpadding='6'><tr>{cells}</tr></table>"
    )


def _outcome(row: AttendanceRow, lang: str) -> str:
    label = escape(code_label(row.outcome, lang))
    if row.abort_reason:
        label += f"<br/><span class='muted'>{escape(code_label(row.abort_reason, lang))}</span>"
    return label


def _times(row: AttendanceRow, lang: str) -> str:
    """`14 h 05 – 15 h 40`; an open end (`…`) only while the test may still be running."""
    if row.started_at is None:
        return ""
    if row.ended_at is not None:
        return f"{clock(row.started_at, lang)} – {clock(row.ended_at, lang)}"
    return clock(row.started_at, lang) + (" – …" if row.outcome == "not_finished" else "")


_ATTENDANCE_COLUMNS = (
    ("number_sign", 5),
    ("name", 25),
    ("outcome", 16),
    ("answers", 11),
    ("times", 18),
    ("device", 11),
    ("certification", 14),
)


def _attendance_html(rows: tuple[AttendanceRow, ...], lang: str) -> str:
    heading = f"<h2>{escape(text('attendance', lang))}</h2>"
    if not rows:
        return heading + f"<p>{escape(text('no_candidates', lang))}</p>"
    headers = "".join(
        f"<th width='{width}%'>{escape(text(key, lang))}</th>" for key, width in _ATTENDANCE_COLUMNS
    )
    ordered = sorted(rows, key=lambda row: row.candidate.sort_key)
    lines = []
    for number, row in enumerate(ordered, 1):
        candidate = row.candidate
        absent = row.outcome == "absent"
        answers = "" if absent else f"{row.answers} / {EXAM_LENGTH}"
        style = f" style='color:{RED}'" if row.outcome == "aborted" else ""
        lines.append(
            "<tr>"
            f"<td align='right'>{number}</td>"
            f"<td><b>{escape(candidate.last_name.upper())}</b> {escape(candidate.first_names)}"
            f"</td><td{style}>{_outcome(row, lang)}</td>"
            f"<td>{answers}</td>"
            f"<td>{_times(row, lang)}</td>"
            f"<td>{escape(row.device)}</td>"
            f"<td>{escape(code_label(row.certification_status, lang))}</td>"
            "</tr>"
        )
    return (
        heading
        + "<table class='grid' width='100%' cellpadding='4' cellspacing='0'>"
        + f"<thead><tr>{headers}</tr></thead>{''.join(lines)}</table>"
    )


def _incident_kind(incident: Incident, lang: str) -> str:
    kind = escape(code_label(incident.kind, lang))
    details = [
        code_label(code, lang) for code in (incident.subcategory, incident.resolution) if code
    ]
    if details:
        kind += f"<br/><span class='muted'>{escape(' · '.join(details))}</span>"
    return kind


_INCIDENT_COLUMNS = (("time", 10), ("candidate", 26), ("kind", 28), ("details", 36))


def _incidents_html(incidents: tuple[Incident, ...], lang: str) -> str:
    heading = f"<h2>{escape(text('incidents', lang))}</h2>"
    if not incidents:
        return heading + f"<p>{escape(text('no_incidents', lang))}</p>"
    headers = "".join(
        f"<th width='{width}%'>{escape(text(key, lang))}</th>" for key, width in _INCIDENT_COLUMNS
    )
    lines = "".join(
        "<tr>"
        f"<td>{clock(incident.at, lang)}</td>"
        f"<td>{escape(incident.candidate_name or text('whole_room', lang))}</td>"
        f"<td>{_incident_kind(incident, lang)}</td>"
        f"<td>{escape(incident.description)}</td>"
        "</tr>"
        for incident in sorted(incidents, key=lambda incident: incident.at)
    )
    return (
        heading
        + "<table class='grid' width='100%' cellpadding='4' cellspacing='0'>"
        + f"<thead><tr>{headers}</tr></thead>{lines}</table>"
    )


def _closing_html(data: AttendanceReportData, lang: str) -> str:
    comment = escape(data.comment).replace("\n", "<br/>") or escape(text("no_comment", lang))
    return (
        f"<h2>{escape(text('comment', lang))}</h2><p>{comment}</p>"
        f"<h2>{escape(text('signatures', lang))}</h2>"
        "<table width='100%' cellspacing='0' cellpadding='0' style='border-collapse:collapse'>"
        "<tr><td width='50%' class='signature-box'>&nbsp;</td>"
        "<td width='50%' class='signature-box'>&nbsp;</td></tr></table>"
    )
