"""Client-side limits, so connectors stay under an ERP's documented request rate and concurrency instead of
bouncing off 429s. One limiter per key (a QuickBooks realm, a NetSuite account), shared by the process."""
from __future__ import annotations

import asyncio
import time
from collections import deque


class RequestLimiter:
    def __init__(self, max_requests: int, per_seconds: float, max_concurrent: int):
        self.max_requests = max_requests
        self.per_seconds = per_seconds
        self._sem = asyncio.Semaphore(max_concurrent)
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> "RequestLimiter":
        await self._sem.acquire()
        try:
            async with self._lock:
                while True:
                    now = time.monotonic()
                    while self._sent and now - self._sent[0] >= self.per_seconds:
                        self._sent.popleft()
                    if len(self._sent) < self.max_requests:
                        self._sent.append(now)
                        return self
                    await asyncio.sleep(self.per_seconds - (now - self._sent[0]) + 0.001)
        except BaseException:
            self._sem.release()
            raise

    async def __aexit__(self, *exc) -> None:
        self._sem.release()


_limiters: dict[tuple, RequestLimiter] = {}


def limiter_for(erp: str, key: str, max_requests: int, per_seconds: float, max_concurrent: int) -> RequestLimiter:
    """The limiter of one ERP account, shared by every sync of it in this process (and by its loop)."""
    import asyncio as _asyncio

    ident = (erp, key, max_requests, per_seconds, max_concurrent, id(_asyncio.get_running_loop()))
    found = _limiters.get(ident)
    if found is None:
        found = _limiters[ident] = RequestLimiter(max_requests, per_seconds, max_concurrent)
    return found
