"""Keeps the console's picture of the room fresh with one long-poll at a time.

The server answers at once when the room changed since the version we hold, otherwise after
`wait_s` seconds; so a change reaches the screen within a round trip, and an idle room costs
one request every `wait_s` seconds. A lost connection is retried every `retry_s` seconds.
"""

import asyncio
import contextlib
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.console.api import LONG_POLL_S, ConsoleApi, ConsoleApiError
from kiosk.console.room_state import RoomSnapshot

RETRY_S = 3.0


class RoomPoller(QObject):
    updated = Signal(object)  # RoomSnapshot
    connection_changed = Signal(object)  # None when connected, else the ConsoleApiError

    def __init__(
        self,
        api: ConsoleApi,
        clock: Callable[[], float] = time.monotonic,
        wait_s: float = LONG_POLL_S,
        retry_s: float = RETRY_S,
    ) -> None:
        super().__init__()
        self.api = api
        self.clock = clock
        self.wait_s = wait_s
        self.retry_s = retry_s
        self.requests = 0
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        since: str | None = None
        while True:
            try:
                self.requests += 1
                status = await self.api.room(since, self.wait_s if since else 0.0)
            except ConsoleApiError as error:
                self.connection_changed.emit(error)
                since = None
                await asyncio.sleep(self.retry_s)
                continue
            snapshot = RoomSnapshot.from_wire(status, self.clock())
            since = snapshot.version
            self.connection_changed.emit(None)
            self.updated.emit(snapshot)
