"""Process logging setup; one line per event, never a secret (callers pass only redacted values)."""
from __future__ import annotations

import logging


def configure(level: str = "INFO", service: str = "smartsync") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format=f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s",
    )
    # aiokafka logs every metadata refresh retry at WARNING during broker start-up; keep ours readable.
    logging.getLogger("aiokafka").setLevel(logging.ERROR)
