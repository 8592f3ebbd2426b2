"""A server told to stop answers the long-polls it holds at once and cleanly (no 500 "Task
cancelled" once the grace period is over): the console's room and the kiosks' commands."""

import asyncio
import time

import pytest

pytestmark = pytest.mark.slow


def test_stopping_the_server_answers_a_waiting_long_poll(lab):
    async def scenario() -> tuple[dict, float]:
        console = await lab.console()
        try:
            room = await console.room()
            waiting = asyncio.ensure_future(console.room(since=room["version"], wait_s=25))
            await asyncio.sleep(1.0)
            started = time.monotonic()
            lab.server._process.terminate()
            answer = await waiting
            return answer, time.monotonic() - started
        finally:
            await console.close()

    answer, took_s = asyncio.run(scenario())
    assert answer["candidates"]  # the room as it stands, answered normally
    assert took_s < 4.0  # before uvicorn's 5 s grace period would have cut it with a 500
