"""Pure rules of the read model: status names, which records a finished full sync proves deleted."""
from __future__ import annotations

from typing import Any

TERMINAL = {"succeeded", "failed"}
SYNC_ROLES = {
    "invoice_exporter", "invoice_administrator", "po_administrator", "payment_administrator", "system_administrator",
}


def sync_status(outcome: str) -> str:
    return "succeeded" if outcome == "SUCCEEDED" else "failed"


def may_advance(current: str | None, new: str) -> bool:
    """Statuses only move forward: requested → running → succeeded|failed (late or replayed events change nothing)."""
    order = {None: -1, "requested": 0, "running": 1, "succeeded": 2, "failed": 2}
    return order[new] > order.get(current, -1)


def deletion_scope(completed: dict[str, Any]) -> list[str]:
    """Object types whose absent records a completed sync proves deleted: only full reads that finished."""
    if completed["mode"] != "FULL":
        return []
    return [o["object_type"] for o in completed["objects"] if o["status"] == "SUCCEEDED"]


def latest_per_key(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per external id (the last wins), so a batch never upserts the same row twice."""
    return list({r["external_id"]: r for r in records}.values())
