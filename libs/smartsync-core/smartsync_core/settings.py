"""Settings every service reads from the environment (pydantic-settings), with safe local defaults."""
from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[3]


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # Topic names are settings so that several stacks can share one broker (tests, staging).
    topic_prefix: str = "smartsync"
    topic_partitions: int = 4
    schemas_dir: Path = REPO_ROOT / "schemas"
    var_dir: Path = REPO_ROOT / "var"
    log_level: str = "INFO"

    @property
    def requests_topic(self) -> str:
        return f"{self.topic_prefix}.sync-requests"

    @property
    def events_topic(self) -> str:
        return f"{self.topic_prefix}.sync-events"

    def default_sqlite_url(self, service: str) -> str:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{self.var_dir / (service + '.db')}"
