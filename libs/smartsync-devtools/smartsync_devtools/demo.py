"""The main job: start the whole stack on embedded defaults, sync one legal entity on each cloud ERP (Sage
Intacct, QuickBooks Online, NetSuite), then a partial and a full Intacct sync after changes in the ERP, and print
the Sync Status Overview.

`python -m smartsync_devtools.demo` (what `make demo` runs).
"""
from __future__ import annotations

import os
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import httpx

from .procs import REPO_ROOT
from .stack import Stack, StackConfig


def _print_sync(title: str, sync: dict) -> None:
    print(f"\n{title}: {sync['status'].upper()}  (mode {sync['mode']}, sync {sync['sync_id'][:8]})")
    for o in sync["objects"]:
        extra = f", {o['deleted']} deleted" if o.get("deleted") else ""
        print(f"  {o['object_type']:<20} {o['status']:<10} {o['records']:>6} record(s){extra}")


def print_overview(overview: dict) -> None:
    print("\nSync Status Overview")
    print(f"{'Legal entity':<24} {'ERP':<10} {'Last sync':<10} {'When (UTC)':<20} {'Last success':<20} Records")
    for e in overview["legal_entities"]:
        last = e["last_sync"] or {}
        when = (last.get("at") or "")[:19].replace("T", " ")
        ok = (e["last_success_at"] or "")[:19].replace("T", " ")
        total = sum(e["record_counts"].values())
        print(f"{e['name']:<24} {e['erp']:<10} {str(last.get('status')):<10} {when:<20} {ok:<20} {total}")
        print("    " + ", ".join(f"{k} {v}" for k, v in e["record_counts"].items()))


def run(stack: Stack) -> int:
    h = stack.headers()
    api = httpx.Client(base_url=stack.sync_command_url, headers=h, timeout=30)
    status = httpx.Client(base_url=stack.status_url, headers=h, timeout=30)
    names = {"intacct": "Acme Corp (Intacct)", "qbo": "Acme Bakery (QBO)", "netsuite": "Acme Global (NetSuite)"}
    entities = {}
    for erp in stack.cfg.connectors:
        r = api.post("/v1/legal-entities", json={"name": names[erp], "erp": erp,
                                                 "connection": stack.sandbox_connection(erp)})
        r.raise_for_status()
        entities[erp] = r.json()["id"]
        print(f"Registered {names[erp]} ({r.json()['erp_name']}, sandbox at {stack.sandbox_url(erp)})")

    # Sync All: every entity at once, each on its own connector
    requested = {erp: api.post(f"/v1/legal-entities/{eid}/syncs", json={"mode": "full"}) for erp, eid in entities.items()}
    results = []
    for erp, r in requested.items():
        r.raise_for_status()
        sync = stack.wait_for_sync(r.json()["sync_id"])
        results.append(sync)
        _print_sync(f"Full sync of {names[erp]}", sync)

    if "intacct" in entities:
        entity_id = entities["intacct"]
        sb = httpx.Client(base_url=f"{stack.sandbox_url('intacct')}/_sandbox/companies/acme/objects", timeout=10)
        vendors = sb.get("/VENDOR/records").json()
        sb.post("/VENDOR/records", json={"fields": {"NAME": "Brand New Supplies Ltd"}}).raise_for_status()
        sb.patch(f"/VENDOR/records/{vendors[0]['RECORDNO']}", json={"fields": {"NAME": "Renamed Vendor Inc"}}).raise_for_status()
        sb.delete(f"/VENDOR/records/{vendors[1]['RECORDNO']}").raise_for_status()
        print("\nIn Sage Intacct: 1 vendor added, 1 renamed, 1 deleted.")
        today = datetime.now(timezone.utc).date().isoformat()
        r = api.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "partial", "sync_from": today})
        r.raise_for_status()
        partial = stack.wait_for_sync(r.json()["sync_id"])
        _print_sync(f"Partial sync from {today}", partial)
        r = api.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"})
        r.raise_for_status()
        full2 = stack.wait_for_sync(r.json()["sync_id"])
        _print_sync("Full sync (detects deletions)", full2)
        results += [partial, full2]
        print("\nLog of the partial sync (object types with nothing to do left out):")
        for line in status.get(f"/v1/syncs/{partial['sync_id']}/logs").json()["entries"]:
            if line["message"].startswith("Reading ") or ": 0 record(s) synced." in line["message"]:
                continue
            print(f"  {line['at'][11:19]} {line['level']:<7} {line['message']}")
    print_overview(status.get("/v1/overview").json())
    return 0 if all(s["status"] == "succeeded" for s in results) else 1


def main() -> None:
    workdir = Path(os.environ.get("SMARTSYNC_WORKDIR", REPO_ROOT / "var" / "demo"))
    if "SMARTSYNC_WORKDIR" not in os.environ and workdir.exists():
        shutil.rmtree(workdir)  # a fresh demo every time: the embedded broker is memory-only anyway
    cfg = StackConfig.from_env(workdir)
    cfg.sync_command_port = cfg.status_port = None  # free ports: never clash with a running stack
    cfg.sandbox_ports = {}
    stack = Stack(cfg)
    print("Starting SmartSync (broker: %s, databases: %s)…" % (
        cfg.kafka_bootstrap_servers or "embedded Tansu", "from DATABASE_URL" if cfg.database_urls else "SQLite"))
    code = 1
    try:
        stack.start()
        code = run(stack)
    except Exception as exc:
        print(f"demo failed: {exc}\n{stack.diagnostics()}", file=sys.stderr)
    finally:
        stack.stop()
    sys.exit(code)


if __name__ == "__main__":
    main()
