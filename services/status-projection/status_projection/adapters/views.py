"""The view tables and the SQL writer/reader behind them."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column, Date, Index, Integer, MetaData, String, Table, Text, and_, func, select, update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from smartsync_core.db import UTCDateTime, insert_on_conflict

metadata = MetaData()

processed = Table(
    "sp_processed_events", metadata,
    Column("event_id", String(64), primary_key=True),
    Column("processed_at", UTCDateTime, nullable=False),
)
entities = Table(
    "sp_legal_entities", metadata,
    Column("legal_entity_id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("erp", String(20), nullable=False),
    Column("last_sync_id", String(64)),
    Column("last_status", String(20)),
    Column("last_sync_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("last_success_sync_id", String(64)),
)
syncs = Table(
    "sp_syncs", metadata,
    Column("sync_id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("legal_entity_id", String(64), nullable=False),
    Column("erp", String(20), nullable=False),
    Column("mode", String(10), nullable=False),
    Column("sync_from", Date),
    Column("po_receiving_from", Date),
    Column("trigger", String(20)),
    Column("requested_by", String(100)),
    Column("status", String(20), nullable=False),
    Column("requested_at", UTCDateTime),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("error", Text),
    Index("sp_syncs_entity", "legal_entity_id", "requested_at"),
)
sync_objects = Table(
    "sp_sync_objects", metadata,
    Column("sync_id", String(64), primary_key=True),
    Column("object_type", String(64), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("records", Integer, nullable=False),
    Column("deleted", Integer, nullable=False, default=0),
    Column("error", Text),
)
logs = Table(
    "sp_sync_logs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("sync_id", String(64), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("level", String(10), nullable=False),
    Column("object_type", String(64)),
    Column("message", Text, nullable=False),
)
records = Table(
    "sp_records", metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("legal_entity_id", String(64), primary_key=True),
    Column("object_type", String(64), primary_key=True),
    Column("external_id", String(200), primary_key=True),
    Column("code", String(200)),
    Column("name", String(500)),
    Column("status", String(10), nullable=False),
    Column("modified_at", UTCDateTime),
    Column("fields", Text, nullable=False),
    Column("last_sync_id", String(64), nullable=False),
    Column("synced_at", UTCDateTime, nullable=False),
    Column("deleted_at", UTCDateTime),
)


class ViewWriter:
    """Writes inside one transaction; every method is safe to call again with the same event."""

    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def unseen(self, event_ids: list[str]) -> set[str]:
        seen = set()
        for i in range(0, len(event_ids), 500):
            chunk = event_ids[i: i + 500]
            seen |= set((await self.conn.execute(select(processed.c.event_id)
                                                 .where(processed.c.event_id.in_(chunk)))).scalars())
        return set(event_ids) - seen

    async def mark_processed(self, event_ids: list[str], now: datetime) -> None:
        if event_ids:
            await self.conn.execute(insert_on_conflict(self.conn, processed, ["event_id"], None),
                                    [{"event_id": e, "processed_at": now} for e in event_ids])

    async def upsert_entity(self, values: dict[str, Any]) -> None:
        await self.conn.execute(insert_on_conflict(self.conn, entities, ["legal_entity_id"], ["name", "erp", "tenant_id"]),
                                values)

    async def ensure_sync(self, values: dict[str, Any]) -> None:
        await self.conn.execute(insert_on_conflict(self.conn, syncs, ["sync_id"], None), values)

    async def sync_row(self, sync_id: str):
        return (await self.conn.execute(select(syncs).where(syncs.c.sync_id == sync_id))).first()

    async def update_sync(self, sync_id: str, **values: Any) -> None:
        await self.conn.execute(update(syncs).where(syncs.c.sync_id == sync_id).values(**values))

    async def update_entity_status(self, entity_id: str, sync_id: str, status: str, at: datetime, success: bool) -> None:
        values: dict[str, Any] = {"last_sync_id": sync_id, "last_status": status, "last_sync_at": at}
        if success:
            values.update(last_success_at=at, last_success_sync_id=sync_id)
        await self.conn.execute(update(entities).where(entities.c.legal_entity_id == entity_id).values(**values))

    async def add_object_records(self, sync_id: str, object_type: str, n: int) -> None:
        stmt = insert_on_conflict(self.conn, sync_objects, ["sync_id", "object_type"], None)
        await self.conn.execute(stmt, {"sync_id": sync_id, "object_type": object_type, "status": "running",
                                       "records": 0, "deleted": 0})
        await self.conn.execute(update(sync_objects).where(and_(
            sync_objects.c.sync_id == sync_id, sync_objects.c.object_type == object_type))
            .values(records=sync_objects.c.records + n))

    async def set_objects(self, sync_id: str, objects: list[dict[str, Any]]) -> None:
        stmt = insert_on_conflict(self.conn, sync_objects, ["sync_id", "object_type"], ["status", "records", "error"])
        if objects:
            await self.conn.execute(stmt, [{"sync_id": sync_id, "object_type": o["object_type"],
                                            "status": o["status"].lower(), "records": o["records"], "deleted": 0,
                                            "error": o.get("error")} for o in objects])

    async def set_deleted_count(self, sync_id: str, object_type: str, n: int) -> None:
        await self.conn.execute(update(sync_objects).where(and_(
            sync_objects.c.sync_id == sync_id, sync_objects.c.object_type == object_type)).values(deleted=n))

    async def add_log(self, values: dict[str, Any]) -> None:
        await self.conn.execute(insert_on_conflict(self.conn, logs, ["event_id"], None), values)

    async def upsert_records(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            stmt = insert_on_conflict(self.conn, records, ["tenant_id", "legal_entity_id", "object_type", "external_id"],
                                      ["code", "name", "status", "modified_at", "fields", "last_sync_id", "synced_at",
                                       "deleted_at"])
            await self.conn.execute(stmt, rows)

    async def mark_records_deleted(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            stmt = insert_on_conflict(self.conn, records, ["tenant_id", "legal_entity_id", "object_type", "external_id"],
                                      ["status", "deleted_at", "last_sync_id", "synced_at"])
            await self.conn.execute(stmt, rows)

    async def mark_missing_deleted(self, tenant_id: str, entity_id: str, object_type: str, sync_id: str,
                                   now: datetime) -> int:
        result = await self.conn.execute(update(records).where(and_(
            records.c.tenant_id == tenant_id, records.c.legal_entity_id == entity_id,
            records.c.object_type == object_type, records.c.last_sync_id != sync_id, records.c.deleted_at.is_(None),
        )).values(status="DELETED", deleted_at=now))
        return result.rowcount or 0


class ViewReader:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine

    async def overview(self, tenant_id: str) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(entities).where(entities.c.tenant_id == tenant_id)
                                       .order_by(entities.c.name))).all()
            counts = (await conn.execute(
                select(records.c.legal_entity_id, records.c.object_type, func.count())
                .where(and_(records.c.tenant_id == tenant_id, records.c.deleted_at.is_(None)))
                .group_by(records.c.legal_entity_id, records.c.object_type))).all()
        by_entity: dict[str, dict[str, int]] = {}
        for entity_id, object_type, n in counts:
            by_entity.setdefault(entity_id, {})[object_type] = n
        return [{
            "legal_entity_id": r.legal_entity_id, "name": r.name, "erp": r.erp,
            "last_sync": {"sync_id": r.last_sync_id, "status": r.last_status, "at": r.last_sync_at}
            if r.last_sync_id else None,
            "last_success_at": r.last_success_at,
            "record_counts": dict(sorted(by_entity.get(r.legal_entity_id, {}).items())),
        } for r in rows]

    async def entity(self, tenant_id: str, entity_id: str):
        async with self.engine.connect() as conn:
            return (await conn.execute(select(entities).where(and_(
                entities.c.tenant_id == tenant_id, entities.c.legal_entity_id == entity_id)))).first()

    async def activities(self, tenant_id: str, entity_id: str, limit: int) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(syncs).where(and_(
                syncs.c.tenant_id == tenant_id, syncs.c.legal_entity_id == entity_id))
                .order_by(syncs.c.requested_at.desc()).limit(limit))).all()
            totals = dict((await conn.execute(select(sync_objects.c.sync_id, func.sum(sync_objects.c.records))
                                              .where(sync_objects.c.sync_id.in_([r.sync_id for r in rows]))
                                              .group_by(sync_objects.c.sync_id))).all())
        return [{**_sync_dict(r), "records": int(totals.get(r.sync_id) or 0)} for r in rows]

    async def sync(self, tenant_id: str, sync_id: str) -> dict[str, Any] | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(syncs).where(and_(
                syncs.c.tenant_id == tenant_id, syncs.c.sync_id == sync_id)))).first()
            if row is None:
                return None
            objs = (await conn.execute(select(sync_objects).where(sync_objects.c.sync_id == sync_id)
                                       .order_by(sync_objects.c.object_type))).all()
        return {**_sync_dict(row), "objects": [
            {"object_type": o.object_type, "status": o.status, "records": o.records, "deleted": o.deleted,
             "error": o.error} for o in objs]}

    async def logs(self, tenant_id: str, sync_id: str) -> list[dict[str, Any]] | None:
        async with self.engine.connect() as conn:
            owner = (await conn.execute(select(syncs.c.sync_id).where(and_(
                syncs.c.tenant_id == tenant_id, syncs.c.sync_id == sync_id)))).first()
            if owner is None:
                return None
            rows = (await conn.execute(select(logs).where(logs.c.sync_id == sync_id)
                                       .order_by(logs.c.at, logs.c.id))).all()
        return [{"at": r.at, "level": r.level, "object_type": r.object_type, "message": r.message} for r in rows]

    async def records(self, tenant_id: str, entity_id: str, object_type: str, after: str | None, limit: int,
                      include_deleted: bool) -> list[dict[str, Any]]:
        q = select(records).where(and_(records.c.tenant_id == tenant_id, records.c.legal_entity_id == entity_id,
                                       records.c.object_type == object_type))
        if not include_deleted:
            q = q.where(records.c.deleted_at.is_(None))
        if after:
            q = q.where(records.c.external_id > after)
        q = q.order_by(records.c.external_id).limit(limit)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(q)).all()
        return [{"external_id": r.external_id, "code": r.code, "name": r.name, "status": r.status.lower(),
                 "modified_at": r.modified_at, "deleted_at": r.deleted_at, "last_sync_id": r.last_sync_id,
                 "fields": json.loads(r.fields)} for r in rows]


def _sync_dict(r) -> dict[str, Any]:
    return {"sync_id": r.sync_id, "legal_entity_id": r.legal_entity_id, "erp": r.erp, "mode": r.mode.lower(),
            "sync_from": r.sync_from, "po_receiving_from": r.po_receiving_from, "trigger": r.trigger,
            "requested_by": r.requested_by, "status": r.status, "requested_at": r.requested_at,
            "started_at": r.started_at, "finished_at": r.finished_at, "error": r.error}
