"""Wires the Intacct connector worker from its settings."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import MetaData

from smartsync_core.codec import EventCodec
from smartsync_core.connector.adapters import HttpConnectionProvider, SqlStateStore, state_table
from smartsync_core.connector.ports import ConnectionProvider, SourceFactory
from smartsync_core.connector.runner import SyncRunner
from smartsync_core.connector.service import ConnectorService
from smartsync_core.db import create_tables, make_engine
from smartsync_core.messaging import EventPublisher, KafkaEventPublisher
from smartsync_core.metrics import Metrics

from .adapters.client import RetryPolicy
from .adapters.source import IntacctSourceFactory
from .config import Settings
from .domain.objects import OBJECT_TYPES

ERP = "intacct"


async def bootstrap(settings: Settings, *, publisher: EventPublisher | None = None,
                    connections: ConnectionProvider | None = None,
                    sources: SourceFactory | None = None) -> ConnectorService:
    metrics = Metrics.create()
    codec = EventCodec(settings.schemas_dir)
    engine = make_engine(settings.db_url())
    metadata = MetaData()
    table = state_table(metadata, "intacct")
    await create_tables(engine, metadata)
    runner = SyncRunner(
        erp=ERP,
        erp_label="Sage Intacct",
        object_types=OBJECT_TYPES,
        sources=sources or IntacctSourceFactory(
            settings.intacct_pagesize,
            RetryPolicy(settings.intacct_retry_attempts, settings.intacct_retry_base_delay),
            settings.intacct_timeout_seconds,
        ),
        connections=connections or HttpConnectionProvider(settings.sync_command_url, settings.internal_api_token),
        state=SqlStateStore(engine, table),
        publisher=publisher or KafkaEventPublisher(settings.kafka_bootstrap_servers, codec,
                                                   on_published=lambda t: metrics.events_out.labels(t).inc()),
        topic=settings.events_topic,
        metrics=metrics,
        batch_size=settings.records_per_event,
        cursor_overlap=timedelta(hours=settings.intacct_cursor_overlap_hours),
    )
    return ConnectorService(
        erp=ERP, runner=runner, codec=codec, bootstrap_servers=settings.kafka_bootstrap_servers,
        requests_topic=settings.requests_topic, group_id=f"{settings.topic_prefix}.erp-intacct",
        max_poll_interval_ms=settings.max_sync_minutes * 60_000,
    )
