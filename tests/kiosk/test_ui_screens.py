"""Every screen of the candidate window, driven with real Qt events (pytest-qt)."""

from datetime import date

import pytest
from kiosk_samples import sample_items
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QWidget

from engine.answers import answer_status
from engine.items import ItemType
from kiosk.i18n import LanguageSwitcher
from kiosk.ui.checkin_screen import CheckInDetails, parse_birth_date
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.question_screen import clock_text
from kiosk.ui.theme import STANDARD, apply_theme

QUIT_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


@pytest.fixture
def window(qtbot, qapp):
    switcher = LanguageSwitcher(qapp)
    apply_theme(qapp, high_contrast=False, font_scale=1.0)
    window = KioskWindow(switcher)
    qtbot.addWidget(window)
    window.show()
    yield window
    switcher.set_language("fr")


def type_into(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClicks(edit, text)


def test_birth_dates_in_the_ways_people_write_them():
    assert parse_birth_date("14/07/2008") == date(2008, 7, 14)
    assert parse_birth_date("14-07-2008") == date(2008, 7, 14)
    assert parse_birth_date("1.7.2008") == date(2008, 7, 1)
    assert parse_birth_date("14072008") == date(2008, 7, 14)
    assert parse_birth_date("31/02/2008") is None
    assert parse_birth_date("hier") is None


def test_check_in_explains_each_mistake_next_to_its_field(window, qtbot):
    screen = window.checkin
    window.show_screen(screen)
    with qtbot.assertNotEmitted(screen.submitted):
        qtbot.mouseClick(screen.submit, Qt.MouseButton.LeftButton)
    assert screen.session.error.isVisible()
    assert "numéro de session" in screen.session.error.text()
    assert screen.session.edit.hasFocus()
    type_into(qtbot, screen.session.edit, "12345")
    type_into(qtbot, screen.access_code.edit, "bcdf2")
    type_into(qtbot, screen.last_name.edit, "Dupont")
    type_into(qtbot, screen.first_name.edit, "Jeanne")
    type_into(qtbot, screen.birth_date.edit, "31/02/2008")
    qtbot.mouseClick(screen.submit, Qt.MouseButton.LeftButton)
    assert not screen.session.error.isVisible()
    assert "6 caractères" in screen.access_code.error.text()
    assert "n'existe pas" in screen.birth_date.error.text()


def test_check_in_submits_tidy_details_with_the_keyboard_alone(window, qtbot):
    screen = window.checkin
    window.show_screen(screen)
    assert screen.session.edit.hasFocus()
    for text in ("12345", "bcdf23", "  Dupont ", "Jeanne", "14/07/2008"):
        qtbot.keyClicks(QApplication.focusWidget(), text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.submit
    with qtbot.waitSignal(screen.submitted) as submitted:
        qtbot.keyClick(screen.submit, Qt.Key.Key_Return)
    assert submitted.args[0] == CheckInDetails(
        "12345", "BCDF23", "Dupont", "Jeanne", date(2008, 7, 14)
    )


def test_check_in_shows_the_servers_refusal_and_can_be_reset(window):
    screen = window.checkin
    screen.set_busy(True)
    assert screen.session.edit.isReadOnly()
    screen.set_busy(False)
    screen.show_problem("Code d'accès incorrect.")
    assert screen.problem.text() == "Code d'accès incorrect."
    screen.reset()
    assert not screen.problem.isVisible()


def test_waiting_instructions_paused_time_over_and_end_say_where_the_candidate_is(window, qtbot):
    window.waiting.show_candidate("Jeanne Dupont", resuming=False)
    assert "Jeanne Dupont" in window.waiting.title.text()
    with qtbot.waitSignal(window.waiting.cancelled):
        qtbot.mouseClick(window.waiting.cancel, Qt.MouseButton.LeftButton)
    window.waiting.show_candidate("Jeanne Dupont", resuming=True)
    assert "conservées" in window.waiting.lead.text()
    assert window.waiting.cancel.isHidden()

    window.instructions.show_exam(32, 105, 35, secure_mode=True)
    rules = " ".join(rule.text() for rule in window.instructions.rules)
    assert "32 questions" in rules and "2 h 20" in rules and "35 min" in rules
    assert "verrouille" in rules
    window.show_screen(window.instructions)
    with qtbot.waitSignal(window.instructions.started):
        qtbot.keyClick(window.instructions.start, Qt.Key.Key_Return)

    assert "pause" in window.paused.title.text()
    with qtbot.waitSignal(window.time_over.acknowledged):
        qtbot.mouseClick(window.time_over.next, Qt.MouseButton.LeftButton)
    window.end.show_end("Jeanne", sent=False)
    assert "conservées sur cet ordinateur" in window.end.delivery.text()
    window.end.set_sent(True)
    assert "transmises" in window.end.delivery.text()


def test_locked_screen_asks_for_the_invigilator_code(window, qtbot):
    screen = window.locked
    window.show_screen(screen)
    assert screen.code.hasFocus()
    assert screen.code.echoMode() == QLineEdit.EchoMode.Password
    with qtbot.assertNotEmitted(screen.unlock_requested):
        qtbot.keyClick(screen.code, Qt.Key.Key_Return)
    assert screen.problem.isVisible()
    with qtbot.waitSignal(screen.unlock_requested) as request:
        qtbot.keyClicks(screen.code, "k7!bQ9")
        qtbot.keyClick(screen.code, Qt.Key.Key_Return)
    assert request.args == ["k7!bQ9"]
    screen.show_problem("Code surveillant incorrect.")
    assert screen.problem.text() == "Code surveillant incorrect."


def answer_with_keyboard(qtbot, window: KioskWindow, item_type: ItemType) -> None:
    """What a keyboard-only candidate does to give the right answer to each sample item."""
    screen = window.question
    focus = QApplication.focusWidget()
    if item_type is ItemType.QCU:
        qtbot.keyClick(focus, Qt.Key.Key_Down)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    elif item_type is ItemType.QCM:
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    elif item_type is ItemType.QROC:
        qtbot.keyClicks(focus, "156 389")
    elif item_type is ItemType.QROCM_IND:
        qtbot.keyClicks(focus, "Rapport-Final")
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), ".PDF")
    else:
        qtbot.keyClicks(focus, "chrome")
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), "firefox")
    assert screen.current_response() is not None


@pytest.mark.parametrize("index", range(5), ids=[item.type for item in sample_items()])
def test_every_item_type_is_answered_right_with_the_keyboard(window, qtbot, index):
    item = sample_items()[index]
    screen = window.question
    screen.show_item(item, 12, 32)
    screen.set_time_left(3600)
    window.show_screen(screen)
    assert screen.progress_text.text() == "Question 12 / 32"
    with qtbot.assertNotEmitted(screen.answered):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert screen.problem.isVisible()
    answer_with_keyboard(qtbot, window, item.type)
    with qtbot.waitSignal(screen.answered) as answered:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert answer_status(item, answered.args[0]) == "ok"
    assert not screen.validate.isEnabled()


def test_question_extras_illustration_attachment_timer_focus_and_alert(window, qtbot):
    items = sample_items()
    screen = window.question
    screen.show_item(items[0], 1, 32)
    assert screen.illustration.pixmap() is not None and not screen.illustration.pixmap().isNull()
    assert "imp0ts" in screen.illustration.accessibleDescription()

    screen.show_item(items[2], 2, 32)
    window.show_screen(screen)
    assert screen.timer_notice.isVisibleTo(screen)
    screen.set_item_time_left(42)
    assert "0:42" in screen.timer_text.text()
    attachment, _ = screen._attachment_buttons[0]
    qtbot.mouseClick(attachment, Qt.MouseButton.LeftButton)
    assert window.current_screen() is window.viewer
    assert window.viewer.content.item(1, 1).text() == "156389"
    qtbot.keyClick(window.viewer.back, Qt.Key.Key_Return)
    assert window.current_screen() is screen

    screen.show_item(items[1], 3, 32)
    assert screen.focus_notice.isVisibleTo(screen)
    screen.set_focus_lost()
    assert "quitté" in screen.focus_text.text()
    with qtbot.waitSignal(screen.problem_reported):
        qtbot.mouseClick(screen.report, Qt.MouseButton.LeftButton)
    screen.show_problem_sent()
    assert screen.report_done.isVisibleTo(screen)
    with qtbot.waitSignal(screen.skipped):
        qtbot.mouseClick(screen.skip, Qt.MouseButton.LeftButton)


def test_time_left_reads_as_a_clock_and_turns_urgent():
    assert clock_text(3725) == "1:02:05"
    assert clock_text(59) == "0:59"
    assert clock_text(-3) == "0:00"


def interactive_widgets(root: QWidget) -> list[QWidget]:
    return [
        widget
        for widget in root.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and isinstance(widget, QAbstractButton | QLineEdit)
    ]


def test_every_interactive_widget_has_an_accessible_name_in_both_languages(window):
    for index, item in enumerate(sample_items()):
        window.question.show_item(item, index + 1, 32)
        window.question.retranslate()
        for language in ("fr", "en", "fr"):
            window.switcher.set_language(language)
            QApplication.processEvents()
            unnamed = [
                f"{type(widget).__name__} {widget.objectName() or widget.text()}"
                for widget in interactive_widgets(window)
                if not widget.accessibleName().strip()
            ]
            assert unnamed == [], (item.type, language)


def test_the_end_screen_gives_the_servers_refusal_to_the_invigilator(window):
    window.end.show_end("Jeanne", sent=False)
    window.end.set_refusal("Un autre relevé a déjà été reçu pour cette épreuve.")
    text = window.end.delivery.text()
    assert "refusé" in text and "Un autre relevé" in text and "surveillant" in text
    window.switcher.set_language("en")
    QApplication.processEvents()
    assert "Call the invigilator" in window.end.delivery.text()
    window.end.show_end("Marc", sent=False)  # the next candidate's end: no refusal
    assert "refused" not in window.end.delivery.text()


def test_the_end_screen_focuses_the_next_candidate_link(window, qtbot):
    window.end.show_end("Jeanne", sent=True)
    window.show_screen(window.end)
    assert window.end.again.hasFocus()
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Return):
        with qtbot.waitSignal(window.end.next_candidate):
            qtbot.keyClick(window.end.again, key)


def left_border_colour(edit: QLineEdit) -> str:
    """The colour drawn in the middle of the field's left border."""
    return edit.grab().toImage().pixelColor(1, edit.height() // 2).name()


def test_the_lock_screens_code_field_has_visible_keyboard_focus(window, qtbot):
    window.show_screen(window.question)
    assert left_border_colour(window.locked.code) == STANDARD.border
    window.locked.reset()
    window.show_screen(window.locked)
    assert window.locked.code.hasFocus()
    assert left_border_colour(window.locked.code) == STANDARD.focus


def test_quitting_needs_the_code_only_in_secure_mode(window, qtbot):
    links = window.quit_links()
    assert not any(link.isVisibleTo(window) for link in links)
    with qtbot.assertNotEmitted(window.quit_requested):
        qtbot.keyClick(window, Qt.Key.Key_Q, QUIT_MODIFIERS)
    window.set_quit_needs_code(True)
    for screen, link in zip((window.checkin, window.locked, window.end), links, strict=True):
        assert link.isVisibleTo(screen) and link.accessibleName() == "Quitter le poste"
        window.show_screen(screen)
        with qtbot.waitSignal(window.quit_requested):
            qtbot.keyClick(link, Qt.Key.Key_Space)
    with qtbot.waitSignal(window.quit_requested):
        qtbot.keyClick(window, Qt.Key.Key_Q, QUIT_MODIFIERS)
    with qtbot.waitSignal(window.quit_requested):
        window.close()  # a close request (the window manager, Alt+F4)
    assert window.isVisible()
    window.close_for_good()
    assert not window.isVisible()


def test_the_quit_prompt_asks_the_session_and_the_invigilator_code(window, qtbot):
    prompt = window.quit_prompt
    prompt.show_prompt("", exam_under_way=False)
    window.show_screen(prompt)
    assert prompt.session.hasFocus() and not prompt.session.isReadOnly()
    assert prompt.code.echoMode() == QLineEdit.EchoMode.Password
    with qtbot.assertNotEmitted(prompt.submitted):
        qtbot.keyClick(prompt.session, Qt.Key.Key_Return)
    assert "numéro de session" in prompt.problem.text() and prompt.session.hasFocus()
    qtbot.keyClicks(prompt.session, "12a345")  # digits only
    qtbot.keyClick(prompt.session, Qt.Key.Key_Tab)
    with qtbot.assertNotEmitted(prompt.submitted):
        qtbot.keyClick(prompt.code, Qt.Key.Key_Return)
    assert "code surveillant" in prompt.problem.text() and prompt.code.hasFocus()
    with qtbot.waitSignal(prompt.submitted) as submitted:
        qtbot.keyClicks(prompt.code, "k7!bQ9")
        qtbot.keyClick(prompt.code, Qt.Key.Key_Return)
    assert submitted.args == ["12345", "k7!bQ9"]
    prompt.set_busy(True)
    assert prompt.confirm.text() == "Vérification en cours…"
    with qtbot.assertNotEmitted(prompt.submitted), qtbot.assertNotEmitted(prompt.cancelled):
        qtbot.keyClick(prompt.code, Qt.Key.Key_Return)
        qtbot.keyClick(prompt.code, Qt.Key.Key_Escape)
    prompt.set_busy(False)
    prompt.show_problem("Code surveillant incorrect.")
    assert prompt.code.hasFocus() and prompt.code.selectedText() == "k7!bQ9"
    with qtbot.waitSignal(prompt.cancelled):
        qtbot.keyClick(prompt.code, Qt.Key.Key_Escape)

    prompt.show_prompt("418459", exam_under_way=True)  # the exam's session: not to be changed
    window.show_screen(prompt)
    assert prompt.code.hasFocus() and prompt.code.text() == ""
    assert prompt.session.isReadOnly() and not prompt.problem.isVisible()
    assert "reprendra" in prompt.detail.text()
    window.switcher.set_language("en")
    QApplication.processEvents()
    assert prompt.title.text() == "Quit this computer"
    assert "resume" in prompt.detail.text()
    assert window.checkin.quit.text() == "Quit this computer"
    with qtbot.waitSignal(prompt.cancelled):
        qtbot.mouseClick(prompt.cancel, Qt.MouseButton.LeftButton)


def test_a_long_name_is_shortened_but_the_session_number_stays_readable(window, qtbot):
    long_name = "Marie-Christine de La Villemarqué-Dubois-Tessier"
    window.resize(1280, 860)
    window.set_candidate(long_name, "418459")
    for step in (0, +1, +1, +1, +1):  # every type size up to the largest
        window.step_font_scale(step)
        qtbot.wait(10)
        who = window.who
        shown = who.text()
        assert shown.endswith(" · session 418459"), shown
        assert who.fontMetrics().horizontalAdvance(shown) <= who.contentsRect().width()
        assert who.accessibleName() == who.toolTip() == f"{long_name} · session 418459"
    assert "…" in shown
    window.set_candidate("", "")
    assert window.who.text() == "" and window.who.accessibleName() == ""
    window.step_font_scale(-4)
