"""Worker main: `python -m erp_qbo.entrypoints.worker` consumes SyncRequested for QuickBooks Online entities."""
from __future__ import annotations

import asyncio

from smartsync_core.connector.bootstrap import run_worker

from ..bootstrap import bootstrap
from ..config import Settings


def main() -> None:
    asyncio.run(run_worker(Settings(), "erp-qbo", bootstrap))


if __name__ == "__main__":
    main()
