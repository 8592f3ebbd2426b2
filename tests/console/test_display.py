"""The console for people: French and English at a click, large type to read from afar, and
everything reachable from the keyboard."""

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.console.action_dialogs import IssueReportDialog


def signed_in(console, drive, planned):
    screen = console.window.sign_in
    screen.session.edit.setText(str(planned.session_number))
    screen.code.edit.setText(planned.invigilator_code)
    drive.inside(screen.submit.click)
    drive.until(lambda: console.window.room.model.rowCount() == len(planned.names))
    return console.window.room


def test_english_at_a_click_everywhere(console, drive, plan, shot):
    room = signed_in(console, drive, plan(3))
    window = console.window
    drive.inside(window.language_button.click)
    drive.until(lambda: window.language_button.text() == "Français")  # LanguageChange events
    assert room.pause_all.text() == "Pause everyone"
    assert room.counts.text() == "3 candidates: 3 not arrived"
    model = room.model
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == (
        "Candidate"
    )
    assert model.data(model.index(0, 1), Qt.ItemDataRole.DisplayRole) == "Not arrived"
    room.select_candidate(model.line(0).candidate_id)
    assert room.panel.buttons["mark_absent"].text() == "Mark absent…"
    seen: list[str] = []

    def look_and_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, IssueReportDialog)
        seen.extend([dialog.cancel.text(), dialog.category.itemText(4)])
        dialog.reject()

    def open_report() -> None:
        QTimer.singleShot(50, look_and_cancel)
        room.panel.buttons["report"].click()

    drive.inside(open_report)
    assert seen == ["Cancel", "Suspected fraud"]
    drive.inside(lambda: shot(window, "room-english"))
    drive.inside(window.language_button.click)
    drive.until(lambda: room.pause_all.text() == "Tout mettre en pause")


def test_large_type_reads_from_afar(console, drive, plan, shot):
    room = signed_in(console, drive, plan(3))
    window = console.window
    height = room.table.sizeHintForRow(0)
    drive.inside(window.large_button.click)
    assert window.large_button.isChecked()
    assert "font-size: 27px" in QApplication.instance().styleSheet()
    drive.until(lambda: room.table.sizeHintForRow(0) > height * 1.3)
    drive.inside(lambda: shot(window, "room-large-type"))
    drive.inside(window.large_button.click)
    drive.until(lambda: room.table.sizeHintForRow(0) == height)


def test_keyboard_only(console, drive, plan):
    planned = plan(2)
    screen = console.window.sign_in
    screen.session.edit.setFocus()
    drive.inside(lambda: QTest.keyClicks(screen.session.edit, str(planned.session_number)))
    drive.inside(lambda: QTest.keyClick(screen.session.edit, Qt.Key.Key_Tab))
    assert screen.code.edit.hasFocus()
    drive.inside(lambda: QTest.keyClicks(screen.code.edit, planned.invigilator_code))
    drive.inside(lambda: QTest.keyClick(screen.code.edit, Qt.Key.Key_Return))
    room = console.window.room
    drive.until(lambda: room.model.rowCount() == 2 and room.table.hasFocus())
    drive.inside(lambda: QTest.keyClick(room.table, Qt.Key.Key_Down))
    assert room.selected_candidate() is not None
    drive.inside(lambda: QTest.keyClick(room.table, Qt.Key.Key_Return))
    assert QApplication.focusWidget() is room.panel.buttons["mark_absent"]
