"""Lays a rich-text body out on A4 pages with Qt's own PDF writer, under a running head and
above a footer, and writes the file atomically (a failed render never clobbers a good PDF)."""

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from engine.canonical import BilingualError
from server_stub.documents.qt_runtime import ensure_gui_application
from server_stub.documents.style import BLUE, FONT_FAMILIES, MUTED

RESOLUTION_DPI = 300
MARGIN_MM = 15.0
HEAD_POINTS = 8.5
BAND_MM = 2.0


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


def _mm(millimetres: float) -> float:
    return millimetres / 25.4 * RESOLUTION_DPI


def _small_font(points: float) -> QFont:
    font = QFont()
    font.setFamilies(list(FONT_FAMILIES))
    font.setPointSizeF(points)
    return font


def _draw_frame(
    painter: QPainter, width: float, height: float, frame: PageFrame, page: int, pages: int
) -> None:
    painter.fillRect(QRectF(0, 0, width, _mm(BAND_MM)), QColor(BLUE))
    painter.setFont(_small_font(HEAD_POINTS))
    painter.setPen(QColor(MUTED))
    line = QRectF(0, _mm(BAND_MM + 1.5), width, _mm(5))
    painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, frame.head)
    if frame.numbered:
        painter.drawText(
            line,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{frame.page_word} {page} / {pages}",
        )
    foot = QRectF(0, height - _mm(5), width, _mm(5))
    painter.drawText(foot, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, frame.foot)


def write_pdf(
    body: QTextDocument, out_path: Path, title: str, frame: PageFrame, fit_one_page: bool = False
) -> int:
    """Writes `body` to `out_path` as an A4 PDF titled `title`; returns the number of pages.

    With `fit_one_page`, a body slightly too long for one page is scaled down to fit it (a
    certificate is one sheet, however long the candidate's names).
    """
    ensure_gui_application()
    out_path = Path(out_path)
    partial = out_path.with_name(out_path.name + ".part")
    try:
        pages = _paint(body, partial, title, frame, fit_one_page)
        os.replace(partial, out_path)
    finally:
        partial.unlink(missing_ok=True)
    return pages


def _one_page_scale(body: QTextDocument, width: float, height: float) -> float:
    scale = 1.0
    for _ in range(10):
        body.setPageSize(QSizeF(width / scale, height / scale))
        if body.pageCount() <= 1:
            return scale
        body.setTextWidth(width / scale)
        scale = min(scale * 0.97, height / body.size().height())
    return scale


def _paint(body: QTextDocument, path: Path, title: str, frame: PageFrame, fit: bool) -> int:
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter
    )
    writer.setTitle(title)
    writer.setCreator("pix-kiosk")
    width, height = float(writer.width()), float(writer.height())
    body_top, body_bottom = _mm(BAND_MM + 9), _mm(9)
    layout = body.documentLayout()
    layout.setPaintDevice(writer)
    scale = _one_page_scale(body, width, height - body_top - body_bottom) if fit else 1.0
    page_width, page_height = width / scale, (height - body_top - body_bottom) / scale
    body.setPageSize(QSizeF(page_width, page_height))
    pages = body.pageCount()
    painter = QPainter()
    if not painter.begin(writer):
        layout.setPaintDevice(None)
        raise PdfWriteError(
            "pdf_not_written",
            f"impossible d'écrire le PDF dans {path.parent} : le dossier existe-t-il, "
            "et avez-vous le droit d'y écrire ?",
            f"cannot write the PDF into {path.parent}: does the folder exist, and may you "
            "write there?",
        )
    # Images (the QR code) stay sharp: Qt would otherwise store them as JPEG.
    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            _draw_frame(painter, width, height, frame, page + 1, pages)
            painter.save()
            painter.translate(0, body_top)
            painter.scale(scale, scale)
            painter.translate(0, -page * page_height)
            body.drawContents(painter, QRectF(0, page * page_height, page_width, page_height))
            painter.restore()
    finally:
        painter.end()
        layout.setPaintDevice(None)
    return pages
