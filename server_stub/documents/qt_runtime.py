"""Qt's text layout and PDF writer need a QGuiApplication; a server or a command has none, so one
is made on first use, on the offscreen platform (no display needed)."""

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication

_OWNED: list[QGuiApplication] = []


def ensure_gui_application() -> QCoreApplication:
    """The running Qt application, or a new offscreen QGuiApplication kept for the process."""
    running = QGuiApplication.instance()
    if running is not None:
        return running
    _OWNED.append(QGuiApplication(["pix-documents", "-platform", "offscreen"]))
    return _OWNED[0]
