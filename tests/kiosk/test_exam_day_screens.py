"""What a newcomer met on exam day (issue 22), on the real candidate window (pytest-qt): the
alert link on every question, the time left on the paused screen and in the attachment viewer,
the keyboard back on the answer after the header, an error that stays put, and the check-in's
wording. Each screen touched is saved under `SCREENSHOTS` (when set) to be looked at."""

import os
from pathlib import Path

import pytest
from kiosk_samples import sample_items
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.i18n import LanguageSwitcher
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.theme import apply_theme


@pytest.fixture
def window(qtbot, qapp):
    switcher = LanguageSwitcher(qapp)
    apply_theme(qapp, high_contrast=False, font_scale=1.0)
    window = KioskWindow(switcher)
    qtbot.addWidget(window)
    window.show()
    yield window
    switcher.set_language("fr")


def screenshot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()  # let pending layouts settle, as on a real screen
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def test_every_question_can_be_reported_after_an_alert_on_an_earlier_one(window, qtbot):
    screen = window.question
    items = sample_items()
    screen.show_item(items[0], 1, 32)
    window.show_screen(screen)
    with qtbot.waitSignal(screen.problem_reported):
        qtbot.mouseClick(screen.report, Qt.MouseButton.LeftButton)
    screen.show_problem_sent()
    assert screen.report.isHidden() and screen.report_done.isVisibleTo(screen)
    screen.show_item(items[1], 2, 32)  # the invigilator validated: the question was replaced
    assert screen.report.isVisibleTo(screen) and screen.report_done.isHidden()
    screenshot(window, "22-report-link-back")


def test_the_paused_screen_shows_the_time_left(window):
    window.paused.set_time_left(3725)
    window.show_screen(window.paused)
    assert window.paused.clock.text() == "Temps restant : 1:02:05"
    assert window.paused.clock.isVisibleTo(window.paused)
    screenshot(window, "22-paused-time-left")


def test_the_attachment_viewer_keeps_both_timers_in_sight(window, qtbot):
    screen = window.question
    timed = sample_items()[2]
    screen.show_item(timed, 3, 32)
    window.show_screen(screen)
    attachment, _ = screen._attachment_buttons[0]
    qtbot.mouseClick(attachment, Qt.MouseButton.LeftButton)
    viewer = window.viewer
    viewer.set_time_left(4 * 60)
    viewer.set_item_time_left(42)
    assert window.current_screen() is viewer
    assert viewer.clock.isVisibleTo(viewer) and "4:00" in viewer.clock.text()
    assert viewer.item_clock.isVisibleTo(viewer) and "0:42" in viewer.item_clock.text()
    screenshot(window, "22-viewer-timers")
    viewer.set_item_time_left(None)
    assert viewer.item_clock.isHidden()


def test_the_keyboard_goes_back_to_the_answer_after_any_header_button(window, qtbot):
    screen = window.question
    screen.show_item(sample_items()[2], 1, 32)  # a typed answer
    window.show_screen(screen)
    window.activateWindow()
    answer = screen.first_focus()
    answer.setFocus()
    qtbot.keyClicks(answer, "15")
    for control in (window.language_button, window.larger, window.contrast, window.smaller):
        qtbot.mouseClick(control, Qt.MouseButton.LeftButton)
        assert QApplication.focusWidget() is answer, control.text()
    qtbot.keyClicks(answer, "6389")
    with qtbot.waitSignal(screen.answered) as answered:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert answered.args[0] == ["156389"] or "156389" in str(answered.args[0])
    assert window.switcher.language == "en"
    QApplication.processEvents()  # the language change reaches every widget
    assert QApplication.focusWidget() is answer
    assert window.language_note.isVisibleTo(window)  # questions stay in their own language
    screenshot(window, "22-english-focus-back")


def test_the_missing_answer_error_stays_and_valider_stays_under_the_pointer(window, qtbot):
    screen = window.question
    screen.show_item(sample_items()[0], 1, 32)
    window.show_screen(screen)
    qtbot.waitExposed(window)
    QApplication.processEvents()
    before = screen.validate.mapTo(window, screen.validate.rect().topLeft())
    qtbot.mouseClick(screen.validate, Qt.MouseButton.LeftButton)
    assert screen.problem.isVisibleTo(screen)
    for seconds in (600, 599, 598):  # the clock ticks on
        screen.set_time_left(seconds)
        screen.set_item_time_left(None)
    QApplication.processEvents()
    assert screen.problem.isVisibleTo(screen) and "Choisissez" in screen.problem.text()
    assert screen.validate.mapTo(window, screen.validate.rect().topLeft()) == before
    screenshot(window, "22-choose-an-answer")


def test_check_in_explains_an_impossible_date_and_shows_a_six_digit_session(window, qtbot):
    screen = window.checkin
    window.show_screen(screen)
    assert "123456" in screen.session.hint.text()
    for typed, said in (
        ("31/02/2008", "le 31 février n'existe pas en 2008"),
        ("29/02/2007", "le 29 février n'existe pas en 2007"),
        ("14/13/2008", "le mois 13 n'existe pas"),
        ("2008-02-14", "au format JJ/MM/AAAA"),
    ):
        screen.birth_date.edit.setText(typed)
        screen.check()
        assert said in screen.birth_date.error.text(), typed
        assert screen.birth_date.error.text().startswith(
            "Écrivez" if "JJ" in said else "Cette date n'existe pas : "
        )
    screen.birth_date.edit.setText("31/02/2008")
    screen.check()
    screenshot(window, "22-check-in-date")
