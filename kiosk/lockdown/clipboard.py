"""The clipboard is emptied for the exam and kept empty: nothing prepared can be pasted in,
nothing from the exam can be copied out (it is emptied again at release)."""

from PySide6.QtGui import QClipboard, QGuiApplication

from kiosk.lockdown.guard import Guard


class ClipboardGuard(Guard):
    name = "clipboard"

    def apply(self) -> None:
        clipboard = QGuiApplication.clipboard()
        self._empty_all()
        clipboard.changed.connect(self._on_changed)

    def release(self) -> None:
        QGuiApplication.clipboard().changed.disconnect(self._on_changed)
        self._empty_all()

    def _modes(self) -> list[QClipboard.Mode]:
        clipboard = QGuiApplication.clipboard()
        modes = [QClipboard.Mode.Clipboard]
        if clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        if clipboard.supportsFindBuffer():
            modes.append(QClipboard.Mode.FindBuffer)
        return modes

    def _empty_all(self) -> None:
        for mode in self._modes():
            self._empty(mode)

    def _empty(self, mode: QClipboard.Mode) -> None:
        mime = QGuiApplication.clipboard().mimeData(mode)
        if mime is not None and mime.formats():
            QGuiApplication.clipboard().clear(mode)

    def _on_changed(self, mode: QClipboard.Mode) -> None:
        self._empty(mode)
