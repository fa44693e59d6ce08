"""Run the QuickBooks Online sandbox: `python -m qbo_sandbox --port 8082`."""
from __future__ import annotations

import argparse

import uvicorn

from .app import QboSandboxConfig, create_app


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8082)
    p.add_argument("--realm-id", default="9130355")
    p.add_argument("--client-id", default="ABclient")
    p.add_argument("--client-secret", default="client-secret")
    p.add_argument("--refresh-token", default="RT-initial")
    p.add_argument("--records-per-entity", type=int, default=20)
    p.add_argument("--requests-per-window", type=int, default=500)
    p.add_argument("--window-seconds", type=float, default=60.0)
    p.add_argument("--max-concurrent", type=int, default=10)
    p.add_argument("--throttle-format", choices=["json", "xml"], default="json")
    a = p.parse_args()
    cfg = QboSandboxConfig(realm_id=a.realm_id, client_id=a.client_id, client_secret=a.client_secret,
                           refresh_token=a.refresh_token, records_per_entity=a.records_per_entity,
                           requests_per_window=a.requests_per_window, window_seconds=a.window_seconds,
                           max_concurrent=a.max_concurrent, throttle_format=a.throttle_format)
    uvicorn.run(create_app(cfg), host=a.host, port=a.port, log_level="warning")


if __name__ == "__main__":
    main()
