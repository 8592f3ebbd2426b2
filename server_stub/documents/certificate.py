"""The candidate's certificate: score out of 895, global level, the 16 competence levels by
area, and the verification code with its QR code, on one A4 page."""

from html import escape
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from engine.canonical import BilingualError
from engine.referential import AREAS, COMPETENCE_CODES, competences_of
from server_stub.documents.data import CertificateData
from server_stub.documents.pdf_pages import PageFrame, write_pdf
from server_stub.documents.qr import qr_image
from server_stub.documents.style import BLUE, GREY, RULE, new_document
from server_stub.documents.wording import global_level_label, long_date, text

MAX_SCORE = 895
MAX_LEVEL = 7
QR_URL = QUrl("qr:verification")


class CertificateDataError(BilingualError):
    """Certificate data that cannot be printed (missing competence, level out of range)."""


def _check(data: CertificateData) -> None:
    missing = [code for code in COMPETENCE_CODES if code not in data.competence_levels]
    if missing:
        raise CertificateDataError(
            "certificate_data_invalid",
            f"niveau manquant pour les compétences {', '.join(missing)}",
            f"no level for competences {', '.join(missing)}",
        )
    levels = [data.global_level, *data.competence_levels.values()]
    if not all(0 <= level <= MAX_LEVEL for level in levels) or not 0 <= data.score <= MAX_SCORE:
        raise CertificateDataError(
            "certificate_data_invalid",
            f"score {data.score} ou niveau hors des bornes (0–895, 0–7)",
            f"score {data.score} or a level out of range (0–895, 0–7)",
        )


def render_certificate(data: CertificateData, out_path: Path, lang: str = "fr") -> int:
    """Writes the certificate PDF (one page); returns its page count."""
    _check(data)
    document = new_document()
    document.addResource(
        QTextDocument.ResourceType.ImageResource, QR_URL, qr_image(data.verification_url)
    )
    document.setHtml(_certificate_html(data, lang))
    title = f"{text('certificate', lang)} — {data.candidate.display_name}"
    frame = PageFrame(
        head=f"{text('certificate', lang)} · {data.verification_code}",
        foot=f"{text('issued_on', lang)} {long_date(data.issued_on, lang)} · {data.centre}",
        page_word=text("page", lang),
        numbered=False,
    )
    return write_pdf(document, out_path, title, frame, fit_one_page=True)


def _level_bar(level: int) -> str:
    """Seven squares, the first `level` filled: the level readable at a glance."""
    squares = [BLUE] * level + [RULE] * (MAX_LEVEL - level)
    return "\u2009".join(f"<span style='color:{colour}'>■</span>" for colour in squares)


def _competence_rows(data: CertificateData, lang: str) -> str:
    rows = []
    for area in AREAS:
        area_name = area.name_fr if lang == "fr" else area.name_en
        rows.append(f"<tr class='band'><td colspan='4'>{area.code} · {escape(area_name)}</td></tr>")
        for competence in competences_of(area.code):
            level = data.competence_levels[competence.code]
            name = competence.name_fr if lang == "fr" else competence.name_en
            rows.append(
                "<tr>"
                f"<td width='7%'>{competence.code}</td>"
                f"<td width='51%'>{escape(name)}</td>"
                f"<td width='28%' style='font-size:9pt'>{_level_bar(level)}</td>"
                f"<td width='14%'>{escape(text('level', lang))} <b>{level}</b></td>"
                "</tr>"
            )
    return "".join(rows)


def _certificate_html(data: CertificateData, lang: str) -> str:
    candidate = data.candidate
    born = f"{text('born_on', lang)} {long_date(candidate.birth_date, lang)}"
    taken = (
        f"{text('passed_on', lang)} {long_date(data.session_day, lang)} "
        f"{text('at_centre', lang)} {data.centre} "
        f"({text('session_number', lang)} {data.session_number})"
    )
    level_label = global_level_label(data.global_level, lang)
    return f"""
<h1 style='font-size:24pt'>{escape(text("certificate", lang))}</h1>
<p class='muted' style='margin-top:8pt'>{escape(text("awarded_to", lang))}</p>
<p style='font-size:22pt; font-weight:bold; margin-bottom:2pt'>
{escape(candidate.last_name.upper())} {escape(candidate.first_names)}</p>
<p>{escape(born)}</p>
<p>{escape(taken)}</p>
<table width='100%' cellspacing='0' cellpadding='8' style='background-color:{GREY}'>
<tr>
<td width='38%'>
<p class='muted'>{escape(text("score", lang))}</p>
<p><span style='font-size:36pt; font-weight:bold; color:{BLUE}'>{data.score}</span>
<span style='font-size:12pt'> {escape(text("out_of", lang))}</span></p>
</td>
<td width='42%'>
<p class='muted'>{escape(text("global_level", lang))}</p>
<p><span style='font-size:36pt; font-weight:bold; color:{BLUE}'>{data.global_level}</span>
<span style='font-size:12pt'> {escape(level_label)}</span></p>
</td>
<td width='20%' align='right'><img src='{QR_URL.toString()}' width='96' height='96'/></td>
</tr></table>
<h2>{escape(text("competence_levels", lang))}</h2>
<table class='grid' width='100%' cellspacing='0' cellpadding='3'>
{_competence_rows(data, lang)}
</table>
<p class='muted' style='font-size:8.5pt; margin-top:3pt'>{escape(text("levels_scale", lang))}</p>
<table width='100%' cellspacing='0' cellpadding='8'
 style='margin-top:10pt; border-collapse:collapse'>
<tr><td style='border: 1px solid {RULE}'>
<p><span style='color:{BLUE}; font-weight:bold'>{escape(text("verification", lang))}</span>
&nbsp; <span class='code' style='font-size:16pt'>{escape(data.verification_code)}</span></p>
<p>{escape(text("verification_help", lang))} {escape(data.verification_url)}</p>
</td></tr></table>
"""
