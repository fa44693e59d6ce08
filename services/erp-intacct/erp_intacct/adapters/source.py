"""The Intacct source: one stream per object (keyset paging on RECORDNO, WHENMODIFIED cursor)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx

from smartsync_core.connector.model import Page, SyncRequest
from smartsync_core.connector.ports import BadSourceData, SaveConnection, Source, SourceFactory, Stream
from smartsync_core.connector.retry import RetryPolicy

from ..domain.objects import (
    BY_TYPE, DIMENSION_OBJECT_TYPE, OBJECT_TYPES, IntacctObject, MissingField, format_intacct_time,
)
from . import xml_api
from .client import IntacctClient, IntacctConnection


def changed_since(obj: type[IntacctObject] | None, since: datetime | None, after_recordno: int | None) -> tuple | None:
    """Filter: modified at/after `since` (rows never modified count by WHENCREATED) and past the resume key."""
    parts = []
    if since is not None:
        ts = format_intacct_time(since)
        parts.append(("or",
                      ("greaterthanorequalto", "WHENMODIFIED", ts),
                      ("and", ("isnull", "WHENMODIFIED"), ("greaterthanorequalto", "WHENCREATED", ts))))
    if after_recordno is not None:
        parts.append(("greaterthan", "RECORDNO", after_recordno))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ("and", *parts)


class IntacctStream(Stream):
    def __init__(self, client: IntacctClient, obj: type[IntacctObject], pagesize: int):
        self.client = client
        self.obj = obj
        self.object_type = obj.object_type
        self.cursor_field = obj.cursor_field
        self.pagesize = pagesize

    async def read(self, since: datetime | None, resume_from: str | None) -> AsyncIterator[Page]:
        after = int(resume_from) if resume_from else None
        while True:
            fn = xml_api.query(self.obj.intacct_object, self.obj.select(), filter=changed_since(self.obj, since, after),
                               order_by="RECORDNO", pagesize=self.pagesize)
            result = await self.client.call(fn, self.obj.label or self.obj.intacct_object)
            if result.data is None:
                raise BadSourceData(f"Sage Intacct returned no data block for {self.obj.intacct_object}.")
            count, remaining = xml_api.data_counts(result.data)
            try:
                records = [self.obj.to_record(r) for r in xml_api.rows(result.data)]
            except (MissingField, ValueError) as exc:
                raise BadSourceData(f"Sage Intacct sent an unreadable {self.obj.intacct_object} record: {exc}.") from None
            if records:
                after = max(int(r.external_id) for r in records)
            yield Page(records, str(after) if after is not None else None)
            if remaining <= 0 or not records:
                return


class DimensionStream(Stream):
    """User-defined dimensions: discovered with getDimensions, then each dimension's values queried."""

    object_type = DIMENSION_OBJECT_TYPE
    cursor_field = "WHENMODIFIED"

    def __init__(self, client: IntacctClient, pagesize: int):
        self.client = client
        self.pagesize = pagesize

    async def read(self, since: datetime | None, resume_from: str | None) -> AsyncIterator[Page]:
        result = await self.client.call(xml_api.get_dimensions(), "User Defined Dimensions")
        names = sorted(
            (d.findtext("objectName") or "").strip()
            for d in (result.data.findall("dimensions/dimension") if result.data is not None else [])
            if (d.findtext("userDefinedDimension") or "").strip().lower() == "true"
        )
        done_upto, _, last_key = (resume_from or "").partition("|")
        for name in names:
            if done_upto and name < done_upto:
                continue
            obj = type(f"UDD_{name}", (IntacctObject,), {
                "object_type": DIMENSION_OBJECT_TYPE, "intacct_object": name, "id_field": "ID",
                "name_field": "NAME", "status_field": None, "label": f"dimension {name}"})
            start = last_key if name == done_upto and last_key else None
            async for page in IntacctStream(self.client, obj, self.pagesize).read(since, start):
                for r in page.records:
                    r.fields["DIMENSION"] = name
                recs = [type(r)(f"{name}:{r.external_id}", r.status, r.code, r.name, r.modified_at, r.fields)
                        for r in page.records]
                yield Page(recs, f"{name}|{page.resume_from or ''}")


class IntacctSource(Source):
    partial_sync_note = ("Sage Intacct does not list deleted records to a partial sync: records deleted in Intacct "
                         "are marked deleted by the next full sync.")

    def __init__(self, conn: IntacctConnection, http: httpx.AsyncClient, pagesize: int, retry: RetryPolicy):
        self.http = http
        self.client = IntacctClient(conn, http, retry)
        self.pagesize = pagesize

    async def check(self) -> None:
        await self.client.login()

    def streams(self, request: SyncRequest) -> list[Stream]:
        out: list[Stream] = [IntacctStream(self.client, BY_TYPE[t], self.pagesize) for t in OBJECT_TYPES if t in BY_TYPE]
        out.append(DimensionStream(self.client, self.pagesize))
        return out

    async def close(self) -> None:
        await self.http.aclose()


class IntacctSourceFactory(SourceFactory):
    def __init__(self, pagesize: int = 1000, retry: RetryPolicy | None = None, timeout: float = 60.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.pagesize = pagesize
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.transport = transport  # tests may serve the sandbox in-process

    def create(self, connection: dict[str, Any], save: SaveConnection | None = None) -> Source:
        conn = IntacctConnection.from_settings(connection.get("settings", connection))
        return IntacctSource(conn, httpx.AsyncClient(timeout=self.timeout, transport=self.transport),
                             self.pagesize, self.retry)
