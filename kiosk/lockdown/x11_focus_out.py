"""X11: every focus-out of the kiosk window, however brief.

Qt's xcb backend waits a moment for a focus-in before it reports that the app lost the focus,
so a window activated for an instant and the kiosk activated again at once (a script, a quick
click) never reaches `focusWindowChanged`. The X server's own FocusOut event does: this filter
reads it from Qt's native event stream and reports it once the event loop runs again.
"""

import ctypes
from collections.abc import Callable

from PySide6.QtCore import QAbstractNativeEventFilter, QTimer

XCB_FOCUS_OUT = 10
# The focus left for another window (not a child of ours, not the pointer's own notice).
LEFT_FOR_ELSEWHERE = frozenset({0, 1, 3, 4})  # Ancestor, Virtual, Nonlinear, NonlinearVirtual
# An ordinary change, or one made while our keyboard grab holds (not our grab starting/ending).
REAL_MODES = frozenset({0, 3})  # Normal, WhileGrabbed


class _FocusOutEvent(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("detail", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("event", ctypes.c_uint32),
        ("mode", ctypes.c_uint8),
    ]


class X11FocusOutFilter(QAbstractNativeEventFilter):
    """Calls `on_focus_out()` (from the event loop) when the X window `window_id()` loses the
    keyboard focus to another window."""

    def __init__(self, window_id: Callable[[], int], on_focus_out: Callable[[], None]) -> None:
        super().__init__()
        self._window_id = window_id
        self._on_focus_out = on_focus_out

    def nativeEventFilter(self, event_type, message) -> tuple[bool, int]:
        if bytes(event_type) == b"xcb_generic_event_t" and message:
            event = _FocusOutEvent.from_address(int(message))
            if (
                event.response_type & 0x7F == XCB_FOCUS_OUT
                and event.event == self._window_id()
                and event.detail in LEFT_FOR_ELSEWHERE
                and event.mode in REAL_MODES
            ):
                QTimer.singleShot(0, self._on_focus_out)
        return False, 0
