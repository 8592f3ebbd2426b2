"""Escape attempts against the kiosk in a real X server (Xvfb + openbox), driven with xdotool
and wmctrl as a candidate would with the keyboard and the window manager.

For each attempt: within 1 s the kiosk is alive, fullscreen, focused, holding the keyboard and
showing its lock screen, and exactly one security incident was journaled and reported.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
from x11_kiosk import KioskProcess, Monitors, XSession, wait_until

from kiosk.lockdown.marker import MARKER_NAME
from kiosk.lockdown.session import SETTLE_MS, recover_after_crash
from kiosk.lockdown.x11_api import X11Api

pytestmark = [pytest.mark.x11, pytest.mark.slow]

DEADLINE_S = 1.0  # the kiosk must be back in order (and locked) this soon after an attempt
QUIET_S = SETTLE_MS / 1000 + 0.4  # no second incident may follow within this time
POLICY = {"virtual_machine": "allow"}  # CI runners are virtual machines

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


@pytest.fixture
def kiosk(x_session: XSession, state_dir: Path) -> Iterator[KioskProcess]:
    process = KioskProcess(x_session, state_dir, POLICY)
    process.wait_ready()
    yield process
    assert process.terminate() == 143
    assert not (state_dir / MARKER_NAME).exists()
    assert not x_session.keyboard_grabbed()


@pytest.fixture
def decoy(x_session: XSession) -> Iterator[int]:
    """A window of another program, mapped before the kiosk starts (so it is not itself an
    attempt); the kiosk fixture must come after this one."""
    process = x_session.spawn("xmessage", "-geometry", "240x80+20+20", "decoy window")
    found = wait_until(
        lambda: (
            x_session.run("xdotool", "search", "--pid", str(process.pid)).stdout.split()
            or x_session.run("xdotool", "search", "--name", "^xmessage$").stdout.split()
        ),
        5.0,
    )
    assert found, "the decoy window did not appear"
    yield int(found[-1])
    process.terminate()
    process.wait(5)


def assert_one_incident(kiosk: KioskProcess, kind: str | None = None) -> float:
    """The kiosk recovers within DEADLINE_S with one incident; returns how long it took."""
    started = time.monotonic()
    recovered = wait_until(
        lambda: kiosk.alive and kiosk.locked() and kiosk.incidents() and kiosk.in_order(),
        DEADLINE_S,
    )
    took = time.monotonic() - started
    assert kiosk.alive, "the kiosk died"
    assert recovered, (
        f"not back in order within {DEADLINE_S} s: locked={kiosk.locked()} "
        f"incidents={kiosk.incidents()} active={kiosk.x.active_window()} window={kiosk.window}"
    )
    time.sleep(QUIET_S)
    incidents = kiosk.incidents()
    assert len(incidents) == 1, incidents
    assert len(kiosk.reported()) == 1, kiosk.reported()
    if kind is not None:
        assert incidents[0].kind == kind
    assert kiosk.in_order()
    print(f"recovered in {took * 1000:.0f} ms: {incidents[0].kind} ({incidents[0].detail})")
    return took


@pytest.mark.parametrize(
    "keys", ["alt+Tab", "super", "alt+F4", "ctrl+alt+t", "F11", "Escape", "ctrl+w", "ctrl+q"]
)
def test_escape_keys_are_swallowed_and_reported(
    x_session: XSession, kiosk: KioskProcess, keys: str
) -> None:
    x_session.run("xdotool", "key", keys)
    assert_one_incident(kiosk, "escape_shortcut")


def test_activating_another_window(x_session: XSession, decoy: int, kiosk: KioskProcess) -> None:
    x_session.run("xdotool", "windowactivate", str(decoy))
    assert_one_incident(kiosk)


def test_minimising(x_session: XSession, kiosk: KioskProcess) -> None:
    x_session.run("xdotool", "windowminimize", str(kiosk.window))
    assert_one_incident(kiosk)


def test_leaving_fullscreen(x_session: XSession, kiosk: KioskProcess) -> None:
    x_session.run("wmctrl", "-r", ":ACTIVE:", "-b", "remove,fullscreen")
    assert_one_incident(kiosk, "left_fullscreen")


def test_a_foreign_window_on_top(x_session: XSession, kiosk: KioskProcess) -> None:
    """An override-redirect window (no window manager can restack it) above the kiosk: the
    kiosk locks and stays locked under it until the invigilator comes."""
    overlay = subprocess.Popen(
        [sys.executable, "-c", OVERLAY], env=x_session.env(), stdout=subprocess.PIPE, text=True
    )
    try:
        assert overlay.stdout.readline().strip() == "shown"
        assert_one_incident(kiosk, "foreign_window")
    finally:
        overlay.terminate()
        overlay.wait(5)


def test_window_manager_close_request(x_session: XSession, kiosk: KioskProcess) -> None:
    x_session.run("wmctrl", "-c", ":ACTIVE:")
    assert_one_incident(kiosk, "close_attempt")


@pytest.fixture
def monitors(x_session: XSession) -> Iterator[Monitors]:
    added = Monitors(x_session.display)
    yield added
    added.close()


def test_a_second_screen_appearing(
    x_session: XSession, kiosk: KioskProcess, monitors: Monitors
) -> None:
    monitors.add(b"PIX-EXTRA", 512, 0, 512, 384)
    assert_one_incident(kiosk, "screen_changed")
    assert "screen added" in kiosk.incidents()[0].detail


def test_extra_screen_at_start_is_covered(
    x_session: XSession, monitors: Monitors, state_dir: Path
) -> None:
    monitors.split_screen()
    kiosk = KioskProcess(x_session, state_dir, POLICY)
    try:
        kiosk.wait_ready()
        windows = x_session.run("xdotool", "search", "--pid", str(kiosk.process.pid)).stdout
        geometries = {
            x_session.run("xdotool", "getwindowgeometry", window).stdout
            for window in windows.split()
        }
        assert any("Position: 1024,0" in g and "Geometry: 1024x768" in g for g in geometries)
        assert any("Position: 0,0" in g and "Geometry: 1024x768" in g for g in geometries)
        assert kiosk.incidents() == []
    finally:
        assert kiosk.terminate() == 143


def test_extra_screen_at_start_can_refuse_the_start(
    x_session: XSession, monitors: Monitors, state_dir: Path
) -> None:
    monitors.split_screen()
    kiosk = KioskProcess(x_session, state_dir, {**POLICY, "extra_screens": "refuse"})
    assert kiosk.process.wait(15) == 3
    assert kiosk.event("refused")["code"] == "extra_screen"
    assert not x_session.keyboard_grabbed()
    assert not (state_dir / MARKER_NAME).exists()


@pytest.fixture
def forbidden_program(tmp_path: Path) -> Iterator[tuple[dict, Callable[[], None]]]:
    """A policy prohibiting a dummy program, and what starts that program. Its name is unique
    (processes are machine-wide: another worker's test must not see it)."""
    name = f"pixf{uuid.uuid4().hex[:8]}"  # a process name (comm) keeps 15 characters
    program = tmp_path / name
    program.symlink_to(shutil.which("sleep"))
    policy = {**POLICY, "prohibited_processes": [name], "check_interval_s": 0.2}
    started = []

    def start() -> None:
        started.append(subprocess.Popen([str(program), "30"]))
        assert wait_until(lambda: name in {p.name() for p in psutil.process_iter()}, 5.0)

    yield policy, start
    for process in started:
        process.terminate()
        process.wait(5)


def test_a_prohibited_program_starting_during_the_exam(
    x_session: XSession, state_dir: Path, forbidden_program: tuple[dict, Callable[[], None]]
) -> None:
    policy, start_program = forbidden_program
    kiosk = KioskProcess(x_session, state_dir, policy)
    try:
        kiosk.wait_ready()
        start_program()
        assert_one_incident(kiosk, "prohibited_process")
    finally:
        assert kiosk.terminate() == 143


def test_a_prohibited_program_refuses_the_start(
    x_session: XSession, state_dir: Path, forbidden_program: tuple[dict, Callable[[], None]]
) -> None:
    policy, start_program = forbidden_program
    start_program()
    kiosk = KioskProcess(x_session, state_dir, policy)
    assert kiosk.process.wait(15) == 3
    refused = kiosk.event("refused")
    assert refused["code"] == "environment_refused"
    assert policy["prohibited_processes"][0] in refused["en"]
    assert not x_session.keyboard_grabbed()


def x_settings(x_session: XSession) -> tuple[str, int]:
    options = x_session.run("setxkbmap", "-query").stdout
    x11 = x_session.x11()
    try:
        return options, x11.screen_saver()["timeout"]
    finally:
        x11.close()


def test_the_keyboard_is_really_grabbed_and_settings_come_back_on_sigterm(
    x_session: XSession, state_dir: Path
) -> None:
    before = x_settings(x_session)
    kiosk = KioskProcess(x_session, state_dir, POLICY)
    kiosk.wait_ready()
    assert x_session.keyboard_grabbed()  # a second client cannot grab: the kiosk holds it
    options, timeout = x_settings(x_session)
    assert "srvrkeys:none" in options and timeout == 0
    assert (state_dir / MARKER_NAME).exists()
    assert kiosk.terminate() == 143
    assert kiosk.event("released") is not None
    assert x_settings(x_session) == before
    assert not x_session.keyboard_grabbed()
    assert not (state_dir / MARKER_NAME).exists()


def test_a_killed_kiosk_is_undone_on_next_start(x_session: XSession, state_dir: Path) -> None:
    before = x_settings(x_session)
    kiosk = KioskProcess(x_session, state_dir, POLICY)
    kiosk.wait_ready()
    kiosk.process.kill()
    kiosk.process.wait(5)
    assert not x_session.keyboard_grabbed()  # X drops a dead client's grab by itself
    assert x_settings(x_session) != before  # the server keys and screen saver are still off
    previous_display = os.environ.get("DISPLAY")
    recovered = recover_after_crash(state_dir)
    assert previous_display == os.environ.get("DISPLAY")  # the display came from the marker
    assert {"x11_server_keys", "x11_screen_saver", "x11_keyboard_grab"} <= set(recovered)
    assert x_settings(x_session) == before
    assert not (state_dir / MARKER_NAME).exists()
    assert recover_after_crash(state_dir) == []


def test_x11_api_sees_the_stacking(x_session: XSession, kiosk: KioskProcess) -> None:
    x11 = X11Api.open(x_session.display)
    try:
        frame = x11.top_level_of(kiosk.window)
        stacking = [top.window for top in x11.stacking() if top.viewable]
        assert frame in stacking
    finally:
        x11.close()
