"""One thread that runs the database work of many requests in a single transaction.

Streamed journal entries and final records arrive by hundreds at once in a full room. Each in
its own transaction, they would queue one by one for SQLite's single writer, each paying a
commit (and, for records, a flush to disk), with a worker thread held per waiting request.
Here every write waiting when the writer comes round goes into one transaction: one turn of the
write lock and one commit for all of them (group commit).

The reads a record needs before it is verified go the same way, through a reader of their own
(one snapshot for all the reads waiting): a pool of threads, each taking the interpreter lock
back after every SQL statement, cost the event loop more under load than the reads themselves.

A piece of work is a function of the open connection and the server's instant. It must check
before it writes: an `ApiError` it raises is that request's answer alone; any other exception
in a write rolls the whole group back and is every request's answer (each client then
retries), while in a read it is that request's answer alone (nothing to undo).
"""

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from server_stub.db.database import Database
from server_stub.errors import ApiError

MAX_GROUP = 256  # pieces of work per transaction

T = TypeVar("T")
Work = Callable[[Any, float], T]  # (connection, now) -> result


class TransactionGroups:
    """The thread (started at the first piece of work, stopped by `close`); `write`: its
    transactions write (else they only read, from one snapshot each)."""

    def __init__(self, db: Database, now: Callable[[], float], *, write: bool) -> None:
        self._db = db
        self._now = now
        self._write = write
        self._queue: queue.SimpleQueue[tuple[Work, bool, Future] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def submit(self, work: Work[T], *, durable: bool = True) -> "Future[T]":
        """Queue `work`; `durable` (writes): its commit must reach the disk before it is
        answered."""
        self._start()
        future: Future[T] = Future()
        self._queue.put((work, durable, future))
        return future

    def call(self, work: Work[T], *, durable: bool = True) -> T:
        """`work`'s result, from a worker thread (blocks it until the group is done)."""
        return self.submit(work, durable=durable).result()

    async def run(self, work: Work[T], *, durable: bool = True) -> T:
        """`work`'s result, from the event loop (no thread waits meanwhile)."""
        return await asyncio.wrap_future(self.submit(work, durable=durable))

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                name = "group-commit" if self._write else "group-read"
                self._thread = threading.Thread(target=self._run, name=name, daemon=True)
                self._thread.start()

    def close(self) -> None:
        with self._start_lock:
            if self._thread is not None:
                self._queue.put(None)
                self._thread.join()
                self._thread = None

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group, stop = [first], False
            while len(group) < MAX_GROUP:
                try:
                    queued = self._queue.get_nowait()
                except queue.Empty:
                    break
                if queued is None:
                    stop = True
                    break
                group.append(queued)
            self._transact(group)
            if stop:
                return

    def _transact(self, group: list[tuple[Work, bool, Future]]) -> None:
        outcomes: list[tuple[bool, Any]] = []  # (failed, result or exception)
        try:
            if self._write:
                transaction = self._db.write(durable=any(durable for _, durable, _ in group))
            else:
                transaction = self._db.read()
            with transaction as connection:
                now = self._now()
                for work, _, _ in group:
                    try:
                        outcomes.append((False, work(connection, now)))
                    except Exception as error:
                        if self._write and not isinstance(error, ApiError):
                            raise  # the transaction is in doubt: the whole group rolls back
                        outcomes.append((True, error))
        except Exception as error:
            outcomes = [(True, error)] * len(group)
        for (_, _, future), (failed, outcome) in zip(group, outcomes, strict=True):
            if failed:
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
