"""Wires the NetSuite connector worker from its settings."""
from __future__ import annotations

from datetime import timedelta

from smartsync_core.connector.bootstrap import build_service
from smartsync_core.connector.retry import RetryPolicy
from smartsync_core.connector.service import ConnectorService

from .adapters.source import NetSuiteSourceFactory
from .config import Settings
from .domain.objects import OBJECT_TYPES

ERP = "netsuite"


async def bootstrap(settings: Settings, **overrides) -> ConnectorService:
    sources = NetSuiteSourceFactory(page_size=settings.netsuite_page_size,
                                    retry=RetryPolicy(settings.retry_attempts, settings.retry_base_delay),
                                    timeout=settings.timeout_seconds, max_concurrent=settings.netsuite_max_concurrent)
    return await build_service(settings, erp=ERP, erp_label="NetSuite", object_types=OBJECT_TYPES, sources=sources,
                               cursor_overlap=timedelta(hours=settings.netsuite_cursor_overlap_hours), **overrides)
