"""Pure data of a connector: the sync request, records, pages and the checkpointed sync state."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from ..events import SyncRef

ACTIVE, INACTIVE, DELETED = "ACTIVE", "INACTIVE", "DELETED"


@dataclass(frozen=True)
class SyncRequest:
    ref: SyncRef
    legal_entity_name: str
    mode: str  # FULL | PARTIAL
    sync_from: date | None
    po_receiving_from: date | None
    requested_at: datetime

    @classmethod
    def from_event(cls, e: dict[str, Any]) -> "SyncRequest":
        return cls(
            SyncRef.of(e), e["legal_entity_name"], e["mode"], e.get("sync_from"), e.get("po_receiving_from"),
            e["occurred_at"],
        )

    @property
    def is_partial(self) -> bool:
        return self.mode == "PARTIAL"


@dataclass(frozen=True)
class SyncedRecord:
    external_id: str
    status: str
    code: str | None = None
    name: str | None = None
    modified_at: datetime | None = None
    fields: dict[str, str | None] = field(default_factory=dict)

    def to_event(self) -> dict[str, Any]:
        return {
            "external_id": self.external_id,
            "code": self.code,
            "name": self.name,
            "status": self.status,
            "modified_at": self.modified_at,
            "fields": self.fields,
        }


@dataclass(frozen=True)
class Page:
    """Records read in one request, and the position to resume from after them (None: nothing more to read)."""

    records: list[SyncedRecord]
    resume_from: str | None


PENDING, RUNNING, DONE, FAILED, SKIPPED = "pending", "running", "done", "failed", "skipped"


@dataclass
class StreamState:
    object_type: str
    status: str = PENDING
    resume_from: str | None = None
    next_batch_seq: int = 0
    records: int = 0
    error: str | None = None


@dataclass
class SyncState:
    """What a connector has durably done for one sync; a restarted worker continues from here."""

    sync_id: str
    started_at: datetime
    streams: dict[str, StreamState]
    completed: bool = False
    outcome: str | None = None
    error: str | None = None

    @classmethod
    def new(cls, sync_id: str, started_at: datetime, object_types: list[str]) -> "SyncState":
        return cls(sync_id, started_at, {t: StreamState(t) for t in object_types})

    def to_json(self) -> str:
        d = asdict(self)
        d["started_at"] = self.started_at.isoformat()
        return json.dumps(d)

    @classmethod
    def from_json(cls, text: str) -> "SyncState":
        d = json.loads(text)
        streams = {k: StreamState(**v) for k, v in d.pop("streams").items()}
        d["started_at"] = datetime.fromisoformat(d["started_at"])
        return cls(streams=streams, **d)

    def results(self) -> list[dict[str, Any]]:
        outcome = {DONE: "SUCCEEDED", FAILED: "FAILED"}
        return [
            {"object_type": s.object_type, "status": outcome.get(s.status, "SKIPPED"), "records": s.records, "error": s.error}
            for s in self.streams.values()
        ]
