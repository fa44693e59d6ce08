"""Retry policy shared by connectors: exponential backoff with jitter, honouring Retry-After."""
from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        return min(self.base_delay * 2 ** attempt, self.max_delay) * (0.5 + random.random() / 2)


def retry_after_seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
