"""Waiting inside a long-poll: until what the client waits for changes, its time is up, or it
has gone (a kiosk restarting, a console closed, a shutdown).

The route queries the database again only when its key changed: a room of idle kiosks, each
with a long-poll open, costs nothing but the check for departed clients.
"""

import asyncio

from fastapi import Request

from server_stub.context import ServerContext

# How often a waiting long-poll checks that its client is still there.
DISCONNECT_CHECK_S = 1.0


async def changed(
    ctx: ServerContext, request: Request, key: str, version: str, give_up: float
) -> bool:
    """True once `key` is past `version`; False when the loop's clock reaches `give_up` or
    the client has disconnected first."""
    loop = asyncio.get_running_loop()
    while True:
        remaining = give_up - loop.time()
        if remaining <= 0 or ctx.notifier.closing or await request.is_disconnected():
            return False
        if await ctx.notifier.wait(key, version, min(remaining, DISCONNECT_CHECK_S)):
            return True
