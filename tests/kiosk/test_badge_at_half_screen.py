"""The candidate badge at half a screen (issue 22, items 9 and 10): the name, shortened, never the
session number alone; the window keeps the width it was given, whatever the type size."""

import os
from pathlib import Path

import pytest
from kiosk_samples import sample_items
from PySide6.QtWidgets import QApplication

from kiosk.i18n import LanguageSwitcher
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.theme import apply_theme

HALF_SCREEN = 844


@pytest.fixture
def window(qtbot, qapp):
    switcher = LanguageSwitcher(qapp)
    apply_theme(qapp, high_contrast=False, font_scale=1.0)
    window = KioskWindow(switcher)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.step_font_scale(-10)


def save(window: KioskWindow, name: str) -> None:
    folder = os.environ.get("PIX_SCREENSHOTS")
    if folder:
        window.grab().save(str(Path(folder) / f"kiosk-{name}.png"))


def test_the_badge_names_the_candidate_at_half_screen_and_after_a_plus(window, qtbot):
    window.resize(HALF_SCREEN, 860)
    window.set_candidate("Amélie Nguyen-Villemarqué", "374081")
    qtbot.wait(20)
    for step in (0, +1, +1, +1, +1):  # every type size up to the largest
        window.step_font_scale(step)
        QApplication.processEvents()
        qtbot.wait(20)
        who = window.who
        assert who.isVisible() and who.width() > 0
        shown = who.text()
        assert shown.startswith("Amé"), shown  # the name first, shortened if need be
        assert not shown.startswith("·"), shown
        assert who.fontMetrics().horizontalAdvance(shown) <= who.contentsRect().width() + 1
        assert who.accessibleName() == "Amélie Nguyen-Villemarqué · session 374081"
        assert window.width() == HALF_SCREEN, f"the window grew to {window.width()} px"
        save(window, f"badge-half-screen-{window.font_scale}")


def test_the_badge_keeps_the_session_number_when_there_is_room(window, qtbot):
    window.resize(1280, 860)
    window.set_candidate("Jeanne Dupont", "374081")
    qtbot.wait(20)
    assert window.who.text() == "Jeanne Dupont · session 374081"
    assert window.brand.isVisible()


def test_at_half_screen_no_question_makes_the_window_grow(window, qtbot):
    """Every kind of question (an illustration, an attachment, a timer, long choices), up to
    question 32 and in every type size: the window keeps the half screen it was given and the
    question wraps (or, in the largest type, scrolls) inside it (issue 22, item 9: it grew to
    954 then 1153 px)."""
    window.resize(HALF_SCREEN, 860)
    window.set_candidate("Amélie Nguyen-Villemarqué", "374081")
    screen = window.question
    window.show_screen(screen)
    for step in (0, +1, +1, +1, +1):
        window.step_font_scale(step)
        for number, item in enumerate(sample_items(), start=28):
            screen.show_item(item, number, 32)
            QApplication.processEvents()
            qtbot.wait(10)
            assert window.width() == HALF_SCREEN, (
                f"question {number} ({item.id}) made the window {window.width()} px wide"
            )
            # Up to 175 % everything wraps into the width; at 200 % the longest buttons
            # (QPushButton never wraps) make the question scroll sideways, as allowed.
            wide = screen.scroll.horizontalScrollBar()
            if window.font_scale < 2:
                assert not wide.isVisible(), f"question {number} ({item.id}) is cut"
    save(window, "question-half-screen-largest")
