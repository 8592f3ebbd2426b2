"""`pix-kiosk demo` (the README's first command) under a real X server, its two windows open:
Ctrl+C (SIGINT, from its terminal) and SIGTERM end it cleanly — the kiosk and the console
closed, the `pix-server` it started stopped, no Qt abort and no traceback."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from x11_kiosk import XSession, wait_until

pytestmark = [pytest.mark.x11, pytest.mark.slow]


def started_by(data: Path) -> list[psutil.Process]:
    """The processes of this demo's folder still alive: its `pix-server`, its console."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        command = process.info["cmdline"] or []
        if any(str(data) in part for part in command):
            found.append(process)
    return found


def servers_of(data: Path) -> list[psutil.Process]:
    return [p for p in started_by(data) if "serve" in (p.info["cmdline"] or [])]


def family(pid: int) -> list[int]:
    return [pid] + [child.pid for child in psutil.Process(pid).children(recursive=True)]


def alive(pids: list[int]) -> list[psutil.Process]:
    found = []
    for pid in pids:
        try:
            process = psutil.Process(pid)
            if process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except psutil.NoSuchProcess:
            continue
    return found


def windows_of(x: XSession, pids: list[int]) -> list[str]:
    """The visible windows of these processes (Qt sets _NET_WM_PID)."""
    found = []
    for pid in pids:
        found += x.run("xdotool", "search", "--onlyvisible", "--pid", str(pid)).stdout.split()
    return found


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_closes_the_demo_windows_and_stops_its_server(
    x_session: XSession, tmp_path: Path, stop: signal.Signals
) -> None:
    demo = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "demo", "--data", str(tmp_path)],
        env=x_session.env() | {"PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert demo.stdout is not None
        for line in demo.stdout:
            if line.startswith("Dossier / folder"):
                break
        assert len(servers_of(tmp_path)) == 1
        # Both windows are mapped: the kiosk's and the console's (its own process).
        assert wait_until(lambda: len(windows_of(x_session, family(demo.pid))) >= 2, 60)
        pids = family(demo.pid)
        time.sleep(1)
        demo.send_signal(stop)
        _, err = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert demo.returncode == 128 + stop, (demo.returncode, err)
    assert "Traceback" not in err, err
    assert "Aborted" not in err and "QThread: Destroyed" not in err, err
    assert wait_until(lambda: not started_by(tmp_path), 10), [
        p.info["cmdline"] for p in started_by(tmp_path)
    ]
    assert not windows_of(x_session, pids), windows_of(x_session, pids)
    assert wait_until(lambda: not alive(pids), 10), [(p.cmdline(), p.status()) for p in alive(pids)]
