"""Database plumbing: async engines for PostgreSQL (asyncpg) and SQLite (aiosqlite), and a portable upsert."""
from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, Table, event
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
