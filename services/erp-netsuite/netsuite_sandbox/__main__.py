"""Run the NetSuite sandbox: `python -m netsuite_sandbox --port 8083`."""
from __future__ import annotations

import argparse

import uvicorn

from .app import NetSuiteSandboxConfig, create_app


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8083)
    p.add_argument("--account-id", default="1234567_SB1")
    p.add_argument("--records-per-table", type=int, default=20)
    p.add_argument("--max-concurrent", type=int, default=15)
    a = p.parse_args()
    cfg = NetSuiteSandboxConfig(account_id=a.account_id, records_per_table=a.records_per_table,
                                max_concurrent=a.max_concurrent)
    uvicorn.run(create_app(cfg), host=a.host, port=a.port, log_level="warning")


if __name__ == "__main__":
    main()
