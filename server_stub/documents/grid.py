"""Tables drawn cell by cell: wrapped text, a bold lead word, a muted second line, a coloured
band across the table, and a header row repeated at the top of each page the table runs onto."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from server_stub.documents.pdf_pages import POINT_MM, DocumentPdf
from server_stub.documents.style import (
    BLUE,
    BLUE_LIGHT,
    CELL_INSET_MM,
    CELL_PADDING_MM,
    INK,
    MUTED,
    RULE,
    TABLE_POINTS,
    WHITE,
)

Painter = Callable[[DocumentPdf, float, float, float, float], None]
"""Draws inside a cell: `(pdf, x, y, width, height)` of its content box."""

_MARKERS = re.compile(r"(\\|\*\*|__|~~|--)")


def _literal(text: str) -> str:
    """`text` printed as is where fpdf2 reads bold markers (`**`) in the rest of the cell."""
    return _MARKERS.sub(r"\\\1", text)


@dataclass(frozen=True)
class Cell:
    text: str = ""
    bold: bool = False
    color: str = INK
    lead: str = ""
    """Printed in bold before `text`, on the same line (a surname before the first names)."""
    tail: str = ""
    """Printed in bold after `text`, on the same line (the level after the word "Level")."""
    note: str = ""
    """A second line under the text, in the table's size (why a test ended, a count's name)."""
    note_color: str = MUTED
    align: str = "L"
    size: float = 0.0
    """The font size in points; the table's when 0."""
    mono: bool = False
    fill: str = ""
    painter: Painter | None = None


@dataclass(frozen=True)
class Grid:
    """Column `widths` in percent of the page's text width; `headers` make the repeated header
    row; `padding` (mm, above and below) and `inset` (mm, left and right) keep text off the
    cells' edges; `ruled` draws the cells' borders; `gap` (mm) separates the cells of a row."""

    widths: Sequence[float]
    headers: Sequence[str] = ()
    size: float = TABLE_POINTS
    padding: float = CELL_PADDING_MM
    inset: float = CELL_INSET_MM
    ruled: bool = True
    gap: float = 0.0


def _content(cell: Cell) -> tuple[str, bool]:
    if cell.lead:
        return f"**{_literal(cell.lead)}** {_literal(cell.text)}", True
    if cell.tail:
        return f"{_literal(cell.text)} **{_literal(cell.tail)}**", True
    return cell.text, False


class GridDrawer:
    """Draws rows of a `Grid` from the current position, breaking pages between rows."""

    def __init__(self, pdf: DocumentPdf, grid: Grid) -> None:
        self.pdf = pdf
        self.grid = grid
        self.widths = [
            (pdf.epw - grid.gap * (len(grid.widths) - 1)) * width / 100 for width in grid.widths
        ]
        if grid.headers:
            self._header()

    def _size(self, cell: Cell) -> float:
        return cell.size or self.grid.size

    def _count(self, text: str, width: float, markdown: bool = False) -> int:
        """How many lines `text` takes in the current font; most cells hold one short line,
        measured without running the line breaker."""
        if "\n" not in text and self.pdf.get_string_width(text, markdown=markdown) <= width:
            return 1
        lines = self.pdf.multi_cell(width, 1, text, dry_run=True, output="LINES", markdown=markdown)
        return len(lines)

    def _lines(self, cell: Cell, width: float) -> tuple[int, int]:
        pdf = self.pdf
        text, markdown = _content(cell)
        pdf.use_font(self._size(cell), cell.bold, cell.color, cell.mono)
        inner = max(width - 2 * self.grid.inset, 1)
        main = self._count(text, inner, markdown)
        if not cell.note:
            return main, 0
        pdf.use_font(self.grid.size)
        return main, self._count(cell.note, inner)

    def _height(self, cells: Sequence[Cell], widths: Sequence[float], least: float) -> float:
        tallest = 0.0
        for cell, width in zip(cells, widths, strict=True):
            main, notes = self._lines(cell, width)
            lines = main * self.pdf.line_height(self._size(cell))
            tallest = max(tallest, lines + notes * self.pdf.line_height(self.grid.size))
        return max(tallest + 2 * self.pdf.mm(self.grid.padding), least)

    def _draw(self, cells: Sequence[Cell], widths: Sequence[float], height: float) -> None:
        pdf = self.pdf
        padding, inset, top = self.grid.padding, self.grid.inset, pdf.get_y()
        x = pdf.l_margin
        for cell, width in zip(cells, widths, strict=True):
            if cell.fill:
                pdf.set_fill_color(cell.fill)
                pdf.rect(x, top, width, height, style="F")
            if self.grid.ruled:
                pdf.set_draw_color(cell.fill if cell.fill == BLUE else RULE)
                pdf.set_line_width(0.2)
                pdf.rect(x, top, width, height)
            inner_x, inner_y = x + inset, top + pdf.mm(padding)
            inner_w = width - 2 * inset
            if cell.painter is not None:
                cell.painter(pdf, inner_x, inner_y, inner_w, height - 2 * pdf.mm(padding))
            text, markdown = _content(cell)
            line = pdf.line_height(self._size(cell))
            pdf.use_font(self._size(cell), cell.bold, cell.color, cell.mono)
            pdf.set_xy(inner_x, inner_y)
            pdf.multi_cell(inner_w, line, text, align=cell.align, markdown=markdown)
            if cell.note:
                pdf.use_font(self.grid.size, color=cell.note_color)
                pdf.set_x(inner_x)
                pdf.multi_cell(
                    inner_w, pdf.line_height(self.grid.size), cell.note, align=cell.align
                )
            x += width + self.grid.gap
        pdf.set_xy(pdf.l_margin, top + height)

    def _header(self) -> None:
        cells = [Cell(text, bold=True, color=WHITE, fill=BLUE) for text in self.grid.headers]
        self._draw(cells, self.widths, self._height(cells, self.widths, 0))

    def row(self, cells: Sequence[Cell], least: float = 0.0) -> None:
        """One row, at least `least` mm high; on the next page (under the header) when it
        would not fit on this one."""
        height = self._height(cells, self.widths, least)
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()
            if self.grid.headers:
                self._header()
        self._draw(cells, self.widths, height)

    def band(self, text: str) -> None:
        """A full-width row in the light blue, naming the rows under it."""
        self.row_spanning(Cell(text, bold=True, color=BLUE, fill=BLUE_LIGHT))

    def row_spanning(self, cell: Cell, least: float = 0.0) -> None:
        width = [self.pdf.epw]
        height = self._height([cell], width, least)
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()
        self._draw([cell], width, height)

    def space_after(self, points: float = 4) -> None:
        self.pdf.ln(self.pdf.points(points) * POINT_MM)
