"""X11 guards: the keyboard grab (every key comes to the kiosk, so the window manager never sees
Alt+Tab or Super) and the watch for other programs' windows stacked above the kiosk."""

import time

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.lockdown.guard import Guard, keyboard_lock_refused
from kiosk.lockdown.violations import Report, ViolationKind
from kiosk.lockdown.window import native_window_id
from kiosk.lockdown.x11_api import X11Api

GRAB_TIMEOUT_S = 3.0  # the window must be mapped before X lets it grab the keyboard
REGRAB_EVERY_MS = 250  # Qt drops our grab when one of its popups (a combo box list) closes
FOREIGN_CHECK_EVERY_MS = 200


def wait_until_exposed(window: QWidget, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            return True
        QCoreApplication.processEvents()
        time.sleep(0.01)
    return False


class KeyboardGrabGuard(Guard):
    """An active X keyboard grab on the kiosk window, checked for success.

    Qt's `QWindow.setKeyboardGrabEnabled` is a real `xcb_grab_keyboard` on the xcb platform; the
    guard confirms it from a second X connection (a grab of our own must then fail with
    AlreadyGrabbed). Qt releases the grab when a popup of the app closes and X releases it when
    the window is unmapped, so it is taken again every 250 ms and after each restore.
    """

    name = "x11_keyboard_grab"

    def __init__(self, window: QWidget, required: bool, warn: Report) -> None:
        self.window = window
        self.required = required
        self.warn = warn
        self._x11: X11Api | None = None
        self._timer = QTimer()
        self._timer.setInterval(REGRAB_EVERY_MS)
        self._timer.timeout.connect(self.reassert)

    def apply(self) -> None:
        self._x11 = X11Api.open()
        grabbed = self._grab_until(time.monotonic() + GRAB_TIMEOUT_S)
        if not grabbed:
            self._close()
            if self.required:
                raise keyboard_lock_refused("X keyboard grab refused")
            self.warn(ViolationKind.KEYBOARD_NOT_LOCKED, "the X keyboard grab failed")
            return
        self._timer.start()

    def release(self) -> None:
        self._timer.stop()
        handle = self.window.windowHandle()
        if handle is not None:
            handle.setKeyboardGrabEnabled(False)
        self._close()

    def reassert(self) -> None:
        if QApplication.activePopupWidget() is not None:
            return  # the popup holds the grab until it closes
        handle = self.window.windowHandle()
        if handle is not None and handle.isExposed():
            handle.setKeyboardGrabEnabled(True)

    def is_settled(self) -> bool:
        return self._x11 is None or self._x11.keyboard_is_grabbed()

    def _grab_until(self, deadline: float) -> bool:
        if not wait_until_exposed(self.window, max(0.0, deadline - time.monotonic())):
            return False
        while True:
            if self.window.windowHandle().setKeyboardGrabEnabled(True) and (
                self._x11 is None or self._x11.keyboard_is_grabbed()
            ):
                return True
            if time.monotonic() >= deadline:
                return False
            QCoreApplication.processEvents()
            time.sleep(0.05)

    def _close(self) -> None:
        if self._x11 is not None:
            self._x11.close()
            self._x11 = None


class ForeignWindowGuard(Guard):
    """A window of another program (or of the window manager) stacked above the kiosk and
    overlapping it is an incident; restoring raises the kiosk again."""

    name = "x11_foreign_windows"

    def __init__(self, window: QWidget, report: Report) -> None:
        self.window = window
        self.report = report
        self._x11: X11Api | None = None
        self._timer = QTimer()
        self._timer.setInterval(FOREIGN_CHECK_EVERY_MS)
        self._timer.timeout.connect(self._check)

    def apply(self) -> None:
        self._x11 = X11Api.open()
        if self._x11 is not None:
            self._timer.start()

    def release(self) -> None:
        self._timer.stop()
        if self._x11 is not None:
            self._x11.close()
            self._x11 = None

    def is_settled(self) -> bool:
        return self.foreign_window_on_top() is None

    def foreign_window_on_top(self) -> int | None:
        """The X id of the lowest foreign window above the kiosk that overlaps it, or None."""
        if self._x11 is None or not self.window.isVisible():
            return None
        ours = {
            self._x11.top_level_of(int(window.winId()))
            for window in QGuiApplication.allWindows()
            if window.isVisible()
        }
        kiosk = self._x11.top_level_of(native_window_id(self.window))
        stacking = self._x11.stacking()
        position = next((index for index, top in enumerate(stacking) if top.window == kiosk), None)
        if position is None:
            return None
        kiosk_top = stacking[position]
        for above in stacking[position + 1 :]:
            if above.viewable and above.window not in ours and above.overlaps(kiosk_top):
                return above.window
        return None

    def _check(self) -> None:
        foreign = self.foreign_window_on_top()
        if foreign is not None:
            self.report(ViolationKind.FOREIGN_WINDOW, f"X window {foreign:#x} is above the kiosk")
