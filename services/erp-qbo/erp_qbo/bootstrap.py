"""Wires the QuickBooks Online connector worker from its settings."""
from __future__ import annotations

from datetime import timedelta

from smartsync_core.connector.bootstrap import build_service
from smartsync_core.connector.retry import RetryPolicy
from smartsync_core.connector.service import ConnectorService

from .adapters.source import QboSourceFactory
from .config import Settings
from .domain.objects import OBJECT_TYPES

ERP = "qbo"


async def bootstrap(settings: Settings, **overrides) -> ConnectorService:
    sources = QboSourceFactory(
        page_size=settings.qbo_page_size, retry=RetryPolicy(settings.retry_attempts, settings.retry_base_delay),
        timeout=settings.timeout_seconds, requests_per_minute=settings.qbo_requests_per_window,
        window_seconds=settings.qbo_window_seconds, max_concurrent=settings.qbo_max_concurrent,
    )
    return await build_service(settings, erp=ERP, erp_label="QuickBooks Online", object_types=OBJECT_TYPES,
                               sources=sources, cursor_overlap=timedelta(minutes=settings.qbo_cursor_overlap_minutes),
                               **overrides)
