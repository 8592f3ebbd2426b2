"""The window's end of the core's socket: requests with their answers, and the state pushed.

`request("answer", item_id=..., response=...)` returns the answer's body or raises the core's
refusal (`CoreRefusal`, French and English); every state the core pushes is handed to
`on_state` as it arrives, in order, before the answer of the request that caused it. A new
question comes with the state that announces it (`item`, without its solution); the `item`
request asks for it again.
"""

import asyncio
import contextlib
import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from kiosk.core.protocol import (
    MESSAGE_LIMIT,
    STATE_EVENT,
    CoreUnavailable,
    encode,
    error_from,
    read_message,
)
from kiosk.core.transport import CoreTransport, core_transport


class CoreLink:
    """One connection to the core; `connect()` it, then `request()`."""

    def __init__(self, socket_path: Path, transport: CoreTransport | None = None) -> None:
        self.socket_path = socket_path
        self.transport = transport or core_transport(socket_path)
        self.state: dict[str, Any] = {}
        self.item: dict[str, Any] | None = None  # the item on screen, as the core last sent it
        self.on_state: Callable[[dict[str, Any]], None] = lambda _state: None
        self.on_lost: Callable[[], None] = lambda: None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future] = {}
        self._writer: Any = None
        self._reading: asyncio.Task | None = None

    async def connect(self) -> "CoreLink":
        try:
            reader, self._writer = await self.transport.connect(limit=MESSAGE_LIMIT)
        except OSError as error:
            raise CoreUnavailable(f"{self.socket_path}: {error.strerror or error}") from None
        first = await read_message(reader)
        if first is None or first.get("event") != STATE_EVENT:
            self._writer.close()
            if first is not None and "error" in first:
                raise error_from(first["error"])
            raise CoreUnavailable(f"{self.socket_path}: no answer")
        self.state = first["state"]
        self.item = first.get("item", self.item)
        self._reading = asyncio.ensure_future(self._read(reader))
        return self

    async def request(self, op: str, **fields: Any) -> dict[str, Any]:
        return await self.send(op, **fields)

    def send(self, op: str, **fields: Any) -> Awaitable[dict[str, Any]]:
        """`request`, written to the socket there and then: awaiting the result gives the
        answer's body or raises the refusal. (The window sends an answer from the click itself,
        before the event loop's next turn paints anything.)"""
        if self._writer is None or self._writer.is_closing():
            raise CoreUnavailable(f"{self.socket_path}: closed")
        number = next(self._ids)
        answer = asyncio.get_running_loop().create_future()
        self._waiting[number] = answer
        self._writer.write(encode({"id": number, "op": op, **fields}))
        return _reply(answer)

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while (message := await read_message(reader)) is not None:
                if message.get("event") == STATE_EVENT:
                    self.state = message["state"]
                    self.item = message.get("item", self.item)
                    self.on_state(self.state)
                    continue
                waiting = self._waiting.pop(message.get("id"), None)
                if waiting is not None and not waiting.done():
                    waiting.set_result(message)
        finally:
            lost = CoreUnavailable(f"{self.socket_path}: connection lost")
            for waiting in self._waiting.values():
                if not waiting.done():
                    waiting.set_exception(lost)
            self._waiting.clear()
            self.on_lost()

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._reading is not None:
            self._reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reading


async def _reply(answer: "asyncio.Future[dict[str, Any]]") -> dict[str, Any]:
    reply = await answer
    if not reply.get("ok"):
        raise error_from(reply.get("error", {}))
    return reply
