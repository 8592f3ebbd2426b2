"""A quiet line in the header: online or offline, and how many events still wait to be sent.

It informs without alarming: answers are safe on the PC either way, which is what it says.
"""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from kiosk.ui.controls import text_label
from kiosk.ui.theme import set_role


class NetworkStatus(QWidget):
    """Shows `set_status(online, pending)`; readable by screen readers, never focus-grabbing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.online = True
        self.pending = 0
        self.dot = QLabel("●", self)
        self.dot.setProperty("role", "status")
        self.text = text_label("status", self)
        self.text.setWordWrap(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addStretch(1)
        row.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.text, 0, Qt.AlignmentFlag.AlignVCenter)
        self.retranslate()

    def set_status(self, online: bool, pending: int) -> None:
        if (online, pending) != (self.online, self.pending):
            self.online = online
            self.pending = pending
            self.retranslate()

    def retranslate(self) -> None:
        state = self.tr("En ligne") if self.online else self.tr("Hors ligne")
        if self.pending:
            waiting = self.tr("{count} à envoyer").format(count=self.pending)
            state = f"{state} · {waiting}"
        self.text.setText(state)
        set_role(self.dot, "online-dot" if self.online else "offline-dot")
        self.setAccessibleName(self.tr("État du réseau"))
        self.setAccessibleDescription(state)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
