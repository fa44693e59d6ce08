"""Wires the Intacct connector worker from its settings."""
from __future__ import annotations

from datetime import timedelta

from smartsync_core.connector.bootstrap import build_service
from smartsync_core.connector.retry import RetryPolicy
from smartsync_core.connector.service import ConnectorService

from .adapters.source import IntacctSourceFactory
from .config import Settings
from .domain.objects import OBJECT_TYPES

ERP = "intacct"


async def bootstrap(settings: Settings, **overrides) -> ConnectorService:
    sources = IntacctSourceFactory(settings.intacct_pagesize,
                                   RetryPolicy(settings.retry_attempts, settings.retry_base_delay),
                                   settings.timeout_seconds)
    return await build_service(settings, erp=ERP, erp_label="Sage Intacct", object_types=OBJECT_TYPES,
                               sources=sources, cursor_overlap=timedelta(hours=settings.intacct_cursor_overlap_hours),
                               **overrides)
