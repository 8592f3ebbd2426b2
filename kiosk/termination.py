"""SIGTERM ends a Qt app as its normal exit does (systemd stopping the kiosk session, a shutdown):
`on_sigterm` runs from the event loop, never in the middle of other code, and the app cleans up
and exits with status 143.

Python runs a signal handler only when it next runs Python code, and an idle Qt event loop runs
none: the C-level handler writes a wake-up byte to a socket pair, which wakes Qt (a
QSocketNotifier), and Python then runs the handler. During an exam the lockdown session puts its
own handler in front of this one: it releases its guards, then chains here.
"""

import contextlib
import signal
import socket
from collections.abc import Callable
from types import FrameType, TracebackType

from PySide6.QtCore import QSocketNotifier, QTimer

SIGTERM_STATUS = 128 + signal.SIGTERM


class SigtermHandler:
    """While entered (a context manager), SIGTERM (and any other of `signals`: the demo adds
    SIGINT, Ctrl+C in its terminal) calls `on_sigterm()` from the event loop."""

    def __init__(
        self, on_sigterm: Callable[[], None], signals: tuple[int, ...] = (signal.SIGTERM,)
    ) -> None:
        self._on_sigterm = on_sigterm
        self._signals = signals
        self.received = False
        self.status = SIGTERM_STATUS  # 128 + the signal received
        self._previous_handlers: dict[int, object] = {}
        self._previous_wakeup_fd = -1
        self._sockets: tuple[socket.socket, socket.socket] | None = None
        self._notifier: QSocketNotifier | None = None

    def __enter__(self) -> "SigtermHandler":
        wake_read, wake_write = self._sockets = socket.socketpair()
        for end in self._sockets:
            end.setblocking(False)
        self._notifier = QSocketNotifier(wake_read.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._drain)
        self._previous_wakeup_fd = signal.set_wakeup_fd(
            wake_write.fileno(), warn_on_full_buffer=False
        )
        self._previous_handlers = {
            signum: signal.signal(signum, self._handle) for signum in self._signals
        }
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for signum, previous in self._previous_handlers.items():
            signal.signal(signum, previous or signal.SIG_DFL)
        signal.set_wakeup_fd(self._previous_wakeup_fd)
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        for end in self._sockets or ():
            end.close()
        self._sockets = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received = True
        self.status = 128 + signum
        QTimer.singleShot(0, self._on_sigterm)

    def _drain(self) -> None:
        """Empty the wake-up bytes (the handler itself has run by now: this is Python code)."""
        assert self._sockets is not None
        with contextlib.suppress(BlockingIOError):
            while self._sockets[0].recv(64):
                pass
