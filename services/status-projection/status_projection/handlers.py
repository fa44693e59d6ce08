"""Event handlers of the read model: each consumed batch is applied in one transaction, exactly once."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from smartsync_core.events import (
    RECORDS_SYNCED, SYNC_COMPLETED, SYNC_LOGGED, SYNC_REQUESTED, SYNC_STARTED, stable_event_id, utcnow,
)
from smartsync_core.messaging import ConsumedEvent
from smartsync_core.metrics import Metrics

from .adapters.views import ViewWriter
from .domain.views import deletion_scope, latest_per_key, may_advance, sync_status


async def apply_batch(engine: AsyncEngine, events: list[ConsumedEvent], metrics: Metrics | None = None) -> int:
    """Apply the events not applied before; returns how many were new. Replays change nothing."""
    if not events:
        return 0
    async with engine.begin() as conn:
        w = ViewWriter(conn)
        new = await w.unseen([e.payload["event_id"] for e in events])
        applied = []
        for e in events:
            eid = e.payload["event_id"]
            if eid not in new:
                continue
            new.discard(eid)  # the same event twice in one batch
            await HANDLERS[e.event_type](w, e.payload)
            applied.append(eid)
            if metrics is not None and e.event_type == SYNC_COMPLETED:
                metrics.syncs.labels(e.payload["erp"], e.payload["status"].lower()).inc()
        await w.mark_processed(applied, utcnow())
    return len(applied)


async def on_requested(w: ViewWriter, e: dict[str, Any]) -> None:
    await w.upsert_entity({"legal_entity_id": e["legal_entity_id"], "tenant_id": e["tenant_id"],
                           "name": e["legal_entity_name"], "erp": e["erp"]})
    await w.ensure_sync({
        "sync_id": e["sync_id"], "tenant_id": e["tenant_id"], "legal_entity_id": e["legal_entity_id"],
        "erp": e["erp"], "mode": e["mode"], "sync_from": e.get("sync_from"),
        "po_receiving_from": e.get("po_receiving_from"), "trigger": e.get("trigger"),
        "requested_by": e.get("requested_by"), "status": "requested", "requested_at": e["occurred_at"],
    })
    await w.update_entity_status(e["legal_entity_id"], e["sync_id"], "requested", e["occurred_at"], False)


async def _ensure_sync_from(w: ViewWriter, e: dict[str, Any]):
    row = await w.sync_row(e["sync_id"])
    if row is None:  # a connector event overtook the request (another partition or a lost projection row)
        await w.ensure_sync({"sync_id": e["sync_id"], "tenant_id": e["tenant_id"],
                             "legal_entity_id": e["legal_entity_id"], "erp": e["erp"], "mode": e.get("mode", "FULL"),
                             "status": "requested", "requested_at": e["occurred_at"]})
        row = await w.sync_row(e["sync_id"])
    return row


async def on_started(w: ViewWriter, e: dict[str, Any]) -> None:
    row = await _ensure_sync_from(w, e)
    values: dict[str, Any] = {}
    if row.started_at is None:
        values["started_at"] = e["occurred_at"]
    if may_advance(row.status, "running"):
        values["status"] = "running"
        await w.update_entity_status(e["legal_entity_id"], e["sync_id"], "running", e["occurred_at"], False)
    if values:
        await w.update_sync(e["sync_id"], **values)


async def on_records(w: ViewWriter, e: dict[str, Any]) -> None:
    now = utcnow()
    rows = [{
        "tenant_id": e["tenant_id"], "legal_entity_id": e["legal_entity_id"], "object_type": e["object_type"],
        "external_id": r["external_id"], "code": r["code"], "name": r["name"], "status": r["status"],
        "modified_at": r["modified_at"], "fields": json.dumps(r["fields"], sort_keys=True),
        "last_sync_id": e["sync_id"], "synced_at": now, "deleted_at": now if r["status"] == "DELETED" else None,
    } for r in latest_per_key(e["records"])]
    # An ERP reports a deletion with little more than the id: keep what we knew of the record.
    await w.upsert_records([r for r in rows if r["status"] != "DELETED"])
    await w.mark_records_deleted([r for r in rows if r["status"] == "DELETED"])
    await w.add_object_records(e["sync_id"], e["object_type"], len(e["records"]))


async def on_logged(w: ViewWriter, e: dict[str, Any]) -> None:
    await w.add_log({"event_id": e["event_id"], "sync_id": e["sync_id"], "at": e["occurred_at"], "level": e["level"],
                     "object_type": e.get("object_type"), "message": e["message"]})


async def on_completed(w: ViewWriter, e: dict[str, Any]) -> None:
    row = await _ensure_sync_from(w, e)
    status = sync_status(e["status"])
    if not may_advance(row.status, status):
        return
    await w.update_sync(e["sync_id"], status=status, finished_at=e["occurred_at"], error=e.get("error"),
                        started_at=row.started_at or e.get("started_at"))
    await w.set_objects(e["sync_id"], e["objects"])
    now = utcnow()
    for object_type in deletion_scope(e):
        n = await w.mark_missing_deleted(e["tenant_id"], e["legal_entity_id"], object_type, e["sync_id"], now)
        await w.set_deleted_count(e["sync_id"], object_type, n)
        if n:
            await w.add_log({"event_id": stable_event_id(e["sync_id"], "deleted", object_type), "sync_id": e["sync_id"],
                             "at": e["occurred_at"], "level": "INFO", "object_type": object_type,
                             "message": f"{object_type}: {n} record(s) no longer in the ERP marked deleted."})
    total = sum(o["records"] for o in e["objects"])
    summary = (f"Sync succeeded: {total} record(s) across {len(e['objects'])} object type(s)." if status == "succeeded"
               else f"Sync failed: {e.get('error') or 'see the log above'}")
    await w.add_log({"event_id": stable_event_id(e["sync_id"], "summary"), "sync_id": e["sync_id"],
                     "at": e["occurred_at"], "level": "INFO" if status == "succeeded" else "ERROR",
                     "object_type": None, "message": summary})
    await w.update_entity_status(e["legal_entity_id"], e["sync_id"], status, e["occurred_at"], status == "succeeded")


HANDLERS = {
    SYNC_REQUESTED: on_requested,
    SYNC_STARTED: on_started,
    RECORDS_SYNCED: on_records,
    SYNC_LOGGED: on_logged,
    SYNC_COMPLETED: on_completed,
}
