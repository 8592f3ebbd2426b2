"""The core's peer check on macOS, where the kernel's answer comes from `getpeereid(2)`: the C
library stood in for (the only mock: macOS's own call), the socket real. The uid libc writes is
the one checked; a failing call (not a Unix socket, the peer gone) is a refusal, never a pass."""

import os
import socket

from kiosk.core.peer import peer_uid


class StandInLibc:
    def __init__(self, uid: int | None) -> None:
        self.uid = uid
        self.asked: list[int] = []

    def getpeereid(self, fd, uid_out, gid_out):
        self.asked.append(fd.value)
        if self.uid is None:
            return -1
        uid_out._obj.value = self.uid
        gid_out._obj.value = 20
        return 0


def test_macos_asks_getpeereid_about_the_connected_socket_and_believes_only_it():
    left, right = socket.socketpair(socket.AF_UNIX)
    try:
        libc = StandInLibc(uid=501)
        assert peer_uid(left, platform="darwin", libc=libc) == 501
        assert libc.asked == [left.fileno()]
        assert peer_uid(left, platform="darwin", libc=StandInLibc(uid=None)) is None
        # Linux's own answer on the same socket: the kernel's, this process's uid.
        assert peer_uid(left) == os.getuid()
    finally:
        left.close()
        right.close()
