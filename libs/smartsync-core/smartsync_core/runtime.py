"""Process-level helpers shared by the HTTP services: serving an app, and keeping a background consumer alive."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def supervise(name: str, run: Callable[[], Awaitable[None]], stop: asyncio.Event) -> None:
    """Run a background loop until `stop`; if it fails (the broker went away), start it again with backoff."""
    delay = 0.5
    while not stop.is_set():
        try:
            await run()
            delay = 0.5
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("%s stopped (%s); restarting in %.1fs", name, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 15)


def serve_api(create_app, settings, service_name: str) -> None:
    """The main of an HTTP service: logging, then uvicorn on the configured host and port."""
    import uvicorn

    from .logs import configure

    configure(settings.log_level, service_name)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")
