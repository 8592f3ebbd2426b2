"""How the window reaches the core, and how the core knows who connected: one small interface,
two ways to carry it.

- `UnixSocketTransport` (Linux, macOS): a Unix socket; the kernel says which uid connected
  (`kiosk.core.peer`), the core serves only the `--allow-uid` accounts.
- `NamedPipeTransport` (Windows, `kiosk.core.transport_pipe`): a named pipe whose security
  descriptor admits only SYSTEM, the core's account and the window's; the core then asks Windows
  which account the connected process runs as and serves only the `--allow-sid` accounts, and
  the window checks that the process serving the pipe is the core (a name squatted by a pupil's
  program is refused).

Both hand the service an asyncio `StreamReader` and a writer with `write`, `drain`, `close`,
`is_closing` and `get_extra_info`, so `kiosk.core.service` and `kiosk.core.link` speak the same
protocol over either.
"""

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from kiosk.core.peer import peer_allowed

# Anyone may connect: the peer check, not the file's mode, decides who is served (the socket's
# folder is what an installation protects).
SOCKET_MODE = 0o666
WINDOWS_PIPE_PREFIX = "\\\\.\\pipe\\"

Serve = Callable[[asyncio.StreamReader, Any], Awaitable[None]]


class Listener(Protocol):
    def close(self) -> None: ...

    async def wait_closed(self) -> None: ...

    def is_serving(self) -> bool: ...


class CoreTransport(Protocol):
    """Where the core listens (`address`), for whom, and how the window connects."""

    address: str

    async def listen(self, serve: Serve, *, limit: int) -> Listener: ...

    async def connect(self, *, limit: int) -> tuple[asyncio.StreamReader, Any]: ...

    def admits(self, writer: Any) -> bool:
        """Whether the OS says the peer of `writer` is one of the accounts served."""
        ...

    def remove(self) -> None:
        """Take away what a stopped core leaves behind (a socket file)."""
        ...


class UnixSocketTransport:
    """A Unix socket at `path`, serving the processes of `allowed_uids`."""

    def __init__(self, path: Path, allowed_uids: frozenset[int] = frozenset()) -> None:
        self.path = Path(path)
        self.address = str(self.path)
        self.allowed_uids = allowed_uids

    async def listen(self, serve: Serve, *, limit: int) -> Listener:
        self.remove()  # a socket left by a core that was killed
        server = await asyncio.start_unix_server(serve, path=self.address, limit=limit)
        os.chmod(self.path, SOCKET_MODE)
        return server

    async def connect(self, *, limit: int) -> tuple[asyncio.StreamReader, Any]:
        return await asyncio.open_unix_connection(self.address, limit=limit)

    def admits(self, writer: Any) -> bool:
        connection = writer.get_extra_info("socket")
        return connection is not None and peer_allowed(connection, self.allowed_uids)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def core_transport(
    address: Path | str,
    *,
    allowed_uids: frozenset[int] = frozenset(),
    allowed_sids: frozenset[str] = frozenset(),
    core_sids: frozenset[str] = frozenset(),
    core_service: str | None = None,
    platform: str = sys.platform,
) -> CoreTransport:
    """The transport for `address` on this OS: a named pipe on Windows (`\\\\.\\pipe\\NAME`, or a
    bare name), a Unix socket elsewhere. `core_sids`, `core_service`: on Windows, whom the
    window takes for the core (default: a process of this account)."""
    if platform == "win32":
        from kiosk.core.transport_pipe import NamedPipeTransport

        return NamedPipeTransport(
            pipe_name(address), allowed_sids, core_sids=core_sids, core_service=core_service
        )
    return UnixSocketTransport(Path(address), allowed_uids)


def pipe_name(address: Path | str) -> str:
    """`\\\\.\\pipe\\NAME` for a name, a path (its file name) or a full pipe name."""
    text = str(address)
    if text.lower().startswith(WINDOWS_PIPE_PREFIX):
        return text
    return WINDOWS_PIPE_PREFIX + (Path(text).name or text)
