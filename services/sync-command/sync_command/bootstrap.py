"""Wires sync-command from its settings: database, secret box, codec, Kafka publisher, outbox relay."""
from __future__ import annotations

from dataclasses import dataclass

from smartsync_core.codec import EventCodec
from smartsync_core.crypto import SecretBox
from smartsync_core.db import create_tables, make_engine
from smartsync_core.messaging import EventPublisher, KafkaEventPublisher
from smartsync_core.metrics import Metrics

from .adapters.outbox_relay import OutboxRelay
from .adapters.store import SqlCommandStore, metadata
from .config import Settings


@dataclass
class Container:
    settings: Settings
    store: SqlCommandStore
    codec: EventCodec
    publisher: EventPublisher
    relay: OutboxRelay
    metrics: Metrics

    async def init_db(self) -> None:
        await create_tables(self.store.engine, metadata)


def bootstrap(settings: Settings | None = None, publisher: EventPublisher | None = None) -> Container:
    settings = settings or Settings()
    metrics = Metrics.create()
    codec = EventCodec(settings.schemas_dir)
    store = SqlCommandStore(make_engine(settings.db_url()),
                            SecretBox.from_settings(settings.smartsync_secret_key, settings.key_file()))
    publisher = publisher or KafkaEventPublisher(
        settings.kafka_bootstrap_servers, codec, on_published=lambda t: metrics.events_out.labels(t).inc()
    )
    relay = OutboxRelay(store, publisher, codec, metrics, settings.outbox_poll_seconds)
    return Container(settings, store, codec, publisher, relay, metrics)
