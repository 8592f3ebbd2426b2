"""`pix-kiosk demo` (issue 22, item 8): without a display it says what is missing, in French
and English, before starting anything; whatever ends it, the server it started is stopped."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def demo(data: Path, **env: str) -> subprocess.Popen[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "demo", "--no-console", "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=base | env | {"PYTHONUNBUFFERED": "1"},
    )


def servers_of(data: Path) -> list[int]:
    """The `pix-server` processes serving this demo's folder, found in /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in command and str(data / "server").encode() in command:
            found.append(int(entry.name))
    return found


def test_without_a_display_the_demo_says_what_is_missing_and_starts_nothing(tmp_path):
    process = demo(tmp_path)
    out, err = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "Aucun écran disponible" in err and "No display available" in err
    assert "xvfb-run -a make demo" in err
    assert "sudo bash scripts/install-system-packages.sh" in err
    assert "Traceback" not in err and "xcb" not in out
    assert servers_of(tmp_path) == []
    assert not (tmp_path / "server" / "pix-server.sqlite3").exists()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_a_signal_stops_the_demo_and_its_server(tmp_path, stop):
    process = demo(tmp_path, QT_QPA_PLATFORM="offscreen")
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Dossier / folder"):
                break
        running = servers_of(tmp_path)
        assert len(running) == 1
        time.sleep(2)  # the window is open, the simulated invigilator waiting
        process.send_signal(stop)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode != 0
    deadline = time.monotonic() + 10
    while servers_of(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert servers_of(tmp_path) == []
