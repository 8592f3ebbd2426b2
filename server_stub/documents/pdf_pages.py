"""A4 pages drawn with fpdf2 under a running head and above a footer, the text blocks every
document shares (headings, paragraphs, framed boxes), and writing the PDF atomically (a failed
render never clobbers a good PDF).

Everything is built in memory: a render needs no thread, window system or temporary file of its
own, so any thread may render, several at once.
"""

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.prefs import ViewerPreferences

from engine.canonical import BilingualError
from server_stub.documents.fonts import MONO, SANS, add_fonts
from server_stub.documents.style import (
    BLUE,
    BODY_POINTS,
    H1_POINTS,
    H2_POINTS,
    HEAD_POINTS,
    INK,
    LINE_SPACING,
    MUTED,
)

MARGIN_MM = 15.0
BAND_MM = 2.0
BODY_TOP_MM = MARGIN_MM + BAND_MM + 9
BODY_BOTTOM_MM = MARGIN_MM + 9
POINT_MM = 25.4 / 72


@dataclass(frozen=True)
class Run:
    """Words set alike."""

    text: str
    size: float = BODY_POINTS
    bold: bool = False
    color: str = INK
    mono: bool = False


@dataclass(frozen=True)
class Line:
    """A line of runs (a single run wraps), then `after` points of space."""

    runs: tuple[Run, ...]
    after: float = 4


class PdfWriteError(BilingualError):
    """The PDF could not be written where asked (missing folder, no permission)."""


@dataclass(frozen=True)
class PageFrame:
    """What every page repeats: `head` at the top left, `foot` at the bottom left; the page
    number (`page 2 / 3`) goes top right when `numbered`."""

    head: str
    foot: str
    page_word: str
    numbered: bool = True


class DocumentPdf(FPDF):
    """An A4 document titled `title` in `lang`, its pages framed by `frame`.

    `scale` shrinks type and spacing alike: a certificate slightly too long for its one page is
    drawn again smaller (see `fit_one_page`)."""

    def __init__(self, title: str, frame: PageFrame, lang: str, scale: float = 1.0) -> None:
        super().__init__(unit="mm", format="A4")
        self.frame = frame
        self.scale = scale
        add_fonts(self)
        self.set_margins(MARGIN_MM, BODY_TOP_MM, MARGIN_MM)
        self.c_margin = 0  # text starts at the margin; tables keep their own inset
        self.set_auto_page_break(True, margin=BODY_BOTTOM_MM)
        self.set_title(title)
        self.set_lang(lang)
        self.set_creator("pix-kiosk")
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.add_page()

    # The frame -------------------------------------------------------------------------------

    def header(self) -> None:
        self.set_fill_color(BLUE)
        self.rect(MARGIN_MM, MARGIN_MM, self.epw, BAND_MM, style="F")
        self.set_font(SANS, "", HEAD_POINTS)
        self.set_text_color(MUTED)
        self.set_xy(MARGIN_MM, MARGIN_MM + BAND_MM + 1.5)
        self.cell(self.epw, 5, self.frame.head, align="L")
        self.set_xy(MARGIN_MM, BODY_TOP_MM)

    def _number_pages(self) -> None:
        """`page 2 / 3` at the top right of every page, once their count is known (fpdf2's
        `{nb}` alias would be replaced after the right alignment, and so stand off the margin)."""
        last = self.page
        for page in range(1, self.pages_count + 1):
            self.page = page
            # Set twice so that this page's own stream selects the font again.
            self.set_font(SANS, "", HEAD_POINTS + 1)
            self.set_font(SANS, "", HEAD_POINTS)
            self.set_text_color(MUTED)
            self.set_xy(MARGIN_MM, MARGIN_MM + BAND_MM + 1.5)
            number = f"{self.frame.page_word} {page} / {self.pages_count}"
            self.cell(self.epw, 5, number, align="R")
        self.page = last

    def finished(self) -> bytes:
        """The PDF's bytes (the document is complete: nothing may be drawn after)."""
        if self.frame.numbered:
            self._number_pages()
        return bytes(self.output())

    def footer(self) -> None:
        self.set_font(SANS, "", HEAD_POINTS)
        self.set_text_color(MUTED)
        self.set_xy(MARGIN_MM, self.h - MARGIN_MM - 5)
        self.cell(self.epw, 5, self.frame.foot, align="L")

    # Type ------------------------------------------------------------------------------------

    def points(self, size: float) -> float:
        """A font size or a spacing given in points, scaled."""
        return size * self.scale

    def mm(self, length: float) -> float:
        """A vertical length in millimetres, scaled."""
        return length * self.scale

    def line_height(self, size: float) -> float:
        return self.points(size) * POINT_MM * LINE_SPACING

    def use_font(
        self, size: float, bold: bool = False, color: str = INK, mono: bool = False
    ) -> None:
        self.set_font(MONO if mono else SANS, "B" if bold else "", self.points(size))
        self.set_text_color(color)

    def paragraph(
        self,
        text: str,
        size: float = BODY_POINTS,
        *,
        bold: bool = False,
        color: str = INK,
        mono: bool = False,
        after: float = 4,
        width: float = 0,
        align: str = "L",
    ) -> None:
        """`text` wrapped over the width (or `width` mm from the current x), then `after`
        points of space."""
        self.use_font(size, bold, color, mono)
        left = self.get_x()
        self.multi_cell(width or self.epw, self.line_height(size), text, align=align)
        self.set_xy(left, self.get_y() + self.points(after) * POINT_MM)

    def runs(self, parts: Sequence[Run], after: float = 4) -> None:
        """One line of differently set words from the current x, sharing a baseline."""
        tallest = max(self.line_height(run.size) for run in parts)
        left, top = self.get_x(), self.get_y()
        for run in parts:
            self.use_font(run.size, run.bold, run.color, run.mono)
            height = self.line_height(run.size)
            self.set_xy(self.get_x(), top + (tallest - height) * 0.8)
            self.cell(self.get_string_width(run.text), height, run.text)
        self.set_xy(left, top + tallest + self.points(after) * POINT_MM)

    def _line_height_of(self, line: Line, width: float) -> float:
        if len(line.runs) > 1:
            height = max(self.line_height(run.size) for run in line.runs)
        else:
            run = line.runs[0]
            self.use_font(run.size, run.bold, run.color, run.mono)
            count = len(self.multi_cell(width, 1, run.text, dry_run=True, output="LINES"))
            height = count * self.line_height(run.size)
        return height + self.points(line.after) * POINT_MM

    def box(
        self,
        lines: Sequence[Line],
        *,
        fill: str = "",
        border: str = "",
        border_mm: float = 0.2,
        padding: float = 4.0,
    ) -> None:
        """`lines` in a box across the page, filled with `fill` and framed with `border`."""
        inner = self.epw - 2 * padding
        height = sum(self._line_height_of(line, inner) for line in lines) + 2 * self.mm(padding)
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
        top = self.get_y()
        if fill:
            self.set_fill_color(fill)
            self.rect(self.l_margin, top, self.epw, height, style="F")
        if border:
            self.set_draw_color(border)
            self.set_line_width(border_mm)
            self.rect(self.l_margin, top, self.epw, height)
        self.set_xy(self.l_margin + padding, top + self.mm(padding))
        for line in lines:
            if len(line.runs) > 1:
                self.runs(line.runs, line.after)
            else:
                run = line.runs[0]
                self.paragraph(
                    run.text, run.size, bold=run.bold, color=run.color, mono=run.mono,
                    after=line.after, width=inner,
                )  # fmt: skip
        self.set_xy(self.l_margin, top + height)

    def heading1(self, text: str, size: float = H1_POINTS) -> None:
        self.paragraph(text, size, bold=True, color=BLUE)

    def heading2(self, text: str, room_after: float = 20) -> None:
        """A section title, moved to the next page with what follows when less than
        `room_after` millimetres would remain under it."""
        needed = self.points(14) * POINT_MM + self.line_height(H2_POINTS) + room_after
        if self.get_y() + needed > self.page_break_trigger:
            self.add_page()
        else:
            self.ln(self.points(14) * POINT_MM)
        self.paragraph(text, H2_POINTS, bold=True, color=BLUE, after=6)

    def space(self, size: float) -> None:
        self.ln(self.points(size) * POINT_MM)


def fit_one_page(draw: Callable[[float], DocumentPdf], smallest: float = 0.6) -> DocumentPdf:
    """`draw(scale)` made again smaller until it fits one page (or reaches `smallest`)."""
    scale = 1.0
    while True:
        pdf = draw(scale)
        if pdf.pages_count <= 1 or scale <= smallest:
            return pdf
        scale *= 0.95


def save_pdf(pdf: DocumentPdf, out_path: Path) -> int:
    """Writes `pdf` to `out_path` through a `.part` file renamed in place; returns its pages."""
    out_path = Path(out_path)
    content = pdf.finished()
    partial = out_path.with_name(out_path.name + ".part")
    try:
        partial.write_bytes(content)
        os.replace(partial, out_path)
    except OSError as error:
        raise PdfWriteError(
            "pdf_not_written",
            f"impossible d'écrire le PDF dans {out_path.parent} : le dossier existe-t-il, "
            "et avez-vous le droit d'y écrire ?",
            f"cannot write the PDF into {out_path.parent}: does the folder exist, and may you "
            "write there?",
        ) from error
    finally:
        partial.unlink(missing_ok=True)
    return pdf.pages_count
