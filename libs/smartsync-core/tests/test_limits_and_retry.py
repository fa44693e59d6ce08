"""The client-side limiter and the retry policy shared by connectors."""
import asyncio
import time

from smartsync_core.connector.limits import RequestLimiter
from smartsync_core.connector.retry import RetryPolicy, retry_after_seconds


async def test_given_a_concurrency_limit_when_many_tasks_run_then_never_more_at_once():
    limiter = RequestLimiter(max_requests=1000, per_seconds=1.0, max_concurrent=3)
    running, peak = 0, 0

    async def work():
        nonlocal running, peak
        async with limiter:
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.01)
            running -= 1

    await asyncio.gather(*(work() for _ in range(20)))
    assert peak == 3


async def test_given_a_rate_limit_when_more_requests_than_allowed_then_no_window_holds_more():
    limiter = RequestLimiter(max_requests=4, per_seconds=0.2, max_concurrent=10)
    starts = []

    async def work():
        async with limiter:
            starts.append(time.monotonic())

    await asyncio.gather(*(work() for _ in range(10)))
    starts.sort()
    for i, t in enumerate(starts):
        assert sum(1 for u in starts[i:] if u - t < 0.19) <= 4  # 10 ms for scheduling between acquire and us


def test_given_retry_after_when_delaying_then_it_is_honoured_up_to_the_cap():
    policy = RetryPolicy(attempts=5, base_delay=0.5, max_delay=10)
    assert policy.delay(0, retry_after=3) == 3
    assert policy.delay(0, retry_after=60) == 10
    assert 0.25 <= policy.delay(0) <= 0.5 and 2.0 <= policy.delay(3) <= 4.0
    assert retry_after_seconds("2") == 2.0 and retry_after_seconds("Wed, 21 Oct 2015") is None
