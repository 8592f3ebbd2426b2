"""The candidate's certificate: score out of 895, global level, the level the candidate's grade
is expected to reach (reached or not, when the grade is known), the 16 competence levels by
area, and the verification code with its QR code, on one A4 page."""

from pathlib import Path

from engine.canonical import BilingualError
from engine.referential import AREAS, COMPETENCE_CODES, competences_of
from server_stub.documents.data import CertificateData
from server_stub.documents.grid import Cell, Grid, GridDrawer
from server_stub.documents.pdf_pages import (
    POINT_MM,
    DocumentPdf,
    Line,
    PageFrame,
    Run,
    fit_one_page,
    save_pdf,
)
from server_stub.documents.qr import qr_image
from server_stub.documents.style import BLUE, GREY, MUTED, RULE
from server_stub.documents.wording import global_level_label, long_date, text

MAX_SCORE = 895
MAX_LEVEL = 7
QR_MM = 25.0
SCORE_BOX_MM = 31.0


class CertificateDataError(BilingualError):
    """Certificate data that cannot be printed (missing competence, level out of range)."""


def check_certificate(data: CertificateData) -> None:
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


def build_certificate(data: CertificateData, lang: str = "fr") -> DocumentPdf:
    """The certificate, one page (drawn smaller when the names are long)."""
    check_certificate(data)
    title = f"{text('certificate', lang)} — {data.candidate.display_name}"
    frame = certificate_frame(data, lang)
    return fit_one_page(
        lambda scale: draw_certificate(DocumentPdf(title, frame, lang, scale), data, lang)
    )


def render_certificate(data: CertificateData, out_path: Path, lang: str = "fr") -> int:
    """Writes the certificate PDF (one page); returns its page count."""
    return save_pdf(build_certificate(data, lang), out_path)


def certificate_frame(data: CertificateData, lang: str) -> PageFrame:
    """The running head and foot of a certificate's page."""
    return PageFrame(
        head=f"{text('certificate', lang)} · {data.verification_code}",
        foot=f"{text('issued_on', lang)} {long_date(data.issued_on, lang)} · {data.centre}",
        page_word=text("page", lang),
        numbered=False,
    )


def draw_certificate(pdf: DocumentPdf, data: CertificateData, lang: str) -> DocumentPdf:
    """Draw one certificate on the current page of `pdf`."""
    candidate = data.candidate
    pdf.heading1(text("certificate", lang), 22)
    pdf.space(4)
    pdf.paragraph(text("awarded_to", lang), color=MUTED)
    pdf.paragraph(f"{candidate.last_name.upper()} {candidate.first_names}", 22, bold=True, after=2)
    pdf.paragraph(f"{text('born_on', lang)} {long_date(candidate.birth_date, lang)}")
    pdf.paragraph(
        f"{text('passed_on', lang)} {long_date(data.session_day, lang)} "
        f"{text('at_centre', lang)} {data.centre} "
        f"({text('session_number', lang)} {data.session_number})"
    )
    _score_box(pdf, data, lang)
    if data.expected_level is not None and data.grade:
        pdf.space(2)
        pdf.paragraph(_expected_level(data, lang), bold=True)
    pdf.heading2(text("competence_levels", lang), room_after=0)
    _competence_grid(pdf, data, lang)
    pdf.space(3)
    pdf.paragraph(text("levels_scale", lang), 8.5, color=MUTED, after=8)
    pdf.box(
        [
            Line(
                (
                    Run(text("verification", lang), bold=True, color=BLUE),
                    Run("  "),
                    Run(data.verification_code, 16, bold=True, mono=True),
                ),
                after=3,
            ),
            Line((Run(f"{text('verification_help', lang)} {data.verification_url}"),), after=0),
        ],
        border=RULE,
        padding=3,
    )
    return pdf


def _expected_level(data: CertificateData, lang: str) -> str:
    """`Niveau attendu en Tle : 4 (Indépendant 2) — atteint.`"""
    verdict = "reached" if data.global_level >= data.expected_level else "not_reached"
    colon = " :" if lang == "fr" else ":"
    return (
        f"{text('expected_level', lang)} {data.grade}{colon} {data.expected_level} "
        f"({global_level_label(data.expected_level, lang)}) — {text(verdict, lang)}."
    )


def _score_box(pdf: DocumentPdf, data: CertificateData, lang: str) -> None:
    """The grey band: the score, the global level and the QR code side by side."""
    top, height = pdf.get_y(), pdf.mm(SCORE_BOX_MM)
    pdf.set_fill_color(GREY)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, style="F")
    figures = (
        (0.0, text("score", lang), str(data.score), text("out_of", lang)),
        (
            0.38,
            text("global_level", lang),
            str(data.global_level),
            global_level_label(data.global_level, lang),
        ),
    )
    for share, label, figure, unit in figures:
        pdf.set_xy(pdf.l_margin + 3 + share * pdf.epw, top + pdf.mm(3))
        pdf.paragraph(label, color=MUTED, after=2)
        pdf.runs((Run(figure, 36, bold=True, color=BLUE), Run(f" {unit}", 12)), after=0)
    side = pdf.mm(QR_MM)
    pdf.image(
        qr_image(data.verification_url),
        x=pdf.l_margin + pdf.epw - 3 - side,
        y=top + (height - side) / 2,
        w=side,
        h=side,
        alt_text=f"QR code : {data.verification_url}",
    )
    pdf.set_xy(pdf.l_margin, top + height)


def _level_bar(level: int):
    """Seven squares, the first `level` filled: the level readable at a glance."""

    def paint(pdf: DocumentPdf, x: float, y: float, _width: float, height: float) -> None:
        side = pdf.points(8) * POINT_MM
        for index in range(MAX_LEVEL):
            pdf.set_fill_color(BLUE if index < level else RULE)
            pdf.rect(x + index * side * 1.2, y + (height - side) / 2, side, side, style="F")

    return paint


def _competence_grid(pdf: DocumentPdf, data: CertificateData, lang: str) -> None:
    grid = GridDrawer(pdf, Grid(widths=(7, 51, 28, 14), padding=0.9))
    for area in AREAS:
        grid.band(f"{area.code} · {area.name_fr if lang == 'fr' else area.name_en}")
        for competence in competences_of(area.code):
            level = data.competence_levels[competence.code]
            grid.row(
                (
                    Cell(competence.code),
                    Cell(competence.name_fr if lang == "fr" else competence.name_en),
                    Cell(painter=_level_bar(level)),
                    Cell(text("level", lang), tail=str(level)),
                )
            )
