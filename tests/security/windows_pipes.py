"""Windows' named pipes, stood in for on any OS (the only mock the project allows: Windows'
own calls). `FakeWindowsPipes` behaves as the kernel does for what the core relies on: a pipe
instance is created with a security descriptor, and opening it checks the opener's account
against that descriptor's access list before anything else (access denied otherwise); the
first instance of a name cannot be created twice, and a further instance only by an account
the first one's access list grants FILE_CREATE_PIPE_INSTANCE; the server learns the client's
account from the system, not from the client, and the client learns the server's process; a
process's token is readable by its own account only (a pupil cannot read a service's); the
Service Control Manager says which process runs a service. Bytes flow both ways in order; a
hung-up end reads b"".
"""

import queue
import re
import threading
from dataclasses import dataclass, field

from kiosk.core.transport_pipe import FILE_CREATE_PIPE_INSTANCE, WINDOW_PIPE_ACCESS

ACE = re.compile(r"\(A;;([A-Z]+|0x[0-9a-f]+);;;([^)]+)\)")
GENERIC_RIGHTS = {"GA": 0xFFFFFFFF, "GRGW": WINDOW_PIPE_ACCESS | FILE_CREATE_PIPE_INSTANCE}


def granted(sddl: str, sids: frozenset[str]) -> int:
    """The rights the access list `sddl` grants any of `sids` (generic rights mapped as Windows
    maps them for a pipe: GENERIC_WRITE includes FILE_CREATE_PIPE_INSTANCE)."""
    rights = 0
    for right, sid in ACE.findall(sddl):
        if sid in sids:
            rights |= GENERIC_RIGHTS[right] if right in GENERIC_RIGHTS else int(right, 16)
    return rights


@dataclass
class _End:
    incoming: "queue.Queue[bytes | None]" = field(default_factory=queue.Queue)
    peer: "_End | None" = None
    closed: bool = False


@dataclass
class _Instance:
    name: str
    sddl: str
    server: _End
    server_sid: str = ""
    connected: threading.Event = field(default_factory=threading.Event)
    client_sids: frozenset[str] = frozenset()


class FakeWindowsPipes:
    """In place of `kiosk.core.transport_pipe.Win32Pipes`; `caller_sid` is the account of the
    process making the next call (the test changes it to play another account)."""

    def __init__(self, core_sid: str, groups: dict[str, frozenset[str]] | None = None) -> None:
        self.core_sid = core_sid
        self.caller_sid = core_sid
        self.groups = groups or {}  # an account's groups, as its token lists them
        self.created: list[tuple[str, str, bool]] = []  # (name, sddl, first)
        self.services: dict[str, str] = {}  # a service's name: the account it runs as
        self._pids: dict[str, int] = {}  # one process per account
        self._owners: dict[str, str] = {}  # a pipe's name: the account that created it
        self._lock = threading.Lock()
        self._listening: dict[str, list[_Instance]] = {}
        self._names: set[str] = set()
        self._ends: dict[int, tuple[_End, _Instance]] = {}
        self._next = 100

    def _handle(self, end: _End, instance: _Instance) -> int:
        self._next += 4
        self._ends[self._next] = (end, instance)
        return self._next

    def current_sid(self) -> str:
        return self.caller_sid

    def pid_of(self, sid: str) -> int:
        return self._pids.setdefault(sid, 4000 + 4 * len(self._pids))

    def _caller(self) -> frozenset[str]:
        return frozenset({self.caller_sid}) | self.groups.get(self.caller_sid, frozenset())

    def create_instance(self, name: str, sddl: str, *, first: bool) -> int:
        """As the transport calls it: a further instance comes from the process that made the
        first (the listener's own thread, whoever the test plays at that moment)."""
        with self._lock:
            if first and name in self._names:
                raise OSError(5, "access denied: FILE_FLAG_FIRST_PIPE_INSTANCE on a taken name")
            owner = self._owners.setdefault(name, self.caller_sid)
            return self._create(name, sddl, first, owner)

    def create_instance_as(self, sid: str, name: str, sddl: str) -> int:
        """Another process of account `sid` adds an instance to the pipe `name`: Windows lets
        it only if the pipe's access list grants it FILE_CREATE_PIPE_INSTANCE."""
        with self._lock:
            first_sddl = next(made for named, made, _ in self.created if named == name)
            caller = frozenset({sid}) | self.groups.get(sid, frozenset())
            if not granted(first_sddl, caller) & FILE_CREATE_PIPE_INSTANCE:
                raise OSError(5, f"{name}: access denied to {sid}")
            return self._create(name, sddl, False, sid)

    def _create(self, name: str, sddl: str, first: bool, server_sid: str) -> int:
        """One more instance (the lock held); the pipe keeps its first instance's access list."""
        if not first:
            sddl = next(made for named, made, _ in self.created if named == name)
        self._names.add(name)
        self.created.append((name, sddl, first))
        instance = _Instance(name, sddl, _End(), server_sid=server_sid)
        self._listening.setdefault(name, []).append(instance)
        return self._handle(instance.server, instance)

    def wait_for_client(self, handle: int) -> None:
        end, instance = self._ends[handle]
        while not instance.connected.wait(0.05):
            if end.closed:
                raise OSError(995, "operation aborted")

    def open(self, name: str) -> int:
        with self._lock:
            waiting = self._listening.get(name) or []
            if not waiting:
                raise OSError(2, f"{name}: no such pipe")
            instance = waiting[0]
            caller = self._caller()
            if granted(instance.sddl, caller) & WINDOW_PIPE_ACCESS != WINDOW_PIPE_ACCESS:
                raise OSError(5, f"{name}: access denied to {self.caller_sid}")
            waiting.pop(0)
            client = _End(peer=instance.server)
            instance.server.peer = client
            instance.client_sids = frozenset(caller)
            handle = self._handle(client, instance)
        instance.connected.set()
        return handle

    def client_sids(self, handle: int) -> frozenset[str]:
        return self._ends[handle][1].client_sids

    def server_pid(self, handle: int) -> int | None:
        return self.pid_of(self._ends[handle][1].server_sid)

    def process_user(self, pid: int) -> str | None:
        owner = next((sid for sid, known in self._pids.items() if known == pid), None)
        return owner if owner == self.caller_sid else None

    def service_pid(self, service: str) -> int | None:
        sid = self.services.get(service)
        return None if sid is None else self.pid_of(sid)

    def read(self, handle: int, size: int = 65536) -> bytes:
        end, _ = self._ends[handle]
        chunk = end.incoming.get()
        return chunk or b""

    def write(self, handle: int, data: bytes) -> None:
        end, _ = self._ends[handle]
        if end.closed or end.peer is None or end.peer.closed:
            raise OSError(109, "broken pipe")
        end.peer.incoming.put(bytes(data))

    def hang_up(self, handle: int, *, server: bool) -> None:
        end, _ = self._ends[handle]
        end.closed = True
        end.incoming.put(None)
        if end.peer is not None:
            end.peer.incoming.put(None)

    def close(self, handle: int) -> None:
        end, _ = self._ends.get(handle, (None, None))
        if end is not None:
            end.closed = True
            if end.peer is not None:  # the other end's read returns: the pipe is broken
                end.peer.incoming.put(None)


class StandInDll:
    """A DLL whose functions are the test's: each records its call and plays Windows' part."""

    def __init__(self, **functions) -> None:
        self.calls: list[tuple] = []
        for name, function in functions.items():
            setattr(self, name, self._recording(name, function))

    def _recording(self, name, function):
        def call(*args):
            self.calls.append((name, *args))
            return function(*args)

        return call
