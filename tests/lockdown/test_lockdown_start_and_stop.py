"""The candidate app's lockdown from its start to its end, each test with a kiosk process of its
own in a real X server: extra screens when the exam starts (covered, or the start refused), the
keyboard really grabbed and every setting back after SIGTERM, a killed kiosk undone at its next
start, where the candidate resumes under lockdown, and the invigilator quitting the kiosk in the
middle of an exam with the invigilator code.
"""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from exam_lab import LAB_POLICY, Lab, Sitting
from x11_kiosk import KioskProcess, Monitors, XSession, wait_until

from engine.exam_events import FINISHED, ITEM_SHOWN, QUIT
from kiosk.commands.run import LOCKDOWN_STATE_DIR
from kiosk.core.exam_files import journal_path
from kiosk.journal import read_journal
from kiosk.lockdown.marker import MARKER_NAME
from kiosk.termination import SIGTERM_STATUS

pytestmark = [pytest.mark.x11, pytest.mark.slow]

QUIET_S = 0.7  # an incident applying the lockdown caused would show by then


@pytest.fixture
def start_kiosk(x_session: XSession, lab: Lab) -> Iterator[Callable[[Path], KioskProcess]]:
    """Start `pix-kiosk run --config FILE`; stopped afterwards, nothing left applied."""
    started: list[KioskProcess] = []

    def start(config: Path) -> KioskProcess:
        started.append(KioskProcess(x_session, config))
        started[-1].wait_shown()
        return started[-1]

    yield start
    for kiosk in started:
        if kiosk.alive:  # promptly and cleanly, whatever screen it shows
            assert kiosk.terminate() == SIGTERM_STATUS, kiosk.log()
    assert not x_session.keyboard_grabbed()
    assert not marker(lab).exists()


def marker(lab: Lab) -> Path:
    return lab.state_dir / LOCKDOWN_STATE_DIR / MARKER_NAME


@pytest.fixture
def monitors(x_session: XSession) -> Iterator[Monitors]:
    added = Monitors(x_session.display)
    yield added
    added.close()


def x_settings(x_session: XSession) -> tuple[str, int]:
    options = x_session.run("setxkbmap", "-query").stdout
    x11 = x_session.x11()
    try:
        return options, x11.screen_saver()["timeout"]
    finally:
        x11.close()


def test_extra_screen_at_start_is_covered(
    x_session: XSession, lab: Lab, monitors: Monitors, start_kiosk: Callable
) -> None:
    monitors.split_screen()
    kiosk = start_kiosk(lab.config_path)
    sitting = Sitting(kiosk, lab).sit_down()
    geometries = {
        x_session.run("xdotool", "getwindowgeometry", str(window)).stdout
        for window in kiosk.windows()
    }
    assert any("Position: 1024,0" in g and "Geometry: 1024x768" in g for g in geometries)
    assert any("Position: 0,0" in g and "Geometry: 1024x768" in g for g in geometries)
    assert sitting.incidents() == []


def test_extra_screen_at_start_can_refuse_the_start(
    x_session: XSession, lab: Lab, monitors: Monitors, start_kiosk: Callable
) -> None:
    monitors.split_screen()
    kiosk = start_kiosk(lab.config({**LAB_POLICY, "extra_screens": "refuse"}, "refuse.toml"))
    sitting = Sitting(kiosk, lab)
    sitting.check_in()
    sitting.authorise()
    x_session.run("xdotool", "key", "Return")  # the instructions' start button
    assert wait_until(lambda: "extra_screen" in kiosk.log(), 10.0), kiosk.log()
    reported = wait_until(sitting.reported, 3.0)  # a live incident on the console
    assert reported and reported[0]["kind"] == "screen_changed", reported
    assert "extra_screen" in reported[0]["detail"]
    assert ITEM_SHOWN not in sitting.kinds()
    assert not x_session.keyboard_grabbed()
    assert not marker(lab).exists()


def test_the_keyboard_is_really_grabbed_and_settings_come_back_on_sigterm(
    x_session: XSession, lab: Lab, start_kiosk: Callable
) -> None:
    before = x_settings(x_session)
    kiosk = start_kiosk(lab.config_path)
    sitting = Sitting(kiosk, lab).sit_down()
    assert x_session.keyboard_grabbed()  # a second client cannot grab: the kiosk holds it
    options, timeout = x_settings(x_session)
    assert "srvrkeys:none" in options and timeout == 0
    assert marker(lab).exists()
    x11 = x_session.x11()
    try:  # the foreign-window guard's view: the kiosk's frame is in the stacking order
        assert x11.top_level_of(kiosk.window) in [t.window for t in x11.stacking() if t.viewable]
    finally:
        x11.close()
    assert kiosk.terminate() == SIGTERM_STATUS
    assert x_settings(x_session) == before
    assert not x_session.keyboard_grabbed()
    assert not marker(lab).exists()
    assert FINISHED not in sitting.kinds()  # the exam waits for the kiosk to come back


def test_a_killed_kiosk_is_undone_on_next_start_and_the_candidate_resumes(
    x_session: XSession, lab: Lab, start_kiosk: Callable
) -> None:
    before = x_settings(x_session)
    sitting = Sitting(start_kiosk(lab.config_path), lab).sit_down()
    sitting.kiosk.process.kill()
    sitting.kiosk.process.wait(5)
    assert not x_session.keyboard_grabbed()  # X drops a dead client's grab by itself
    assert x_settings(x_session) != before  # the server keys and screen saver are still off
    assert marker(lab).exists()
    sitting.kiosk = start_kiosk(lab.config_path)
    assert x_settings(x_session) == before  # undone at start, from the marker
    assert not marker(lab).exists()
    sitting.resume()
    assert sitting.kinds().count(ITEM_SHOWN) == 1  # the same question
    time.sleep(QUIET_S)  # applying the lockdown again is not an attempt
    assert sitting.incidents() == [] and sitting.status() == "in_progress"
    sitting.end()


def test_the_invigilator_quits_with_the_code_and_the_candidate_resumes(
    x_session: XSession, lab: Lab, start_kiosk: Callable
) -> None:
    """During the exam the kiosk closes only with the invigilator code, typed on the lock
    screen's quit prompt: a wrong code leaves it locked down, the right one releases every guard
    and ends it with status 0. The journal says so, and the candidate resumes on the restarted
    kiosk; the record, quit included, verifies on the server."""
    before = x_settings(x_session)
    kiosk = start_kiosk(lab.config_path)
    sitting = Sitting(kiosk, lab).sit_down()
    x_session.run("xdotool", "key", "ctrl+q")  # the candidate tries to quit: locked
    assert wait_until(lambda: sitting.locked() and sitting.status() == "locked", 3.0)
    # The lock screen: code field, "Déverrouiller", then the "Quitter le poste" link.
    x_session.run("xdotool", "key", "Tab", "Tab", "space")
    time.sleep(0.3)
    x_session.run("xdotool", "type", "--delay", "15", "wrong1")  # the prompt's code field
    x_session.run("xdotool", "key", "Return")
    time.sleep(1.0)
    assert kiosk.alive and sitting.locked() and sitting.status() == "locked"
    assert kiosk.in_order()  # still fullscreen, active, holding the keyboard
    x_session.run("xdotool", "key", "ctrl+a")
    x_session.run("xdotool", "type", "--delay", "15", lab.invigilator.code)
    started = time.monotonic()
    x_session.run("xdotool", "key", "Return")
    assert kiosk.process.wait(10) == 0, kiosk.log()
    print(f"quit with the code in {(time.monotonic() - started) * 1000:.0f} ms")
    assert not x_session.keyboard_grabbed()
    assert not marker(lab).exists()
    assert x_settings(x_session) == before
    journal = read_journal(journal_path(kiosk.state_dir / "exams", sitting.exam_id))
    assert journal.entries[-1].kind == QUIT
    assert journal.entries[-1].payload == {"phase": "locked"}
    assert len(sitting.incidents()) == 1  # the Ctrl+Q; quitting is not an incident
    sitting.kiosk = start_kiosk(lab.config_path)
    sitting.resume()
    sitting.end()
    assert wait_until(lambda: sitting.status() == "record_received", 20.0, 0.2), sitting.status()
