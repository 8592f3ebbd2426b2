"""Who is at the other end of the core's Unix socket: the kernel's word, not the client's.

On Linux `SO_PEERCRED` gives the uid of the process that connected; the core serves only the
uids it was told to (`--allow-uid`), so another desktop account on the PC — or a program a pupil
runs under an account the core does not know — is refused before it can ask anything. macOS has
`getpeereid`; elsewhere (no peer credentials) every peer is refused.
"""

import ctypes
import ctypes.util
import socket
import struct
import sys


def peer_uid(connection: socket.socket) -> int | None:
    """The uid of the process at the other end, None when the OS cannot say."""
    if hasattr(socket, "SO_PEERCRED"):
        raw = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _pid, uid, _gid = struct.unpack("3i", raw)
        return uid
    if sys.platform == "darwin":
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        uid, gid = ctypes.c_uint32(), ctypes.c_uint32()
        if libc.getpeereid(connection.fileno(), ctypes.byref(uid), ctypes.byref(gid)) == 0:
            return uid.value
    return None


def peer_allowed(connection: socket.socket, allowed_uids: frozenset[int]) -> bool:
    uid = peer_uid(connection)
    return uid is not None and uid in allowed_uids
