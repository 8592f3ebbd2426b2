"""The core's socket (a named pipe on Windows): one line of JSON per message
(kiosk.core.protocol), peers checked.

Each connection is first checked by the transport (kiosk.core.transport: the allowed uids on a
Unix socket, the allowed SIDs on a named pipe); a refused peer
gets one line saying so and is disconnected before it can ask anything. An accepted window gets
the state at once and after every change, and its requests are carried out in the order they
came (kiosk.core.requests), each answered on the same connection.
"""

import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Any

from engine.canonical import BilingualError
from kiosk.core.exam_core import ExamCore
from kiosk.core.protocol import (
    REQUEST_LIMIT,
    STATE_EVENT,
    CoreRefusal,
    encode,
    error_body,
    read_message,
)
from kiosk.core.refusals import PEER_REFUSED
from kiosk.core.requests import handle
from kiosk.core.transport import CoreTransport, Listener, core_transport


class CoreService:
    """Serve `core` on `socket_path` to the processes of `allowed_uids` (or of `transport`:
    a named pipe on Windows, kiosk.core.transport)."""

    def __init__(
        self,
        core: ExamCore,
        socket_path: Path,
        allowed_uids: frozenset[int],
        transport: CoreTransport | None = None,
    ) -> None:
        self.core = core
        self.socket_path = socket_path
        self.allowed_uids = allowed_uids
        self.transport = transport or core_transport(socket_path, allowed_uids=allowed_uids)
        self.refused_peers = 0
        self._server: Listener | None = None
        self._writers: set[Any] = set()
        self._items_sent: dict[Any, str | None] = {}
        self._push_scheduled = False
        core.listeners.append(self._schedule_push)

    async def start(self) -> "CoreService":
        self._server = await self.transport.listen(self._serve, limit=REQUEST_LIMIT)
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1.0)
        self.transport.remove()

    # --- one window ---------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: Any) -> None:
        if not self.transport.admits(writer):
            self.refused_peers += 1
            writer.write(encode({"event": "refused", "error": error_body(PEER_REFUSED)}))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            writer.close()
            return
        self._writers.add(writer)
        try:
            writer.write(self._state_line(writer, self.core.snapshot()))
            while True:
                try:
                    request = await read_message(reader)
                except CoreRefusal as error:
                    writer.write(encode({"id": None, "ok": False, "error": error_body(error)}))
                    break  # the stream is out of step: start again on a new connection
                if request is None:
                    break
                # Its own task: a request that waits on the server (check-in, a code) never
                # holds up an answer; the others finish in the order they came.
                self.core.spawn(self._answer(writer, request))
        finally:
            self._writers.discard(writer)
            self._items_sent.pop(writer, None)
            writer.close()
            if not self._writers and self._server is not None and self._server.is_serving():
                self.core.window_lost()

    async def _answer(self, writer: Any, request: dict[str, Any]) -> None:
        """Carry out one request; anything but a refusal is a bug, said on stderr and to the
        window as a refusal (the core goes on serving)."""
        reply: dict[str, Any] = {"id": request.get("id")}
        try:
            reply |= {"ok": True, **await handle(self.core, request)}
        except BilingualError as error:
            reply |= {"ok": False, "error": error_body(error)}
        except Exception as error:
            print(f"pix-kiosk core: {request.get('op')!r}: {error!r}", file=sys.stderr)
            reply |= {
                "ok": False,
                "error": {"code": "core_error", "fr": "Erreur interne.", "en": "Internal error."},
            }
        self._push_now()
        if not writer.is_closing():
            writer.write(encode(reply))

    # --- state pushes -------------------------------------------------------------------------

    def _schedule_push(self) -> None:
        """Several changes in one step make one push, sent as soon as the step ends."""
        if not self._push_scheduled:
            self._push_scheduled = True
            asyncio.get_running_loop().call_soon(self._push_now)

    def _push_now(self) -> None:
        if not self._push_scheduled:
            return
        self._push_scheduled = False
        if not self._writers:
            return
        state = self.core.snapshot()
        for writer in list(self._writers):
            if not writer.is_closing():
                writer.write(self._state_line(writer, state))

    def _state_line(self, writer: Any, state: dict[str, Any]) -> bytes:
        """The state, with the item on screen (solution-free) the first time this window sees
        it: the window paints a new question without asking for it."""
        shown = state.get("item")
        key = f"{shown['id']}:{shown['position']}" if shown else None
        if key is not None and key != self._items_sent.get(writer):
            try:
                view = self.core.current_item_view(shown["id"])
            except CoreRefusal:
                view = None
            if view is not None:
                self._items_sent[writer] = key
                return encode({"event": STATE_EVENT, "state": state, "item": view})
        return encode({"event": STATE_EVENT, "state": state})
