"""The long-running connector worker: consume SyncRequested for one ERP, run each sync, then commit."""
from __future__ import annotations

import asyncio
import logging
import signal

from ..codec import EventCodec
from ..events import SYNC_REQUESTED
from ..messaging import ConsumedEvent, run_consumer
from .model import SyncRequest
from .runner import SyncRunner

log = logging.getLogger(__name__)


class ConnectorService:
    def __init__(self, *, erp: str, runner: SyncRunner, codec: EventCodec, bootstrap_servers: str,
                 requests_topic: str, group_id: str, max_poll_interval_ms: int):
        self.erp = erp
        self.runner = runner
        self.codec = codec
        self.bootstrap_servers = bootstrap_servers
        self.requests_topic = requests_topic
        self.group_id = group_id
        self.max_poll_interval_ms = max_poll_interval_ms

    async def handle(self, events: list[ConsumedEvent]) -> None:
        for e in events:
            if e.event_type != SYNC_REQUESTED or e.payload["erp"] != self.erp:
                continue
            log.info("sync %s of legal entity %s: %s", e.payload["sync_id"], e.payload["legal_entity_id"], e.payload["mode"])
            await self.runner.run(SyncRequest.from_event(e.payload))

    async def run(self, stop: asyncio.Event) -> None:
        await run_consumer(
            bootstrap_servers=self.bootstrap_servers,
            topics=[self.requests_topic],
            group_id=self.group_id,
            codec=self.codec,
            handle=self.handle,
            stop=stop,
            max_records=1,  # a sync is long: commit after each one
            max_poll_interval_ms=self.max_poll_interval_ms,
            on_consumed=lambda t: self.runner.metrics.events_in.labels(t).inc(),
            event_types={SYNC_REQUESTED},
        )


def install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
