"""The in-app keyboard filter, context menus and the clipboard, with real Qt widgets and events."""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.lockdown.clipboard import ClipboardGuard
from kiosk.lockdown.policy import DEFAULT_BLOCKED_SHORTCUTS, DEFAULT_ESCAPE_SHORTCUTS
from kiosk.lockdown.shortcuts import ShortcutGuard, parse_shortcuts


class Reports(list):
    def __call__(self, kind: str, detail: str) -> None:
        self.append((str(kind), detail))


@pytest.fixture
def field(qtbot: QtBot) -> QLineEdit:
    widget = QLineEdit()
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    return widget


@pytest.fixture
def reports() -> Reports:
    return Reports()


@pytest.fixture
def shortcuts(reports: Reports) -> Iterator[ShortcutGuard]:
    guard = ShortcutGuard(DEFAULT_ESCAPE_SHORTCUTS, DEFAULT_BLOCKED_SHORTCUTS, reports)
    guard.apply()
    yield guard
    guard.release()


def test_the_default_shortcut_lists_are_valid() -> None:
    assert len(parse_shortcuts(DEFAULT_ESCAPE_SHORTCUTS)) == len(DEFAULT_ESCAPE_SHORTCUTS)
    assert len(parse_shortcuts(DEFAULT_BLOCKED_SHORTCUTS)) == len(DEFAULT_BLOCKED_SHORTCUTS)
    with pytest.raises(ValueError):
        parse_shortcuts(("Ctrl+Alt+Nothing",))


@pytest.mark.parametrize(
    ("key", "modifiers", "reported"),
    [
        (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier, "Alt+Tab"),
        (
            Qt.Key.Key_Backtab,
            Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier,
            "Alt+Shift+Tab",
        ),
        (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier, "Alt+F4"),
        (Qt.Key.Key_Super_L, Qt.KeyboardModifier.MetaModifier, "Meta"),
        (Qt.Key.Key_D, Qt.KeyboardModifier.MetaModifier, "Meta+D"),
        (
            Qt.Key.Key_T,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
            "Ctrl+Alt+T",
        ),
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier, "Esc"),
        (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier, "Ctrl+Q"),
    ],
)
def test_escape_shortcuts_are_swallowed_and_reported(
    qtbot: QtBot,
    field: QLineEdit,
    shortcuts: ShortcutGuard,
    reports: Reports,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier,
    reported: str,
) -> None:
    # The event as the window system delivers it (QTest would add presses of the modifiers).
    QApplication.sendEvent(field, QKeyEvent(QEvent.Type.KeyPress, key, modifiers, "x"))
    assert reports == [("escape_shortcut", f"{reported} pressed")]
    assert field.text() == ""


def test_blocked_shortcuts_are_swallowed_silently_and_no_action_fires(
    qtbot: QtBot, field: QLineEdit, shortcuts: ShortcutGuard, reports: Reports
) -> None:
    printed = []
    action = QAction("Print", field)
    action.setShortcut(QKeySequence("Ctrl+P"))
    action.triggered.connect(lambda: printed.append(True))
    field.addAction(action)
    field.setText("answer")
    field.selectAll()
    QGuiApplication.clipboard().setText("prepared")
    qtbot.keyClick(field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert printed == [] and reports == []
    assert field.text() == "answer"


def test_ordinary_typing_reaches_the_widgets(
    qtbot: QtBot, field: QLineEdit, shortcuts: ShortcutGuard, reports: Reports
) -> None:
    qtbot.keyClicks(field, "Reponse 42")
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert field.text() == "Reponse 4"
    assert reports == []


def test_key_repeat_is_one_report(
    field: QLineEdit, shortcuts: ShortcutGuard, reports: Reports
) -> None:
    for repeat in (False, True, True):
        event = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier, "", repeat
        )
        QApplication.sendEvent(field, event)
    assert reports == [("escape_shortcut", "Alt+Tab pressed")]


def test_context_menus_never_open(field: QLineEdit, shortcuts: ShortcutGuard) -> None:
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5), QPoint(5, 5))
    assert QApplication.sendEvent(field, event) is True  # taken by the filter
    assert QApplication.activePopupWidget() is None


def test_release_lets_shortcuts_through_again(
    qtbot: QtBot, field: QLineEdit, reports: Reports
) -> None:
    guard = ShortcutGuard(DEFAULT_ESCAPE_SHORTCUTS, DEFAULT_BLOCKED_SHORTCUTS, reports)
    guard.apply()
    guard.release()
    field.setText("abc")
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert field.selectedText() == "abc" and reports == []


def test_the_clipboard_is_emptied_kept_empty_and_emptied_at_the_end(qtbot: QtBot) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("cheat sheet")
    guard = ClipboardGuard()
    guard.apply()
    assert clipboard.text() == ""
    clipboard.setText("copied during the exam")
    qtbot.waitUntil(lambda: clipboard.text() == "")
    guard.release()
    assert clipboard.text() == ""
    clipboard.setText("after the exam")
    qtbot.wait(20)
    assert clipboard.text() == "after the exam"


def test_escape_still_closes_the_apps_own_drop_down_list(
    qtbot: QtBot, shortcuts: ShortcutGuard, reports: Reports
) -> None:
    choices = QComboBox()
    choices.addItems(["un", "deux", "trois"])
    qtbot.addWidget(choices)
    choices.show()
    choices.showPopup()
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    assert reports == []
