"""Escape attempts against the candidate app in a real X server (Xvfb + openbox), during a real
exam: a lab PC enrolled with a real server runs `pix-kiosk run` all day; for each test a new
candidate checks in on the keyboard, the invigilator authorises the start through the console
API, and the candidate starts the exam (the lockdown is applied at the first question). Then one
attempt, made with xdotool and wmctrl as a candidate would with the keyboard and the window
manager.

For each attempt: within 1 s the kiosk is alive, fullscreen, active, holding the keyboard and
showing its lock screen, and the incident is journaled and reported to the server; 0.7 s later
there is still exactly one of each. Then the invigilator ends the exam and the kiosk goes back
to check-in for the next candidate, everything released.
"""

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
from exam_lab import FORBIDDEN, Lab, Sitting
from x11_kiosk import KioskProcess, Monitors, XSession, wait_until

from kiosk.commands.run import LOCKDOWN_STATE_DIR
from kiosk.lockdown.marker import MARKER_NAME
from kiosk.lockdown.session import SETTLE_MS
from kiosk.termination import SIGTERM_STATUS

pytestmark = [pytest.mark.x11, pytest.mark.slow]

DEADLINE_S = 1.0  # the kiosk must be back in order, locked, and the incident reported this soon
QUIET_S = SETTLE_MS / 1000 + 0.4  # no second incident may follow within this time

OVERLAY = """
import sys
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
overlay = QLabel("overlay")
overlay.setWindowFlags(Qt.WindowType.X11BypassWindowManagerHint | Qt.WindowType.Tool
                       | Qt.WindowType.WindowStaysOnTopHint)
overlay.setGeometry(100, 100, 400, 300)
overlay.show()
print("shown", flush=True)
app.exec()
"""


class LabPc:
    """The lab PC's kiosk, running all day; started again if a test left it broken."""

    def __init__(self, x: XSession, lab: Lab) -> None:
        self.x = x
        self.lab = lab
        self._kiosk: KioskProcess | None = None

    def kiosk(self) -> KioskProcess:
        if self._kiosk is None or not self._kiosk.alive:
            self._kiosk = KioskProcess(self.x, self.lab.config_path)
            self._kiosk.wait_shown()
        return self._kiosk

    def discard(self) -> None:
        if self._kiosk is not None:
            self._kiosk.process.kill()
            self._kiosk.process.wait()
            self._kiosk = None

    def stop(self) -> int | None:
        """SIGTERM at check-in, at the end of the day: the kiosk's status."""
        kiosk, self._kiosk = self._kiosk, None
        return kiosk.terminate() if kiosk is not None else None


@pytest.fixture(scope="module")
def lab_pc(x_session: XSession, lab: Lab) -> Iterator[LabPc]:
    pc = LabPc(x_session, lab)
    yield pc
    assert pc.stop() in (SIGTERM_STATUS, None)


@pytest.fixture
def arrival(lab_pc: LabPc, lab: Lab) -> Iterator[Sitting]:
    """A new candidate, checked in and authorised: the instructions are on screen. Afterwards
    the invigilator ends the exam and the kiosk is back at check-in, nothing left applied."""
    kiosk = lab_pc.kiosk()
    sitting = Sitting(kiosk, lab)
    try:
        sitting.check_in()
        sitting.authorise()
        yield sitting
        sitting.end()
        assert not kiosk.x.keyboard_grabbed()
        assert not (kiosk.state_dir / LOCKDOWN_STATE_DIR / MARKER_NAME).exists()
    except BaseException:
        lab_pc.discard()
        raise


@pytest.fixture
def candidate(arrival: Sitting) -> Sitting:
    """A new candidate at the first question, under lockdown."""
    arrival.start()
    return arrival


@pytest.fixture
def decoy(x_session: XSession) -> Iterator[int]:
    """A window of another program, mapped before the exam starts (so it is not itself an
    attempt); the candidate fixture must come after this one."""
    process = x_session.spawn("xmessage", "-geometry", "240x80+20+20", "decoy window")
    found = wait_until(  # xmessage does not set _NET_WM_PID: found by its name, once mapped
        lambda: x_session.run(
            "xdotool", "search", "--onlyvisible", "--name", "^xmessage$"
        ).stdout.split(),
        5.0,
    )
    assert found, "the decoy window did not appear"
    decoy = int(found[-1])
    # The window manager focuses a new window: let it, before the candidate types at the kiosk
    # (focused late, the decoy would take half of the check-in form's keys).
    wait_until(lambda: x_session.active_window() == decoy, 2.0)
    yield decoy
    process.terminate()
    process.wait(5)


def assert_one_incident(candidate: Sitting, kind: str | None = None) -> None:
    """Within DEADLINE_S the kiosk is back in order and locked, the incident journaled and
    reported; after QUIET_S, still exactly one of each."""
    kiosk = candidate.kiosk
    started = time.monotonic()
    recovered = wait_until(lambda: kiosk.alive and candidate.locked() and kiosk.in_order(), 3.0)
    back = time.monotonic() - started
    reported = wait_until(candidate.reported, 3.0)
    took = time.monotonic() - started
    assert kiosk.alive, f"the kiosk died: {kiosk.log()}"
    assert recovered, (
        f"not back in order and locked: locked={candidate.locked()} "
        f"incidents={candidate.incidents()} active={kiosk.x.active_window()} "
        f"window={kiosk.window} grabbed={kiosk.x.keyboard_grabbed()}"
    )
    assert reported, f"not reported to the server: {candidate.status()}"
    assert took <= DEADLINE_S, f"too slow: back in order in {back:.2f} s, reported in {took:.2f} s"
    time.sleep(QUIET_S)
    incidents = candidate.incidents()
    assert len(incidents) == 1, incidents
    assert len(candidate.reported()) == 1, candidate.reported()
    assert candidate.reported()[0]["kind"] == incidents[0].kind
    if kind is not None:
        assert incidents[0].kind == kind
    assert candidate.status() == "locked"
    assert kiosk.in_order() and candidate.locked()
    print(
        f"locked and in order in {back * 1000:.0f} ms, reported in {took * 1000:.0f} ms: "
        f"{incidents[0].kind} ({incidents[0].detail})"
    )


@pytest.mark.parametrize(
    "keys", ["alt+Tab", "super", "alt+F4", "ctrl+alt+t", "F11", "Escape", "ctrl+w", "ctrl+q"]
)
def test_escape_keys_are_swallowed_and_reported(
    x_session: XSession, candidate: Sitting, keys: str
) -> None:
    x_session.run("xdotool", "key", keys)
    assert_one_incident(candidate, "escape_shortcut")


def test_activating_another_window(x_session: XSession, decoy: int, candidate: Sitting) -> None:
    x_session.run("xdotool", "windowactivate", str(decoy))
    assert_one_incident(candidate)


def test_minimising(x_session: XSession, candidate: Sitting) -> None:
    x_session.run("xdotool", "windowminimize", str(candidate.kiosk.window))
    assert_one_incident(candidate)


def test_activating_another_window_for_an_instant(
    x_session: XSession, decoy: int, candidate: Sitting
) -> None:
    """The decoy takes the focus and the kiosk is activated again at once (one xdotool call,
    as a script would): however brief, the attempt is journaled and the invigilator alerted."""
    kiosk = str(candidate.kiosk.window)
    x_session.run("xdotool", "windowactivate", str(decoy), "windowactivate", kiosk)
    assert_one_incident(candidate)


def test_minimising_and_restoring_at_once(x_session: XSession, candidate: Sitting) -> None:
    kiosk = str(candidate.kiosk.window)
    x_session.run("xdotool", "windowminimize", kiosk, "windowactivate", kiosk)
    assert_one_incident(candidate)


def test_leaving_fullscreen(x_session: XSession, candidate: Sitting) -> None:
    x_session.run("wmctrl", "-r", ":ACTIVE:", "-b", "remove,fullscreen")
    assert_one_incident(candidate, "left_fullscreen")


def test_a_foreign_window_on_top(x_session: XSession, candidate: Sitting) -> None:
    """An override-redirect window (no window manager can restack it) above the kiosk: the
    kiosk locks and stays locked under it until the invigilator comes."""
    overlay = subprocess.Popen(
        [sys.executable, "-c", OVERLAY], env=x_session.env(), stdout=subprocess.PIPE, text=True
    )
    try:
        assert overlay.stdout.readline().strip() == "shown"
        assert_one_incident(candidate, "foreign_window")
    finally:
        overlay.terminate()
        overlay.wait(5)


def test_window_manager_close_request(x_session: XSession, candidate: Sitting) -> None:
    """Quitting through the window manager is refused: only the invigilator lets the exam go
    on (or ends it)."""
    x_session.run("wmctrl", "-c", ":ACTIVE:")
    assert_one_incident(candidate, "close_attempt")


@pytest.fixture
def monitors(x_session: XSession) -> Iterator[Monitors]:
    added = Monitors(x_session.display)
    yield added
    added.close()


def test_a_second_screen_appearing(monitors: Monitors, candidate: Sitting) -> None:
    monitors.add(b"PIX-EXTRA", 512, 0, 512, 384)
    assert_one_incident(candidate, "screen_changed")
    assert "screen added" in candidate.incidents()[0].detail
    assert len(candidate.kiosk.windows()) == 2  # the kiosk and the new screen's cover


@pytest.fixture
def forbidden_program(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen]]:
    """What starts a program the lab PC's policy prohibits (a renamed `sleep`)."""
    program = tmp_path / FORBIDDEN
    program.symlink_to(shutil.which("sleep"))
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        started.append(subprocess.Popen([str(program), "60"]))
        assert wait_until(lambda: FORBIDDEN in {p.name() for p in psutil.process_iter()}, 5.0)
        return started[-1]

    yield start
    for process in started:
        process.terminate()
        process.wait(5)


def test_a_prohibited_program_starting_during_the_exam(
    forbidden_program: Callable[[], subprocess.Popen], candidate: Sitting
) -> None:
    forbidden_program()
    assert_one_incident(candidate, "prohibited_process")
    assert FORBIDDEN in candidate.incidents()[0].detail


def test_a_prohibited_program_refuses_the_start_until_it_is_closed(
    forbidden_program: Callable[[], subprocess.Popen], arrival: Sitting
) -> None:
    """The refusal is on screen, in the kiosk's log and, at once, a live incident on the
    invigilator's console (once, however often the candidate tries again)."""
    program = forbidden_program()
    kiosk = arrival.kiosk
    kiosk.x.run("xdotool", "key", "Return")  # the instructions' start button
    refused = wait_until(lambda: "environment_refused" in kiosk.log(), 10.0)
    assert refused, kiosk.log()
    assert FORBIDDEN in kiosk.log()
    reported = wait_until(arrival.reported, DEADLINE_S)
    assert reported and reported[0]["kind"] == "prohibited_process", reported
    assert FORBIDDEN in reported[0]["detail"] and "environment_refused" in reported[0]["detail"]
    assert reported[0]["locked"] is False and arrival.status() == "start_refused"
    kiosk.x.run("xdotool", "key", "Return")  # again, the program still open
    assert wait_until(lambda: kiosk.log().count("environment_refused") == 2, 5.0)
    time.sleep(0.3)
    assert len(arrival.reported()) == 1
    assert "item_shown" not in arrival.kinds()
    assert not kiosk.x.keyboard_grabbed()
    assert not (kiosk.state_dir / LOCKDOWN_STATE_DIR / MARKER_NAME).exists()
    program.terminate()
    program.wait(5)
    arrival.invigilator.unlock(reported[0]["incident_id"])  # seen to: the kiosk is not locked
    arrival.start()  # the candidate closed it and starts again: the exam goes on, locked down
    assert arrival.incidents() == []
    assert wait_until(lambda: arrival.status() == "in_progress", 5.0)
    assert not arrival.locked() and kiosk.in_order()


def test_a_close_request_at_check_in_asks_for_the_invigilator_code(
    x_session: XSession, lab_pc: LabPc, lab: Lab
) -> None:
    """Outside an exam too, the window manager cannot close the kiosk in secure mode: the close
    request opens the invigilator's quit prompt, which the candidate can only leave."""
    kiosk = lab_pc.kiosk()
    for close in (("wmctrl", "-c", ":ACTIVE:"), ("xdotool", "key", "alt+F4")):
        kiosk.activate()
        x_session.run(*close)
        time.sleep(1.0)
        assert kiosk.alive and kiosk.windows(), kiosk.log()
        assert kiosk.activate() == kiosk.window  # still there, mapped and active
        x_session.run("xdotool", "key", "Escape")  # "Annuler": back to check-in
    sitting = Sitting(kiosk, lab)
    sitting.check_in()  # typed into the check-in form, focused again
    x_session.run("xdotool", "key", "space")  # the waiting screen's "Ce n'est pas moi" link
    time.sleep(0.3)


def test_the_invigilator_unlocks_from_the_console_and_the_lockdown_holds_again(
    x_session: XSession, candidate: Sitting
) -> None:
    x_session.run("xdotool", "key", "alt+Tab")
    assert_one_incident(candidate)
    started = time.monotonic()
    candidate.invigilator.unlock(candidate.reported()[0]["incident_id"])
    assert wait_until(lambda: not candidate.locked(), 5.0)
    print(f"unlocked from the console in {(time.monotonic() - started) * 1000:.0f} ms")
    assert wait_until(lambda: candidate.status() == "in_progress", 5.0)
    assert candidate.reported() == []
    assert candidate.kiosk.in_order()
    x_session.run("xdotool", "key", "super")  # the next attempt is a new incident
    assert wait_until(lambda: candidate.locked() and len(candidate.reported()) == 1, DEADLINE_S)
    assert [incident.kind for incident in candidate.incidents()] == ["escape_shortcut"] * 2


def test_the_invigilator_code_typed_on_the_lock_screen_unlocks(
    x_session: XSession, candidate: Sitting
) -> None:
    x_session.run("xdotool", "key", "ctrl+q")
    assert_one_incident(candidate, "escape_shortcut")
    x_session.run("xdotool", "type", "--delay", "15", "wrong1")  # the lock screen's code field
    x_session.run("xdotool", "key", "Return")
    time.sleep(1.0)
    assert candidate.locked() and candidate.status() == "locked"
    x_session.run("xdotool", "key", "ctrl+a")
    x_session.run("xdotool", "type", "--delay", "15", candidate.invigilator.code)
    started = time.monotonic()
    x_session.run("xdotool", "key", "Return")
    assert wait_until(lambda: not candidate.locked(), 5.0)
    print(f"unlocked with the code in {(time.monotonic() - started) * 1000:.0f} ms")
    assert wait_until(lambda: candidate.status() == "in_progress", 5.0)
    assert candidate.reported() == []
    assert candidate.kiosk.in_order()
    assert len(candidate.incidents()) == 1
