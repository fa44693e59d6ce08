"""Run the Intacct sandbox: `python -m intacct_sandbox --port 8081 --records-per-object 50`."""
from __future__ import annotations

import argparse

import uvicorn

from .app import SandboxConfig, create_app


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081)
    p.add_argument("--company-id", default="acme")
    p.add_argument("--user-id", default="beanworks")
    p.add_argument("--user-password", default="user-secret")
    p.add_argument("--sender-id", default="smartsync_dev")
    p.add_argument("--sender-password", default="sender-secret")
    p.add_argument("--records-per-object", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--max-concurrent", type=int, default=4)
    a = p.parse_args()
    cfg = SandboxConfig(
        senders={a.sender_id: a.sender_password}, company_id=a.company_id, users={a.user_id: a.user_password},
        records_per_object=a.records_per_object, seed=a.seed, max_concurrent=a.max_concurrent,
    )
    uvicorn.run(create_app(cfg), host=a.host, port=a.port, log_level="warning")


if __name__ == "__main__":
    main()
