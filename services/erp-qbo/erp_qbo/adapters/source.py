"""The QuickBooks Online source: one stream per entity (query paging with STARTPOSITION/MAXRESULTS, Id order),
and deletions from change data capture when the Sync From date is within CDC's 30 days."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from smartsync_core.connector.limits import RequestLimiter, limiter_for
from smartsync_core.connector.model import Page, SyncRequest
from smartsync_core.connector.ports import BadSourceData, SaveConnection, Source, SourceFactory, Stream
from smartsync_core.connector.retry import RetryPolicy

from ..domain.objects import ENTITIES, MissingField, QboEntity
from .client import QboClient, QboConnection

CDC_WINDOW = timedelta(days=30)
CDC_MAX_OBJECTS = 1000
PAGE_OVERLAP = 20  # rows each page re-reads, so up to this many deletions mid-sync cannot shift a row past us
CDC_DONE = "cdc-done"


def qbo_timestamp(ts: datetime) -> str:
    return ts.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def build_query(entity: type[QboEntity], since: datetime | None, position: int, page_size: int) -> str:
    where = []
    if entity.has_active:
        where.append("Active IN (true,false)")  # or inactive records would be invisible
    if since is not None:
        where.append(f"Metadata.LastUpdatedTime >= '{qbo_timestamp(since)}'")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT * FROM {entity.entity}{clause} ORDERBY Id STARTPOSITION {position} MAXRESULTS {page_size}"


class QboStream(Stream):
    def __init__(self, client: QboClient, entity: type[QboEntity], page_size: int):
        self.client = client
        self.entity = entity
        self.object_type = entity.object_type
        self.cursor_field = entity.cursor_field
        self.page_size = page_size

    async def read(self, since: datetime | None, resume_from: str | None) -> AsyncIterator[Page]:
        """Pages in Id order. STARTPOSITION is an offset, and a row deleted before it during the sync would shift
        the rest by one; each page therefore starts a few rows early and drops the Ids already read."""
        if resume_from == CDC_DONE:
            return
        position, _, last = (resume_from or "1:0").partition(":")
        position, last_id = int(position), int(last or 0)
        overlap = min(PAGE_OVERLAP, self.page_size // 4)
        label = f"{self.entity.entity} records"
        while True:
            body = await self.client.get("query", {"query": build_query(self.entity, since, position, self.page_size)},
                                         label)
            response = body.get("QueryResponse")
            if not isinstance(response, dict):
                raise BadSourceData(f"QuickBooks Online answered a {self.entity.entity} query without QueryResponse.")
            rows = response.get(self.entity.entity, [])
            try:
                records = [r for r in (self.entity.to_record(row) for row in rows) if int(r.external_id) > last_id]
            except (MissingField, ValueError, TypeError) as exc:
                raise BadSourceData(f"QuickBooks Online sent an unreadable {self.entity.entity} record: {exc}.") from None
            last_id = max([last_id, *(int(r.external_id) for r in records)])
            done = len(rows) < self.page_size
            position += len(rows) - (overlap if not done else 0)
            yield Page(records, f"{position}:{last_id}" if not done or since is not None else CDC_DONE)
            if done:
                break
        if since is not None and since > datetime.now(timezone.utc) - CDC_WINDOW:
            body = await self.client.get("cdc", {"entities": self.entity.entity, "changedSince": qbo_timestamp(since)},
                                         f"changes to {self.entity.entity}")
            deleted, seen = [], 0
            for block in body.get("CDCResponse") or []:
                for qr in block.get("QueryResponse") or []:
                    for row in qr.get(self.entity.entity, []) or []:
                        seen += 1
                        if str(row.get("status", "")).lower() == "deleted":
                            deleted.append(self.entity.deleted(row))
            yield Page(deleted, CDC_DONE)
            if seen >= CDC_MAX_OBJECTS:
                # CDC answers at most 1000 objects and cannot page: deletions beyond them would be missed silently.
                raise BadSourceData(
                    f"QuickBooks Online reported {seen} or more changes to {self.entity.entity} since "
                    f"{since.date().isoformat()}, more than change data capture can list, so some deletions may be "
                    "missing. The changes were synced; run a full sync to find every deletion.")


class QboSource(Source):
    def __init__(self, client: QboClient, page_size: int):
        self.client = client
        self.page_size = page_size

    async def check(self) -> None:
        await self.client.ensure_token()

    def streams(self, request: SyncRequest) -> list[Stream]:
        return [QboStream(self.client, e, self.page_size) for e in ENTITIES]

    async def close(self) -> None:
        await self.client.http.aclose()


class QboSourceFactory(SourceFactory):
    def __init__(self, *, page_size: int = 1000, retry: RetryPolicy | None = None, timeout: float = 60.0,
                 requests_per_minute: int = 500, max_concurrent: int = 10, window_seconds: float = 60.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.page_size = page_size
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.requests_per_minute = requests_per_minute
        self.max_concurrent = max_concurrent
        self.window_seconds = window_seconds
        self.transport = transport

    def limiter(self, realm: str) -> RequestLimiter:
        return limiter_for("qbo", realm, self.requests_per_minute, self.window_seconds, self.max_concurrent)

    def create(self, connection: dict[str, Any], save: SaveConnection) -> Source:
        conn = QboConnection.from_settings(connection.get("settings", connection))
        http = httpx.AsyncClient(timeout=self.timeout, transport=self.transport)
        return QboSource(QboClient(conn, http, save, self.limiter(conn.realm_id), self.retry), self.page_size)
