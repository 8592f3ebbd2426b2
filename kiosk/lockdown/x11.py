"""X11 guards: the keyboard grab (every key comes to the kiosk, so the window manager never sees
Alt+Tab or Super), the watch for other programs' windows stacked above the kiosk, and the X
server's own word on every focus loss, however brief."""

import time

from PySide6.QtCore import QCoreApplication, QSocketNotifier, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.lockdown.guard import Guard, keyboard_lock_refused
from kiosk.lockdown.violations import Report, ViolationKind
from kiosk.lockdown.window import native_window_id
from kiosk.lockdown.x11_api import FocusChange, X11Api

GRAB_TIMEOUT_S = 3.0  # the window must be mapped before X lets it grab the keyboard
REGRAB_EVERY_MS = 250  # Qt drops our grab when one of its popups (a combo box list) closes
FOREIGN_CHECK_EVERY_MS = 200
# A focus change a candidate makes: an ordinary one, or one made while our keyboard grab holds
# (not the grab's own start or end, which Qt does every time a drop-down list closes)...
REAL_FOCUS_MODES = frozenset({0, 3})  # NotifyNormal, NotifyWhileGrabbed
# ...that takes the focus out of the kiosk window (not into a child of it).
FOCUS_LEFT_DETAILS = frozenset({0, 1, 3, 4})  # Ancestor, Virtual, Nonlinear, NonlinearVirtual


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


class FocusOutGuard(Guard):
    """Every time the kiosk window loses the keyboard focus, as the X server says it.

    Qt's xcb backend reports a focus loss only when no focus-in follows within a moment, so a
    window activated for an instant and the kiosk activated again at once (one `xdotool` call, a
    script), or a minimise undone at once, never reaches `focusWindowChanged`. The X server
    sends a FocusOut for each: this guard asks for them on an X connection of its own (Qt's
    native event filter does not pass them on from PySide6) and reads them as soon as they
    arrive. The session folds them with what Qt reports of the same attempt.
    """

    name = "x11_focus_out"

    def __init__(self, window: QWidget, report: Report) -> None:
        self.window = window
        self.report = report
        self._x11: X11Api | None = None
        self._notifier: QSocketNotifier | None = None
        self._watched = 0

    def apply(self) -> None:
        self._x11 = X11Api.open()
        if self._x11 is None:
            return
        self._watch()
        self._x11.focus_changes()  # what applying the lockdown itself moved is no attempt
        self._notifier = QSocketNotifier(self._x11.connection_number(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._read)

    def release(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._x11 is not None:
            self._x11.close()
            self._x11 = None

    def reassert(self) -> None:
        self._watch()  # a window Qt created anew (its flags changed) is watched too

    def _watch(self) -> None:
        window = native_window_id(self.window)
        if self._x11 is not None and window != self._watched:
            self._x11.watch_focus(window)
            self._watched = window

    def _read(self) -> None:
        if self._x11 is None:
            return
        if any(self._left_the_kiosk(change) for change in self._x11.focus_changes()):
            self.report(ViolationKind.FOCUS_LOST, "another window took the keyboard focus")

    def _left_the_kiosk(self, change: FocusChange) -> bool:
        return (
            not change.focus_in
            and change.window == self._watched
            and change.mode in REAL_FOCUS_MODES
            and change.detail in FOCUS_LEFT_DETAILS
        )
