"""A real X server (Xvfb + openbox) and the candidate app (`pix-kiosk run`) in it, for the
escape suite.

What the tests read never comes from inside the kiosk: the window and its state from the X
server (xdotool, xprop, a second X connection), incidents from the exam journals in STATE
(through `pix-kiosk incidents`' own reader), and what the kiosk writes on stderr (its log).
"""

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.commands.incidents import Incident, collect_incidents
from kiosk.lockdown.x11_api import X11Api

X_TOOLS = ("Xvfb", "openbox", "xdotool", "wmctrl", "xprop", "xmessage")
MISSING_X_TOOLS = [tool for tool in X_TOOLS if shutil.which(tool) is None]
SCREEN = (2048, 768)  # wide enough to split into two screens
START_TIMEOUT_S = 60.0  # a loaded machine starts Python and Qt slowly; not what is tested
KIOSK_COMMAND = [str(Path(sys.executable).with_name("pix-kiosk")), "run"]  # + --config FILE


def wait_until(predicate: Callable[[], Any], timeout_s: float, every_s: float = 0.05) -> Any:
    """The first true value of `predicate` within the timeout, else its last (false) value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every_s)


class XSession:
    """Xvfb on a free display (-displayfd) with openbox managing it."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        read_end, write_end = os.pipe()
        self._xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_end),
                "-screen",
                "0",
                f"{SCREEN[0]}x{SCREEN[1]}x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=open(log_dir / "xvfb.log", "wb"),  # noqa: SIM115 (kept for the server's life)
        )
        os.close(write_end)
        number = b""
        deadline = time.monotonic() + START_TIMEOUT_S
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            if select.select([read_end], [], [], 0.1)[0]:
                chunk = os.read(read_end, 16)
                if not chunk:
                    break
                number += chunk
        os.close(read_end)
        if not number.strip():
            self._xvfb.kill()
            raise RuntimeError("Xvfb did not start (see xvfb.log)")
        self.display = f":{number.decode().strip()}"
        self._openbox = subprocess.Popen(
            ["openbox", "--sm-disable"],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=open(log_dir / "openbox.log", "wb"),  # noqa: SIM115
        )
        if not wait_until(lambda: self.run("wmctrl", "-m").returncode == 0, START_TIMEOUT_S, 0.1):
            self.stop()
            raise RuntimeError("openbox did not start (see openbox.log)")

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")
        }
        env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb", XDG_SESSION_TYPE="x11")
        return env

    def run(self, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            command, env=self.env(), capture_output=True, text=True, timeout=10, check=False
        )

    def spawn(self, *command: str) -> subprocess.Popen:
        return subprocess.Popen(
            command, env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def active_window(self) -> int | None:
        result = self.run("xdotool", "getactivewindow")
        return int(result.stdout) if result.returncode == 0 and result.stdout.strip() else None

    def window_states(self, window: int) -> set[str]:
        output = self.run("xprop", "-id", str(window), "_NET_WM_STATE").stdout
        _, _, atoms = output.partition("=")
        return {atom.strip() for atom in atoms.split(",") if atom.strip()}

    def x11(self) -> X11Api:
        x11 = X11Api.open(self.display)
        assert x11 is not None
        return x11

    def keyboard_grabbed(self) -> bool:
        x11 = self.x11()
        try:
            return x11.keyboard_is_grabbed()
        finally:
            x11.close()

    def stop(self) -> None:
        for process in (self._openbox, self._xvfb):
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class KioskProcess:
    """The candidate app (`pix-kiosk run --config FILE`) running in `x`."""

    def __init__(self, x: XSession, config: Path) -> None:
        self.x = x
        self.config = config
        self.state_dir = config.parent  # the lab configurations here keep data_dir = "."
        self.log_path = config.parent / f"kiosk-{time.monotonic_ns()}.log"
        self.process = subprocess.Popen(
            [*KIOSK_COMMAND, "--config", str(config)],
            env=x.env(),
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_path, "wb"),  # noqa: SIM115 (kept for the process' life)
        )
        self.window: int | None = None

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        """What the kiosk wrote on stderr (IT reads it in the session's log)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_shown(self) -> int:
        """Wait until the kiosk's window is mapped (the check-in screen); its id."""
        shown = wait_until(lambda: not self.alive or self.windows(), START_TIMEOUT_S, 0.1)
        assert self.alive and shown, f"kiosk not shown, exit {self.process.poll()}: {self.log()}"
        return self.activate()

    def windows(self) -> list[int]:
        """The kiosk's mapped windows (its own and the covers of extra screens)."""
        found = self.x.run("xdotool", "search", "--onlyvisible", "--pid", str(self.process.pid))
        return [int(window) for window in found.stdout.split()]

    def activate(self) -> int:
        """Make the kiosk the active window, as a candidate clicking on it would; its id."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._active_is_ours():
            assert time.monotonic() < deadline, f"the kiosk cannot be activated: {self.log()}"
            for window in self.windows():  # a cover takes no focus: the kiosk's own does
                self.x.run("xdotool", "windowactivate", str(window))
            time.sleep(0.1)
        assert self.window is not None
        return self.window

    def in_order(self) -> bool:
        """Fullscreen and active, with the keyboard grabbed."""
        return (
            self._active_is_ours()
            and "_NET_WM_STATE_FULLSCREEN" in self.x.window_states(self.window)
            and self.x.keyboard_grabbed()
        )

    def _active_is_ours(self) -> bool:
        active = self.x.active_window()
        if active is None:
            return False
        output = self.x.run("xprop", "-id", str(active), "_NET_WM_PID").stdout
        if not output.strip().endswith(f"= {self.process.pid}"):
            return False
        self.window = active
        return True

    def incidents(self) -> list[Incident]:
        """The incidents journaled in STATE (what `pix-kiosk incidents` lists)."""
        return collect_incidents(self.state_dir)[0]

    def terminate(self) -> int:
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


class Monitors:
    """RandR 1.5 monitors added to the X server (as a second screen plugged in looks to Qt)."""

    def __init__(self, display: str) -> None:
        import ctypes
        import ctypes.util

        class MonitorInfo(ctypes.Structure):
            _fields_ = [
                ("name", ctypes.c_ulong),
                ("primary", ctypes.c_int),
                ("automatic", ctypes.c_int),
                ("noutput", ctypes.c_int),
                ("x", ctypes.c_int),
                ("y", ctypes.c_int),
                ("width", ctypes.c_int),
                ("height", ctypes.c_int),
                ("mwidth", ctypes.c_int),
                ("mheight", ctypes.c_int),
                ("outputs", ctypes.c_void_p),
            ]

        self._ctypes = ctypes
        self._x = ctypes.CDLL(ctypes.util.find_library("X11"))
        self._xrandr = ctypes.CDLL(ctypes.util.find_library("Xrandr"))
        self._x.XOpenDisplay.restype = ctypes.c_void_p
        self._x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self._x.XDefaultRootWindow.restype = ctypes.c_ulong
        self._x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self._x.XInternAtom.restype = ctypes.c_ulong
        self._x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self._x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self._x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._xrandr.XRRAllocateMonitor.restype = ctypes.POINTER(MonitorInfo)
        self._xrandr.XRRAllocateMonitor.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self._xrandr.XRRSetMonitor.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(MonitorInfo),
        ]
        self._xrandr.XRRDeleteMonitor.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]

        class ScreenResources(ctypes.Structure):
            _fields_ = [
                ("timestamp", ctypes.c_ulong),
                ("config_timestamp", ctypes.c_ulong),
                ("ncrtc", ctypes.c_int),
                ("crtcs", ctypes.POINTER(ctypes.c_ulong)),
                ("noutput", ctypes.c_int),
                ("outputs", ctypes.POINTER(ctypes.c_ulong)),
            ]

        self._xrandr.XRRGetScreenResourcesCurrent.restype = ctypes.POINTER(ScreenResources)
        self._xrandr.XRRGetScreenResourcesCurrent.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self._display = self._x.XOpenDisplay(display.encode())
        self._root = self._x.XDefaultRootWindow(self._display)
        self._added: list[bytes] = []

    def split_screen(self) -> None:
        """Two side by side monitors on the X screen, as with a second screen plugged in at
        start: the left one takes over the output (replacing the automatic monitor)."""
        resources = self._xrandr.XRRGetScreenResourcesCurrent(self._display, self._root)
        output = resources.contents.outputs[0]
        half = SCREEN[0] // 2
        self.add(b"PIX-MAIN", 0, 0, half, SCREEN[1], output)
        self.add(b"PIX-EXTRA", half, 0, half, SCREEN[1])

    def add(
        self, name: bytes, x: int, y: int, width: int, height: int, output: int | None = None
    ) -> None:
        monitor = self._xrandr.XRRAllocateMonitor(self._display, 0 if output is None else 1)
        monitor = monitor.contents
        if output is not None:
            outputs = self._ctypes.cast(monitor.outputs, self._ctypes.POINTER(self._ctypes.c_ulong))
            outputs[0] = output
            monitor.noutput = 1
        monitor.name = self._x.XInternAtom(self._display, name, 0)
        monitor.x, monitor.y, monitor.width, monitor.height = x, y, width, height
        monitor.mwidth, monitor.mheight = width // 4, height // 4
        self._xrandr.XRRSetMonitor(self._display, self._root, self._ctypes.byref(monitor))
        self._x.XSync(self._display, 0)
        self._added.append(name)

    def remove_all(self) -> None:
        for name in self._added:
            atom = self._x.XInternAtom(self._display, name, 0)
            self._xrandr.XRRDeleteMonitor(self._display, self._root, atom)
        self._x.XSync(self._display, 0)
        self._added.clear()

    def close(self) -> None:
        self.remove_all()
        self._x.XCloseDisplay(self._display)
