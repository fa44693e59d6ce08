"""Adapters of the connector ports: SQL state store and the HTTP client of sync-command's connection API."""
from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import Column, MetaData, String, Table, Text, select
from sqlalchemy.ext.asyncio import AsyncEngine

from ..db import UTCDateTime, insert_on_conflict
from ..events import utcnow
from .model import SyncState
from .ports import ConnectionProvider, StateStore


def state_table(metadata: MetaData, prefix: str) -> Table:
    return Table(
        f"{prefix}_sync_state",
        metadata,
        Column("sync_id", String(64), primary_key=True),
        Column("state", Text, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
    )


class SqlStateStore(StateStore):
    def __init__(self, engine: AsyncEngine, table: Table):
        self.engine = engine
        self.table = table

    async def load(self, sync_id: str) -> SyncState | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(self.table.c.state).where(self.table.c.sync_id == sync_id))).first()
        return SyncState.from_json(row[0]) if row else None

    async def save(self, state: SyncState) -> None:
        stmt = insert_on_conflict(self.engine, self.table, ["sync_id"], ["state", "updated_at"])
        async with self.engine.begin() as conn:
            await conn.execute(stmt, {"sync_id": state.sync_id, "state": state.to_json(), "updated_at": utcnow()})


class HttpConnectionProvider(ConnectionProvider):
    """Reads connection settings from sync-command's internal API (service token; never via Kafka)."""

    def __init__(self, base_url: str, token: str, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    async def get(self, tenant_id: str, legal_entity_id: str) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            r = await client.get(
                f"{self.base_url}/internal/v1/legal-entities/{legal_entity_id}/connection",
                headers={"Authorization": f"Bearer {self.token}", "X-Tenant-Id": tenant_id},
            )
        if r.status_code == 404:
            raise LookupError(f"legal entity {legal_entity_id} is unknown to sync-command")
        r.raise_for_status()
        return r.json()

    async def update(self, tenant_id: str, legal_entity_id: str, changes: dict[str, Any]) -> None:
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            for attempt in range(5):  # a rotated token must not be lost to a blip
                try:
                    r = await client.patch(
                        f"{self.base_url}/internal/v1/legal-entities/{legal_entity_id}/connection",
                        headers={"Authorization": f"Bearer {self.token}", "X-Tenant-Id": tenant_id},
                        json={"connection": changes},
                    )
                    r.raise_for_status()
                    return
                except httpx.TransportError:
                    if attempt == 4:
                        raise
                    await asyncio.sleep(0.5 * 2 ** attempt)
