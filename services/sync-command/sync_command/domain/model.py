"""The command side's rules: which ERPs exist, who may sync, and when a sync request is valid. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

ERPS: dict[str, str] = {
    "intacct": "Sage Intacct",
    "netsuite": "NetSuite",
    "qbo": "QuickBooks Online",
    "qbd": "QuickBooks Desktop",
    "sage50": "Sage 50 US",
    "sage100": "Sage 100",
    "sage300": "Sage 300",
    "msgp": "Microsoft GP",
}
ON_PREMISE_ERPS = {"qbd", "sage50", "sage100", "sage300", "msgp"}
PO_RECEIVING_ERPS = {"sage100", "sage300"}

# The roles that may see and start syncs (the SmartSync tab); connections are set up by System Administrators.
SYNC_ROLES = {
    "invoice_exporter",
    "invoice_administrator",
    "po_administrator",
    "payment_administrator",
    "system_administrator",
}
CONNECTION_ROLES = {"system_administrator"}

MODES = {"full": "FULL", "partial": "PARTIAL"}
ACTIVE_STATUSES = {"requested", "running"}


class DomainError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    pass


class InvalidRequest(DomainError):
    pass


class Forbidden(DomainError):
    pass


class SyncAlreadyRunning(DomainError):
    def __init__(self, sync_id: str):
        super().__init__(f"a sync of this legal entity is already in progress ({sync_id})")
        self.sync_id = sync_id


class IdempotencyKeyReused(DomainError):
    pass


@dataclass(frozen=True)
class Identity:
    """The caller, as the platform's gateway authenticated them."""

    tenant_id: str
    role: str
    user_id: str | None = None

    def require(self, roles: set[str]) -> None:
        if self.role not in roles:
            raise Forbidden(f"role '{self.role}' may not do this")


@dataclass
class LegalEntity:
    id: str
    tenant_id: str
    name: str
    erp: str
    connection: dict[str, Any] = field(default_factory=dict)  # secrets held encrypted by the store
    last_success_sync_from: date | None = None
    last_success_at: datetime | None = None


@dataclass(frozen=True)
class RequestSync:
    legal_entity_id: str
    mode: str
    sync_from: date | None
    po_receiving_from: date | None
    trigger: str = "user"


def validate_sync_request(entity: LegalEntity, cmd: RequestSync, today: date,
                          syncable: set[str] | frozenset[str] = frozenset(ERPS)) -> RequestSync:
    """Check a request against the entity; return it with defaults filled in (a partial sync's Sync From)."""
    mode = cmd.mode.lower() if isinstance(cmd.mode, str) else cmd.mode
    if mode not in MODES:
        raise InvalidRequest(f"mode must be 'full' or 'partial', not {cmd.mode!r}")
    if cmd.sync_from is not None and cmd.sync_from > today:
        raise InvalidRequest(f"sync_from {cmd.sync_from.isoformat()} is in the future")
    if cmd.po_receiving_from is not None:
        if entity.erp not in PO_RECEIVING_ERPS:
            raise InvalidRequest(
                f"po_receiving_from applies only to Sage 100 and Sage 300 entities; this one is on {ERPS[entity.erp]}"
            )
        if cmd.po_receiving_from > today:
            raise InvalidRequest(f"po_receiving_from {cmd.po_receiving_from.isoformat()} is in the future")
    if entity.erp not in syncable:
        how = "the on-premise SyncTool bridge" if entity.erp in ON_PREMISE_ERPS else "its connector"
        raise InvalidRequest(f"{ERPS[entity.erp]} entities cannot be synced here yet: {how} is not running in this "
                             "deployment, so the sync would never complete")
    sync_from = cmd.sync_from
    if mode == "partial" and sync_from is None:
        if entity.last_success_at is None:
            raise InvalidRequest("sync_from is required for a partial sync until the legal entity has synced successfully once")
        sync_from = entity.last_success_at.date()
    return RequestSync(entity.id, MODES[mode], sync_from, cmd.po_receiving_from, cmd.trigger)
