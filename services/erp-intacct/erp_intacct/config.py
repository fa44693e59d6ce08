"""erp-intacct settings, from the environment."""
from __future__ import annotations

from smartsync_core.connector.bootstrap import ConnectorSettings


class Settings(ConnectorSettings):
    intacct_pagesize: int = 1000  # Intacct's query allows up to 2000 rows a page
    # Intacct WHENMODIFIED values are in the company's time zone: widen partial-sync cursors by the widest offset.
    intacct_cursor_overlap_hours: float = 14.0
