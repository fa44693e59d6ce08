"""Database plumbing: async engines for PostgreSQL (asyncpg) and SQLite (aiosqlite), and a portable upsert."""
from __future__ import annotations

from datetime import timezone
from typing import Any

from sqlalchemy import DateTime, MetaData, Table, event
from sqlalchemy.types import TypeDecorator
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def make_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn, _record):  # WAL lets the API read while a consumer writes
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


async def create_tables(engine: AsyncEngine, metadata: MetaData) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


def insert_on_conflict(engine_or_dialect: Any, table: Table, index_elements: list[str], update: list[str] | None):
    """An INSERT ... ON CONFLICT statement for the engine's dialect (DO NOTHING when `update` is None)."""
    name = engine_or_dialect.dialect.name if hasattr(engine_or_dialect, "dialect") else engine_or_dialect
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    if update is None:
        return stmt.on_conflict_do_nothing(index_elements=index_elements)
    return stmt.on_conflict_do_update(index_elements=index_elements, set_={c: stmt.excluded[c] for c in update})


class UTCDateTime(TypeDecorator):
    """Timestamps stored and returned as aware UTC on every backend (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value
