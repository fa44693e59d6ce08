"""Runs one sync for any ERP: stream by stream, page by page, publish, then checkpoint.

Order of effects per page: publish the page's RecordsSynced events (acked by the broker), then save the
checkpoint. A crash between the two re-reads that page after restart and re-sends the same batches with the
same event ids, which consumers drop: nothing lost, nothing doubled.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, time as dtime, timedelta, timezone
from typing import Any

from ..events import (
    RECORDS_SYNCED,
    SYNC_COMPLETED,
    SYNC_LOGGED,
    SYNC_STARTED,
    Envelope,
    stable_event_id,
    utcnow,
)
from ..messaging import EventPublisher
from ..metrics import Metrics
from .model import DONE, FAILED, RUNNING, SKIPPED, SyncRequest, SyncState
from .ports import BadSourceData, ConnectionProvider, ObjectNotPermitted, SourceError, SourceFactory, StateStore

log = logging.getLogger(__name__)


def partial_since(request: SyncRequest, overlap: timedelta) -> datetime | None:
    """The cursor lower bound: the Sync From date at 00:00 UTC, widened by the ERP's clock/granularity overlap."""
    if not request.is_partial or request.sync_from is None:
        return None
    return datetime.combine(request.sync_from, dtime.min, tzinfo=timezone.utc) - overlap


class SyncRunner:
    def __init__(
        self,
        *,
        erp: str,
        erp_label: str,
        object_types: list[str],
        sources: SourceFactory,
        connections: ConnectionProvider,
        state: StateStore,
        publisher: EventPublisher,
        topic: str,
        metrics: Metrics,
        batch_size: int = 500,
        cursor_overlap: timedelta = timedelta(0),
    ):
        self.erp = erp
        self.erp_label = erp_label
        self.object_types = object_types
        self.sources = sources
        self.connections = connections
        self.state = state
        self.publisher = publisher
        self.topic = topic
        self.metrics = metrics
        self.batch_size = batch_size
        self.cursor_overlap = cursor_overlap

    async def _emit(self, request: SyncRequest, event_type: str, payloads: list[dict[str, Any]]) -> None:
        await self.publisher.publish(
            self.topic, [Envelope(event_type, request.ref.legal_entity_id, p) for p in payloads]
        )

    async def _log(self, request: SyncRequest, level: str, message: str, object_type: str | None = None,
                   event_id: str | None = None) -> None:
        payload = request.ref.envelope(event_id or str(uuid.uuid4()))
        payload.update(level=level, object_type=object_type, message=message)
        await self._emit(request, SYNC_LOGGED, [payload])

    async def run(self, request: SyncRequest) -> None:
        sync_id = request.ref.sync_id
        state = await self.state.load(sync_id)
        if state is not None and state.completed:
            # Redelivered after we finished but before the offset commit: say it again, same event id.
            await self._complete(request, state)
            return
        resumed = state is not None
        if state is None:
            state = SyncState.new(sync_id, utcnow(), list(self.object_types))
            await self.state.save(state)
        # A resumption is a new fact (new id); the first start is the same fact however often it is re-sent.
        started = request.ref.envelope(str(uuid.uuid4()) if resumed else stable_event_id(sync_id, "started"))
        started.update(mode=request.mode, object_types=list(state.streams))
        await self._emit(request, SYNC_STARTED, [started])
        since = partial_since(request, self.cursor_overlap)
        if resumed:
            await self._log(request, "INFO", "Resuming the sync after an interruption; records already read are kept.")
        else:
            what = f"changes since {request.sync_from.isoformat()}" if since else "all records"
            await self._log(request, "INFO", f"{request.mode.title()} sync of {request.legal_entity_name} "
                            f"from {self.erp_label} started: {what}.", event_id=stable_event_id(sync_id, "log", "begin"))
        source = None
        try:
            connection = await self.connections.get(request.ref.tenant_id, request.ref.legal_entity_id)
            ref = request.ref

            async def save(changes: dict[str, Any]) -> None:
                await self.connections.update(ref.tenant_id, ref.legal_entity_id, changes)

            source = self.sources.create(connection, save)
            await source.check()
            if since is not None and source.partial_sync_note:
                await self._log(request, "INFO", source.partial_sync_note,
                                event_id=stable_event_id(sync_id, "log", "partial-note"))
            streams = {s.object_type: s for s in source.streams(request)}
            for object_type, st in state.streams.items():
                if st.status in (DONE, FAILED, SKIPPED):
                    continue
                stream = streams.get(object_type)
                if stream is None:
                    st.status = SKIPPED
                    await self.state.save(state)
                    continue
                await self._read_stream(request, state, stream, since)
        except SourceError as exc:  # refused credentials, an ERP that stayed down, an unusable answer
            await self._fail(request, state, exc.message)
        except LookupError as exc:
            await self._fail(request, state, f"No {self.erp_label} connection is set up for this legal entity ({exc}).")
        finally:
            if source is not None:
                await source.close()
        if not state.completed:
            failed = [s.object_type for s in state.streams.values() if s.status == FAILED]
            state.completed = True
            if failed:
                state.outcome = "FAILED"
                state.error = f"{len(failed)} object type(s) could not be synced: {', '.join(failed)}. See the log."
            else:
                state.outcome = "SUCCEEDED"
            await self.state.save(state)
        await self._complete(request, state)

    async def _read_stream(self, request: SyncRequest, state: SyncState, stream, since) -> None:
        st = state.streams[stream.object_type]
        sync_id = request.ref.sync_id
        if st.status != RUNNING:
            st.status = RUNNING
            await self.state.save(state)
            await self._log(request, "INFO", f"Reading {stream.object_type} records.", stream.object_type,
                            event_id=stable_event_id(sync_id, "log", stream.object_type, "begin"))
        try:
            async for page in stream.read(since, st.resume_from):
                payloads = []
                for i in range(0, len(page.records), self.batch_size):
                    chunk = page.records[i : i + self.batch_size]
                    seq = st.next_batch_seq + len(payloads)
                    p = request.ref.envelope(stable_event_id(sync_id, "records", stream.object_type, seq))
                    p.update(object_type=stream.object_type, batch_seq=seq, records=[r.to_event() for r in chunk])
                    payloads.append(p)
                if payloads:
                    await self._emit(request, RECORDS_SYNCED, payloads)
                st.next_batch_seq += len(payloads)
                st.records += len(page.records)
                st.resume_from = page.resume_from
                await self.state.save(state)
                self.metrics.records.labels(self.erp, stream.object_type).inc(len(page.records))
        except (ObjectNotPermitted, BadSourceData) as exc:
            st.status, st.error = FAILED, exc.message
            await self.state.save(state)
            await self._log(request, "ERROR", exc.message, stream.object_type)
            return
        st.status = DONE
        await self.state.save(state)
        await self._log(request, "INFO", f"{stream.object_type}: {st.records} record(s) synced.", stream.object_type,
                        event_id=stable_event_id(sync_id, "log", stream.object_type, "done"))

    async def _fail(self, request: SyncRequest, state: SyncState, message: str) -> None:
        for st in state.streams.values():
            if st.status not in (DONE, FAILED):
                st.status = SKIPPED
        state.completed, state.outcome, state.error = True, "FAILED", message
        await self.state.save(state)
        await self._log(request, "ERROR", message, event_id=stable_event_id(request.ref.sync_id, "log", "failure"))

    async def _complete(self, request: SyncRequest, state: SyncState) -> None:
        p = request.ref.envelope(stable_event_id(request.ref.sync_id, "completed"))
        p.update(mode=request.mode, status=state.outcome, error=state.error, started_at=state.started_at,
                 objects=state.results())
        await self._emit(request, SYNC_COMPLETED, [p])
        self.metrics.syncs.labels(self.erp, state.outcome.lower()).inc()
        elapsed = (utcnow() - request.requested_at).total_seconds()
        self.metrics.sync_duration.labels(self.erp).observe(max(elapsed, 0))
