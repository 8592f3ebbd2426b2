"""Every screen belongs to the kiosk: screens other than the candidate's are covered by a blank
window (or the start is refused, by configuration), and a screen appearing, disappearing or
changing size during the exam is an incident (the covers follow the change)."""

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from kiosk.lockdown.guard import Guard, LockdownRefused
from kiosk.lockdown.policy import ExtraScreens
from kiosk.lockdown.violations import Report, ViolationKind

COVER_FLAGS = (
    Qt.WindowType.Window
    | Qt.WindowType.FramelessWindowHint
    | Qt.WindowType.WindowStaysOnTopHint
    | Qt.WindowType.WindowDoesNotAcceptFocus
)
SCREEN_CHANGE_QUIET_MS = 500  # a monitor plugged in sends several signals: one incident


def describe(screen: QScreen) -> str:
    geometry = screen.geometry()
    return f"{screen.name() or 'screen'} {geometry.width()}x{geometry.height()}"


class ScreenGuard(Guard):
    name = "screens"

    def __init__(self, window: QWidget, extra_screens: ExtraScreens, report: Report) -> None:
        self.window = window
        self.extra_screens = extra_screens
        self.report = report
        self.covers: list[QWidget] = []
        self._changes: list[str] = []
        self._quiet = QTimer()
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(SCREEN_CHANGE_QUIET_MS)
        self._quiet.timeout.connect(self._report_changes)

    def apply(self) -> None:
        extra = self._extra_screens()
        if extra and self.extra_screens == "refuse":
            names = ", ".join(describe(screen) for screen in extra)
            raise LockdownRefused(
                "extra_screen",
                f"Un écran supplémentaire est branché ({names}) : débranchez-le avant l'épreuve.",
                f"An extra screen is connected ({names}): unplug it before the exam.",
                ViolationKind.SCREEN_CHANGED,
            )
        app = QGuiApplication.instance()
        app.screenAdded.connect(self._on_screen_added)
        app.screenRemoved.connect(self._on_screen_removed)
        for screen in QGuiApplication.screens():
            screen.geometryChanged.connect(self._on_geometry_changed)
        self._cover_extra_screens()

    def release(self) -> None:
        self._quiet.stop()
        app = QGuiApplication.instance()
        app.screenAdded.disconnect(self._on_screen_added)
        app.screenRemoved.disconnect(self._on_screen_removed)
        for screen in QGuiApplication.screens():
            screen.geometryChanged.disconnect(self._on_geometry_changed)
        self._remove_covers()

    def reassert(self) -> None:
        for cover in self.covers:
            cover.raise_()

    def _kiosk_screen(self) -> QScreen:
        return self.window.screen() or QGuiApplication.primaryScreen()

    def _extra_screens(self) -> list[QScreen]:
        kiosk_screen = self._kiosk_screen()
        return [screen for screen in QGuiApplication.screens() if screen is not kiosk_screen]

    def _cover_extra_screens(self) -> None:
        self._remove_covers()
        for screen in self._extra_screens():
            cover = QWidget(None, COVER_FLAGS)
            cover.setObjectName("lockdown-cover")
            cover.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
            cover.setStyleSheet("background: black;")
            cover.setScreen(screen)
            cover.setGeometry(QRect(screen.geometry()))
            cover.showFullScreen()
            self.covers.append(cover)

    def _remove_covers(self) -> None:
        for cover in self.covers:
            cover.close()
            cover.deleteLater()
        self.covers.clear()

    def _changed(self, what: str) -> None:
        self._changes.append(what)
        self._cover_extra_screens()
        self._quiet.start()

    def _on_screen_added(self, screen: QScreen) -> None:
        screen.geometryChanged.connect(self._on_geometry_changed)
        self._changed(f"screen added: {describe(screen)}")

    def _on_screen_removed(self, screen: QScreen) -> None:
        self._changed(f"screen removed: {describe(screen)}")

    def _on_geometry_changed(self, geometry: QRect) -> None:
        self._changed(f"screen resized to {geometry.width()}x{geometry.height()}")

    def _report_changes(self) -> None:
        changes, self._changes = self._changes, []
        self.report(ViolationKind.SCREEN_CHANGED, "; ".join(dict.fromkeys(changes)))
