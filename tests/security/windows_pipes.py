"""Windows' named pipes, stood in for on any OS (the only mock the project allows: Windows'
own calls). `FakeWindowsPipes` behaves as the kernel does for what the core relies on: a pipe
instance is created with a security descriptor, and opening it checks the opener's account
against that descriptor's access list before anything else (access denied otherwise); the
first instance of a name cannot be created twice; the server learns the client's account from
the system, not from the client. Bytes flow both ways in order; a hung-up end reads b"".
"""

import queue
import re
import threading
from dataclasses import dataclass, field

ACE = re.compile(r"\(A;;([A-Z]+);;;([^)]+)\)")


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

    def create_instance(self, name: str, sddl: str, *, first: bool) -> int:
        with self._lock:
            if first and name in self._names:
                raise OSError(5, "access denied: FILE_FLAG_FIRST_PIPE_INSTANCE on a taken name")
            self._names.add(name)
            self.created.append((name, sddl, first))
            instance = _Instance(name, sddl, _End())
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
            rights = {sid: right for right, sid in ACE.findall(instance.sddl)}
            caller = {self.caller_sid} | self.groups.get(self.caller_sid, frozenset())
            if not {"GA", "GRGW"} & {rights.get(sid) for sid in caller}:
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
