"""Nothing lost, nothing doubled: crashes of the connector worker and of the broker in the middle of a sync."""
import asyncio
import time

import pytest

from smartsync_core.codec import EventCodec
from smartsync_core.settings import REPO_ROOT, CommonSettings

from .helpers import StackClient

pytestmark = pytest.mark.integration

PER_OBJECT = 1500  # 18 object types: 27,000 records


def records_so_far(c: StackClient, sync_id: str) -> int:
    r = c.status.get(f"/v1/syncs/{sync_id}")
    return sum(o["records"] for o in r.json()["objects"]) if r.status_code == 200 else 0


def wait_until(predicate, timeout=120, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(what)


async def completed_events(bootstrap: str, topic: str, sync_id: str) -> list[str]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    codec = EventCodec(REPO_ROOT / "schemas")
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    ids = []
    try:
        partitions = [TopicPartition(topic, p) for p in range(CommonSettings().topic_partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)

        async def behind() -> bool:
            return any([await consumer.position(tp) < off for tp, off in end.items()])

        while await behind():
            for msgs in (await consumer.getmany(timeout_ms=1000)).values():
                for m in msgs:
                    kind, payload = codec.decode(m.headers, m.value)
                    if kind == "SyncCompleted" and payload["sync_id"] == sync_id:
                        ids.append(payload["event_id"])
    finally:
        try:
            await consumer.stop()
        except asyncio.CancelledError:  # aiokafka's group-less consumer cancels its own commit routine on stop
            pass
    return ids


def assert_exact(c: StackClient, entity_id: str, sync: dict) -> None:
    assert sync["status"] == "succeeded", sync
    assert {o["records"] for o in sync["objects"]} == {PER_OBJECT}, "a record was lost or counted twice"
    for object_type, obj in (("vendor", "VENDOR"), ("gl_account", "GLACCOUNT"), ("dimension", "PRODUCTLINE")):
        got = [r["external_id"] for r in c.catalog(entity_id, object_type)]
        assert len(got) == len(set(got)) == PER_OBJECT
        if object_type != "dimension":
            assert set(got) == {r["RECORDNO"] for r in c.sandbox_records(obj)}
    summaries = [m for m in c.logs(sync["sync_id"]) if m.startswith("Sync succeeded")]
    assert summaries == [f"Sync succeeded: {PER_OBJECT * 18} record(s) across 18 object type(s)."]


def test_given_a_large_sync_when_the_worker_is_sigkilled_then_it_completes_once_and_exactly(make_stack):
    stack = make_stack(records_per_object=PER_OBJECT, intacct_pagesize=250)
    c = StackClient(stack)
    entity_id = c.register_intacct()
    sync_id = c.request_sync(entity_id, mode="full")
    wait_until(lambda: records_so_far(c, sync_id) > 4000, what="the sync to get going")
    stack.procs["erp-intacct"].kill()
    killed_at = records_so_far(c, sync_id)
    assert killed_at < PER_OBJECT * 18, "the sync finished before the kill: make it larger"
    stack.start_worker()
    sync = stack.wait_for_sync(sync_id, timeout=300)
    assert_exact(c, entity_id, sync)
    assert any("Resuming the sync" in m for m in c.logs(sync_id))
    completed = asyncio.run(completed_events(stack.bootstrap_servers, f"{stack.cfg.topic_prefix}.sync-events", sync_id))
    assert len(set(completed)) == 1


def test_given_the_broker_down_when_a_sync_is_requested_and_it_crashes_mid_sync_then_nothing_is_lost(make_stack, kafka):
    stack = make_stack(records_per_object=PER_OBJECT, intacct_pagesize=250)
    c = StackClient(stack)
    entity_id = c.register_intacct()
    kafka.kill()
    try:
        sync_id = c.request_sync(entity_id, mode="full")  # accepted into the outbox while Kafka is down
        time.sleep(2)
    finally:
        kafka.restart()
    wait_until(lambda: records_so_far(c, sync_id) > 4000, timeout=180, what="the sync to start after the outage")
    kafka.kill()  # and the broker dies in the middle of the sync
    time.sleep(3)
    kafka.restart()
    sync = stack.wait_for_sync(sync_id, timeout=400)
    assert_exact(c, entity_id, sync)
