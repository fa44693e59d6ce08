"""Benchmark: the status projection alone — 100,000 records in 200 RecordsSynced events applied to PostgreSQL in
batches of 20 events, as its consumer applies them. Prints records/s; asserts nothing.

Usage: python bench/projection_only.py
"""
import asyncio
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from smartsync_devtools.postgres import EmbeddedPostgres
from smartsync_core.db import create_tables, make_engine
from smartsync_core.events import SyncRef, stable_event_id
from smartsync_core.messaging import ConsumedEvent
from status_projection.adapters.views import metadata
from status_projection.handlers import apply_batch

async def main(url):
    engine = make_engine(url); await create_tables(engine, metadata)
    ref = SyncRef("t","le","s","intacct"); now = datetime.now(timezone.utc)
    evs = []
    for seq in range(200):
        recs = [{"external_id": str(seq*500+i), "code": f"V{i}", "name": f"Vendor {i}", "status": "ACTIVE", "modified_at": now,
                 "fields": {f"F{k}": f"value-{i}-{k}" for k in range(9)}} for i in range(500)]
        p = {**ref.envelope(stable_event_id("p", seq), now), "object_type": "vendor", "batch_seq": seq, "records": recs}
        evs.append(ConsumedEvent("RecordsSynced", p, "t", 0, seq))
    t = time.perf_counter()
    for i in range(0, 200, 20):
        await apply_batch(engine, evs[i:i+20])
    dt = time.perf_counter() - t
    print(f"projection: {100000/dt:,.0f} records/s ({dt:.1f}s)")
    await engine.dispose()


if __name__ == "__main__":
    pg = EmbeddedPostgres(Path(tempfile.mkdtemp(prefix="smartsync-proj-"))).start()
    try:
        asyncio.run(main(pg.create_database("prof")))
    finally:
        pg.stop()
