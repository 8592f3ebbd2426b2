"""The kiosk's client and outbox against a real server: typed errors, an unreachable server,
backoff with full jitter, and a journal streamed through network failures with nothing lost."""

import asyncio
import random
import socket
import sys

import httpx
import pytest

from kiosk.client import KEEPALIVE_S, Backoff, KioskClient, ServerError, ServerUnreachable
from kiosk.sync import OutboxSync
from server_stub.commands.serve import KEEP_ALIVE_S


class FlakyTransport(httpx.AsyncBaseTransport):
    """The real network, failing the first `failures` requests (a cable pulled, then back)."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.real = httpx.AsyncHTTPTransport()
        self.attempts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise httpx.ConnectError("network down", request=request)
        return await self.real.handle_async_request(request)

    async def aclose(self) -> None:
        await self.real.aclose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_refusals_carry_the_servers_code_and_both_languages(live_server):
    async def scenario():
        async with KioskClient(live_server.url, device_token="not-a-token") as client:
            with pytest.raises(ServerError) as refused:
                await client.banks()
            return refused.value

    refused = asyncio.run(scenario())
    assert (refused.status, refused.code) == (401, "unauthenticated")
    assert "Authentification" in refused.fr and "Authentication" in refused.en


def test_an_unreachable_server_is_its_own_error():
    async def scenario():
        async with KioskClient(f"http://127.0.0.1:{free_port()}") as client:
            with pytest.raises(ServerUnreachable) as unreachable:
                await client.public_keys()
            return unreachable.value

    unreachable = asyncio.run(scenario())
    assert unreachable.code == "server_unreachable"
    assert "injoignable" in unreachable.fr and "unreachable" in unreachable.en


def test_backoff_is_exponential_with_full_jitter():
    backoff = Backoff(base_s=0.5, cap_s=8.0, rng=random.Random(3))
    for attempt in range(8):
        ceiling = min(8.0, 0.5 * 2**attempt)
        delays = [backoff.delay(attempt) for _ in range(300)]
        assert all(0 <= delay <= ceiling for delay in delays)
        assert max(delays) > 0.8 * ceiling and min(delays) < 0.2 * ceiling  # the full range


def test_retries_stop_after_the_given_attempts():
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def always_down():
        raise ServerUnreachable("http://example.invalid", "test")

    with pytest.raises(ServerUnreachable):
        asyncio.run(Backoff(rng=random.Random(1)).retry(always_down, 4, sleep=sleep))
    assert len(slept) == 3


def test_the_outbox_streams_through_failures_and_acknowledges_from_receipts(room_factory):
    room = room_factory(1)

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        await robot.outbox.stop()
        await robot.take_exam(stop_after=12)
        flaky = FlakyTransport(failures=5)
        client = KioskClient(
            room.server.url,
            robot.client.device_token,
            transport=flaky,
            backoff=Backoff(base_s=0.01, cap_s=0.05),
        )
        outbox = OutboxSync(
            client,
            robot.journal,
            server_public_key=robot.server_key,
            device_id=robot.identity.device_id,
            batch_size=7,
        ).start()
        await asyncio.sleep(0)
        flushed = await outbox.flush(timeout_s=20)
        state = (outbox.online, outbox.pending, robot.journal.acknowledged_seq)
        await outbox.stop()
        await client.aclose()
        head = robot.journal.head()
        await robot.close()
        await invigilator.close()
        return flushed, state, head, flaky.attempts

    flushed, (online, pending, acknowledged), head, attempts = asyncio.run(scenario())
    assert flushed and online and pending == 0
    assert acknowledged == head.seq
    assert attempts > 5
    stored = room.server.ctx.db.tables["journal_entries"]
    with room.server.ctx.db.read() as connection:
        rows = connection.execute(stored.select().order_by(stored.c.seq)).all()
    assert [row.seq for row in rows] == list(range(1, head.seq + 1))  # nothing lost, no double
    assert rows[-1].entry_hash == head.hash


class MissingModules:
    """A last-resort module finder: it is asked only for modules no other finder has."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def find_spec(self, name, path=None, target=None):
        self.asked.append(name)
        return None


def test_requests_look_up_no_missing_module(live_server, monkeypatch):
    """httpcore imports sniffio when it sets up each connection's lock: without it installed,
    every request paid failed imports (a search of the whole path, 2.5 ms of CPU per request)."""
    missing = MissingModules()
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, missing])

    async def scenario():
        async with KioskClient(live_server.url) as client:
            await client.public_keys()  # the first opens the connection
            missing.asked.clear()
            for _ in range(3):
                await client.public_keys()

    asyncio.run(scenario())
    assert missing.asked == []


def test_a_kiosk_keeps_its_connection_between_two_answers(live_server):
    """Answers come a minute or two apart: with httpx's default keep-alive (5 s) each opened a
    new connection, a TCP and TLS handshake per answer. The kiosk lets go before the server."""
    assert KEEPALIVE_S < KEEP_ALIVE_S

    async def client_port(client: KioskClient) -> int:
        response = await client._http.call("public_keys", "GET", "/keys")
        return response.extensions["network_stream"].get_extra_info("client_addr")[1]

    async def scenario():
        async with KioskClient(live_server.url) as client:
            first = await client_port(client)
            await asyncio.sleep(6)
            return first, await client_port(client)

    first, second = asyncio.run(scenario())
    assert first == second
