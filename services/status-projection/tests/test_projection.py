"""The read model on SQLite: idempotent application, status order, deletions after full syncs only."""
from datetime import date, datetime, timedelta, timezone

import pytest

from smartsync_core.db import create_tables, make_engine
from smartsync_core.events import SyncRef, stable_event_id
from smartsync_core.messaging import ConsumedEvent
from status_projection.adapters.views import ViewReader, metadata
from status_projection.handlers import apply_batch

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
async def engine(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/sp.db")
    await create_tables(engine, metadata)
    yield engine
    await engine.dispose()


class Events:
    def __init__(self, sync_id, mode="FULL", tenant="t-1", entity="le-1"):
        self.ref = SyncRef(tenant, entity, sync_id, "intacct")
        self.mode = mode
        self.offset = 0

    def _e(self, kind, payload, eid):
        self.offset += 1
        return ConsumedEvent(kind, {**self.ref.envelope(eid, T0 + timedelta(seconds=self.offset)), **payload},
                             "topic", 0, self.offset)

    def requested(self):
        return self._e("SyncRequested", {"legal_entity_name": "Acme", "mode": self.mode, "sync_from": date(2026, 11, 1),
                                         "po_receiving_from": None, "requested_by": "u", "trigger": "user"},
                       stable_event_id(self.ref.sync_id, "req"))

    def started(self):
        return self._e("SyncStarted", {"mode": self.mode, "object_types": ["vendor"]},
                       stable_event_id(self.ref.sync_id, "started"))

    def records(self, seq, ids, status="ACTIVE"):
        recs = [{"external_id": i, "code": f"V{i}", "name": f"Vendor {i}", "status": status, "modified_at": T0,
                 "fields": {"X": "1"}} for i in ids]
        return self._e("RecordsSynced", {"object_type": "vendor", "batch_seq": seq, "records": recs},
                       stable_event_id(self.ref.sync_id, "records", "vendor", seq))

    def log(self, msg):
        return self._e("SyncLogged", {"level": "INFO", "object_type": None, "message": msg},
                       stable_event_id(self.ref.sync_id, "log", msg))

    def completed(self, n, status="SUCCEEDED", object_status="SUCCEEDED"):
        return self._e("SyncCompleted", {"mode": self.mode, "status": status, "error": None, "started_at": T0,
                                         "objects": [{"object_type": "vendor", "status": object_status, "records": n,
                                                      "error": None}]},
                       stable_event_id(self.ref.sync_id, "completed"))


async def test_given_a_full_sync_when_applied_twice_then_views_are_the_same(engine):
    ev = Events("s-1")
    batch = [ev.requested(), ev.started(), ev.records(0, ["1", "2"]), ev.records(1, ["3"]), ev.log("hi"),
             ev.completed(3)]
    assert await apply_batch(engine, batch) == 6
    assert await apply_batch(engine, batch) == 0  # replay after a crash before the offset commit
    reader = ViewReader(engine)
    sync = await reader.sync("t-1", "s-1")
    assert sync["status"] == "succeeded" and sync["objects"][0]["records"] == 3
    assert len(await reader.records("t-1", "le-1", "vendor", None, 100, False)) == 3
    logs = await reader.logs("t-1", "s-1")
    assert [line["message"] for line in logs].count("hi") == 1
    [row] = await reader.overview("t-1")
    assert row["record_counts"] == {"vendor": 3} and row["last_sync"]["status"] == "succeeded"
    assert row["last_success_at"] is not None


async def test_given_a_later_full_sync_without_a_record_then_it_is_marked_deleted(engine):
    a, b = Events("s-1"), Events("s-2")
    await apply_batch(engine, [a.requested(), a.records(0, ["1", "2", "3"]), a.completed(3)])
    await apply_batch(engine, [b.requested(), b.records(0, ["1", "3"]), b.completed(2)])
    reader = ViewReader(engine)
    live = await reader.records("t-1", "le-1", "vendor", None, 100, False)
    every = await reader.records("t-1", "le-1", "vendor", None, 100, True)
    assert [r["external_id"] for r in live] == ["1", "3"]
    assert {r["external_id"]: r["status"] for r in every}["2"] == "deleted"
    assert (await reader.sync("t-1", "s-2"))["objects"][0]["deleted"] == 1


async def test_given_a_partial_sync_then_absent_records_are_not_deleted(engine):
    a, b = Events("s-1"), Events("s-2", mode="PARTIAL")
    await apply_batch(engine, [a.requested(), a.records(0, ["1", "2"]), a.completed(2)])
    await apply_batch(engine, [b.requested(), b.records(0, ["2"]), b.completed(1)])
    live = await ViewReader(engine).records("t-1", "le-1", "vendor", None, 100, False)
    assert [r["external_id"] for r in live] == ["1", "2"]


async def test_given_a_full_sync_whose_object_failed_then_nothing_of_it_is_deleted(engine):
    a, b = Events("s-1"), Events("s-2")
    await apply_batch(engine, [a.requested(), a.records(0, ["1", "2"]), a.completed(2)])
    await apply_batch(engine, [b.requested(), b.records(0, ["1"]), b.completed(1, "FAILED", "FAILED")])
    live = await ViewReader(engine).records("t-1", "le-1", "vendor", None, 100, False)
    assert len(live) == 2


async def test_given_a_late_started_event_then_a_finished_sync_stays_finished(engine):
    ev = Events("s-1")
    started = ev.started()
    await apply_batch(engine, [ev.requested(), ev.completed(0)])
    await apply_batch(engine, [started])
    assert (await ViewReader(engine).sync("t-1", "s-1"))["status"] == "succeeded"


async def test_given_two_tenants_then_neither_sees_the_other(engine):
    a, b = Events("s-1", tenant="t-1", entity="le-1"), Events("s-2", tenant="t-2", entity="le-2")
    await apply_batch(engine, [a.requested(), a.records(0, ["1"]), b.requested(), b.records(0, ["9"])])
    reader = ViewReader(engine)
    assert [e["legal_entity_id"] for e in await reader.overview("t-1")] == ["le-1"]
    assert await reader.sync("t-1", "s-2") is None
    assert await reader.records("t-1", "le-2", "vendor", None, 100, False) == []


async def test_given_many_records_when_paged_then_every_record_once(engine):
    ev = Events("s-1")
    await apply_batch(engine, [ev.requested(), ev.records(0, [f"{i:04d}" for i in range(25)])])
    reader = ViewReader(engine)
    seen, after = [], None
    while True:
        page = await reader.records("t-1", "le-1", "vendor", after, 10, False)
        seen += [r["external_id"] for r in page]
        if len(page) < 10:
            break
        after = page[-1]["external_id"]
    assert seen == [f"{i:04d}" for i in range(25)]


async def test_given_an_erp_reported_deletion_then_the_record_keeps_its_data_and_is_deleted(engine):
    a, b = Events("s-1"), Events("s-2", mode="PARTIAL")
    await apply_batch(engine, [a.requested(), a.records(0, ["1", "2"]), a.completed(2)])
    gone = b.records(0, ["2"], status="DELETED")
    for r in gone.payload["records"]:
        r.update(code=None, name=None, fields={})
    await apply_batch(engine, [b.requested(), gone, b.completed(1)])
    reader = ViewReader(engine)
    every = {r["external_id"]: r for r in await reader.records("t-1", "le-1", "vendor", None, 100, True)}
    assert every["2"]["status"] == "deleted" and every["2"]["name"] == "Vendor 2" and every["2"]["deleted_at"]
    assert [r["external_id"] for r in await reader.records("t-1", "le-1", "vendor", None, 100, False)] == ["1"]
