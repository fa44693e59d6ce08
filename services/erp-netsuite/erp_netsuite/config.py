"""erp-netsuite settings, from the environment."""
from __future__ import annotations

from smartsync_core.connector.bootstrap import ConnectorSettings


class Settings(ConnectorSettings):
    netsuite_page_size: int = 1000  # SuiteQL's limit is at most 1000
    # The account's 15 concurrent requests are shared with its other integrations: take a few.
    netsuite_max_concurrent: int = 5
    netsuite_cursor_overlap_hours: float = 24.0  # dates are account-local and have no time
