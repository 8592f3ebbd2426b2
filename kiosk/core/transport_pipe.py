"""The core's transport on Windows: a local named pipe only the window's account may open.

Windows has no peer credentials on a Unix socket, so the core listens on `\\\\.\\pipe\\NAME`:
- the pipe's security descriptor (SDDL `D:P(A;;GA;;;SY)(A;;GA;;;<core>)(A;;0x12018b;;;<window>)`)
  lets SYSTEM and the core's own account do anything, the window's account read and write data
  — but not create an instance of the pipe (`FILE_CREATE_PIPE_INSTANCE`, which `GENERIC_WRITE`
  would include), so a pupil cannot serve the core's name beside it — and nobody else even open
  it; `P` stops the default ACL from being inherited;
- `FILE_FLAG_FIRST_PIPE_INSTANCE`: a program that created the pipe's name before the core
  makes the core refuse to start, saying so (`PipeNameTaken`), instead of sharing the name;
  `PIPE_REJECT_REMOTE_CLIENTS`: never served over the network;
- once a client connects, the core asks Windows which process it is
  (`GetNamedPipeClientProcessId`) and which account that process runs as (its token's user SID
  and enabled groups) and serves only the `--allow-sid` accounts (a user, or a group such as
  Users), the same check as `SO_PEERCRED` on Linux;
- the window checks the other way round before it reads or sends anything: it asks Windows
  which process serves the pipe (`GetNamedPipeServerProcessId`) and refuses it
  (`NotTheCore`) unless the Service Control Manager says that process is the core's service
  (`QueryServiceStatusEx`: only an administrator installs a service), or its token's user is
  an expected core account (this account for a window's own core: the demo, rehearsals);
- the window opens the pipe with `SECURITY_IDENTIFICATION`: a program squatting the name could
  learn who connected, never act as them.

The pipe is opened overlapped, so one thread may read while another writes; the threads hand
bytes to the asyncio loop, and the service sees a `StreamReader` and a writer as on a socket.
`Win32Pipes` is the only part that calls Windows (through ctypes); tests give it stand-in DLLs.
"""

import asyncio
import contextlib
import ctypes
import queue
import threading
import time
from ctypes import wintypes
from typing import Any

from engine.canonical import BilingualError

PIPE_ACCESS_DUPLEX = 0x00000003
FILE_FLAG_OVERLAPPED = 0x40000000
FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000
PIPE_TYPE_BYTE = 0x00000000
PIPE_REJECT_REMOTE_CLIENTS = 0x00000008
PIPE_UNLIMITED_INSTANCES = 255
FILE_GENERIC_READ = 0x00120089
FILE_WRITE_DATA = 0x00000002
FILE_WRITE_ATTRIBUTES = 0x00000100
FILE_CREATE_PIPE_INSTANCE = 0x00000004
# What the window may do on the pipe, and asks for when it opens it: read, write data, set the
# pipe's mode — never create an instance of it (FILE_GENERIC_WRITE would).
WINDOW_PIPE_ACCESS = FILE_GENERIC_READ | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES
OPEN_EXISTING = 3
SECURITY_SQOS_PRESENT = 0x00100000
SECURITY_IDENTIFICATION = 0x00010000
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
SC_MANAGER_CONNECT = 0x0001
SERVICE_QUERY_STATUS = 0x0004
SC_STATUS_PROCESS_INFO = 0
TOKEN_QUERY = 0x0008
TOKEN_USER_CLASS = 1
TOKEN_GROUPS_CLASS = 2
SE_GROUP_ENABLED = 0x00000004
SDDL_REVISION_1 = 1
ERROR_ACCESS_DENIED = 5
ERROR_BROKEN_PIPE = 109
ERROR_PIPE_BUSY = 231
ERROR_PIPE_CONNECTED = 535
ERROR_OPERATION_ABORTED = 995
ERROR_IO_PENDING = 997
# INVALID_HANDLE_VALUE, as a call returns it: -1 (ctypes' default int result) or as a pointer.
INVALID_HANDLES = (None, -1, ctypes.c_void_p(-1).value)
SYSTEM_SID = "S-1-5-18"
BUFFER_SIZE = 64 * 1024
OPEN_RETRIES = 50  # every instance busy: try again for a moment (the core makes a new one)


class SECURITY_ATTRIBUTES(ctypes.Structure):
    _fields_ = [
        ("nLength", wintypes.DWORD),
        ("lpSecurityDescriptor", ctypes.c_void_p),
        ("bInheritHandle", wintypes.BOOL),
    ]


class OVERLAPPED(ctypes.Structure):
    _fields_ = [
        ("Internal", ctypes.c_void_p),
        ("InternalHigh", ctypes.c_void_p),
        ("Offset", wintypes.DWORD),
        ("OffsetHigh", wintypes.DWORD),
        ("hEvent", ctypes.c_void_p),
    ]


class SERVICE_STATUS_PROCESS(ctypes.Structure):
    _fields_ = [
        ("dwServiceType", wintypes.DWORD),
        ("dwCurrentState", wintypes.DWORD),
        ("dwControlsAccepted", wintypes.DWORD),
        ("dwWin32ExitCode", wintypes.DWORD),
        ("dwServiceSpecificExitCode", wintypes.DWORD),
        ("dwCheckPoint", wintypes.DWORD),
        ("dwWaitHint", wintypes.DWORD),
        ("dwProcessId", wintypes.DWORD),
        ("dwServiceFlags", wintypes.DWORD),
    ]


class SID_AND_ATTRIBUTES(ctypes.Structure):
    _fields_ = [("Sid", ctypes.c_void_p), ("Attributes", wintypes.DWORD)]


class TOKEN_USER(ctypes.Structure):
    _fields_ = [("User", SID_AND_ATTRIBUTES)]


class TOKEN_GROUPS(ctypes.Structure):
    _fields_ = [("GroupCount", wintypes.DWORD), ("Groups", SID_AND_ATTRIBUTES * 1)]


def pipe_sddl(core_sid: str, window_sids: frozenset[str]) -> str:
    """The pipe's access list: SYSTEM and the core all rights, each window account read/write
    (`WINDOW_PIPE_ACCESS`: no new instance of the pipe)."""
    aces = [f"(A;;GA;;;{SYSTEM_SID})", f"(A;;GA;;;{core_sid})"]
    window = f"{WINDOW_PIPE_ACCESS:#x}"
    aces += [f"(A;;{window};;;{sid})" for sid in sorted(window_sids - {SYSTEM_SID, core_sid})]
    return "D:P" + "".join(aces)


class PipeNameTaken(BilingualError):
    """The core's pipe name exists before the core made it: a squatter, or a second core."""

    def __init__(self, name: str) -> None:
        super().__init__(
            "pipe_name_taken",
            f"Le canal {name} existe déjà : un autre programme l'a créé avant le cœur d'examen "
            "(peut-être pour se faire passer pour lui), ou un autre cœur tourne déjà. Le cœur "
            "ne démarre pas. Responsable informatique : trouvez le processus qui le tient "
            f"(Sysinternals : handle -a {name.rsplit(chr(92), 1)[-1]}), arrêtez-le, puis "
            "redémarrez le service pix-kiosk-core.",
            f"The pipe {name} already exists: another program created it before the exam core "
            "(perhaps to pass itself off as the core), or another core is already running. The "
            "core does not start. IT: find the process holding it (Sysinternals: handle -a "
            f"{name.rsplit(chr(92), 1)[-1]}), stop it, then restart the pix-kiosk-core service.",
        )


class NotTheCore(BilingualError):
    """The process serving the pipe is not the exam core: the window refuses to talk to it."""

    def __init__(
        self,
        name: str,
        pid: int | None,
        sid: str | None,
        service: str | None,
        accounts: frozenset[str],
    ) -> None:
        process = "?" if pid is None else str(pid)
        account = ", ".join(sorted(accounts))
        expected_fr = f"le compte {account}"
        expected_en = f"the account {account}"
        if service is not None:
            expected_fr = f"le service {service} ou {expected_fr}"
            expected_en = f"the {service} service or {expected_en}"
        super().__init__(
            "not_the_core",
            f"Le canal {name} n'est pas tenu par le cœur d'examen de ce poste (processus "
            f"{process}, compte {sid or 'inconnu'} ; attendu : {expected_fr}) : un autre "
            "programme a pu prendre sa place. Ne commencez pas d'épreuve sur ce poste : "
            "prévenez le responsable informatique.",
            f"The pipe {name} is not served by this PC's exam core (process {process}, account "
            f"{sid or 'unknown'}; expected: {expected_en}): another program may have taken its "
            "place. Do not start an exam on this PC: tell IT.",
        )


class Win32Pipes:
    """The Windows calls the pipe transport makes, in one place (ctypes)."""

    def __init__(self, kernel32: Any = None, advapi32: Any = None, last_error: Any = None) -> None:
        self.kernel32 = kernel32 or ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        self.advapi32 = advapi32 or _service_calls_declared(
            ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
        )
        self.last_error = last_error or ctypes.get_last_error  # type: ignore[attr-defined]

    def _fail(self, what: str) -> OSError:
        code = self.last_error()
        return OSError(code, f"{what} failed (Windows error {code})")

    def create_instance(self, name: str, sddl: str, *, first: bool) -> int:
        descriptor = ctypes.c_void_p()
        if not self.advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl, SDDL_REVISION_1, ctypes.byref(descriptor), None
        ):
            raise self._fail("ConvertStringSecurityDescriptorToSecurityDescriptorW")
        try:
            attributes = SECURITY_ATTRIBUTES(
                ctypes.sizeof(SECURITY_ATTRIBUTES), descriptor.value, False
            )
            open_mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED
            if first:
                open_mode |= FILE_FLAG_FIRST_PIPE_INSTANCE
            handle = self.kernel32.CreateNamedPipeW(
                name,
                open_mode,
                PIPE_TYPE_BYTE | PIPE_REJECT_REMOTE_CLIENTS,
                PIPE_UNLIMITED_INSTANCES,
                BUFFER_SIZE,
                BUFFER_SIZE,
                0,
                ctypes.byref(attributes),
            )
        finally:
            self.kernel32.LocalFree(descriptor)
        if handle in INVALID_HANDLES:
            raise self._fail(f"CreateNamedPipeW({name})")
        return int(handle)

    def open(self, name: str) -> int:
        for _ in range(OPEN_RETRIES):
            handle = self.kernel32.CreateFileW(
                name,
                WINDOW_PIPE_ACCESS,
                0,
                None,
                OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION,
                None,
            )
            if handle not in INVALID_HANDLES:
                return int(handle)
            if self.last_error() != ERROR_PIPE_BUSY:
                break
            time.sleep(0.02)
        raise self._fail(f"CreateFileW({name})")

    def _overlapped_call(self, handle: int, start: Any, what: str) -> int:
        """Start an overlapped operation (`start(overlapped)`) and wait for it: bytes moved."""
        event = self.kernel32.CreateEventW(None, True, False, None)
        if not event:
            raise self._fail("CreateEventW")
        try:
            overlapped = OVERLAPPED(hEvent=event)
            if not start(ctypes.byref(overlapped)):
                error = self.last_error()
                if error == ERROR_PIPE_CONNECTED:
                    return 0
                if error != ERROR_IO_PENDING:
                    raise OSError(error, f"{what} failed (Windows error {error})")
            moved = wintypes.DWORD()
            if not self.kernel32.GetOverlappedResult(
                handle, ctypes.byref(overlapped), ctypes.byref(moved), True
            ):
                raise self._fail(what)
            return moved.value
        finally:
            self.kernel32.CloseHandle(event)

    def wait_for_client(self, handle: int) -> None:
        self._overlapped_call(
            handle, lambda ov: self.kernel32.ConnectNamedPipe(handle, ov), "ConnectNamedPipe"
        )

    def read(self, handle: int, size: int = BUFFER_SIZE) -> bytes:
        """Up to `size` bytes; b"" once the other end has gone."""
        buffer = ctypes.create_string_buffer(size)
        try:
            moved = self._overlapped_call(
                handle,
                lambda ov: self.kernel32.ReadFile(handle, buffer, size, None, ov),
                "ReadFile",
            )
        except OSError as error:
            if error.errno in (ERROR_BROKEN_PIPE, ERROR_OPERATION_ABORTED):
                return b""
            raise
        return buffer.raw[:moved]

    def write(self, handle: int, data: bytes) -> None:
        while data:
            chunk = data[:BUFFER_SIZE]
            moved = self._overlapped_call(
                handle,
                lambda ov, part=chunk: self.kernel32.WriteFile(handle, part, len(part), None, ov),
                "WriteFile",
            )
            data = data[moved or len(chunk) :]

    def client_sids(self, handle: int) -> frozenset[str]:
        """The accounts of the process at the client end: its user SID and its enabled groups'
        (empty when Windows cannot say)."""
        pid = wintypes.ULONG()
        if not self.kernel32.GetNamedPipeClientProcessId(handle, ctypes.byref(pid)):
            return frozenset()
        process = self.kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid.value)
        if not process:
            return frozenset()
        try:
            return self._process_sids(process)
        finally:
            self.kernel32.CloseHandle(process)

    def server_pid(self, handle: int) -> int | None:
        """The process at the server end of the pipe the window opened (None: Windows cannot
        say)."""
        pid = wintypes.ULONG()
        if not self.kernel32.GetNamedPipeServerProcessId(handle, ctypes.byref(pid)):
            return None
        return pid.value

    def process_user(self, pid: int) -> str | None:
        """The user SID of process `pid`'s token; None when this account may not read it (a
        service's token, say)."""
        process = self.kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not process:
            return None
        try:
            token = self._token(process)
            if token is None:
                return None
            try:
                user = self._token_information(token, TOKEN_USER_CLASS)
                return None if user is None else self._sid_text(_user_sid(user))
            finally:
                self.kernel32.CloseHandle(token)
        finally:
            self.kernel32.CloseHandle(process)

    def service_pid(self, service: str) -> int | None:
        """The process the Service Control Manager runs `service` in (None: not installed,
        not running, or not to be asked)."""
        manager = self.advapi32.OpenSCManagerW(None, None, SC_MANAGER_CONNECT)
        if not manager:
            return None
        try:
            handle = self.advapi32.OpenServiceW(manager, service, SERVICE_QUERY_STATUS)
            if not handle:
                return None
            try:
                status = SERVICE_STATUS_PROCESS()
                needed = wintypes.DWORD()
                if not self.advapi32.QueryServiceStatusEx(
                    handle,
                    SC_STATUS_PROCESS_INFO,
                    ctypes.byref(status),
                    ctypes.sizeof(status),
                    ctypes.byref(needed),
                ):
                    return None
                return status.dwProcessId or None
            finally:
                self.advapi32.CloseServiceHandle(handle)
        finally:
            self.advapi32.CloseServiceHandle(manager)

    def current_sid(self) -> str:
        """This process's user SID (the core's own account)."""
        token = self._token(self.kernel32.GetCurrentProcess())
        if token is None:
            raise self._fail("OpenProcessToken")
        try:
            user = self._token_information(token, TOKEN_USER_CLASS)
            sid = None if user is None else self._sid_text(_user_sid(user))
        finally:
            self.kernel32.CloseHandle(token)
        if sid is None:
            raise self._fail("GetTokenInformation")
        return sid

    def _process_sids(self, process: int) -> frozenset[str]:
        token = self._token(process)
        if token is None:
            return frozenset()
        try:
            sids: set[str | None] = set()
            user = self._token_information(token, TOKEN_USER_CLASS)
            if user is not None:
                sids.add(self._sid_text(_user_sid(user)))
            groups = self._token_information(token, TOKEN_GROUPS_CLASS)
            if groups is not None:
                header = ctypes.cast(groups, ctypes.POINTER(TOKEN_GROUPS)).contents
                entries = ctypes.cast(
                    ctypes.addressof(header.Groups),
                    ctypes.POINTER(SID_AND_ATTRIBUTES * header.GroupCount),
                ).contents
                sids |= {
                    self._sid_text(entry.Sid)
                    for entry in entries
                    if entry.Attributes & SE_GROUP_ENABLED
                }
            return frozenset(sid for sid in sids if sid)
        finally:
            self.kernel32.CloseHandle(token)

    def _token(self, process: int) -> Any:
        token = wintypes.HANDLE()
        if not self.advapi32.OpenProcessToken(process, TOKEN_QUERY, ctypes.byref(token)):
            return None
        return token

    def _token_information(self, token: Any, klass: int) -> Any:
        buffer = ctypes.create_string_buffer(4096)
        needed = wintypes.DWORD()
        if not self.advapi32.GetTokenInformation(
            token, klass, buffer, len(buffer), ctypes.byref(needed)
        ):
            return None
        return buffer

    def _sid_text(self, sid: int | None) -> str | None:
        text = wintypes.LPWSTR()
        if not self.advapi32.ConvertSidToStringSidW(ctypes.c_void_p(sid), ctypes.byref(text)):
            return None
        try:
            return text.value
        finally:
            self.kernel32.LocalFree(text)

    def hang_up(self, handle: int, *, server: bool) -> None:
        """End the conversation: what was written is delivered first (server side), then any
        read still waiting returns."""
        if server:
            self.kernel32.FlushFileBuffers(handle)
            self.kernel32.DisconnectNamedPipe(handle)
        self.kernel32.CancelIoEx(handle, None)

    def close(self, handle: int) -> None:
        self.kernel32.CloseHandle(handle)


def _service_calls_declared(advapi32: Any) -> Any:
    """The Service Control Manager's handles are pointers: declared so, or ctypes would cut
    them to a C int."""
    advapi32.OpenSCManagerW.restype = ctypes.c_void_p
    advapi32.OpenSCManagerW.argtypes = [wintypes.LPCWSTR, wintypes.LPCWSTR, wintypes.DWORD]
    advapi32.OpenServiceW.restype = ctypes.c_void_p
    advapi32.OpenServiceW.argtypes = [ctypes.c_void_p, wintypes.LPCWSTR, wintypes.DWORD]
    advapi32.QueryServiceStatusEx.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.c_void_p,
        wintypes.DWORD,
        ctypes.POINTER(wintypes.DWORD),
    ]
    advapi32.CloseServiceHandle.argtypes = [ctypes.c_void_p]
    return advapi32


def _user_sid(buffer: Any) -> int | None:
    return ctypes.cast(buffer, ctypes.POINTER(TOKEN_USER)).contents.User.Sid


class PipeStream:
    """One connected pipe as asyncio sees a socket: `reader`, and this object as the writer."""

    def __init__(
        self,
        api: Win32Pipes,
        handle: int,
        loop: asyncio.AbstractEventLoop,
        *,
        limit: int,
        server: bool,
        peer_sids: frozenset[str] = frozenset(),
    ) -> None:
        self.api = api
        self.handle = handle
        self.server = server
        self.reader = asyncio.StreamReader(limit=limit, loop=loop)
        self._loop = loop
        self._extra = {"peer_sids": peer_sids, "pipe_handle": handle}
        self._outgoing: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._closing = False
        self._reading = threading.Thread(target=self._pump_in, daemon=True, name="pipe-in")
        self._writing = threading.Thread(target=self._pump_out, daemon=True, name="pipe-out")
        self._writing.start()  # first: the reading thread joins it when the pipe closes
        self._reading.start()

    def _pump_in(self) -> None:
        try:
            while chunk := self.api.read(self.handle):
                self._call(self.reader.feed_data, chunk)
        except OSError:
            pass
        finally:
            self._call(self.reader.feed_eof)
            self._writing.join()
            self.api.close(self.handle)

    def _pump_out(self) -> None:
        try:
            while (data := self._outgoing.get()) is not None:
                self.api.write(self.handle, data)
        except OSError:
            pass
        finally:
            self._closing = True
            self.api.hang_up(self.handle, server=self.server)

    def _call(self, function: Any, *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is listening
            self._loop.call_soon_threadsafe(function, *args)

    def write(self, data: bytes) -> None:
        if not self._closing:
            self._outgoing.put(bytes(data))

    async def drain(self) -> None:
        return None

    def close(self) -> None:
        if not self._closing:
            self._closing = True
            self._outgoing.put(None)

    def is_closing(self) -> bool:
        return self._closing

    async def wait_closed(self) -> None:
        await asyncio.to_thread(self._writing.join)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._extra.get(name, default)


class PipeListener:
    """Accepts clients on new pipe instances, one after another, in a thread of its own."""

    def __init__(self, api: Win32Pipes, name: str, sddl: str, serve: Any, limit: int) -> None:
        self.api = api
        self.name = name
        self.sddl = sddl
        self.serve = serve
        self.limit = limit
        self._loop = asyncio.get_running_loop()
        self._serving = True
        self._waiting: int | None = None
        self._tasks: set[asyncio.Task] = set()
        # The first instance is made here, so that a name already taken fails `listen()`.
        self._first: int | None = api.create_instance(name, sddl, first=True)
        self._thread = threading.Thread(target=self._accept, daemon=True, name="pipe-accept")
        self._thread.start()

    def _accept(self) -> None:
        while self._serving:
            handle = self._first
            self._first = None
            try:
                if handle is None:
                    handle = self.api.create_instance(self.name, self.sddl, first=False)
                self._waiting = handle
                self.api.wait_for_client(handle)
            except OSError:
                if handle is not None:
                    self.api.close(handle)
                return
            finally:
                self._waiting = None
            if not self._serving:
                self.api.close(handle)
                return
            peer = self.api.client_sids(handle)
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._start, handle, peer)

    def _start(self, handle: int, peer: frozenset[str]) -> None:
        stream = PipeStream(
            self.api, handle, self._loop, limit=self.limit, server=True, peer_sids=peer
        )
        task = self._loop.create_task(self.serve(stream.reader, stream))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        self._serving = False
        waiting = self._waiting
        if waiting is not None:
            self.api.hang_up(waiting, server=False)  # the pending ConnectNamedPipe returns

    async def wait_closed(self) -> None:
        await asyncio.to_thread(self._thread.join, 1.0)

    def is_serving(self) -> bool:
        return self._serving


class NamedPipeTransport:
    """`\\\\.\\pipe\\NAME`, served to the accounts `allowed_sids` (default: this account).

    The window's end accepts as the core only the process the Service Control Manager runs
    `core_service` in, or one whose user is in `core_sids` (default: this account — a window's
    own core, in the demo and rehearsals)."""

    def __init__(
        self,
        name: str,
        allowed_sids: frozenset[str] = frozenset(),
        api: Win32Pipes | None = None,
        *,
        core_sids: frozenset[str] = frozenset(),
        core_service: str | None = None,
    ) -> None:
        self.address = name
        self._api = api
        self._allowed = allowed_sids
        self._core_sids = core_sids
        self.core_service = core_service

    @property
    def api(self) -> Win32Pipes:
        if self._api is None:
            self._api = Win32Pipes()
        return self._api

    @property
    def allowed_sids(self) -> frozenset[str]:
        return self._allowed or frozenset({self.api.current_sid()})

    @property
    def core_sids(self) -> frozenset[str]:
        return self._core_sids or frozenset({self.api.current_sid()})

    async def listen(self, serve: Any, *, limit: int) -> PipeListener:
        sddl = pipe_sddl(self.api.current_sid(), self.allowed_sids)
        try:
            return PipeListener(self.api, self.address, sddl, serve, limit)
        except OSError as error:
            if error.errno in (ERROR_ACCESS_DENIED, ERROR_PIPE_BUSY):
                raise PipeNameTaken(self.address) from None
            raise

    async def connect(self, *, limit: int) -> tuple[asyncio.StreamReader, PipeStream]:
        handle = await asyncio.to_thread(self.api.open, self.address)
        try:
            await asyncio.to_thread(self.check_core, handle)
        except BaseException:
            self.api.close(handle)
            raise
        stream = PipeStream(self.api, handle, asyncio.get_running_loop(), limit=limit, server=False)
        return stream.reader, stream

    def check_core(self, handle: int) -> None:
        """Refuse (`NotTheCore`) a pipe whose server is not the exam core, before a byte is read
        from it or written to it."""
        pid = self.api.server_pid(handle)
        user = None
        if pid is not None:
            if self.core_service is not None and self.api.service_pid(self.core_service) == pid:
                return
            user = self.api.process_user(pid)
            if user in self.core_sids:
                return
        raise NotTheCore(self.address, pid, user, self.core_service, self.core_sids)

    def admits(self, writer: Any) -> bool:
        """The client's user, or one of its enabled groups, is an account served."""
        return bool(writer.get_extra_info("peer_sids", frozenset()) & self.allowed_sids)

    def remove(self) -> None:
        return None  # a pipe goes with its last handle
