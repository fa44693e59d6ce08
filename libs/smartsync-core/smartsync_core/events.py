"""Event names, envelopes and deterministic event ids (pure: no I/O)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

SYNC_REQUESTED = "SyncRequested"
SYNC_STARTED = "SyncStarted"
RECORDS_SYNCED = "RecordsSynced"
SYNC_LOGGED = "SyncLogged"
SYNC_COMPLETED = "SyncCompleted"

_NAMESPACE = uuid.UUID("6f1c2b1e-6a43-4c8e-9a4e-2f9f3f0b7a10")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def stable_event_id(*parts: Any) -> str:
    """An id that is the same every time the same fact is emitted again (after a crash or a retry)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


@dataclass(frozen=True)
class SyncRef:
    """Who and what a sync is about; every event about the sync carries it."""

    tenant_id: str
    legal_entity_id: str
    sync_id: str
    erp: str

    def envelope(self, event_id: str, occurred_at: datetime | None = None) -> dict[str, Any]:
        return {
            "event_id": event_id,
            "occurred_at": occurred_at or utcnow(),
            "tenant_id": self.tenant_id,
            "legal_entity_id": self.legal_entity_id,
            "sync_id": self.sync_id,
            "erp": self.erp,
        }

    @classmethod
    def of(cls, event: dict[str, Any]) -> "SyncRef":
        return cls(event["tenant_id"], event["legal_entity_id"], event["sync_id"], event["erp"])


@dataclass(frozen=True)
class Envelope:
    """An event ready for the bus: its type, its partition key and its payload."""

    event_type: str
    key: str
    payload: dict[str, Any]
