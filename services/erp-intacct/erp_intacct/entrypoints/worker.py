"""Worker main: `python -m erp_intacct.entrypoints.worker` consumes SyncRequested for Intacct entities."""
from __future__ import annotations

import asyncio

from smartsync_core.connector.bootstrap import run_worker

from ..bootstrap import bootstrap
from ..config import Settings


def main() -> None:
    asyncio.run(run_worker(Settings(), "erp-intacct", bootstrap))


if __name__ == "__main__":
    main()
