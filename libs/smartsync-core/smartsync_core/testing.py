"""Fakes of the shared ports, for fast tests of handlers (each subclasses the port it fakes)."""
from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from .connector.model import SyncState
from .connector.ports import ConnectionProvider, StateStore
from .events import Envelope
from .messaging import EventPublisher


class InMemoryPublisher(EventPublisher):
    """Keeps what it was given; `fail_after` makes the Nth publish call fail, like a broker going away."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Envelope]] = []
        self.fail_next = 0
        self.fail_after: int | None = None
        self.calls = 0

    async def publish(self, topic: str, envelopes: Sequence[Envelope]) -> None:
        self.calls += 1
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("broker unavailable (test)")
        if self.fail_after is not None and self.calls > self.fail_after:
            raise ConnectionError("broker went away (test)")
        self.sent.extend((topic, e) for e in envelopes)

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        return [e.payload for _, e in self.sent if e.event_type == event_type]

    def records(self, object_type: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
        """The latest published version of each record, by (object type, external id)."""
        out = {}
        for e in self.of_type("RecordsSynced"):
            if object_type in (None, e["object_type"]):
                for r in e["records"]:
                    out[(e["object_type"], r["external_id"])] = r
        return out

    def completed(self) -> list[dict[str, Any]]:
        return self.of_type("SyncCompleted")

    def log_text(self) -> str:
        return "\n".join(e["message"] for e in self.of_type("SyncLogged"))


class InMemoryStateStore(StateStore):
    def __init__(self) -> None:
        self.states: dict[str, SyncState] = {}

    async def load(self, sync_id: str) -> SyncState | None:
        s = self.states.get(sync_id)
        return copy.deepcopy(s) if s else None

    async def save(self, state: SyncState) -> None:
        self.states[state.sync_id] = copy.deepcopy(state)


class StaticConnections(ConnectionProvider):
    def __init__(self, by_entity: dict[str, dict[str, Any]]):
        self.by_entity = by_entity

    async def get(self, tenant_id: str, legal_entity_id: str) -> dict[str, Any]:
        if legal_entity_id not in self.by_entity:
            raise LookupError(legal_entity_id)
        return {"erp": "test", "settings": dict(self.by_entity[legal_entity_id])}

    async def update(self, tenant_id: str, legal_entity_id: str, changes: dict[str, Any]) -> None:
        self.by_entity[legal_entity_id] = {**self.by_entity[legal_entity_id], **changes}


class SyncHarness:
    """A SyncRunner over in-memory fakes of the ports, for a connector's tests against its in-process sandbox."""

    def __init__(self, *, erp: str, erp_label: str, object_types: list[str], sources, connection: dict[str, Any],
                 batch_size: int = 4):
        from datetime import datetime, timezone

        from .connector.runner import SyncRunner
        from .metrics import Metrics

        self.erp = erp
        self._now = lambda: datetime.now(timezone.utc)
        self.publisher = InMemoryPublisher()
        self.state = InMemoryStateStore()
        self.connections = StaticConnections({"le-1": connection})
        self.runner = SyncRunner(erp=erp, erp_label=erp_label, object_types=object_types, sources=sources,
                                 connections=self.connections, state=self.state, publisher=self.publisher,
                                 topic="events", metrics=Metrics.create(), batch_size=batch_size)

    def request(self, sync_id: str = "s-1", mode: str = "FULL", sync_from=None):
        from .connector.model import SyncRequest
        from .events import SyncRef

        return SyncRequest(SyncRef("t-1", "le-1", sync_id, self.erp), "Acme", mode, sync_from, None, self._now())

    def records(self, object_type: str | None = None):
        return self.publisher.records(object_type)

    def completed(self):
        return self.publisher.completed()

    def log_text(self) -> str:
        return self.publisher.log_text()

    async def crash_then_rerun(self, fail_after: int) -> dict[str, Any]:
        """The broker goes away after `fail_after` publishes; then the redelivered request runs again."""
        self.publisher.fail_after = fail_after
        try:
            await self.runner.run(self.request())
        except ConnectionError:
            pass
        assert not self.completed(), "the sync finished before the crash"
        self.publisher.fail_after = None
        await self.runner.run(self.request())
        [done] = self.completed()
        return done
