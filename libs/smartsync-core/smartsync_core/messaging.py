"""Kafka plumbing behind two small ports: EventPublisher (produce) and a consumer loop (at-least-once).

The demo broker (Tansu) has no idempotent or transactional producers, so every consumer here is written to be
idempotent and offsets are committed only after a batch is fully handled.
"""
from __future__ import annotations

import abc
import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .codec import EventCodec, UnknownEvent
from .events import Envelope

log = logging.getLogger(__name__)


class EventPublisher(abc.ABC):
    """Port: publish events and return only once the broker has them (acks=all)."""

    @abc.abstractmethod
    async def publish(self, topic: str, envelopes: Sequence[Envelope]) -> None: ...

    async def start(self) -> None:  # pragma: no cover - trivial default
        return None

    async def stop(self) -> None:  # pragma: no cover - trivial default
        return None


class KafkaEventPublisher(EventPublisher):
    def __init__(self, bootstrap_servers: str, codec: EventCodec, on_published: Callable[[str], None] | None = None):
        self._bootstrap = bootstrap_servers
        self._codec = codec
        self._producer = None
        self._on_published = on_published

    async def start(self) -> None:
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap,
            acks="all",
            enable_idempotence=False,  # Tansu lacks it; consumers de-duplicate instead
            linger_ms=5,
            max_request_size=8 * 1024 * 1024,
            request_timeout_ms=30000,
        )
        try:
            await producer.start()
        except Exception:
            await producer.stop()
            raise
        self._producer = producer

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def publish(self, topic: str, envelopes: Sequence[Envelope]) -> None:
        if self._producer is None:  # started lazily, so a service can accept work while Kafka is still down
            await self.start()
        futures = []
        for env in envelopes:
            value, headers = self._codec.encode(env.event_type, env.payload)
            futures.append(await self._producer.send(topic, value=value, key=env.key.encode(), headers=headers))
        await asyncio.gather(*futures)
        if self._on_published:
            for env in envelopes:
                self._on_published(env.event_type)


@dataclass(frozen=True)
class ConsumedEvent:
    event_type: str
    payload: dict[str, Any]
    topic: str
    partition: int
    offset: int


BatchHandler = Callable[[list[ConsumedEvent]], Awaitable[None]]


async def ensure_topics(bootstrap_servers: str, topics: Sequence[str], partitions: int) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    for attempt in range(60):
        try:
            await admin.start()
            break
        except Exception:  # broker still starting
            await asyncio.sleep(0.5)
    else:
        raise RuntimeError(f"Kafka at {bootstrap_servers} did not answer")
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(t, partitions, 1) for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()


async def run_consumer(
    *,
    bootstrap_servers: str,
    topics: Sequence[str],
    group_id: str,
    codec: EventCodec,
    handle: BatchHandler,
    stop: asyncio.Event,
    max_records: int = 200,
    max_poll_interval_ms: int = 300_000,
    on_consumed: Callable[[str], None] | None = None,
    event_types: set[str] | None = None,
) -> None:
    """Consume until `stop` is set: decode a batch, hand it over, commit. A failed batch is retried from its start.

    With `event_types`, other events are skipped from their headers, without paying for decoding them."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        # Tansu's "latest" offsets are unreliable, and a new group must not skip accepted commands.
        auto_offset_reset="earliest",
        max_poll_interval_ms=max_poll_interval_ms,
        session_timeout_ms=20000,
        heartbeat_interval_ms=3000,
        fetch_max_wait_ms=200,
    )
    for attempt in range(120):
        try:
            await consumer.start()
            break
        except Exception as exc:  # broker not up yet
            log.info("waiting for Kafka (%s)", exc)
            await asyncio.sleep(0.5)
    else:
        raise RuntimeError(f"Kafka at {bootstrap_servers} did not answer")
    backoff = 0.5
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500, max_records=max_records)
            if not batches:
                continue
            events: list[ConsumedEvent] = []
            for tp, messages in batches.items():
                for m in messages:
                    if event_types is not None and codec.event_type_of(m.headers) not in event_types:
                        continue
                    try:
                        event_type, payload = codec.decode(m.headers, m.value)
                    except UnknownEvent as exc:
                        log.warning("skipping unknown event at %s:%s@%s: %s", m.topic, m.partition, m.offset, exc)
                        continue
                    events.append(ConsumedEvent(event_type, payload, m.topic, m.partition, m.offset))
            try:
                await handle(events)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("batch failed; it will be retried from its first message in %.1fs", backoff)
                for tp, messages in batches.items():
                    consumer.seek(tp, messages[0].offset)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 0.5
            await consumer.commit({tp: messages[-1].offset + 1 for tp, messages in batches.items()})
            if on_consumed:
                for e in events:
                    on_consumed(e.event_type)
    finally:
        await consumer.stop()
