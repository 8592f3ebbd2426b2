"""Waiting on the server in async tests, in a module of its own: `from conftest import ...`
would pick whichever folder's conftest another test put on sys.path first."""

import asyncio
import time


async def eventually(check, timeout_s: float = 10.0, every_s: float = 0.05):
    """Await `check()` (sync or async) until it is truthy; its value, or AssertionError."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(every_s)
