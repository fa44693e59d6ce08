"""Worker main: `python -m erp_intacct.entrypoints.worker` consumes SyncRequested for Intacct entities."""
from __future__ import annotations

import asyncio

from smartsync_core.connector.service import install_signal_handlers
from smartsync_core.logs import configure
from smartsync_core.messaging import ensure_topics

from ..bootstrap import bootstrap
from ..config import Settings


async def amain() -> None:
    settings = Settings()
    configure(settings.log_level, "erp-intacct")
    stop = asyncio.Event()
    install_signal_handlers(stop)
    service = await bootstrap(settings)
    service.runner.metrics.serve(settings.metrics_port, settings.metrics_host)
    await ensure_topics(settings.kafka_bootstrap_servers, [settings.requests_topic, settings.events_topic],
                        settings.topic_partitions)
    try:
        await service.run(stop)
    finally:
        await service.runner.publisher.stop()


def main() -> None:
    asyncio.run(amain())


if __name__ == "__main__":
    main()
