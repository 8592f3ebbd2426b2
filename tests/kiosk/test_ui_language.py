"""French by default, a complete English translation, switched at runtime (even mid-question)."""

import shutil
import xml.etree.ElementTree as ET

import pytest
from kiosk_samples import sample_items
from PySide6.QtCore import Qt

from kiosk.i18n import TRANSLATIONS_DIR, LanguageSwitcher, compile_translation, extract_strings
from kiosk.ui.main_window import KioskWindow


@pytest.fixture
def window(qtbot, qapp):
    switcher = LanguageSwitcher(qapp)
    window = KioskWindow(switcher)
    qtbot.addWidget(window)
    window.show()
    yield window
    switcher.set_language("fr")


def test_every_string_of_the_code_has_an_english_translation(tmp_path):
    ts_file = tmp_path / "kiosk_en.ts"
    shutil.copy(TRANSLATIONS_DIR / "kiosk_en.ts", ts_file)
    extract_strings(ts_file)
    messages = list(ET.parse(ts_file).iter("message"))
    assert len(messages) > 90
    untranslated = [
        message.findtext("source")
        for message in messages
        if message.find("translation").get("type") == "unfinished"
        or not (message.findtext("translation") or "").strip()
    ]
    assert untranslated == []
    compiled = tmp_path / "kiosk_en.qm"
    compile_translation(ts_file, compiled)
    assert compiled.read_bytes() == (TRANSLATIONS_DIR / "kiosk_en.qm").read_bytes(), (
        "kiosk_en.qm is stale: run `python -m kiosk.i18n`"
    )


def test_switching_language_relabels_every_screen_mid_question(window, qtbot):
    item = sample_items()[0]
    window.question.show_item(item, 3, 32)
    window.question.set_time_left(600)
    window.show_screen(window.question)
    assert window.question.validate.text() == "Valider"
    assert window.language_button.text() == "English"
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    assert window.switcher.language == "en"
    qtbot.waitUntil(lambda: window.question.validate.text() == "Confirm")
    assert window.question.skip.text() == "Skip"
    assert window.question.clock.text() == "Time left: 10:00"
    assert window.checkin.title.text() == "Welcome"
    assert window.locked.title.text() == "Exam locked"
    assert window.language_button.text() == "Français"
    assert window.question.item is item
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.question.validate.text() == "Valider")


def test_text_size_and_high_contrast_change_at_runtime(window, qtbot, qapp):
    before = window.question.validate.sizeHint().height()
    qtbot.mouseClick(window.larger, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.larger, Qt.MouseButton.LeftButton)
    assert window.font_scale == 1.5
    assert window.question.validate.sizeHint().height() > before
    qtbot.mouseClick(window.contrast, Qt.MouseButton.LeftButton)
    assert window.high_contrast
    assert "#ffff00" in qapp.styleSheet()
    for _ in range(6):
        qtbot.mouseClick(window.smaller, Qt.MouseButton.LeftButton)
    assert window.font_scale == 1.0 and not window.smaller.isEnabled()
    qtbot.mouseClick(window.contrast, Qt.MouseButton.LeftButton)
