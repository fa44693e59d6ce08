"""sync-command settings, from the environment."""
from __future__ import annotations

from pathlib import Path

from smartsync_core.settings import CommonSettings


class Settings(CommonSettings):
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # Connectors authenticate to the internal connection API with this token; unset disables that API.
    internal_api_token: str | None = None
    smartsync_secret_key: str | None = None
    secret_key_file: Path | None = None
    outbox_poll_seconds: float = 0.2
    # Follow SyncStarted/SyncCompleted from Kafka to free entities; off only in tests without a broker.
    follow_events: bool = True
    # ERPs whose connectors run in this deployment; a sync for any other ERP would never complete, so it is refused.
    syncable_erps: str = "intacct,qbo,netsuite"

    def syncable(self) -> set[str]:
        return {e.strip() for e in self.syncable_erps.split(",") if e.strip()}

    def db_url(self) -> str:
        return self.database_url or self.default_sqlite_url("sync_command")

    def key_file(self) -> Path:
        return self.secret_key_file or (self.var_dir / "secret.key")
