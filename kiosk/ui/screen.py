"""What every full-window screen shares: a calm centred column that scrolls, live re-labelling."""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

COLUMN_WIDTH = 920


class Screen(QWidget):
    """A page of the kiosk. Subclasses fill `self.column` and write their texts in `retranslate`.

    The column keeps lines short enough to read comfortably on a wide lab screen; the scroll
    area keeps everything reachable when the text is enlarged to 200 %.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        page = QWidget()
        row = QHBoxLayout(page)
        row.addStretch(1)
        holder = QWidget()
        holder.setMaximumWidth(COLUMN_WIDTH)
        self.column = QVBoxLayout(holder)
        self.column.setContentsMargins(24, 48, 24, 48)
        self.column.setSpacing(24)
        row.addWidget(holder, 12)
        row.addStretch(1)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def retranslate(self) -> None:
        """Set every visible text and accessible name in the current language."""
        raise NotImplementedError

    def first_focus(self) -> QWidget | None:
        """The control that should have keyboard focus when the screen appears."""
        return None

    def scroll_to_top(self) -> None:
        self.scroll.verticalScrollBar().setValue(0)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
