"""Waking long-polls: a kiosk waiting for commands, a console waiting for the room to change.

Service code runs in worker threads and calls `notify(key)`; waiters are coroutines on the event
loop. One server process holds the waiters (docs/server.md: run one process per database; a
waiter whose wake-up is missed still returns at its timeout and the client polls again).
"""

import asyncio
import itertools
import secrets
import threading


def room_key(session_id: str) -> str:
    """The key the console's long-poll on a session's room waits on."""
    return f"room:{session_id}"


def candidate_key(candidate_id: str) -> str:
    """The key a waiting kiosk's long-poll on its candidate's status waits on."""
    return f"candidate:{candidate_id}"


class Notifier:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: dict[str, set[asyncio.Future]] = {}
        self._versions: dict[str, int] = {}
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        # Versions start afresh at each start-up: the boot id makes an old version never match.
        self.boot_id = secrets.token_hex(4)
        self.closing = False

    def close(self) -> None:
        """The server is stopping: every waiter returns now, so that each long-poll answers
        cleanly before the shutdown's grace period ends (and none waits again)."""
        self.closing = True
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake_all)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def version(self, key: str) -> str:
        with self._lock:
            return f"{self.boot_id}-{self._versions.get(key, 0)}"

    def notify(self, key: str) -> None:
        """Mark `key` changed and wake its waiters; safe from any thread, a no-op without a loop."""
        with self._lock:
            self._versions[key] = next(self._counter)
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake, key)

    async def wait(self, key: str, since: str | None, timeout: float) -> str:
        """Return as soon as `key`'s version differs from `since`, or after `timeout` seconds."""
        current = self.version(key)
        if since != current or self.closing:
            return current
        future = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(key, set()).add(future)
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            pass
        finally:
            waiters = self._waiters.get(key)
            if waiters is not None:
                waiters.discard(future)
                if not waiters:
                    del self._waiters[key]
        return self.version(key)

    def _wake_all(self) -> None:
        for key in list(self._waiters):
            self._wake(key)

    def _wake(self, key: str) -> None:
        for future in self._waiters.pop(key, set()):
            if not future.done():
                future.set_result(None)
