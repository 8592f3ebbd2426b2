"""The end-of-session screen's remarks: typed at the keyboard, sent with the finalisation, kept by
the server, printed on the attendance report, then shown read-only (in English too)."""

import subprocess

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.console.action_dialogs import ActionDialog
from kiosk.console.api import ConsoleApi


def signed_in(console, drive, planned):
    screen = console.window.sign_in
    screen.session.edit.setText(str(planned.session_number))
    screen.code.edit.setText(planned.invigilator_code)
    drive.inside(screen.submit.click)
    drive.until(lambda: console.window.room.model.rowCount() == len(planned.names))
    return console.window.room


def press_and_confirm(console, drive, trigger) -> None:
    """Press `trigger` inside the loop and confirm the dialog it opens."""

    def confirm() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ActionDialog), dialog
        dialog.confirm.click()

    def fire() -> None:
        QTimer.singleShot(50, confirm)
        trigger()

    drive.inside(fire)
    drive.until(lambda: not console.controller.busy)


def incident_lines(closing) -> list[str]:
    return [closing.incidents.item(i).text() for i in range(closing.incidents.count())]


def test_remarks_typed_at_the_keyboard_go_with_the_finalisation(console, drive, plan):
    planned = plan(3)
    room = signed_in(console, drive, planned)
    absent = room.model.line(0)
    room.select_candidate(absent.candidate_id)
    press_and_confirm(console, drive, room.panel.buttons["mark_absent"].click)
    drive.inside(room.closing.click)
    closing = console.window.closing
    drive.until(lambda: any("Déclaré absent" in line for line in incident_lines(closing)))
    assert any(absent.name in line for line in incident_lines(closing))

    # Keyboard: Tab from the incidents into the remarks, Enter for a new line, Tab out again.
    remarks = closing.remarks
    assert remarks.accessibleName() == "Remarques sur la session"
    assert not remarks.isReadOnly() and remarks.placeholderText()
    console.window.activateWindow()  # back from the confirmation dialog
    drive.until(lambda: QApplication.activeWindow() is console.window)
    drive.inside(closing.incidents.setFocus)
    drive.inside(lambda: QTest.keyClick(closing.incidents, Qt.Key.Key_Tab))
    assert remarks.hasFocus()
    # (QTest types ASCII only; accents come in the second line, as an input method gives them.)
    drive.inside(lambda: QTest.keyClicks(remarks, "Coupure de 14 h 10 a 14 h 12."))
    drive.inside(lambda: QTest.keyClick(remarks, Qt.Key.Key_Return))
    drive.inside(lambda: QTest.keyClicks(remarks, "PC03 "))
    drive.inside(lambda: remarks.insertPlainText("à vérifier."))
    drive.inside(lambda: QTest.keyClick(remarks, Qt.Key.Key_Tab))
    assert not remarks.hasFocus() and "\t" not in remarks.toPlainText()
    typed = "Coupure de 14 h 10 a 14 h 12.\nPC03 à vérifier."
    assert closing.remarks_text() == typed
    assert closing.remarks_count.text() == f"{len(typed)} / 2 000 caractères"

    # Too long: finalisation is held back until the remarks are shortened.
    remarks.setPlainText("x" * 2001)
    assert not closing.finalise.isEnabled() and "trop long" in closing.remarks_count.text()
    remarks.setPlainText(typed)
    assert closing.finalise.isEnabled()

    press_and_confirm(console, drive, closing.finalise.click)
    drive.until(lambda: closing.state == "finalised" and remarks.isReadOnly())
    assert remarks.toPlainText() == typed and not closing.remarks_count.isVisible()
    assert closing.saved_remarks == typed
    assert drive.run(console.controller.api.report())["remarks"] == typed

    # The attendance report prints them, with the absence among the incidents.
    drive.inside(closing.report_pdf.click)
    drive.until(lambda: bool(console.opened))
    text = subprocess.run(
        ["pdftotext", "-layout", str(console.opened[0]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    assert "Remarques des surveillants Coupure de 14 h 10 a 14 h 12. PC03 à vérifier." in flat
    assert "Déclaré absent" in flat


def test_a_finalised_session_shows_its_remarks_read_only_in_english(console, drive, plan, server):
    planned = plan(2)
    other = ConsoleApi(server.url)  # another console finalised the session
    drive.run(other.sign_in(planned.session_number, planned.invigilator_code))
    drive.run(other.finalise("Salle trop chaude."))
    drive.run(other.close())
    room = signed_in(console, drive, planned)
    window = console.window
    drive.inside(window.language_button.click)
    drive.until(lambda: window.language_button.text() == "Français")
    drive.until(lambda: room.snapshot is not None and room.snapshot.session_state == "finalised")
    drive.inside(room.closing.click)
    closing = window.closing
    drive.until(lambda: closing.remarks.toPlainText() == "Salle trop chaude.")
    assert closing.remarks.isReadOnly() and not closing.finalise.isVisible()
    assert closing.remarks.property("role") == "read-only"  # looks kept, not editable
    background = closing.remarks.viewport().palette().color(QPalette.ColorRole.Base)
    assert background.name() != "#ffffff", background.name()
    assert closing.remarks_title.text() == "Session remarks"
    assert closing.remarks.accessibleName() == "Session remarks"
    assert closing.remarks_help.text() == (
        "Remarks saved at finalisation, printed on the attendance report."
    )
    # Typing changes nothing once finalised.
    closing.remarks.setFocus()
    drive.inside(lambda: QTest.keyClicks(closing.remarks, "ajout"))
    assert closing.remarks.toPlainText() == "Salle trop chaude."
    drive.inside(window.language_button.click)
    drive.until(lambda: closing.remarks_title.text() == "Remarques sur la session")
