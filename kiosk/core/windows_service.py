"""`pix-kiosk core --service`: the exam core as a Windows service that answers the Service
Control Manager (SCM).

A console program registered with `New-Service` never tells the SCM it started, so the SCM
kills it after its start timeout. A service's process must instead hand its main thread to
`StartServiceCtrlDispatcherW`; the SCM then calls the service's main function in another thread,
which registers a control handler (`RegisterServiceCtrlHandlerExW`) and reports each change of
state (`SetServiceStatus`):

    START_PENDING  while the core loads its keys and bank
    RUNNING        once its pipe listens (STOP and SHUTDOWN accepted from then on)
    STOP_PENDING   on STOP or SHUTDOWN: the core stops as on SIGTERM on Linux (the socket closes,
                   the journal is closed, nothing acknowledged is lost)
    STOPPED        with exit code 0, or ERROR_SERVICE_SPECIFIC_ERROR and the command's status
                   (2: a bilingual error, said in the service's log) so that the recovery
                   actions restart it

It also ignores the console's log-off event: Windows sends it to services when any user logs
off, and a program's default answer is to exit — the core would go whenever a pupil logs off.

`Win32ServiceManager` is the only part that calls Windows (ctypes, no pywin32 in the bundle);
tests give it stand-in DLLs that play the SCM, calling back through the same ctypes function
pointers.
"""

import contextlib
import ctypes
import hashlib
import os
import struct
import threading
import traceback
from collections.abc import Callable, Iterator
from ctypes import wintypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.canonical import BilingualError

SERVICE_NAME = "pix-kiosk-core"
SERVICE_WIN32_OWN_PROCESS = 0x00000010
SERVICE_STOPPED = 1
SERVICE_START_PENDING = 2
SERVICE_STOP_PENDING = 3
SERVICE_RUNNING = 4
SERVICE_ACCEPT_STOP = 0x00000001
SERVICE_ACCEPT_SHUTDOWN = 0x00000004
SERVICE_CONTROL_STOP = 1
SERVICE_CONTROL_INTERROGATE = 4
SERVICE_CONTROL_SHUTDOWN = 5
NO_ERROR = 0
ERROR_CALL_NOT_IMPLEMENTED = 120
ERROR_SERVICE_SPECIFIC_ERROR = 1066
ERROR_FAILED_SERVICE_CONTROLLER_CONNECT = 1063
CTRL_LOGOFF_EVENT = 5
START_WAIT_HINT_MS = 60_000  # loading keys (DPAPI, TPM) and the bank, before the pipe listens
STOP_WAIT_HINT_MS = 30_000  # closing the pipe, the journal and the server link
UNEXPECTED_FAILURE = 1  # the status of a core that failed with an unexpected exception

# Windows' callbacks are stdcall; elsewhere (the tests) the C convention stands in for it.
_CALLBACK = getattr(ctypes, "WINFUNCTYPE", ctypes.CFUNCTYPE)
SERVICE_MAIN_FUNCTION = _CALLBACK(None, wintypes.DWORD, ctypes.POINTER(wintypes.LPWSTR))
HANDLER_FUNCTION_EX = _CALLBACK(
    wintypes.DWORD, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p, ctypes.c_void_p
)
CONSOLE_HANDLER = _CALLBACK(wintypes.BOOL, wintypes.DWORD)


class SERVICE_STATUS(ctypes.Structure):
    _fields_ = [
        ("dwServiceType", wintypes.DWORD),
        ("dwCurrentState", wintypes.DWORD),
        ("dwControlsAccepted", wintypes.DWORD),
        ("dwWin32ExitCode", wintypes.DWORD),
        ("dwServiceSpecificExitCode", wintypes.DWORD),
        ("dwCheckPoint", wintypes.DWORD),
        ("dwWaitHint", wintypes.DWORD),
    ]


class SERVICE_TABLE_ENTRYW(ctypes.Structure):
    _fields_ = [("lpServiceName", wintypes.LPWSTR), ("lpServiceProc", SERVICE_MAIN_FUNCTION)]


class NotUnderServiceManager(BilingualError):
    def __init__(self) -> None:
        super().__init__(
            "not_a_service",
            "pix-kiosk core --service ne se lance que comme service Windows (le service "
            f"{SERVICE_NAME}, par le gestionnaire de services : Start-Service {SERVICE_NAME}) ; "
            "dans une console, lancez pix-kiosk core sans --service.",
            "pix-kiosk core --service runs only as a Windows service (the "
            f"{SERVICE_NAME} service, started by the Service Control Manager: Start-Service "
            f"{SERVICE_NAME}); in a console, run pix-kiosk core without --service.",
        )


@dataclass(frozen=True)
class ServiceStatus:
    """One report to the SCM."""

    state: int
    accepted: int = 0
    exit_code: int = NO_ERROR
    service_exit_code: int = 0
    checkpoint: int = 0
    wait_hint_ms: int = 0


class Win32ServiceManager:
    """The calls a service makes to the SCM (and one to its console), in one place (ctypes)."""

    def __init__(self, advapi32: Any = None, last_error: Any = None, kernel32: Any = None) -> None:
        self.advapi32 = advapi32 or _declared(
            ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
        )
        self.kernel32 = kernel32 or ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        self.last_error = last_error or ctypes.get_last_error  # type: ignore[attr-defined]
        self._callbacks: list[Any] = []  # ctypes callbacks must outlive every call into them

    def dispatch(self, name: str, service_main: Callable[[], None]) -> None:
        """Hand this thread to the SCM until the service has stopped; `service_main` runs in
        the SCM's thread. Not started by the SCM: `NotUnderServiceManager`."""
        main = SERVICE_MAIN_FUNCTION(lambda _argc, _argv: service_main())
        self._callbacks.append(main)
        table = (SERVICE_TABLE_ENTRYW * 2)()
        table[0].lpServiceName = name
        table[0].lpServiceProc = main
        if not self.advapi32.StartServiceCtrlDispatcherW(table):
            code = self.last_error()
            if code == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT:
                raise NotUnderServiceManager()
            raise OSError(code, f"StartServiceCtrlDispatcherW failed (Windows error {code})")

    def ignore_logoff(self) -> None:
        """Stay when a user logs off (CTRL_LOGOFF_EVENT); every other console event as before."""
        handler = CONSOLE_HANDLER(lambda event: event == CTRL_LOGOFF_EVENT)
        self._callbacks.append(handler)
        self.kernel32.SetConsoleCtrlHandler(handler, True)

    def register(self, name: str, handler: Callable[[int], int]) -> int:
        """Have `handler(control)` called for each control the SCM sends; the status handle."""
        callback = HANDLER_FUNCTION_EX(lambda control, _type, _data, _context: handler(control))
        self._callbacks.append(callback)
        handle = self.advapi32.RegisterServiceCtrlHandlerExW(name, callback, None)
        if not handle:
            code = self.last_error()
            raise OSError(code, f"RegisterServiceCtrlHandlerExW failed (Windows error {code})")
        return int(handle)

    def report(self, handle: int, status: ServiceStatus) -> None:
        record = SERVICE_STATUS(
            SERVICE_WIN32_OWN_PROCESS,
            status.state,
            status.accepted,
            status.exit_code,
            status.service_exit_code,
            status.checkpoint,
            status.wait_hint_ms,
        )
        if not self.advapi32.SetServiceStatus(ctypes.c_void_p(handle), ctypes.byref(record)):
            code = self.last_error()
            raise OSError(code, f"SetServiceStatus failed (Windows error {code})")


def _declared(advapi32: Any) -> Any:
    """The three calls' types: the status handle is a pointer, which ctypes would otherwise cut
    to a C int."""
    advapi32.StartServiceCtrlDispatcherW.argtypes = [ctypes.POINTER(SERVICE_TABLE_ENTRYW)]
    advapi32.RegisterServiceCtrlHandlerExW.restype = ctypes.c_void_p
    advapi32.RegisterServiceCtrlHandlerExW.argtypes = [
        wintypes.LPCWSTR,
        HANDLER_FUNCTION_EX,
        ctypes.c_void_p,
    ]
    advapi32.SetServiceStatus.argtypes = [ctypes.c_void_p, ctypes.POINTER(SERVICE_STATUS)]
    return advapi32


def service_sid(name: str = SERVICE_NAME) -> str:
    """The SID Windows gives the service `name` (`NT SERVICE\\name`, its virtual account):
    S-1-5-80- and the SHA-1 of its upper-cased UTF-16 name as five little-endian numbers, the
    same on every PC (what `sc.exe showsid` prints)."""
    digest = hashlib.sha1(name.upper().encode("utf-16-le"), usedforsecurity=False).digest()
    return "S-1-5-80-" + "-".join(str(part) for part in struct.unpack("<5I", digest))


CoreMain = Callable[["ServiceHost"], int]


class ServiceHost:
    """Runs a core's main function as the service `name`: `core_main(host)` loads and serves
    the core, calls `host.running(stop)` once it listens (`stop`: what SIGTERM would do) and
    returns the command's exit status once stopped. A service has no console: what the core
    prints (its ready line, its errors in French and English) is appended to `log`."""

    def __init__(
        self, log: Path, name: str = SERVICE_NAME, scm: Win32ServiceManager | None = None
    ) -> None:
        self.log = log
        self.name = name
        self._scm = scm
        self._handle: int | None = None
        self._stop: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._checkpoint = 0
        self.status = 0

    @property
    def scm(self) -> Win32ServiceManager:
        if self._scm is None:
            self._scm = Win32ServiceManager()
        return self._scm

    def run(self, core_main: CoreMain) -> int:
        """The process's main thread, given to the SCM; the status the core stopped with."""
        self.scm.dispatch(self.name, lambda: self._service_main(core_main))
        return self.status

    def _service_main(self, core_main: CoreMain) -> None:
        self._handle = self.scm.register(self.name, self._on_control)
        self.scm.ignore_logoff()
        self._report(SERVICE_START_PENDING, wait_hint_ms=START_WAIT_HINT_MS)
        with _printed_to(self.log):
            try:
                self.status = core_main(self)
            except BaseException:  # said in the log; the SCM's recovery actions restart it
                traceback.print_exc()
                self.status = UNEXPECTED_FAILURE
        if self.status == 0:
            self._report(SERVICE_STOPPED)
        else:
            self._report(
                SERVICE_STOPPED,
                exit_code=ERROR_SERVICE_SPECIFIC_ERROR,
                service_exit_code=self.status,
            )

    def running(self, stop: Callable[[], None]) -> None:
        """The core listens: STOP and SHUTDOWN will call `stop`."""
        with self._lock:
            self._stop = stop
        self._report(SERVICE_RUNNING, accepted=SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN)

    def _on_control(self, control: int) -> int:
        """The SCM's thread: stop on STOP and SHUTDOWN, report nothing new otherwise."""
        if control in (SERVICE_CONTROL_STOP, SERVICE_CONTROL_SHUTDOWN):
            with self._lock:
                stop, self._stop = self._stop, None
            if stop is not None:
                self._report(SERVICE_STOP_PENDING, wait_hint_ms=STOP_WAIT_HINT_MS)
                stop()
            return NO_ERROR
        if control == SERVICE_CONTROL_INTERROGATE:
            return NO_ERROR
        return ERROR_CALL_NOT_IMPLEMENTED

    def _report(self, state: int, **fields: int) -> None:
        with self._lock:
            pending = state in (SERVICE_START_PENDING, SERVICE_STOP_PENDING)
            self._checkpoint = self._checkpoint + 1 if pending else 0
            status = ServiceStatus(state, checkpoint=self._checkpoint, **fields)
            assert self._handle is not None
            with contextlib.suppress(OSError):  # the SCM has gone (shutdown): nothing to tell
                self.scm.report(self._handle, status)


@contextlib.contextmanager
def _printed_to(log: Path) -> Iterator[None]:
    """Standard output and error appended to `log` (a service's own have nowhere to go; nowhere
    at all when the log cannot be opened: the core still starts)."""
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        file = open(log, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - closed below
    except OSError:
        file = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    with (
        file,
        contextlib.redirect_stdout(file),
        contextlib.redirect_stderr(file),
    ):
        yield
