"""The NetSuite source: one stream per record type, SuiteQL keyset paging on id (`id > last` restarts a query
before the 100,000-row offset cap), `lastmodifieddate` for partial syncs, deletions from `deletedrecord`, and the
subsidiary filter of entity-level connections."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx

from smartsync_core.connector.limits import limiter_for
from smartsync_core.connector.model import Page, SyncRequest
from smartsync_core.connector.ports import BadSourceData, SaveConnection, Source, SourceFactory, Stream
from smartsync_core.connector.retry import RetryPolicy

from ..domain.objects import TABLES, MissingField, NetSuiteTable, Subsidiary, suiteql_date
from .client import NetSuiteClient, NetSuiteConnection

OFFSET_CAP = 100_000
DELETIONS = "deleted:"


def build_query(table: type[NetSuiteTable], since: datetime | None, after_id: int | None,
                subsidiary_id: str | None) -> str:
    where = []
    if table.type_filter:
        where.append(f"type = '{table.type_filter}'")
    if since is not None:
        where.append(f"{table.cursor_field} >= {suiteql_date(since.date())}")
    if after_id is not None:
        where.append(f"id > {after_id}")
    if subsidiary_id:
        sub = int(subsidiary_id)
        if table is Subsidiary:
            where.append(f"id = {sub}")
        elif table.subsidiary_column:
            where.append(f"{table.subsidiary_column} = {sub}")
        elif table.type_filter:  # a transaction's subsidiary is on its main line
            where.append(f"id IN (SELECT transaction FROM transactionline WHERE mainline = 'T' AND subsidiary = {sub})")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {', '.join(table.select())} FROM {table.table}{clause} ORDER BY id"


def deletions_query(table: type[NetSuiteTable], since: datetime, after_id: int | None) -> str:
    where = [f"recordtype = '{table.record_type}'", f"deleteddate >= {suiteql_date(since.date())}"]
    if after_id is not None:
        where.append(f"recordid > {after_id}")
    return f"SELECT recordid, recordtype, deleteddate FROM deletedrecord WHERE {' AND '.join(where)} ORDER BY recordid"


class NetSuiteStream(Stream):
    def __init__(self, client: NetSuiteClient, table: type[NetSuiteTable], page_size: int,
                 offset_cap: int = OFFSET_CAP):
        self.client = client
        self.table = table
        self.offset_cap = offset_cap
        self.object_type = table.object_type
        self.cursor_field = table.cursor_field
        self.page_size = page_size

    async def _pages(self, make_query, key: str, after: int | None, label: str):
        """Rows in id order from `after` on; a new query (offset 0) whenever the offset would pass the cap."""
        while True:
            query, offset = make_query(after), 0
            while True:
                body = await self.client.suiteql(query, limit=self.page_size, offset=offset, label=label)
                rows = body["items"]
                try:
                    ids = [int(r[key]) for r in rows]
                except (KeyError, TypeError, ValueError):
                    raise BadSourceData(f"NetSuite sent a {label} row without a numeric {key}.") from None
                if ids:
                    after = max(ids)
                yield rows, after
                if not body.get("hasMore"):
                    return
                offset += len(rows)
                if offset + self.page_size > self.offset_cap:
                    break  # restart from the last id seen

    async def read(self, since: datetime | None, resume_from: str | None) -> AsyncIterator[Page]:
        sub = self.client.conn.subsidiary_id
        label = f"{self.table.record_type} records"
        if not (resume_from or "").startswith(DELETIONS):
            after = int(resume_from) if resume_from else None
            async for rows, last in self._pages(lambda a: build_query(self.table, since, a, sub), "id", after, label):
                try:
                    records = [self.table.to_record(r) for r in rows]
                except (MissingField, ValueError) as exc:
                    raise BadSourceData(f"NetSuite sent an unreadable {self.table.record_type} record: {exc}.") from None
                yield Page(records, str(last) if last is not None else None)
            resume_from = DELETIONS
        if since is None:
            return  # a full sync finds deletions by comparing ids
        after = int(resume_from[len(DELETIONS):]) if resume_from[len(DELETIONS):] else None
        async for rows, last in self._pages(lambda a: deletions_query(self.table, since, a), "recordid", after,
                                            f"deleted {self.table.record_type} records"):
            try:
                records = [self.table.deleted(r) for r in rows]
            except (MissingField, ValueError) as exc:
                raise BadSourceData(f"NetSuite sent an unreadable deletedrecord row: {exc}.") from None
            yield Page(records, f"{DELETIONS}{last if last is not None else ''}")


class NetSuiteSource(Source):
    def __init__(self, client: NetSuiteClient, page_size: int, offset_cap: int = OFFSET_CAP):
        self.client = client
        self.page_size = page_size
        self.offset_cap = offset_cap

    async def check(self) -> None:
        # The cheapest signed request: proves the token, the signature and the account id.
        await self.client.suiteql("SELECT id FROM subsidiary ORDER BY id", limit=1, offset=0, label="subsidiaries")

    def streams(self, request: SyncRequest) -> list[Stream]:
        return [NetSuiteStream(self.client, t, self.page_size, self.offset_cap) for t in TABLES]

    async def close(self) -> None:
        await self.client.http.aclose()


class NetSuiteSourceFactory(SourceFactory):
    def __init__(self, *, page_size: int = 1000, retry: RetryPolicy | None = None, timeout: float = 60.0,
                 max_concurrent: int = 5, offset_cap: int = OFFSET_CAP,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.page_size = page_size
        self.offset_cap = offset_cap
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.max_concurrent = max_concurrent
        self.transport = transport

    def create(self, connection: dict[str, Any], save: SaveConnection | None = None) -> Source:
        conn = NetSuiteConnection.from_settings(connection.get("settings", connection))
        # NetSuite governs concurrency (15 by default, shared by all of the account's integrations), not rate.
        limiter = limiter_for("netsuite", conn.account_id, 1_000_000, 1.0, self.max_concurrent)
        http = httpx.AsyncClient(timeout=self.timeout, transport=self.transport)
        return NetSuiteSource(NetSuiteClient(conn, http, limiter, self.retry), self.page_size, self.offset_cap)
