"""The candidate window: frameless, above every other window, fullscreen, and impossible to close
while the lockdown holds; any change of its state is an incident and is undone."""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from kiosk.lockdown.event_filter import CallbackEventFilter
from kiosk.lockdown.guard import Guard
from kiosk.lockdown.violations import Report, ViolationKind

KIOSK_FLAGS = Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint


def prepare_kiosk_window(window: QWidget) -> None:
    """Give the candidate window the lockdown's flags before it is first shown (secure mode).

    Applying the lockdown to a window shown without them makes Qt create a new native window,
    which the window manager unmaps, maps and focuses again after `apply()` has returned: the
    focus guard cannot tell that from the candidate leaving (under openbox, every exam resumed
    after a crash was locked at once)."""
    window.setWindowFlags(window.windowFlags() | KIOSK_FLAGS)


def native_window_id(window: QWidget) -> int:
    """The window's native id now (X window, HWND, NSView), for the guards' system calls.

    Not `QWidget.winId()`: changing the flags of a window already shown (the window guard does
    when the app has not prepared its window) makes Qt create a new native window, and
    `QWidget.winId()` keeps answering the destroyed one. The QWindow knows the live one."""
    handle = window.windowHandle()
    return int(handle.winId()) if handle is not None else int(window.winId())


class WindowGuard(Guard):
    name = "window"

    def __init__(self, window: QWidget, report: Report) -> None:
        self.window = window
        self.report = report
        self._filter = CallbackEventFilter(self._on_event)
        self._saved_flags = window.windowFlags()
        self._saved_state = window.windowState()
        self._was_visible = False

    def apply(self) -> None:
        self._saved_flags = self.window.windowFlags()
        self._saved_state = self.window.windowState()
        self._was_visible = self.window.isVisible()
        self.window.setWindowFlags(self._saved_flags | KIOSK_FLAGS)
        self.window.installEventFilter(self._filter)
        self.window.showFullScreen()
        self.window.raise_()
        self.window.activateWindow()

    def release(self) -> None:
        self.window.removeEventFilter(self._filter)
        self.window.setWindowFlags(self._saved_flags)  # hides the window
        self.window.setWindowState(self._saved_state)
        if self._was_visible:
            self.window.show()

    def reassert(self) -> None:
        if self.window.isMinimized() or not self.window.isFullScreen():
            self.window.showFullScreen()
        self.window.raise_()

    def is_settled(self) -> bool:
        return (
            self.window.isVisible() and self.window.isFullScreen() and not self.window.isMinimized()
        )

    def _on_event(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            event.ignore()
            self.report(ViolationKind.CLOSE_ATTEMPT, "the window was asked to close")
            return True
        if event.type() == QEvent.Type.WindowStateChange:
            if self.window.isMinimized():
                self.report(ViolationKind.MINIMISED, "the window was minimised")
            elif not self.window.isFullScreen():
                self.report(ViolationKind.LEFT_FULLSCREEN, "the window left fullscreen")
        return False


class FocusGuard(Guard):
    """Watches the keyboard focus: the kiosk's app losing it (another window activated, the app
    deactivated) is an incident; restoring activates the candidate window again."""

    name = "focus"

    def __init__(self, window: QWidget, report: Report) -> None:
        self.window = window
        self.report = report

    def apply(self) -> None:
        app = QGuiApplication.instance()
        app.focusWindowChanged.connect(self._on_focus_window_changed)
        app.applicationStateChanged.connect(self._on_application_state_changed)

    def release(self) -> None:
        app = QGuiApplication.instance()
        app.focusWindowChanged.disconnect(self._on_focus_window_changed)
        app.applicationStateChanged.disconnect(self._on_application_state_changed)

    def reassert(self) -> None:
        if QGuiApplication.focusWindow() is None:
            self.window.raise_()
            self.window.activateWindow()

    def is_settled(self) -> bool:
        return QGuiApplication.focusWindow() is not None

    def _on_focus_window_changed(self, focus_window: object) -> None:
        if focus_window is None:
            self.report(ViolationKind.FOCUS_LOST, "another window took the keyboard focus")

    def _on_application_state_changed(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self.report(ViolationKind.FOCUS_LOST, "the kiosk was deactivated")
