"""The console against a real server: `pix-server init` once per worker, `pix-server serve` on
an ephemeral loopback port as a subprocess, one fresh session per test; the console's network
calls run on a qasync loop that the test drives with `run_until`."""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import qasync
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.console.controller import ConsoleController
from kiosk.console.language import ConsoleLanguage
from kiosk.console.look import restyle
from kiosk.console.window import ConsoleWindow
from server_stub.commands import main as pix_server

LISTENING = "pix-server listening on"


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    """The running server process and its base URL (read from its first line); its messages
    go to server.log beside the data directory."""
    log = data.parent / "server.log"
    with log.open("w", encoding="utf-8") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "server_stub", "serve", "--data", str(data), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    line = process.stdout.readline()
    if not line.startswith(LISTENING):
        process.kill()
        raise RuntimeError(f"pix-server did not start: {line}{log.read_text(encoding='utf-8')}")
    return process, line.split()[-1]


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


FIRST_NAMES = ("Marie", "Lucas", "Aïssatou", "Étienne", "Chloé", "Noah", "Inès", "Hugo")
LAST_NAMES = ("Dupont", "Martin", "N'Diaye", "Lefèvre", "Bernard", "Petit", "Durand", "Moreau")


@dataclass
class Server:
    url: str
    data: Path

    @property
    def admin_token(self) -> str:
        return (self.data / "admin.token").read_text(encoding="ascii").strip()

    def admin(self, method: str, path: str, **kwargs) -> httpx.Response:
        response = httpx.request(
            method,
            f"{self.url}/api/v1/admin{path}",
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=30,
            **kwargs,
        )
        response.raise_for_status()
        return response


@dataclass
class Planned:
    session_id: str
    session_number: int
    access_code: str
    invigilator_code: str
    csv_text: str
    enrol_token: str
    names: list[str] = field(default_factory=list)


def candidates_csv(count: int, extra_time_every: int = 4) -> str:
    lines = ["last_name,first_names,birth_date,ine,extra_time_percent,accessibility_adjustment"]
    for index in range(count):
        last = f"{LAST_NAMES[index % len(LAST_NAMES)]}{'' if index < 8 else index}"
        first = FIRST_NAMES[(index * 3) % len(FIRST_NAMES)]
        extra = 33 if extra_time_every and index % extra_time_every == 1 else 0
        lines.append(
            f"{last},{first},2008-0{1 + index % 9}-1{index % 10},INE{index:06d},{extra},"
            f"{'true' if index == 2 else 'false'}"
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("server") / "data"
    assert pix_server(["init", "--data", str(data), "--no-calibrate"]) == 0
    process, url = start_server(data)
    yield Server(url, data)
    stop_server(process)


@pytest.fixture
def plan(server: Server) -> Callable[[int], Planned]:
    """`plan(n)`: a new session on the shared server with n candidates."""

    def make(count: int) -> Planned:
        created = server.admin(
            "POST",
            "/sessions",
            json={
                "centre": "Lycée Jean Moulin",
                "room": "Salle B12",
                "date": "2026-03-12",
                "time": "14:00",
                "invigilator": "Mme Martin",
            },
        ).json()
        text = candidates_csv(count)
        server.admin("POST", f"/sessions/{created['session_id']}/candidates", json={"csv": text})
        token = server.admin("POST", "/device-tokens", json={"devices": max(1, count)}).json()
        rows = text.splitlines()[1:]
        return Planned(
            created["session_id"],
            created["session_number"],
            created["access_code"],
            created["invigilator_code"],
            text,
            token["token"],
            [f"{row.split(',')[0].upper()} {row.split(',')[1]}" for row in rows],
        )

    return make


@pytest.fixture
def loop(qapp):
    """A qasync loop that counts as running even between two runs of the test's Driver: Qt may
    process events then (pytest-qt does, after each test phase), as in production where the
    loop runs for the whole life of the window."""
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    yield loop
    asyncio.events._set_running_loop(None)
    loop.close()
    asyncio.set_event_loop(None)


@dataclass
class Driver:
    """Runs the Qt + asyncio loop for a test: until a condition holds, or a coroutine ends.

    It runs the loop with run_forever()/stop() rather than qasync's run_until_complete(), whose
    last processEvents() runs outside the loop and breaks the tasks still waiting on I/O.
    """

    loop: asyncio.AbstractEventLoop

    def until(self, predicate: Callable[[], bool], timeout: float = 15.0) -> float:
        """Seconds it took for `predicate()` to hold (TimeoutError after `timeout`)."""
        started = time.monotonic()
        timed_out: list[bool] = []

        def check() -> None:
            if predicate():
                self.loop.stop()
            elif time.monotonic() - started > timeout:
                timed_out.append(True)
                self.loop.stop()
            else:
                self.loop.call_later(0.02, check)

        self.loop.call_soon(check)
        try:
            self.loop.run_forever()
        finally:
            asyncio.events._set_running_loop(self.loop)  # see the `loop` fixture
        if timed_out:
            raise TimeoutError(f"condition not met within {timeout} s")
        return time.monotonic() - started

    def inside(self, action: Callable[[], object]) -> object:
        """Do `action` inside the running loop, as a real click is handled (widgets that process
        events, or open a dialog, must never do it outside the loop)."""
        done: list[object] = []
        self.loop.call_soon(lambda: done.append(action()))
        self.until(lambda: bool(done))
        return done[0]

    def run(self, coroutine, timeout: float = 60.0):
        """Run one coroutine to its end (the console keeps running meanwhile)."""
        task = asyncio.ensure_future(coroutine, loop=self.loop)
        self.until(task.done, timeout)
        return task.result()


@pytest.fixture
def drive(loop) -> Driver:
    return Driver(loop)


@pytest.fixture
def shot() -> Callable[[QWidget, str], None]:
    """`shot(widget, name)` saves docs/screenshots-style pictures when PIX_CONSOLE_SCREENSHOTS
    names a folder (call it inside the running loop: a grab processes events)."""
    folder = os.environ.get("PIX_CONSOLE_SCREENSHOTS")

    def save(widget: QWidget, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            QApplication.processEvents()  # let pending layouts settle, as on a real screen
            widget.grab().save(str(Path(folder) / f"console-{name}.png"))

    return save


@dataclass
class Console:
    window: ConsoleWindow
    controller: ConsoleController
    language: ConsoleLanguage
    opened: list[Path]
    documents: Path


@pytest.fixture
def console(qapp, qtbot, loop, server, tmp_path):
    language = ConsoleLanguage(qapp)
    language.set_language("fr")
    restyle(qapp, large=False)
    window = ConsoleWindow(language, server.url, server.admin_token)
    qtbot.addWidget(window)
    opened: list[Path] = []
    controller = ConsoleController(window, tmp_path / "documents", open_pdf=opened.append)
    window.show()
    window.show_screen(window.sign_in)
    yield Console(window, controller, language, opened, tmp_path / "documents")
    Driver(loop).run(controller.close())
    language.set_language("fr")
