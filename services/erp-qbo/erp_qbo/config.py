"""erp-qbo settings, from the environment."""
from __future__ import annotations

from smartsync_core.connector.bootstrap import ConnectorSettings


class Settings(ConnectorSettings):
    qbo_page_size: int = 1000  # MAXRESULTS may not exceed 1000
    # Intuit's limits per realm: 500 requests a minute and 10 at once; stay under both.
    qbo_requests_per_window: int = 450
    qbo_window_seconds: float = 60.0
    qbo_max_concurrent: int = 8
    qbo_cursor_overlap_minutes: float = 5.0  # LastUpdatedTime is exact with its offset; allow for clock skew
