"""Quitting the kiosk in secure mode, outside an exam (real server, real window, real keys):
a close request or Ctrl+Alt+Q opens the invigilator's prompt; a wrong code or a server that
cannot be reached leaves the kiosk open, saying why; the right code closes it (status 0).
During an exam the same prompt is reached from the lock screen: tests/lockdown."""

import asyncio

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.commands.demo import EmbeddedServer
from kiosk.commands.run import Kiosk, run_kiosk
from kiosk.rehearsal import provision_kiosk

pytestmark = pytest.mark.slow

QUIT_KEYS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


@pytest.fixture
def secure_lab(qapp, tmp_path):
    """A server with a session, and a lab PC provisioned for it with secure mode on."""
    (tmp_path / "server").mkdir()
    with EmbeddedServer(tmp_path / "server") as server:
        server.start()
        codes = server.create_session()
        config = asyncio.run(
            provision_kiosk(
                tmp_path / "pc", server.url, server.enrolment_token(), secure_mode=True, label="t"
            )
        )
        yield server, codes, config


async def until(condition, timeout_s: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + timeout_s
    while not condition():
        assert loop.time() < give_up, f"timed out: line {condition.__code__.co_firstlineno}"
        await asyncio.sleep(0.05)


def type_codes(kiosk: Kiosk, session_number: str, code: str) -> None:
    """The invigilator types the session number, Tab, the code, Enter."""
    prompt = kiosk.window.quit_prompt
    assert prompt.session.hasFocus()
    QTest.keyClicks(prompt.session, session_number)
    QTest.keyClick(prompt.session, Qt.Key.Key_Tab)
    QTest.keyClicks(prompt.code, code)
    QTest.keyClick(prompt.code, Qt.Key.Key_Return)


def test_at_check_in_only_the_invigilator_code_closes_the_kiosk(secure_lab):
    _, codes, config = secure_lab
    number = str(codes["session_number"])
    said: dict[str, str] = {}

    async def scenario(kiosk: Kiosk) -> int:
        window, prompt = kiosk.window, kiosk.window.quit_prompt
        window.showFullScreen()
        window.activateWindow()
        await until(window.isActiveWindow)
        assert window.checkin.quit.isVisible()
        window.close()  # the window manager's close button, Alt+F4
        assert window.isVisible() and window.current_screen() is prompt
        type_codes(kiosk, number, "wrong9")
        await until(lambda: prompt.problem.isVisible())
        said["wrong"] = prompt.problem.text()
        assert window.isVisible() and not kiosk.closed.is_set()
        QTest.keyClick(prompt.code, Qt.Key.Key_Escape)
        assert window.current_screen() is window.checkin
        assert window.checkin.session.edit.hasFocus()
        QTest.keyClick(window.checkin.session.edit, Qt.Key.Key_Q, QUIT_KEYS)
        assert window.current_screen() is prompt and prompt.code.text() == ""
        type_codes(kiosk, number, codes["invigilator_code"])
        await asyncio.wait_for(kiosk.closed.wait(), 10)
        return 0

    assert run_kiosk(config, scenario) == 0
    assert "Code surveillant incorrect" in said["wrong"] and "4" in said["wrong"]


def test_an_unreachable_server_leaves_the_kiosk_open_and_says_so(secure_lab):
    server, codes, config = secure_lab
    said: dict[str, str] = {}

    async def scenario(kiosk: Kiosk) -> int:
        window, prompt = kiosk.window, kiosk.window.quit_prompt
        window.showFullScreen()
        window.activateWindow()
        await until(window.isActiveWindow)
        server.stop()
        QTest.keyClick(window.checkin.quit, Qt.Key.Key_Space)
        type_codes(kiosk, str(codes["session_number"]), codes["invigilator_code"])
        await until(lambda: prompt.problem.isVisible(), 30)
        said["fr"] = prompt.problem.text()
        kiosk.session.switcher.set_language("en")
        try:
            QTest.keyClick(prompt.code, Qt.Key.Key_Return)
            await until(lambda: "reached" in prompt.problem.text(), 30)
            said["en"] = prompt.problem.text()
        finally:
            kiosk.session.switcher.set_language("fr")  # the application is shared by tests
        assert window.isVisible() and window.current_screen() is prompt
        assert not kiosk.closed.is_set()
        window.close_for_good()  # the test is over
        return 0

    assert run_kiosk(config, scenario) == 0
    assert "injoignable" in said["fr"] and "reste donc ouvert" in said["fr"]
    assert "cannot be reached" in said["en"] and "stays open" in said["en"]


def test_the_cores_news_while_locked_leave_the_open_prompt_alone(secure_lab):
    """The invigilator opened the prompt on the lock screen: a state the core pushes meanwhile
    (its network status, an acknowledgement) keeps the prompt on screen; cancelling it shows the
    lock screen again."""
    _, _, config = secure_lab

    async def scenario(kiosk: Kiosk) -> int:
        window, prompt, session = kiosk.window, kiosk.window.quit_prompt, kiosk.session
        window.showFullScreen()
        window.activateWindow()
        await until(window.isActiveWindow)
        QTest.keyClick(window.checkin.session.edit, Qt.Key.Key_Q, QUIT_KEYS)
        assert window.current_screen() is prompt
        session._on_state({**session.state, "phase": "locked"})  # as the core pushes it
        assert window.current_screen() is prompt
        QTest.keyClicks(prompt.session, "12")
        session._on_state({**session.state, "phase": "locked"})
        assert window.current_screen() is prompt and prompt.session.text() == "12"
        QTest.keyClick(prompt.code, Qt.Key.Key_Escape)
        assert window.current_screen() is window.locked
        window.close_for_good()
        return 0

    assert run_kiosk(config, scenario) == 0
