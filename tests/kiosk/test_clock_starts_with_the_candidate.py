"""The exam clock starts when the candidate presses « Commencer l'épreuve » (issue 22, item 5),
on the real window: the instructions screen says so, in French and English, and the time left
does not move while the candidate reads; the real kiosk (window + core + server) journals the
start only then. Screens touched are saved under `SCREENSHOTS` (when set) to be looked at."""

import asyncio
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from engine.exam_events import EXAM_STARTED, ITEM_SHOWN
from kiosk.commands.run import Kiosk, run_kiosk
from kiosk.exam_session import Phase
from kiosk.i18n import LanguageSwitcher
from kiosk.rehearsal import authorise_each_arrival
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.theme import apply_theme


@pytest.fixture
def window(qtbot, qapp):
    switcher = LanguageSwitcher(qapp)
    apply_theme(qapp, high_contrast=False, font_scale=1.0)
    window = KioskWindow(switcher)
    qtbot.addWidget(window)
    window.show()
    yield window, switcher
    switcher.set_language("fr")


def screenshot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def rules_of(window: KioskWindow) -> str:
    return " ".join(rule.text() for rule in window.instructions.rules)


def test_the_instructions_say_when_the_clock_starts_in_both_languages(window, qtbot):
    window, switcher = window
    window.instructions.show_exam(32, 105, 35, secure_mode=True)
    window.instructions.set_clock(False, 600)
    window.show_screen(window.instructions)
    assert (
        "Le temps commence à courir quand vous appuyez sur « Commencer l'épreuve » (au plus "
        "tard dans 10 minutes)"
    ) in rules_of(window)
    screenshot(window, "instructions-clock-fr")
    switcher.set_language("en")
    qtbot.waitUntil(lambda: window.instructions.start.text() == "Start the exam")
    assert (
        "The clock starts when you press “Start the exam” (within 10 minutes at the latest)"
        in rules_of(window)
    )
    assert window.instructions.start.text() == "Start the exam"
    screenshot(window, "instructions-clock-en")
    window.instructions.set_clock(True, 600)  # the window ran out: the clock runs already
    assert "The clock has started" in rules_of(window)
    switcher.set_language("fr")
    qtbot.waitUntil(lambda: "Le temps a commencé à courir" in rules_of(window))


async def until(condition, timeout_s: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + timeout_s
    while not condition():
        assert loop.time() < give_up, f"timed out: line {condition.__code__.co_firstlineno}"
        await asyncio.sleep(0.05)


@pytest.mark.slow
def test_the_real_kiosk_starts_the_clock_when_the_candidate_presses_commencer(lab):
    seen: dict = {}

    async def scenario(kiosk: Kiosk) -> int:
        session, window = kiosk.session, kiosk.window
        window.show()
        console = await lab.console()
        invigilator = asyncio.ensure_future(authorise_each_arrival(session, console))
        candidate = lab.candidate(session, 0, pace_s=0.0)
        await candidate._in_qt(candidate._check_in)
        await until(lambda: session.phase == Phase.INSTRUCTIONS)
        seen["reading"] = dict(session.state)
        await asyncio.sleep(1.5)  # reading the instructions
        seen["read"] = dict(session.state)
        seen["rules"] = rules_of(window)
        seen["journal_before"] = kiosk.core.exam.journal
        QTest.mouseClick(window.instructions.start, Qt.MouseButton.LeftButton)
        await until(lambda: session.phase == Phase.QUESTION)
        seen["started"] = dict(session.state)
        seen["kinds"] = [entry.kind for entry in kiosk.core.exam.journal.entries()]
        invigilator.cancel()
        await console.close()
        return 0

    assert run_kiosk(lab.config, scenario, core_in_thread=True) == 0
    for state in (seen["reading"], seen["read"]):
        assert state["clock_started"] is False and state["remaining_s"] is None
    assert seen["journal_before"] is None  # nothing journaled before the start
    assert "Le temps commence à courir quand vous appuyez sur" in seen["rules"]
    started = seen["started"]
    assert started["clock_started"] and started["clock_running"]
    # The whole time is left: the 1.5 s on the instructions did not count.
    allowed = 105 * 60
    assert allowed - 3 <= started["remaining_s"] <= allowed
    assert seen["kinds"][:2] == [EXAM_STARTED, ITEM_SHOWN]
