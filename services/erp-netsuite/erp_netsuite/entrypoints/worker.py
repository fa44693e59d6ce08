"""Worker main: `python -m erp_netsuite.entrypoints.worker` consumes SyncRequested for NetSuite entities."""
from __future__ import annotations

import asyncio

from smartsync_core.connector.bootstrap import run_worker

from ..bootstrap import bootstrap
from ..config import Settings


def main() -> None:
    asyncio.run(run_worker(Settings(), "erp-netsuite", bootstrap))


if __name__ == "__main__":
    main()
