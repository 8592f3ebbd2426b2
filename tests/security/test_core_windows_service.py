"""`pix-kiosk core --service`: the exam core as a Windows service, with the Service Control
Manager stood in for (advapi32's three service calls: the only mock the project allows) and
everything else real: the command, the exam core, its socket, its server on loopback, the
window's link, the journal on disk.

The stand-in plays the SCM as Windows does: `StartServiceCtrlDispatcherW` calls the service's
main function in a thread of its own, through the ctypes function pointer the core gave it, and
returns once that function has returned; controls arrive through the handler's function pointer
from another thread. The core reports START_PENDING, then RUNNING once it listens; STOP (or
SHUTDOWN) stops it by the same path as SIGTERM — the journal closed with every acknowledged
answer in it, the state directory's lock released — and it reports STOPPED with its status."""

import argparse
import asyncio
import threading

import pytest
from core_accounts import core_lab, reach_first_question

from engine.exam_events import ANSWER
from kiosk.commands import core as core_command
from kiosk.core.link import CoreLink
from kiosk.core.runner import hold_state_lock
from kiosk.core.windows_service import (
    CTRL_LOGOFF_EVENT,
    ERROR_CALL_NOT_IMPLEMENTED,
    ERROR_FAILED_SERVICE_CONTROLLER_CONNECT,
    ERROR_SERVICE_SPECIFIC_ERROR,
    NO_ERROR,
    SERVICE_ACCEPT_SHUTDOWN,
    SERVICE_ACCEPT_STOP,
    SERVICE_CONTROL_INTERROGATE,
    SERVICE_CONTROL_SHUTDOWN,
    SERVICE_CONTROL_STOP,
    SERVICE_RUNNING,
    SERVICE_START_PENDING,
    SERVICE_STOP_PENDING,
    SERVICE_STOPPED,
    SERVICE_WIN32_OWN_PROCESS,
    Win32ServiceManager,
    service_sid,
)
from kiosk.journal import read_journal

pytestmark = pytest.mark.slow

STATUS_HANDLE = 0x5C
WAIT_S = 60.0
PARAM_CHANGE = 6  # SERVICE_CONTROL_PARAMCHANGE: a control the core does not take


class StandInScm:
    """advapi32's service calls, answered as the Service Control Manager would."""

    def __init__(self, *, started_by_scm: bool = True) -> None:
        self.started_by_scm = started_by_scm
        self.error = 0
        self.names: list[str] = []
        self.statuses: list[dict] = []
        self.handler = None
        self.console_handler = None
        self._changed = threading.Condition()

    def StartServiceCtrlDispatcherW(self, table) -> int:
        if not self.started_by_scm:
            self.error = ERROR_FAILED_SERVICE_CONTROLLER_CONNECT
            return 0
        entry = table[0]
        self.names.append(entry.lpServiceName)
        assert table[1].lpServiceName is None  # the table ends with an empty entry
        service = threading.Thread(target=entry.lpServiceProc, args=(1, None), name="scm")
        service.start()
        service.join()
        return 1

    def RegisterServiceCtrlHandlerExW(self, name, handler, context) -> int:
        self.names.append(name)
        self.handler = handler
        return STATUS_HANDLE

    def SetServiceStatus(self, handle, status) -> int:
        assert handle.value == STATUS_HANDLE
        fields = status._obj
        with self._changed:
            self.statuses.append({name: getattr(fields, name) for name, _ in fields._fields_})
            self._changed.notify_all()
        return 1

    def SetConsoleCtrlHandler(self, handler, add) -> int:
        self.console_handler = handler if add else None
        return 1

    def control(self, code: int) -> int:
        """What the SCM does on `sc stop` (and at shutdown): call the handler."""
        return self.handler(code, 0, None, None)

    def wait_for(self, state: int) -> dict:
        with self._changed:
            assert self._changed.wait_for(
                lambda: any(s["dwCurrentState"] == state for s in self.statuses), WAIT_S
            ), f"the service never reported {state}: {self.statuses}"
            return next(s for s in self.statuses if s["dwCurrentState"] == state)

    def states(self) -> list[int]:
        return [status["dwCurrentState"] for status in self.statuses]


def core_args(*words: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    core_command.register(parser.add_subparsers())
    return parser.parse_args(["core", *words])


class ServiceProcess:
    """`pix-kiosk core --service` in a thread, as the SCM starts it: its exit status, once it
    has returned."""

    def __init__(self, args: argparse.Namespace, scm: StandInScm) -> None:
        self.status: int | None = None
        manager = Win32ServiceManager(scm, last_error=lambda: scm.error, kernel32=scm)
        self._thread = threading.Thread(target=self._run, args=(args, manager), daemon=True)
        self._thread.start()

    def _run(self, args: argparse.Namespace, manager: Win32ServiceManager) -> None:
        self.status = core_command.run_as_service(args, manager)

    def wait(self) -> int | None:
        self._thread.join(WAIT_S)
        return self.status


@pytest.fixture
def lab(tmp_path):
    with core_lab(tmp_path / "pc", tmp_path / "server") as lab:
        yield lab


@pytest.mark.parametrize("control", [SERVICE_CONTROL_STOP, SERVICE_CONTROL_SHUTDOWN])
def test_the_service_runs_once_it_listens_and_stops_cleanly_on_the_scm_s_word(
    lab, tmp_path, control
):
    data = lab.config.data_dir
    socket_path = tmp_path / "run" / "core.sock"
    socket_path.parent.mkdir()
    scm = StandInScm()
    args = core_args("--data", str(data), "--socket", str(socket_path), "--service")
    service = ServiceProcess(args, scm)
    running = scm.wait_for(SERVICE_RUNNING)
    seen: dict = {}

    async def window() -> None:
        link = await CoreLink(socket_path).connect()
        lost = asyncio.Event()
        link.on_lost = lost.set
        try:
            shown = (await reach_first_question(link, lab))["item"]
            await link.request("answer", item_id=shown["id"], response=None, skipped=True)
            seen["answered"] = shown["id"]  # the core's reply: the answer is journaled
            seen["other controls"] = (
                scm.control(SERVICE_CONTROL_INTERROGATE),
                scm.control(PARAM_CHANGE),
            )
            seen["stopped by"] = scm.control(control)  # from this thread, as the SCM's
            await asyncio.wait_for(lost.wait(), WAIT_S)  # the core hung up
        finally:
            await link.close()

    asyncio.run(window())
    assert service.wait() == 0
    assert scm.names == ["pix-kiosk-core", "pix-kiosk-core"]
    assert scm.states() == [
        SERVICE_START_PENDING,
        SERVICE_RUNNING,
        SERVICE_STOP_PENDING,
        SERVICE_STOPPED,
    ]
    assert all(s["dwServiceType"] == SERVICE_WIN32_OWN_PROCESS for s in scm.statuses)
    start_pending, _, stop_pending, stopped = scm.statuses
    assert start_pending["dwControlsAccepted"] == 0 and start_pending["dwWaitHint"] > 0
    assert running["dwControlsAccepted"] == SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN
    assert stop_pending["dwWaitHint"] > 0 and stop_pending["dwCheckPoint"] > 0
    assert (stopped["dwWin32ExitCode"], stopped["dwServiceSpecificExitCode"]) == (NO_ERROR, 0)
    assert seen["other controls"] == (NO_ERROR, ERROR_CALL_NOT_IMPLEMENTED)
    assert seen["stopped by"] == NO_ERROR
    # A user logging off (Windows tells services too) is not the service's end; Ctrl+C is.
    assert scm.console_handler(CTRL_LOGOFF_EVENT) and not scm.console_handler(0)
    # Stopped as on SIGTERM: the socket gone, the lock free, the acknowledged answer on disk.
    assert not socket_path.exists()
    hold_state_lock(data, wait_s=0).close()
    (journal,) = (data / "exams").glob("*.journal")
    answers = [e for e in read_journal(journal).entries if e.kind == ANSWER]
    assert [a.payload["item_id"] for a in answers] == [seen["answered"]]
    log = (data / core_command.SERVICE_LOG).read_text(encoding="utf-8")
    assert '"ready": true' in log


def test_a_core_that_cannot_start_reports_stopped_with_its_status_and_says_why(tmp_path):
    data = tmp_path / "pc"
    scm = StandInScm()
    args = core_args(
        "--data", str(data), "--socket", str(tmp_path / "core.sock"),
        "--config", str(tmp_path / "missing.toml"), "--service",
    )  # fmt: skip
    assert ServiceProcess(args, scm).wait() == 2
    assert scm.states() == [SERVICE_START_PENDING, SERVICE_STOPPED]
    stopped = scm.statuses[-1]
    assert stopped["dwWin32ExitCode"] == ERROR_SERVICE_SPECIFIC_ERROR
    assert stopped["dwServiceSpecificExitCode"] == 2  # the SCM's recovery actions restart it
    log = (data / core_command.SERVICE_LOG).read_text(encoding="utf-8")
    assert "Fichier de configuration introuvable" in log and "Configuration file not found" in log


def test_started_from_a_console_the_service_mode_says_how_to_run_it(tmp_path, capsys):
    args = core_args("--data", str(tmp_path), "--socket", str(tmp_path / "s"), "--service")
    scm = StandInScm(started_by_scm=False)
    assert ServiceProcess(args, scm).wait() == 2
    said = capsys.readouterr()
    assert "not_a_service" in said.out
    assert "gestionnaire de services" in said.err and "Service Control Manager" in said.err
    assert scm.statuses == []
    assert core_command.run_as_service(args) == 2  # not Windows: the same message


def test_a_service_s_account_is_the_sid_windows_gives_it():
    """`sc.exe showsid TrustedInstaller` prints this SID on every Windows PC."""
    trusted_installer = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
    assert service_sid("TrustedInstaller") == trusted_installer
    assert service_sid("PIX-KIOSK-CORE") == service_sid() == service_sid("pix-kiosk-core")
