"""A Qt event filter that calls a function, so a guard need not be a QObject itself."""

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject


class CallbackEventFilter(QObject):
    """Calls `handle(watched, event)`; True swallows the event."""

    def __init__(self, handle: Callable[[QObject, QEvent], bool]) -> None:
        super().__init__()
        self._handle = handle

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return self._handle(watched, event)
