"""status-projection settings, from the environment."""
from __future__ import annotations

from smartsync_core.settings import CommonSettings


class Settings(CommonSettings):
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8001
    consumer_batch: int = 200

    def db_url(self) -> str:
        return self.database_url or self.default_sqlite_url("status_projection")
