"""Who is at the other end of the core's Unix socket: the kernel's word, not the client's.

On Linux `SO_PEERCRED` gives the uid of the process that connected; the core serves only the
uids it was told to (`--allow-uid`), so another desktop account on the PC — or a program a pupil
runs under an account the core does not know — is refused before it can ask anything. macOS has
no `SO_PEERCRED`: `getpeereid(2)` (libc, which reads `LOCAL_PEERCRED` for us) gives the
effective uid the peer had when it connected. Elsewhere (no peer credentials) every peer is
refused. Windows uses a named pipe instead (kiosk.core.transport_pipe).
"""

import ctypes
import ctypes.util
import socket
import struct
import sys
from typing import Any


def peer_uid(
    connection: socket.socket, *, platform: str = sys.platform, libc: Any = None
) -> int | None:
    """The uid of the process at the other end, None when the OS cannot say. `libc`: the C
    library to ask on macOS (tests give a stand-in)."""
    if platform != "darwin" and hasattr(socket, "SO_PEERCRED"):
        raw = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _pid, uid, _gid = struct.unpack("3i", raw)
        return uid
    if platform == "darwin":
        return _getpeereid(connection.fileno(), libc or _libc())
    return None


def _libc() -> Any:
    return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def _getpeereid(fd: int, libc: Any) -> int | None:
    uid, gid = ctypes.c_uint32(), ctypes.c_uint32()  # uid_t and gid_t are 32-bit on macOS
    if libc.getpeereid(ctypes.c_int(fd), ctypes.byref(uid), ctypes.byref(gid)) != 0:
        return None  # not a Unix socket, or the peer has gone
    return uid.value


def peer_allowed(connection: socket.socket, allowed_uids: frozenset[int]) -> bool:
    uid = peer_uid(connection)
    return uid is not None and uid in allowed_uids
