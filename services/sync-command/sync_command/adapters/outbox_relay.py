"""Moves accepted commands from the outbox table to Kafka; a broker outage delays them, never drops them."""
from __future__ import annotations

import asyncio
import json
import logging

from smartsync_core.codec import EventCodec
from smartsync_core.events import Envelope, utcnow
from smartsync_core.messaging import EventPublisher
from smartsync_core.metrics import Metrics

from .store import SqlCommandStore

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, store: SqlCommandStore, publisher: EventPublisher, codec: EventCodec, metrics: Metrics,
                 poll_seconds: float = 0.2, batch: int = 100):
        self.store = store
        self.publisher = publisher
        self.codec = codec
        self.metrics = metrics
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.wakeup = asyncio.Event()

    async def relay_once(self) -> int:
        async with self.store.transaction() as tx:
            rows = await tx.pending_outbox(self.batch)
        by_topic: dict[str, list[tuple[int, Envelope]]] = {}
        for row in rows:
            _, payload = self.codec.decode([(k, v.encode()) for k, v in json.loads(row.headers)], row.payload)
            by_topic.setdefault(row.topic, []).append((row.id, Envelope(row.event_type, row.key, payload)))
        for topic, items in by_topic.items():
            await self.publisher.publish(topic, [e for _, e in items])
        if rows:
            async with self.store.transaction() as tx:
                await tx.mark_published([r.id for r in rows], utcnow())
        async with self.store.transaction() as tx:
            self.metrics.outbox_backlog.set(await tx.outbox_backlog())
        return len(rows)

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            try:
                n = await self.relay_once()
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker down: keep the rows, try again later
                log.warning("outbox relay could not publish (%s); retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 15)
                continue
            if n == self.batch:
                continue
            self.wakeup.clear()
            try:
                await asyncio.wait_for(self.wakeup.wait(), self.poll_seconds)
            except asyncio.TimeoutError:
                pass
