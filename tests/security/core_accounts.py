"""What the exam-core attack tests share: a real server with a session, a lab PC enrolled for it,
a way to bring a window to its first question, and — as root — OS accounts to play the core and
the window under.

Running as another account: the test process forks and the child drops to the account
(setgroups, setgid, setuid) before doing anything, so that every file it opens and every socket
it connects to is checked by the kernel as that account's. Forking (not exec) keeps the Python
the test runs on, which another account may not be allowed to execute (a pyenv under /root, say).
"""

import _strptime  # noqa: F401 - loaded now: an account may not read this Python's library
import asyncio
import concurrent.futures.thread  # noqa: F401 - (same)
import contextlib
import encodings.idna  # noqa: F401 - (same)
import json
import multiprocessing
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio._backends._asyncio  # noqa: F401 - (same, for the core's HTTP client)
import pytest

from kiosk.commands.demo import EmbeddedServer
from kiosk.console.api import ConsoleApi
from kiosk.core.link import CoreLink
from kiosk.lab_config import LabConfig
from kiosk.rehearsal import provision_kiosk
from kiosk.robot import read_candidates_csv

CORE_ACCOUNT = "pixcoretest"
WINDOW_ACCOUNT = "pixwindowtest"
STRANGER_ACCOUNT = "pixstrangertest"
STEP_S = 30.0


@dataclass
class CoreLab:
    """A server with a session, and one enrolled lab PC (its state in `config.data_dir`)."""

    server: EmbeddedServer
    codes: dict[str, Any]
    config: LabConfig

    def identity(self, row: int = 0):
        return read_candidates_csv(Path(self.codes["candidates_csv"]).read_text())[row]

    async def console(self) -> ConsoleApi:
        console = ConsoleApi(self.server.url)
        await console.sign_in(self.codes["session_number"], self.codes["invigilator_code"])
        return console


@contextlib.contextmanager
def core_lab(state_dir: Path, server_dir: Path) -> Iterator[CoreLab]:
    server_dir.mkdir(parents=True, exist_ok=True)
    with EmbeddedServer(server_dir) as server:
        server.start()
        codes = server.create_session()
        config = asyncio.run(
            provision_kiosk(
                state_dir, server.url, server.enrolment_token(), secure_mode=False, label="core"
            )
        )
        yield CoreLab(server, codes, config)


async def until_state(link: CoreLink, check: Callable[[dict], bool]) -> dict:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + STEP_S
    while not check(link.state):
        assert loop.time() < give_up, f"the core never got there: {link.state}"
        await asyncio.sleep(0.05)
    return link.state


async def reach_first_question(link: CoreLink, lab: CoreLab, row: int = 0) -> dict:
    """Check in as the window does, have the invigilator authorise, start: the state with the
    first question on screen."""
    who = lab.identity(row)
    checked_in = await link.request(
        "check_in",
        session_number=int(lab.codes["session_number"]),
        access_code=lab.codes["access_code"],
        last_name=who.last_name,
        first_name=who.first_names,
        birth_date=who.birth_date,
    )
    console = await lab.console()
    try:
        await console.authorise(checked_in["candidate_id"])
    finally:
        await console.close()
    await until_state(link, lambda state: state["phase"] == "instructions")
    await link.request("start_questions")
    return await until_state(link, lambda state: state.get("item") is not None)


# --- OS accounts (root only) ----------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int


def needs_root() -> None:
    if os.geteuid() != 0:
        pytest.skip(
            "the two-account tests create OS accounts and run as them: they need root "
            "(CI runs them as root; the same checks run single-account in test_core_protocol)"
        )
    if shutil.which("useradd") is None:
        pytest.skip("useradd is missing: cannot create the test accounts")


def system_account(name: str) -> Account:
    """The account `name`, created (system, no home, no login) when it does not exist."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(name)
    return Account(name, entry.pw_uid, entry.pw_gid)


def shared_folder() -> Path:
    """A folder every account can traverse (pytest's own is root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="pix-core-attack-"))
    folder.chmod(0o711)
    return folder


def give_to(path: Path, account: Account, mode: int = 0o700) -> None:
    """`path` and everything under it to `account`, the top folder `mode`."""
    for root, folders, files in os.walk(path):
        for name in (*folders, *files):
            os.chown(Path(root) / name, account.uid, account.gid)
    os.chown(path, account.uid, account.gid)
    path.chmod(mode)


def _become(account: Account) -> None:
    os.setgroups([])
    os.setgid(account.gid)
    os.setuid(account.uid)


def _child(account: Account, function: Callable[..., Any], args: tuple, results) -> None:
    try:
        _become(account)
        results.send(("ok", function(*args)))
    except BaseException as error:  # handed back to the test
        results.send(("error", f"{error!r}\n{traceback.format_exc()}"))


def run_as(account: Account, function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` in a child process running as `account`; its result (picklable)."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(account, function, args, sending))
    child.start()
    sending.close()
    try:
        if not receiving.poll(120):
            raise AssertionError(f"{function.__name__} as {account.name} never answered")
        outcome, value = receiving.recv()
    finally:
        child.join(10)
    if outcome == "error":
        raise AssertionError(f"{function.__name__} as {account.name} failed: {value}")
    return value


def start_as(account: Account, function: Callable[..., Any], *args: Any):
    """`function(*args)` as `account` in a child that runs until it is terminated."""
    context = multiprocessing.get_context("fork")

    def target() -> None:
        _become(account)
        function(*args)

    child = context.Process(target=target, daemon=True)
    child.start()
    return child


# --- what the window's account tries -------------------------------------------------------


def try_open(path: str, mode: str) -> str:
    """ "refused" when the kernel says no; what could be done otherwise."""
    try:
        with open(path, mode) as handle:
            if "r" in mode:
                handle.read(16)
            else:
                handle.write(b"x" if "b" in mode else "x")
    except PermissionError:
        return "refused"
    except FileNotFoundError:
        return "missing"
    return "done"


def try_list(path: str) -> str:
    try:
        os.listdir(path)
    except PermissionError:
        return "refused"
    return "done"


class Window:
    """A window's connection to the core, blocking (what a pupil's own program would do)."""

    def __init__(self, socket_path: str) -> None:
        self.connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.connection.settimeout(STEP_S)
        self.connection.connect(socket_path)
        self.stream = self.connection.makefile("rwb")
        self.first = self._read()
        self.state = self.first.get("state", {})
        self._number = 0

    def _read(self) -> dict[str, Any]:
        line = self.stream.readline()
        if not line:
            raise ConnectionError("the core closed the connection")
        return json.loads(line)

    def request(self, op: str, **fields: Any) -> dict[str, Any]:
        self._number += 1
        self.stream.write(json.dumps({"id": self._number, "op": op, **fields}).encode() + b"\n")
        self.stream.flush()
        while True:
            message = self._read()
            if message.get("event") == "state":
                self.state = message["state"]
            elif message.get("id") == self._number:
                return message

    def wait_state(self, check: Callable[[dict], bool]) -> dict[str, Any]:
        while not check(self.state):
            message = self._read()
            if message.get("event") == "state":
                self.state = message["state"]
        return self.state

    def close(self) -> None:
        self.stream.close()
        self.connection.close()


def authorise_arrivals(lab: CoreLab, stop: "threading.Event") -> None:
    """The invigilator, in a thread: authorise whoever waits in the room."""

    async def watch() -> None:
        console = await lab.console()
        try:
            while not stop.is_set():
                room = await console.room()
                for line in room["candidates"]:
                    if line["status"] == "waiting":
                        await console.authorise(line["candidate_id"])
                await asyncio.sleep(0.2)
        finally:
            await console.close()

    asyncio.run(watch())
