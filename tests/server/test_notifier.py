"""Long-poll wake-ups (server_stub/notifier.py): within a process on SQLite, across processes
through LISTEN/NOTIFY on PostgreSQL — here two notifiers on one database, as two processes."""

import asyncio
import time
from pathlib import Path

import pytest

from server_stub.datadir import DataDir
from server_stub.notifier import PostgresNotifier, notifier_for


@pytest.fixture
def engine(data_dir: Path):
    db = DataDir(data_dir).open_database()
    yield db.engine
    db.close()


def test_a_version_is_passed_only_by_a_later_change(engine):
    async def scenario():
        notifier = notifier_for(engine)
        notifier.bind(asyncio.get_running_loop())
        try:
            before = notifier.version("room:1")
            assert not notifier.changed_since("room:1", before)
            assert notifier.changed_since("room:1", "not-a-version")
            assert notifier.changed_since("room:1", None)
            waiting = asyncio.create_task(notifier.wait("room:1", before, 10))
            await asyncio.sleep(0.1)
            notifier.notify("room:2")  # another key wakes nobody here
            await asyncio.sleep(0.3)
            assert not waiting.done()
            notifier.notify("room:1")
            assert await asyncio.wait_for(waiting, 5)
            assert notifier.changed_since("room:1", before)
            assert not notifier.changed_since("room:1", notifier.version("room:1"))
            assert not await notifier.wait("room:1", notifier.version("room:1"), 0.2)
        finally:
            notifier.close()

    asyncio.run(scenario())


def test_a_change_on_one_process_wakes_the_waiter_of_another(engine, database_backend):
    if database_backend != "postgresql":
        pytest.skip("one process per SQLite database: nothing to cross")

    async def scenario():
        loop = asyncio.get_running_loop()
        kiosk_side, console_side = PostgresNotifier(engine), PostgresNotifier(engine)
        for notifier in (kiosk_side, console_side):
            notifier.bind(loop)
        try:
            key = "candidate:c1"
            # Both agree on a key's version: a client moving between them waits on either.
            assert kiosk_side.version(key) == console_side.version(key) or not (
                kiosk_side.changed_since(key, console_side.version(key))
            )
            since = kiosk_side.version(key)
            waiting = asyncio.create_task(kiosk_side.wait(key, since, 10))
            await asyncio.sleep(0.2)
            began = time.monotonic()
            console_side.notify(key)
            assert await asyncio.wait_for(waiting, 5)
            assert time.monotonic() - began < 1.0
            await asyncio.sleep(0.3)
            assert kiosk_side.version(key) == console_side.version(key)
            assert not console_side.changed_since(key, kiosk_side.version(key))
        finally:
            kiosk_side.close()
            console_side.close()

    asyncio.run(scenario())
