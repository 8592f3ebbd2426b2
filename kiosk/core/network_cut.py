"""A switch that cuts the core's network for a while: the robot's `--offline-after N
--offline-for S` (load tests, rehearsals of a network failure) goes through the core's real
client, outbox and record upload, so what is tested is what runs on exam day.

It is an httpx transport around the ordinary one: while the cut lasts, every request fails as a
pulled cable would (`httpx.ConnectError`, which the client reports as `ServerUnreachable`).
"""

import ssl
import time

import httpx

from kiosk.client import KEEPALIVE_S
from kiosk.tls import server_verification


class NetworkCut(httpx.AsyncBaseTransport):
    """The core's transport; `cut(seconds)` makes the server unreachable until then."""

    def __init__(self, verify: ssl.SSLContext | bool | str = True) -> None:
        self._inner = httpx.AsyncHTTPTransport(
            verify=server_verification(verify),
            limits=httpx.Limits(
                max_connections=20, max_keepalive_connections=10, keepalive_expiry=KEEPALIVE_S
            ),
        )
        self._until = 0.0

    @property
    def cut_now(self) -> bool:
        return time.monotonic() < self._until

    def cut(self, seconds: float) -> None:
        self._until = time.monotonic() + max(0.0, seconds)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.cut_now:
            raise httpx.ConnectError("network cut (robot --offline-for)", request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
