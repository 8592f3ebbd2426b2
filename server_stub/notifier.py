"""Waking long-polls: a kiosk waiting for commands, a console waiting for the room to change.

Service code calls `notify(key)` once its change is committed, from any thread; waiters are
coroutines on the event loop. Each key has a version, `<epoch>-<n>` with `n` only growing: a
long-poll waits while the key's version is not past the one its client holds.

- SQLite (one process, `InProcessNotifier`): the versions are a counter in memory; the epoch is
  a boot id, so that a version from before a restart never matches.
- PostgreSQL (any number of processes, `PostgresNotifier`): `notify` sends `NOTIFY pix_wake`
  with the key and the transaction id of that notification, and every process LISTENs: a ticket
  authorised on one process wakes the kiosk waiting on another. Transaction ids only grow
  across the cluster and each notification's id is taken after its change was committed, so
  every process gives a key the same version for the same change, and a client moving from one
  process to another waits instead of polling round.

A wake-up missed all the same (the listening connection lost, say) costs a delay, never an
answer: every waiter returns at its timeout and its client asks again.
"""

import asyncio
import itertools
import logging
import queue
import secrets
import threading
from collections.abc import Iterable

from sqlalchemy import Engine

log = logging.getLogger(__name__)

CHANNEL = "pix_wake"
RECONNECT_S = 1.0


def room_key(session_id: str) -> str:
    """The key the console's long-poll on a session's room waits on."""
    return f"room:{session_id}"


def candidate_key(candidate_id: str) -> str:
    """The key a waiting kiosk's long-poll on its candidate's status waits on."""
    return f"candidate:{candidate_id}"


class Notifier:
    """The waiters of one process and the versions it knows; subclasses say how `notify`
    reaches every process."""

    def __init__(self, epoch: str) -> None:
        self._epoch = epoch
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: dict[str, set[asyncio.Future]] = {}
        self._versions: dict[str, int] = {}
        self._floor = 0  # the version of a key this process has seen no change of
        self._lock = threading.Lock()
        self.closing = False

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def close(self) -> None:
        """The server is stopping: every waiter returns now, so that each long-poll answers
        cleanly before the shutdown's grace period ends (and none waits again)."""
        self.closing = True
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake_all)

    def notify(self, key: str) -> None:
        """Mark `key` changed and wake its waiters, in every process; safe from any thread."""
        raise NotImplementedError

    def version(self, key: str) -> str:
        with self._lock:
            return f"{self._epoch}-{self._versions.get(key, self._floor)}"

    def changed_since(self, key: str, since: str | None) -> bool:
        """True when `key` has changed after version `since` (or `since` is not one of ours)."""
        epoch, _, number = (since or "").rpartition("-")
        if epoch != self._epoch or not number.isdigit():
            return True
        with self._lock:
            return self._versions.get(key, self._floor) > int(number)

    async def wait(self, key: str, since: str, timeout: float) -> bool:
        """True as soon as `key` has changed after `since`; False after `timeout` seconds."""
        if self.changed_since(key, since) or self.closing:
            return True
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
        return self.changed_since(key, since)

    def _changed(self, changes: Iterable[tuple[str, int]]) -> None:
        """Record `(key, version)` changes and wake their waiters (from any thread)."""
        woken = []
        with self._lock:
            for key, number in changes:
                if number > self._versions.get(key, self._floor):
                    self._versions[key] = number
                    woken.append(key)
        if woken and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake, woken)

    def _wake_all(self) -> None:
        self._wake(list(self._waiters))

    def _wake(self, keys: list[str]) -> None:
        for key in keys:
            for future in self._waiters.pop(key, set()):
                if not future.done():
                    future.set_result(None)


class InProcessNotifier(Notifier):
    """One process (SQLite): versions from a counter, wake-ups within the process."""

    def __init__(self) -> None:
        super().__init__(secrets.token_hex(4))
        self._counter = itertools.count(1)

    def notify(self, key: str) -> None:
        self._changed([(key, next(self._counter))])


class PostgresNotifier(Notifier):
    """Several processes on one PostgreSQL database: wake-ups through LISTEN/NOTIFY.

    `notify` only queues the key (it is called from the event loop too); a sender thread, started
    at the first one, sends what has queued, all of it in one statement (a command-line tool's
    too: `close` sends what is left). A listener thread, started when the server's event loop
    is bound, holds a connection of its own on LISTEN and applies what every process sent, this
    one included.
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__("pg")
        self._engine = engine
        self._outbox: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._listening = threading.Event()
        self._start_lock = threading.Lock()
        self._sender: threading.Thread | None = None
        self._listener: threading.Thread | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        super().bind(loop)
        with self._start_lock:
            if self._listener is None:
                listener = threading.Thread(target=self._listen, name="pg-listen", daemon=True)
                listener.start()
                self._listener = listener
        self._listening.wait(10)

    def close(self) -> None:
        super().close()
        self._stopped.set()
        with self._start_lock:
            threads = [thread for thread in (self._sender, self._listener) if thread is not None]
            if self._sender is not None:
                self._outbox.put(None)
            self._sender = self._listener = None
        for thread in threads:
            thread.join(timeout=5)

    def notify(self, key: str) -> None:
        with self._start_lock:
            if self._sender is None:
                self._sender = threading.Thread(target=self._send, name="pg-notify", daemon=True)
                self._sender.start()
        self._outbox.put(key)

    def _send(self) -> None:
        while True:
            keys = {self._outbox.get()}
            while not self._outbox.empty():
                keys.add(self._outbox.get())
            stop = None in keys
            keys.discard(None)
            if keys:
                self._send_now(sorted(keys))
            if stop:
                return

    def _send_now(self, keys: list[str]) -> None:
        try:
            with self._engine.connect() as connection:
                rows = connection.exec_driver_sql(
                    "SELECT key, pg_notify(%(channel)s, key || ' ' || xid::text), xid::text "
                    "FROM unnest(%(keys)s::text[]) AS key, "
                    "(SELECT pg_current_xact_id() AS xid) AS this",
                    {"channel": CHANNEL, "keys": keys},
                ).all()
                connection.commit()
            self._changed((row[0], int(row[2])) for row in rows)
        except Exception:  # the database away: its waiters return at their timeout
            log.warning("wake-up not sent: %s", keys, exc_info=True)

    def _listen(self) -> None:
        import psycopg  # installed with the server's PostgreSQL support

        args, params = self._engine.dialect.create_connect_args(self._engine.url)
        while not self._stopped.is_set():
            try:
                with psycopg.connect(*args, **params, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    # The first transaction id not yet given out: changes notified before
                    # LISTEN have smaller ones, every later change this one or more.
                    xmax = connection.execute(
                        "SELECT pg_snapshot_xmax(pg_current_snapshot())::text"
                    ).fetchone()[0]
                    with self._lock:
                        self._floor = max(self._floor, int(xmax) - 1)
                    self._listening.set()
                    self._wake_everyone()  # what changed while not listening
                    while not self._stopped.is_set():
                        for message in connection.notifies(timeout=0.5):
                            key, _, number = message.payload.rpartition(" ")
                            self._changed([(key, int(number))])
            except Exception:
                if self._stopped.is_set():
                    return
                log.warning("listening for wake-ups again", exc_info=True)
                self._stopped.wait(RECONNECT_S)

    def _wake_everyone(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake_all)


def notifier_for(engine: Engine) -> Notifier:
    """The notifier a server process on this database uses."""
    if engine.dialect.name == "sqlite":
        return InProcessNotifier()
    return PostgresNotifier(engine)
