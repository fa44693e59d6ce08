"""sync-command's tables and the SQL store behind its port (entities, syncs, idempotency keys, outbox)."""
from __future__ import annotations

import abc
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean, Column, Date, Index, Integer, LargeBinary, MetaData, String, Table, Text, and_, select, text, update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from smartsync_core.crypto import SecretBox
from smartsync_core.db import UTCDateTime

from ..domain.model import LegalEntity

metadata = MetaData()

legal_entities = Table(
    "sc_legal_entities", metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("erp", String(20), nullable=False),
    Column("connection", Text, nullable=False),  # JSON; secret values are Fernet tokens
    Column("last_success_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
)

syncs = Table(
    "sc_syncs", metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("legal_entity_id", String(64), nullable=False, index=True),
    Column("mode", String(10), nullable=False),
    Column("sync_from", Date),
    Column("po_receiving_from", Date),
    Column("status", String(20), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("requested_by", String(100)),
    Column("finished_at", UTCDateTime),
    # At most one requested/running sync per entity, enforced by the database against racing requests.
    Index("sc_one_active_sync", "legal_entity_id", unique=True, sqlite_where=text("active"), postgresql_where=text("active")),
)

idempotency_keys = Table(
    "sc_idempotency_keys", metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("sync_id", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

outbox = Table(
    "sc_outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(200), nullable=False),
    Column("key", String(200), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("headers", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("published_at", UTCDateTime, index=True),
)

SECRET_FIELDS = frozenset({
    "user_password", "sender_password", "client_secret", "refresh_token", "access_token",
    "consumer_key", "consumer_secret", "token_id", "token_secret",
})


class ActiveSyncExists(Exception):
    pass


class CommandStore(abc.ABC):
    """Port: everything the handlers need from persistence, inside one transaction."""

    @abc.abstractmethod
    def transaction(self) -> Any: ...


class SqlCommandStore(CommandStore):
    def __init__(self, engine: AsyncEngine, box: SecretBox):
        self.engine = engine
        self.box = box

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator["SqlTx"]:
        async with self.engine.begin() as conn:
            yield SqlTx(conn, self.box)


class SqlTx:
    def __init__(self, conn: AsyncConnection, box: SecretBox):
        self.conn = conn
        self.box = box

    def _seal(self, connection: dict[str, Any]) -> str:
        return json.dumps({k: (self.box.encrypt(v) if k in SECRET_FIELDS and v else v) for k, v in connection.items()})

    def _open(self, text: str) -> dict[str, Any]:
        return {k: (self.box.decrypt(v) if k in SECRET_FIELDS and v else v) for k, v in json.loads(text).items()}

    def _entity(self, row, with_secrets: bool) -> LegalEntity:
        conn = self._open(row.connection) if with_secrets else json.loads(row.connection)
        if not with_secrets:
            conn = {k: v for k, v in conn.items() if k not in SECRET_FIELDS}
        return LegalEntity(row.id, row.tenant_id, row.name, row.erp, conn, last_success_at=row.last_success_at)

    async def add_entity(self, entity: LegalEntity, now: datetime) -> None:
        await self.conn.execute(legal_entities.insert().values(
            id=entity.id, tenant_id=entity.tenant_id, name=entity.name, erp=entity.erp,
            connection=self._seal(entity.connection), created_at=now,
        ))

    async def update_connection(self, entity_id: str, connection: dict[str, Any]) -> None:
        await self.conn.execute(update(legal_entities).where(legal_entities.c.id == entity_id)
                                .values(connection=self._seal(connection)))

    async def get_entity(self, tenant_id: str | None, entity_id: str, with_secrets: bool = False) -> LegalEntity | None:
        q = select(legal_entities).where(legal_entities.c.id == entity_id)
        if tenant_id is not None:
            q = q.where(legal_entities.c.tenant_id == tenant_id)
        row = (await self.conn.execute(q)).first()
        return self._entity(row, with_secrets) if row else None

    async def list_entities(self, tenant_id: str) -> list[LegalEntity]:
        rows = (await self.conn.execute(
            select(legal_entities).where(legal_entities.c.tenant_id == tenant_id).order_by(legal_entities.c.name)
        )).all()
        return [self._entity(r, False) for r in rows]

    async def active_sync(self, entity_id: str) -> str | None:
        row = (await self.conn.execute(select(syncs.c.id).where(
            and_(syncs.c.legal_entity_id == entity_id, syncs.c.active == True)  # noqa: E712
        ))).first()
        return row[0] if row else None

    async def add_sync(self, values: dict[str, Any]) -> None:
        try:
            async with self.conn.begin_nested():
                await self.conn.execute(syncs.insert().values(active=True, status="requested", **values))
        except IntegrityError as exc:
            raise ActiveSyncExists() from exc

    async def finish_sync(self, sync_id: str, status: str, finished_at: datetime) -> str | None:
        """Mark a sync finished (once); returns its entity id when this call changed it."""
        row = (await self.conn.execute(select(syncs.c.legal_entity_id, syncs.c.active).where(syncs.c.id == sync_id))).first()
        if row is None or not row.active:
            return None
        await self.conn.execute(update(syncs).where(syncs.c.id == sync_id)
                                .values(status=status, active=False, finished_at=finished_at))
        if status == "succeeded":
            await self.conn.execute(update(legal_entities).where(legal_entities.c.id == row.legal_entity_id)
                                    .values(last_success_at=finished_at))
        return row.legal_entity_id

    async def mark_running(self, sync_id: str) -> None:
        await self.conn.execute(update(syncs).where(and_(syncs.c.id == sync_id, syncs.c.status == "requested"))
                                .values(status="running"))

    async def get_idempotent(self, tenant_id: str, key: str) -> tuple[str, str] | None:
        row = (await self.conn.execute(select(idempotency_keys.c.request_hash, idempotency_keys.c.sync_id).where(
            and_(idempotency_keys.c.tenant_id == tenant_id, idempotency_keys.c.key == key)))).first()
        return (row.request_hash, row.sync_id) if row else None

    async def put_idempotent(self, tenant_id: str, key: str, request_hash: str, sync_id: str, now: datetime) -> None:
        await self.conn.execute(idempotency_keys.insert().values(
            tenant_id=tenant_id, key=key, request_hash=request_hash, sync_id=sync_id, created_at=now))

    async def enqueue(self, topic: str, key: str, event_type: str, payload: bytes, headers: list, now: datetime) -> None:
        await self.conn.execute(outbox.insert().values(
            topic=topic, key=key, event_type=event_type, payload=payload,
            headers=json.dumps([[k, v.decode()] for k, v in headers]), created_at=now))

    async def pending_outbox(self, limit: int) -> list[Any]:
        return list((await self.conn.execute(
            select(outbox).where(outbox.c.published_at.is_(None)).order_by(outbox.c.id).limit(limit))).all())

    async def mark_published(self, ids: list[int], now: datetime) -> None:
        await self.conn.execute(update(outbox).where(outbox.c.id.in_(ids)).values(published_at=now))

    async def outbox_backlog(self) -> int:
        from sqlalchemy import func

        return (await self.conn.execute(select(func.count()).select_from(outbox)
                                        .where(outbox.c.published_at.is_(None)))).scalar_one()


def to_date(value: Any) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value))
