"""LockdownSession with the real guards on Qt's offscreen platform: the sequence, the release on
every path, the debouncing of one attempt into one incident, the on-disk marker."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.lockdown import LockdownPolicy, LockdownRefused, LockdownSession, recover_after_crash
from kiosk.lockdown import session as session_module
from kiosk.lockdown.guard import Guard, PersistentGuard
from kiosk.lockdown.marker import MARKER_NAME, LockdownStillRunning, undo_stale_marker
from kiosk.lockdown.session import SETTLE_MS

POLICY = LockdownPolicy(virtual_machine="allow", remote_session="allow")
OFFSCREEN_GUARDS = ["environment", "screens", "window", "clipboard", "shortcuts", "focus"]


class Incidents(list):
    def __call__(self, kind: str, detail: str) -> None:
        self.append((kind, detail))


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QLabel("exam")
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def incidents() -> Incidents:
    return Incidents()


@pytest.fixture
def session(window: QWidget, incidents: Incidents, tmp_path: Path, qtbot: QtBot):
    locked = LockdownSession(window, POLICY, incidents, state_dir=tmp_path)
    locked.apply()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    yield locked
    locked.release()


def test_applies_every_guard_in_order_and_releases_them(
    window: QWidget, incidents: Incidents, tmp_path: Path, qtbot: QtBot
) -> None:
    flags = window.windowFlags()
    with LockdownSession(window, POLICY, incidents, state_dir=tmp_path) as locked:
        assert locked.applied_guards == OFFSCREEN_GUARDS
        assert window.isFullScreen()
        assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
        assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
        marker = json.loads((tmp_path / MARKER_NAME).read_text())
        assert [guard["name"] for guard in marker["guards"]] == OFFSCREEN_GUARDS
        assert marker["pid"] == os.getpid()
    assert locked.applied_guards == []
    assert window.windowFlags() == flags
    assert not (tmp_path / MARKER_NAME).exists()
    window.close()  # closing works again once released
    assert not window.isVisible()
    assert incidents == []


class FailingGuard(Guard):
    name = "failing"

    def apply(self) -> None:
        raise RuntimeError("this measure cannot be applied")


def test_a_guard_failing_releases_those_already_applied(
    window: QWidget, incidents: Incidents, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_build = session_module.build_guards
    monkeypatch.setattr(
        session_module,
        "build_guards",
        lambda *args: [*real_build(*args)[:3], FailingGuard()],
    )
    sigterm_handler = signal.getsignal(signal.SIGTERM)
    locked = LockdownSession(window, POLICY, incidents, state_dir=tmp_path)
    with pytest.raises(RuntimeError):
        locked.apply()
    assert locked.applied_guards == []
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert not (tmp_path / MARKER_NAME).exists()
    assert signal.getsignal(signal.SIGTERM) == sigterm_handler


def test_a_refused_start_leaves_nothing_applied(
    window: QWidget, incidents: Incidents, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.1 5000 192.0.2.2 22")
    policy = LockdownPolicy(virtual_machine="allow", remote_session="refuse")
    locked = LockdownSession(window, policy, incidents, state_dir=tmp_path)
    with pytest.raises(LockdownRefused) as refused:
        locked.apply()
    assert refused.value.code == "environment_refused"
    assert "SSH_CONNECTION" in refused.value.en and "SSH_CONNECTION" in refused.value.fr
    assert locked.applied_guards == [] and not window.isFullScreen()
    assert not (tmp_path / MARKER_NAME).exists()


def test_sigterm_releases_then_chains_to_the_previous_handler(
    window: QWidget, incidents: Incidents, qtbot: QtBot
) -> None:
    received = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    try:
        locked = LockdownSession(window, POLICY, incidents)
        locked.apply()
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: received == [signal.SIGTERM], timeout=2000)
        assert locked.applied_guards == []
        assert not window.isFullScreen()
        assert signal.getsignal(signal.SIGTERM) is not locked._on_sigterm
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_one_attempt_is_one_incident(
    session: LockdownSession, window: QWidget, incidents: Incidents, qtbot: QtBot
) -> None:
    window.showNormal()  # leaves fullscreen...
    window.showMinimized()  # ...and is minimised: the same attempt
    window.close()  # and asked to close, still within it
    qtbot.waitUntil(lambda: window.isFullScreen() and not window.isMinimized())
    qtbot.wait(SETTLE_MS + 300)
    assert [kind for kind, _ in incidents] == ["left_fullscreen"]
    assert window.isVisible() and window.isFullScreen()


def test_a_new_attempt_after_the_kiosk_settled_is_a_new_incident(
    session: LockdownSession, window: QWidget, incidents: Incidents, qtbot: QtBot
) -> None:
    window.showMinimized()
    qtbot.waitUntil(lambda: window.isFullScreen() and not window.isMinimized())
    qtbot.wait(SETTLE_MS + 300)
    window.showNormal()
    qtbot.waitUntil(lambda: len(incidents) == 2)
    assert [kind for kind, _ in incidents] == ["minimised", "left_fullscreen"]


def test_closing_is_refused(
    session: LockdownSession, window: QWidget, incidents: Incidents, qtbot: QtBot
) -> None:
    assert not window.close()
    assert window.isVisible()
    assert incidents == [("close_attempt", "the window was asked to close")]


def test_release_is_idempotent(session: LockdownSession) -> None:
    session.release()
    session.release()
    assert session.applied_guards == []


class SettingGuard(PersistentGuard):
    """A persistent guard whose setting is a file, to see recovery restore it."""

    name = "test_setting"

    def __init__(self, path: Path) -> None:
        self.path = path

    def snapshot(self) -> dict:
        return {"path": str(self.path), "value": self.path.read_text()}

    def apply(self) -> None:
        self.path.write_text("locked")

    def release(self) -> None:
        self.restore(self.snapshot())

    @classmethod
    def restore(cls, snapshot: dict) -> None:
        Path(snapshot["path"]).write_text(snapshot["value"])


def write_marker_from_a_process_that_dies(state_dir: Path, setting: Path) -> None:
    """A real process applies the persistent guard, writes the marker, and dies without
    releasing (os._exit: as if killed)."""
    script = f"""
import os, sys
from pathlib import Path
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_lockdown_session import SettingGuard
from kiosk.lockdown.marker import AppliedGuardsMarker
guard = SettingGuard(Path({str(setting)!r}))
marker = AppliedGuardsMarker(Path({str(state_dir)!r}))
marker.add("window", None)
marker.add(guard.name, guard.snapshot())
guard.apply()
os._exit(9)
"""
    assert subprocess.run([sys.executable, "-c", script], check=False).returncode == 9


def test_a_crashed_run_is_undone_on_next_start(tmp_path: Path) -> None:
    setting = tmp_path / "setting"
    setting.write_text("normal")
    write_marker_from_a_process_that_dies(tmp_path, setting)
    assert setting.read_text() == "locked"
    undone = undo_stale_marker(tmp_path, {SettingGuard.name: SettingGuard.restore})
    assert undone == ["window", "test_setting"]
    assert setting.read_text() == "normal"
    assert not (tmp_path / MARKER_NAME).exists()
    assert recover_after_crash(tmp_path) == []


def test_a_failing_restore_does_not_block_the_next_start(tmp_path: Path) -> None:
    setting = tmp_path / "setting"
    setting.write_text("normal")
    write_marker_from_a_process_that_dies(tmp_path, setting)

    def broken(snapshot: dict) -> None:
        raise OSError("cannot restore")

    assert undo_stale_marker(tmp_path, {SettingGuard.name: broken}) == ["window", "test_setting"]
    assert not (tmp_path / MARKER_NAME).exists()


def test_the_marker_of_a_running_kiosk_is_left_alone(tmp_path: Path) -> None:
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        import psutil

        (tmp_path / MARKER_NAME).write_text(
            json.dumps(
                {
                    "pid": running.pid,
                    "process_started": psutil.Process(running.pid).create_time(),
                    "guards": [{"name": "window", "snapshot": None}],
                }
            )
        )
        with pytest.raises(LockdownStillRunning) as still:
            recover_after_crash(tmp_path)
        assert str(running.pid) in still.value.en
        assert (tmp_path / MARKER_NAME).exists()
    finally:
        running.kill()
        running.wait()
    assert recover_after_crash(tmp_path) == ["window"]


def test_an_unreadable_marker_is_dropped(tmp_path: Path) -> None:
    (tmp_path / MARKER_NAME).write_text("{half a marker")
    assert recover_after_crash(tmp_path) == []
    assert not (tmp_path / MARKER_NAME).exists()
