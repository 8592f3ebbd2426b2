"""Where the window finds its exam core: an installed service's socket, or a core of its own.

- `InstalledCore`: the lab configuration names a socket (`[kiosk] core_socket`): a system
  service under its own account serves it (docs/kiosk.md, "The exam core"); on Windows the
  window talks to its pipe only once Windows says the service's process serves it.
- `ChildCore`: otherwise (the demo, rehearsals, a PC without the service) the window starts
  `pix-kiosk core` as a child process under its own account: the same two processes and the same
  protocol, only without the OS protection. The child stops when its window's pipe closes, so a
  killed window never leaves a core behind on its journals.
- `ThreadedCore`: the tests' variant of the child, in a thread of the window's process, so that
  a test can look at the core's state (`.exam`) beside what the window shows.
"""

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from kiosk.core.exam_core import ExamCore
from kiosk.core.protocol import CoreRefusal, CoreUnavailable
from kiosk.core.runner import default_allowed_uids, serve, state_lock
from kiosk.core.service import CoreService
from kiosk.core.transport import CoreTransport, core_transport
from kiosk.core.windows_service import SERVICE_NAME, service_sid
from kiosk.lab_config import LabConfig, config_table

SOCKET_NAME = "core.sock"
T = TypeVar("T")
STOP_WAIT_S = 10.0


class CoreHandle(Protocol):
    socket_path: Path

    def transport(self) -> CoreTransport:
        """How the window reaches this core, and whom it takes for it."""
        ...

    async def ready(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class InstalledCore:
    """A core the window did not start and does not stop. `core_sid`: on Windows, the account
    the service runs as (default: the pix-kiosk-core service's own)."""

    socket_path: Path
    core_sid: str | None = None
    platform: str = sys.platform

    def transport(self) -> CoreTransport:
        return core_transport(
            self.socket_path,
            core_sids=frozenset({self.core_sid or service_sid(SERVICE_NAME)}),
            core_service=SERVICE_NAME,
            platform=self.platform,
        )

    async def ready(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class _OwnCore:
    """A core this window started: under this account, on a socket of its own."""

    socket_path: Path

    def transport(self) -> CoreTransport:
        return core_transport(self.socket_path)


class ChildCore(_OwnCore):
    """`pix-kiosk core` as this window's child, on a socket in a private temporary folder."""

    def __init__(self, process: subprocess.Popen[bytes], folder: Path) -> None:
        self.process = process
        self.folder = folder
        self.socket_path = folder / SOCKET_NAME

    @classmethod
    def launch(cls, config: LabConfig, allowed_uids: frozenset[int] | None = None) -> "ChildCore":
        """Start the core's process (it loads while the window builds itself: `ready()` then
        waits for it); `allowed_uids`: this account's by default (a test may name others)."""
        folder = Path(tempfile.mkdtemp(prefix="pix-core-"))  # 0700: this account only
        allowed = [f"--allow-uid={uid}" for uid in sorted(allowed_uids or default_allowed_uids())]
        process = subprocess.Popen(
            [
                *_core_command(),
                "--data", str(config.data_dir),
                "--socket", str(folder / SOCKET_NAME),
                *allowed,
                "--config-stdin",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdin is not None
        process.stdin.write(json.dumps(config_table(config)).encode("utf-8") + b"\n")
        process.stdin.flush()
        return cls(process, folder)

    @classmethod
    async def start(
        cls, config: LabConfig, allowed_uids: frozenset[int] | None = None
    ) -> "ChildCore":
        child = cls.launch(config, allowed_uids)
        await child.ready()
        return child

    async def ready(self) -> None:
        """Wait until the core listens; its own bilingual error when it could not start."""
        assert self.process.stdout is not None
        line = await asyncio.to_thread(self.process.stdout.readline)
        try:
            said = json.loads(line) if line.strip() else {}
        except ValueError:
            said = {}
        if not said.get("ready"):
            await self.stop()
            error = said.get("error")
            if error:
                raise CoreRefusal(error["code"], error["fr"], error["en"])
            raise CoreUnavailable(f"pix-kiosk core exited with status {self.process.returncode}")

    async def stop(self) -> None:
        """Close the pipe (the core stops as on SIGTERM), wait, then clean up."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            await asyncio.to_thread(self.process.wait, STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class ThreadedCore(_OwnCore):
    """The core in a thread of this process, with its own event loop, on a real socket."""

    def __init__(self, config: LabConfig) -> None:
        self.config = config
        self.folder = Path(tempfile.mkdtemp(prefix="pix-core-"))
        self.socket_path = self.folder / SOCKET_NAME
        self.exam: ExamCore | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="exam-core", daemon=True)

    @classmethod
    def launch(cls, config: LabConfig) -> "ThreadedCore":
        threaded = cls(config)
        threaded._thread.start()
        return threaded

    async def ready(self) -> None:
        await asyncio.to_thread(self._ready.wait)
        if self._failure is not None:
            await self.stop()
            raise self._failure

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()

        def ready(service: CoreService) -> None:
            self.exam = service.core
            self._ready.set()

        try:
            with state_lock(self.config.data_dir):
                self._loop.run_until_complete(
                    serve(
                        self.config,
                        self.config.data_dir,
                        self.socket_path,
                        default_allowed_uids(),
                        until=self._stop,
                        ready=ready,
                    )
                )
        except BaseException as error:  # handed to `start`, which raises it in the window
            self._failure = error
        finally:
            self._ready.set()
            self._loop.close()

    async def run(self, action: "Callable[[ExamCore], Awaitable[T]]") -> "T":
        """Await `action(core)` in the core's own event loop (a test acting on the core)."""
        assert self._loop is not None and self.exam is not None
        future = asyncio.run_coroutine_threadsafe(_awaited(action, self.exam), self._loop)
        return await asyncio.wrap_future(future)

    async def stop(self) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        await asyncio.to_thread(self._thread.join, STOP_WAIT_S)
        shutil.rmtree(self.folder, ignore_errors=True)


def _core_command() -> list[str]:
    """`pix-kiosk core` from this installation: the bundle's own executable when frozen
    (PyInstaller), else this Python with the kiosk package."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "core"]
    return [sys.executable, "-m", "kiosk", "core"]


async def _awaited(action: "Callable[[ExamCore], Awaitable[T]]", core: ExamCore) -> "T":
    return await action(core)


def launch_core(config: LabConfig, *, in_thread: bool = False) -> CoreHandle:
    """The core this window talks to (see the module docstring), starting: `await ready()`."""
    if config.core_socket is not None:
        return InstalledCore(config.core_socket, config.core_sid)
    if in_thread:
        return ThreadedCore.launch(config)
    return ChildCore.launch(config)
