"""What every connector worker shares: its settings, its wiring, and its main loop."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import MetaData

from ..codec import EventCodec
from ..db import create_tables, make_engine
from ..logs import configure
from ..messaging import EventPublisher, KafkaEventPublisher, ensure_topics
from ..metrics import Metrics
from ..settings import CommonSettings
from .adapters import HttpConnectionProvider, SqlStateStore, state_table
from .ports import ConnectionProvider, SourceFactory
from .runner import SyncRunner
from .service import ConnectorService, install_signal_handlers


class ConnectorSettings(CommonSettings):
    database_url: str | None = None
    sync_command_url: str = "http://127.0.0.1:8000"
    internal_api_token: str = ""
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9101
    records_per_event: int = 500
    max_sync_minutes: int = 60
    retry_attempts: int = 6
    retry_base_delay: float = 0.5
    timeout_seconds: float = 60.0


async def build_service(settings: ConnectorSettings, *, erp: str, erp_label: str, object_types: list[str],
                        sources: SourceFactory, cursor_overlap: timedelta, publisher: EventPublisher | None = None,
                        connections: ConnectionProvider | None = None) -> ConnectorService:
    metrics = Metrics.create()
    codec = EventCodec(settings.schemas_dir)
    engine = make_engine(settings.database_url or settings.default_sqlite_url(f"erp_{erp}"))
    metadata = MetaData()
    table = state_table(metadata, erp)
    await create_tables(engine, metadata)
    runner = SyncRunner(
        erp=erp, erp_label=erp_label, object_types=object_types, sources=sources,
        connections=connections or HttpConnectionProvider(settings.sync_command_url, settings.internal_api_token),
        state=SqlStateStore(engine, table),
        publisher=publisher or KafkaEventPublisher(settings.kafka_bootstrap_servers, codec,
                                                   on_published=lambda t: metrics.events_out.labels(t).inc()),
        topic=settings.events_topic, metrics=metrics, batch_size=settings.records_per_event,
        cursor_overlap=cursor_overlap,
    )
    return ConnectorService(
        erp=erp, runner=runner, codec=codec, bootstrap_servers=settings.kafka_bootstrap_servers,
        requests_topic=settings.requests_topic, group_id=f"{settings.topic_prefix}.erp-{erp}",
        max_poll_interval_ms=settings.max_sync_minutes * 60_000,
    )


async def run_worker(settings: ConnectorSettings, service_name: str, build) -> None:
    """Serve metrics, make sure the topics exist, consume until SIGTERM."""
    configure(settings.log_level, service_name)
    stop = asyncio.Event()
    install_signal_handlers(stop)
    service: ConnectorService = await build(settings)
    service.runner.metrics.serve(settings.metrics_port, settings.metrics_host)
    await ensure_topics(settings.kafka_bootstrap_servers, [settings.requests_topic, settings.events_topic],
                        settings.topic_partitions)
    try:
        await service.run(stop)
    finally:
        await service.runner.publisher.stop()
