"""Which enrolled lab PC a device token belongs to, and whether it is still allowed in.

Every kiosk request carries the device token, so the device rows are kept in memory once read
(a device's keys never change). A revocation (`pix-server device revoke`, possibly from another
process) must still bite at once: the set of revoked devices is read again at most every
`REVOCATION_CHECK_S`, so a revoked PC's next request after that is refused (401).
"""

import time
from collections.abc import Callable
from typing import Any

from fastapi.concurrency import run_in_threadpool

from server_stub.db.database import Database
from server_stub.enrolment import device_for_token, revoked_device_ids
from server_stub.errors import ApiError

REVOCATION_CHECK_S = 0.5


class DeviceCredentials:
    def __init__(self, db: Database, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._monotonic = monotonic
        self._by_token: dict[str, Any] = {}
        self._revoked: frozenset[str] = frozenset()
        self._checked_at = float("-inf")

    async def device(self, token: str):
        """The device row for `token`, or `unauthenticated` (unknown or revoked)."""
        now = self._monotonic()
        if now - self._checked_at >= REVOCATION_CHECK_S:
            self._checked_at = now  # one reader at a time; the others use the set held
            self._revoked = await run_in_threadpool(revoked_device_ids, self._db)
        device = self._by_token.get(token)
        if device is None:
            device = await run_in_threadpool(device_for_token, self._db, token)
            self._by_token[token] = device
        if device.device_id in self._revoked:
            raise ApiError("unauthenticated")
        return device
