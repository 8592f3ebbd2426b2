"""The in-app viewer for a question's attachments: images, text and tables, never an outside app.

It takes the place of the question inside the kiosk window (no new window that a locked-down
desktop could hide or lose), with one way back. The file stays in memory.
"""

import csv
import io

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QTableWidget, QTableWidgetItem, QWidget

from engine.items import Media
from kiosk.ui.controls import button, text_label
from kiosk.ui.media import media_pixmap
from kiosk.ui.question_screen import URGENT_SECONDS, clock_text
from kiosk.ui.screen import Screen
from kiosk.ui.theme import set_role

MAX_TABLE_ROWS = 2000


def decode_text(data: bytes) -> str:
    """Text files from school software come as UTF-8 (with or without BOM) or as Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_table(data: bytes) -> list[list[str]]:
    """Rows of a CSV file; the separator (comma, or semicolon as French Excel writes) is guessed."""
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))[:MAX_TABLE_ROWS]


class AttachmentViewer(Screen):
    """Shows one attachment; `closed` when the candidate goes back to the question."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.media: Media | None = None
        self.seconds_left = 0
        self.item_seconds_left: int | None = None
        self.back = button("secondary", self)
        self.back.clicked.connect(self.closed)
        # Both countdowns stay in sight while the candidate reads the attachment.
        self.clock = text_label("clock", self)
        self.clock.setWordWrap(False)
        self.item_clock = text_label("lead", self)
        self.item_clock.hide()
        top = QHBoxLayout()
        top.addWidget(self.back, 0, Qt.AlignmentFlag.AlignLeft)
        top.addStretch(1)
        top.addWidget(self.clock)
        self.title = text_label("subtitle", self)
        self.description = text_label("muted", self)
        self.column.addLayout(top)
        self.column.addWidget(self.item_clock)
        self.column.addWidget(self.title)
        self.column.addWidget(self.description)
        self.content: QWidget | None = None
        self.retranslate()

    def show_media(self, media: Media) -> None:
        self.media = media
        if self.content is not None:
            self.column.removeWidget(self.content)
            self.content.hide()
            self.content.deleteLater()
        self.content = self._content_for(media)
        self.column.insertWidget(4, self.content, 1)
        self.retranslate()

    def set_time_left(self, seconds: int) -> None:
        self.seconds_left = seconds
        set_role(self.clock, "clock-urgent" if seconds <= URGENT_SECONDS else "clock")
        self._show_clocks()

    def set_item_time_left(self, seconds: int | None) -> None:
        self.item_seconds_left = seconds
        self._show_clocks()

    def _show_clocks(self) -> None:
        text = self.tr("Temps restant : {clock}").format(clock=clock_text(self.seconds_left))
        self.clock.setText(text)
        self.clock.setAccessibleName(text)
        seconds = self.item_seconds_left
        self.item_clock.setVisible(seconds is not None)
        if seconds is not None:
            self.item_clock.setText(
                self.tr("Question chronométrée : il vous reste {clock} pour y répondre.").format(
                    clock=clock_text(seconds)
                )
                if seconds > 0
                else self.tr("Le temps de cette question est écoulé.")
            )

    def _content_for(self, media: Media) -> QWidget:
        if media.media_type.startswith("image/"):
            label = text_label("alt", self)
            pixmap = media_pixmap(media, 860, self.devicePixelRatioF())
            if pixmap is None:
                label.setText(media.alt)
            else:
                label.setPixmap(pixmap)
                label.setProperty("role", "")
            label.setAccessibleName(media.alt or media.name)
            return label
        if media.media_type == "text/csv":
            rows = read_table(media.data)
            width = max((len(row) for row in rows), default=0)
            table = QTableWidget(max(len(rows) - 1, 0), width, self)
            table.setHorizontalHeaderLabels(rows[0] if rows else [])
            for r, row in enumerate(rows[1:]):
                for c, value in enumerate(row):
                    table.setItem(r, c, QTableWidgetItem(value))
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.resizeColumnsToContents()
            table.setMinimumHeight(420)
            table.setAccessibleName(media.name)
            return table
        if media.media_type.startswith("text/"):
            text = QPlainTextEdit(self)
            text.setPlainText(decode_text(media.data))
            text.setReadOnly(True)
            text.setMinimumHeight(420)
            text.setAccessibleName(media.name)
            return text
        label = text_label("alt", self)
        label.setText(
            self.tr(
                "Ce type de fichier ne peut pas être affiché sur ce poste. Revenez à la question "
                "et choisissez « Signaler un problème »."
            )
        )
        return label

    def retranslate(self) -> None:
        self._show_clocks()
        self.back.setText(self.tr("← Revenir à la question"))
        self.back.setAccessibleName(self.tr("Revenir à la question"))
        name = self.media.name if self.media else ""
        self.title.setText(self.tr("Pièce jointe : {name}").format(name=name))
        self.description.setText(self.media.alt if self.media else "")

    def first_focus(self) -> QWidget:
        return self.back
