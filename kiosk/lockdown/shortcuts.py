"""In-app keyboard filter: escape shortcuts are swallowed and reported, other dangerous
shortcuts (new window, print, save, developer tools, copy/paste) only swallowed; context menus
never open.

It sees every key the application receives: with the X11 keyboard grab that includes the
desktop's own shortcuts (Alt+Tab, Super…), which then never reach the window manager.
"""

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication

from kiosk.lockdown.event_filter import CallbackEventFilter
from kiosk.lockdown.guard import Guard
from kiosk.lockdown.violations import Report, ViolationKind

_SUPER_KEYS = {Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_Meta}
_IGNORED_MODIFIERS = Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.GroupSwitchModifier
_ESC = QKeyCombination(Qt.KeyboardModifier.NoModifier, Qt.Key.Key_Escape)


def parse_shortcuts(texts: tuple[str, ...]) -> set[QKeyCombination]:
    """The key combinations named in portable text ("Ctrl+Alt+T"); refuses what Qt cannot read."""
    combinations = set()
    for text in texts:
        sequence = QKeySequence.fromString(text, QKeySequence.SequenceFormat.PortableText)
        if sequence.count() != 1 or sequence[0].key() == Qt.Key.Key_unknown:
            raise ValueError(f"not a single shortcut: {text!r}")
        combinations.add(sequence[0])
    return combinations


def key_combination(event: QKeyEvent) -> QKeyCombination:
    """What was pressed, normalised: Shift+Tab arrives as Backtab, Super as Super_L/R."""
    key = Qt.Key(event.key())
    modifiers = event.modifiers() & ~_IGNORED_MODIFIERS
    if key == Qt.Key.Key_Backtab:
        key = Qt.Key.Key_Tab
        modifiers |= Qt.KeyboardModifier.ShiftModifier
    if key in _SUPER_KEYS:
        return QKeyCombination(Qt.KeyboardModifier.NoModifier, Qt.Key.Key_Meta)
    return QKeyCombination(modifiers, key)


class ShortcutGuard(Guard):
    name = "shortcuts"

    def __init__(
        self, escape_shortcuts: tuple[str, ...], blocked_shortcuts: tuple[str, ...], report: Report
    ) -> None:
        self.escape = parse_shortcuts(escape_shortcuts)
        self.blocked = parse_shortcuts(blocked_shortcuts)
        self.report = report
        self._filter = CallbackEventFilter(self._on_event)

    def apply(self) -> None:
        QGuiApplication.instance().installEventFilter(self._filter)

    def release(self) -> None:
        QGuiApplication.instance().removeEventFilter(self._filter)

    def _is_escape(self, combination: QKeyCombination) -> bool:
        # Every Super/Meta chord is a desktop shortcut (Super+D, Super+E…).
        meta = combination.keyboardModifiers() & Qt.KeyboardModifier.MetaModifier
        return combination in self.escape or bool(meta)

    def _on_event(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ContextMenu:
            return True
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        combination = key_combination(event)
        if combination == _ESC and QApplication.activePopupWidget() is not None:
            return False  # Esc closes the app's own popup (a drop-down list)
        escape = self._is_escape(combination)
        if not escape and combination not in self.blocked:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # no QShortcut or QAction of the app fires: the key press comes to us
            return True
        # Swallowed at its first receiver (the window), a key press reaches no widget: one report.
        if escape and not event.isAutoRepeat():
            readable = QKeySequence(combination).toString(QKeySequence.SequenceFormat.PortableText)
            self.report(ViolationKind.ESCAPE_SHORTCUT, f"{readable} pressed")
        return True
