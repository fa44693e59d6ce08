"""Benchmark: a full Intacct sync of N records through the running stack on real Kafka and PostgreSQL, beside the
bare baseline — the same records (the sandbox's seeded company, mapped as the connector maps them), Avro-encoded in
the same batches, through aiokafka produce → consume → batched SQL upsert — in the same run.

Prints records/s for both and the ratio (stack time / baseline time). Asserts nothing.
Usage: python bench/full_sync.py [N ...]   (default: 10000 100000)
"""
from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import httpx

from erp_intacct.domain.objects import OBJECTS
from intacct_sandbox.app import SandboxConfig
from intacct_sandbox.data import Company, seed_company
from smartsync_core.codec import EventCodec
from smartsync_core.events import RECORDS_SYNCED, SyncRef, stable_event_id
from smartsync_core.settings import REPO_ROOT
from smartsync_devtools.kafka import KafkaKRaft
from smartsync_devtools.postgres import EmbeddedPostgres
from smartsync_devtools.stack import SERVICES, Stack, StackConfig

OBJECT_TYPES = 18
BATCH = 500


def run_stack(n: int, kafka: KafkaKRaft, pg: EmbeddedPostgres, workdir: Path) -> tuple[float, int]:
    per_object = max(1, n // OBJECT_TYPES)
    cfg = StackConfig(workdir=workdir / f"stack-{n}", kafka_bootstrap_servers=kafka.bootstrap_servers,
                      database_urls={s: pg.create_database(f"{s}_{n}_{uuid.uuid4().hex[:6]}") for s in SERVICES},
                      topic_prefix=f"bench{n}", sandbox_records_per_object=per_object, connectors=("intacct",),
                      extra_env={"INTACCT_PAGESIZE": "2000"})
    stack = Stack(cfg).start()
    try:
        h = stack.headers()
        r = httpx.post(f"{stack.sync_command_url}/v1/legal-entities", headers=h, json={
            "name": "Bench", "erp": "intacct", "connection": {
                "company_id": "acme", "user_id": "beanworks", "user_password": "user-secret",
                "sender_id": "smartsync_dev", "sender_password": "sender-secret", "gateway_url": stack.intacct_gateway}})
        entity = r.json()["id"]
        t0 = time.perf_counter()
        sync_id = httpx.post(f"{stack.sync_command_url}/v1/legal-entities/{entity}/syncs", headers=h,
                             json={"mode": "full"}).json()["sync_id"]
        while True:
            s = httpx.get(f"{stack.status_url}/v1/syncs/{sync_id}", headers=h).json()
            if s.get("status") in ("succeeded", "failed"):
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - t0
        assert s["status"] == "succeeded", s
        return elapsed, sum(o["records"] for o in s["objects"])
    finally:
        stack.stop()


async def run_baseline(n: int, kafka: KafkaKRaft, pg: EmbeddedPostgres) -> float:
    """The floor: encode the same RecordsSynced events, produce, consume, decode, upsert in batches."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    codec = EventCodec(REPO_ROOT / "schemas")
    ref = SyncRef("t", "le", "s", "intacct")
    now = datetime.now(timezone.utc)
    # The very records the stack syncs: the sandbox's seeded company, mapped as the connector maps them.
    company = Company("acme", {}, set(), set(), ["PRODUCTLINE"])
    seed_company(company, max(1, n // OBJECT_TYPES), SandboxConfig().seed)
    events = []
    for obj in OBJECTS:
        rows = [obj.to_record({f: r.get(f) for f in obj.select()})
                for r in company.records.get(obj.intacct_object, {}).values()]
        for seq, start in enumerate(range(0, len(rows), BATCH)):
            p = ref.envelope(stable_event_id("bench", obj.object_type, seq), now)
            p.update(object_type=obj.object_type, batch_seq=seq,
                     records=[r.to_event() for r in rows[start:start + BATCH]])
            events.append(p)
    n = sum(len(e["records"]) for e in events)
    engine = create_async_engine(pg.create_database(f"baseline_{n}_{uuid.uuid4().hex[:6]}"))
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE rec (object_type text, id text, code text, name text, status text, "
                                "modified_at timestamptz, fields text, PRIMARY KEY (object_type, id))"))
    topic = f"baseline-{n}-{uuid.uuid4().hex[:6]}"
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all", linger_ms=5,
                                max_request_size=8 * 1024 * 1024)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka.bootstrap_servers, group_id=topic,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    upsert = text("INSERT INTO rec VALUES (:object_type, :id, :code, :name, :status, :modified_at, :fields) "
                  "ON CONFLICT (object_type, id) DO "
                  "UPDATE SET code=excluded.code, name=excluded.name, status=excluded.status, "
                  "modified_at=excluded.modified_at, fields=excluded.fields")
    t0 = time.perf_counter()

    async def produce():
        for e in events:
            value, headers = codec.encode(RECORDS_SYNCED, e)
            await (await producer.send(topic, value, key=b"le", headers=headers))

    async def consume():
        done = 0
        while done < n:
            for msgs in (await consumer.getmany(timeout_ms=500, max_records=200)).values():
                async with engine.begin() as conn:
                    for m in msgs:
                        _, e = codec.decode(m.headers, m.value)
                        await conn.execute(upsert, [{"object_type": e["object_type"], "id": r["external_id"],
                                                     "code": r["code"], "name": r["name"],
                                                     "status": r["status"], "modified_at": r["modified_at"],
                                                     "fields": json.dumps(r["fields"])} for r in e["records"]])
                        done += len(e["records"])
                await consumer.commit()

    await asyncio.gather(produce(), consume())
    elapsed = time.perf_counter() - t0
    await producer.stop()
    await consumer.stop()
    await engine.dispose()
    return elapsed, n


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    work = Path(tempfile.mkdtemp(prefix="smartsync-bench-"))
    kafka = KafkaKRaft(work / "kafka").start()
    pg = EmbeddedPostgres(work / "pg").start()
    rows = []
    try:
        for n in sizes:
            base, base_n = asyncio.run(run_baseline(n, kafka, pg))
            stack_s, synced = run_stack(n, kafka, pg, work)
            rows.append((base_n, synced, stack_s, base))
            print(f"n={n}: stack {synced / stack_s:,.0f} rec/s ({stack_s:.1f}s), baseline {base_n / base:,.0f} rec/s "
                  f"({base:.1f}s)", flush=True)
    finally:
        pg.stop()
        kafka.stop()
    print("\nFull Intacct sync through the stack vs. bare aiokafka→PostgreSQL (Kafka 4.1 KRaft, PostgreSQL 18, 2 cores)")
    print(f"{'records':>9} {'stack rec/s':>12} {'baseline rec/s':>15} {'stack s':>8} {'baseline s':>11} {'ratio':>6}")
    for n, synced, s, b in rows:
        print(f"{synced:>9,} {synced / s:>12,.0f} {n / b:>15,.0f} {s:>8.1f} {b:>11.1f} {s / b:>5.1f}x")


if __name__ == "__main__":
    main()
