"""erp-intacct settings, from the environment."""
from __future__ import annotations

from smartsync_core.settings import CommonSettings


class Settings(CommonSettings):
    database_url: str | None = None
    sync_command_url: str = "http://127.0.0.1:8000"
    internal_api_token: str = ""
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9101
    intacct_pagesize: int = 1000  # Intacct's query allows up to 2000 rows a page
    intacct_retry_attempts: int = 6
    intacct_retry_base_delay: float = 0.5
    intacct_timeout_seconds: float = 60.0
    # Intacct WHENMODIFIED values are in the company's time zone: widen partial-sync cursors by the widest offset.
    intacct_cursor_overlap_hours: float = 14.0
    records_per_event: int = 500
    max_sync_minutes: int = 60

    def db_url(self) -> str:
        return self.database_url or self.default_sqlite_url("erp_intacct")
