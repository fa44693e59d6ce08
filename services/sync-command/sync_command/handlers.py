"""Command handlers of sync-command: register entities, request syncs, and follow syncs to their end."""
from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from smartsync_core.codec import EventCodec
from smartsync_core.events import SYNC_COMPLETED, SYNC_REQUESTED, SYNC_STARTED, SyncRef

from .adapters.store import SECRET_FIELDS, ActiveSyncExists, SqlCommandStore
from .domain.model import (
    CONNECTION_ROLES, ERPS, SYNC_ROLES, IdempotencyKeyReused, Identity, InvalidRequest, LegalEntity, NotFound,
    RequestSync, SyncAlreadyRunning, validate_sync_request,
)


async def register_legal_entity(store: SqlCommandStore, who: Identity, name: str, erp: str,
                                connection: dict[str, Any], now: datetime) -> LegalEntity:
    who.require(CONNECTION_ROLES)
    if erp not in ERPS:
        raise InvalidRequest(f"unknown ERP {erp!r}; one of: {', '.join(ERPS)}")
    entity = LegalEntity(str(uuid.uuid4()), who.tenant_id, name, erp, connection)
    async with store.transaction() as tx:
        await tx.add_entity(entity, now)
    entity.connection = {k: v for k, v in connection.items() if k not in SECRET_FIELDS}
    return entity


async def update_connection(store: SqlCommandStore, who: Identity, entity_id: str, changes: dict[str, Any],
                            validate: Callable[[str, dict[str, Any]], dict[str, Any]]) -> LegalEntity:
    """Change some connection settings (e.g. a rotated password); the merged settings must still be valid."""
    who.require(CONNECTION_ROLES)
    async with store.transaction() as tx:
        entity = await tx.get_entity(who.tenant_id, entity_id, with_secrets=True)
        if entity is None:
            raise NotFound(f"legal entity {entity_id} not found")
        merged = validate(entity.erp, {**entity.connection, **changes})
        await tx.update_connection(entity_id, merged)
        return await tx.get_entity(who.tenant_id, entity_id)


def request_fingerprint(entity_id: str, cmd: RequestSync) -> str:
    raw = json.dumps([entity_id, cmd.mode, str(cmd.sync_from), str(cmd.po_receiving_from)])
    return hashlib.sha256(raw.encode()).hexdigest()


async def request_sync(store: SqlCommandStore, codec: EventCodec, topic: str, who: Identity, cmd: RequestSync,
                       idempotency_key: str | None, now: datetime, today: date,
                       syncable: set[str] | frozenset[str] = frozenset(ERPS)) -> tuple[str, bool]:
    """Accept a sync request: store it and its SyncRequested event in one transaction. Returns (sync id, created)."""
    who.require(SYNC_ROLES)
    fingerprint = request_fingerprint(cmd.legal_entity_id, cmd)
    async with store.transaction() as tx:
        if idempotency_key:
            seen = await tx.get_idempotent(who.tenant_id, idempotency_key)
            if seen is not None:
                if seen[0] != fingerprint:
                    raise IdempotencyKeyReused("this Idempotency-Key was already used for a different request")
                return seen[1], False
        entity = await tx.get_entity(who.tenant_id, cmd.legal_entity_id)
        if entity is None:
            raise NotFound(f"legal entity {cmd.legal_entity_id} not found")
        valid = validate_sync_request(entity, cmd, today, syncable)
        running = await tx.active_sync(entity.id)
        if running:
            raise SyncAlreadyRunning(running)
        sync_id = str(uuid.uuid4())
        try:
            await tx.add_sync(dict(
                id=sync_id, tenant_id=who.tenant_id, legal_entity_id=entity.id, mode=valid.mode,
                sync_from=valid.sync_from, po_receiving_from=valid.po_receiving_from, requested_at=now,
                requested_by=who.user_id,
            ))
        except ActiveSyncExists:
            raise SyncAlreadyRunning(await tx.active_sync(entity.id) or "unknown") from None
        event = SyncRef(who.tenant_id, entity.id, sync_id, entity.erp).envelope(str(uuid.uuid4()), now)
        event.update(legal_entity_name=entity.name, mode=valid.mode, sync_from=valid.sync_from,
                     po_receiving_from=valid.po_receiving_from, requested_by=who.user_id, trigger=valid.trigger)
        payload, headers = codec.encode(SYNC_REQUESTED, event)
        await tx.enqueue(topic, entity.id, SYNC_REQUESTED, payload, headers, now)
        if idempotency_key:
            await tx.put_idempotent(who.tenant_id, idempotency_key, fingerprint, sync_id, now)
    return sync_id, True


async def on_sync_event(store: SqlCommandStore, event_type: str, payload: dict[str, Any]) -> None:
    """Follow syncs from the event stream so that a finished sync frees its legal entity (idempotent)."""
    async with store.transaction() as tx:
        if event_type == SYNC_STARTED:
            await tx.mark_running(payload["sync_id"])
        elif event_type == SYNC_COMPLETED:
            status = "succeeded" if payload["status"] == "SUCCEEDED" else "failed"
            await tx.finish_sync(payload["sync_id"], status, payload["occurred_at"])
