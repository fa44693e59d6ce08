"""Wires status-projection from its settings."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from smartsync_core.codec import EventCodec
from smartsync_core.db import create_tables, make_engine
from smartsync_core.metrics import Metrics

from .adapters.views import ViewReader, metadata
from .config import Settings


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    reader: ViewReader
    codec: EventCodec
    metrics: Metrics

    async def init_db(self) -> None:
        await create_tables(self.engine, metadata)


def bootstrap(settings: Settings | None = None) -> Container:
    settings = settings or Settings()
    engine = make_engine(settings.db_url())
    return Container(settings, engine, ViewReader(engine), EventCodec(settings.schemas_dir), Metrics.create())
