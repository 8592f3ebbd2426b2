"""The public certificate lookup, throttled per client address.

Anyone holding a verification code may check a certificate, and a certificate tells a name, a
birth date and a score: codes must not be guessable by the thousand. Each address may miss
`MAX_MISSES` times in `WINDOW_S`; beyond, every lookup from it is answered 429 until its
oldest miss leaves the window. Misses are written to the security log (the address and the
code asked), and so is the moment an address is throttled. Counted in memory, per server
process: a restart forgives, the log keeps the trace.
"""

import threading
from collections import deque

MAX_MISSES = 30
WINDOW_S = 60.0


class LookupThrottle:
    def __init__(self) -> None:
        self._misses: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def is_throttled(self, address: str, now: float) -> bool:
        with self._lock:
            misses = self._recent(address, now)
            return misses is not None and len(misses) >= MAX_MISSES

    def count_miss(self, address: str, now: float) -> bool:
        """Count a miss; True when it is the one that throttles the address."""
        with self._lock:
            misses = self._recent(address, now)
            if misses is None:
                misses = self._misses[address] = deque()
            misses.append(now)
            return len(misses) == MAX_MISSES

    def _recent(self, address: str, now: float) -> deque[float] | None:
        misses = self._misses.get(address)
        if misses is None:
            return None
        while misses and misses[0] <= now - WINDOW_S:
            misses.popleft()
        if not misses:
            del self._misses[address]
            return None
        return misses
