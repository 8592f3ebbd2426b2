"""Who sits at this kiosk, in the header: the name shortened with « … » when space runs out,
never the session number alone, so an invigilator walking past can always match PC and
candidate. When the name and the session number do not both fit, the session number goes first;
the badge keeps room for a few letters of the name whatever the type size.

A plain label would cut the text at the edge (large type, long names at 1280 px); the full
text stays in the tooltip and the accessible name for screen readers.
"""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

NAME_LETTERS_KEPT = 6  # below this, the session number is dropped rather than the name


class CandidateBadge(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setProperty("role", "status")
        # Takes what the header leaves, down to nothing: the text adapts, the header never grows.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._parts = ("", "", "")  # before the name, the name, after the name

    def show_candidate(self, template: str, name: str, session: str) -> None:
        """`template` names `{name}` and `{session}` (translated); empty name: nobody here."""
        if not name:
            self._parts = ("", "", "")
        else:
            before, _, after = template.partition("{name}")
            self._parts = (before.format(session=session), name, after.format(session=session))
        full = "".join(self._parts)
        self.setToolTip(full)
        self.setAccessibleName(full)
        self._fit()

    def full_text(self) -> str:
        return "".join(self._parts)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def _fit(self) -> None:
        metrics = self.fontMetrics()
        self.setMinimumWidth(metrics.horizontalAdvance("M" * NAME_LETTERS_KEPT + "…"))
        before, name, after = self._parts
        if not name:
            self.setText("")
            return
        width = self.contentsRect().width()
        room = width - metrics.horizontalAdvance(before + after)
        if room < metrics.horizontalAdvance(name[:NAME_LETTERS_KEPT] + "…"):
            after = ""  # the session number gives way to the name
            room = width - metrics.horizontalAdvance(before)
        shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, max(room, 0))
        self.setText(before + (shown or name[:1] + "…") + after)
