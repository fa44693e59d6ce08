"""The QuickBooks Online entities SmartSync reads, one class per entity, and row → record mapping. Pure.

Name-list entities carry `Active` (inactive ones are hidden from queries unless asked for with
`Active IN (true,false)`); transactions have no `Active` and can be deleted, which only CDC reports.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from smartsync_core.connector.model import ACTIVE, DELETED, INACTIVE, SyncedRecord


class MissingField(ValueError):
    pass


def parse_qbo_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _get(row: dict[str, Any], path: str) -> Any:
    cur: Any = row
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for k, v in row.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        elif isinstance(v, list):
            continue  # lines and other repeating groups are not list data
        else:
            out[key] = None if v is None else str(v)
    return out


class QboEntity:
    object_type: ClassVar[str]
    entity: ClassVar[str]
    name_field: ClassVar[str] = "DisplayName"
    code_field: ClassVar[str | None] = None
    has_active: ClassVar[bool] = True
    cursor_field: ClassVar[str] = "MetaData.LastUpdatedTime"

    @classmethod
    def to_record(cls, row: dict[str, Any]) -> SyncedRecord:
        if not isinstance(row, dict) or not row.get("Id"):
            raise MissingField(f"{cls.entity} without Id")
        active = row.get("Active", True) if cls.has_active else True
        if isinstance(active, str):
            active = active.lower() == "true"
        meta = row.get("MetaData") or {}
        return SyncedRecord(
            external_id=str(row["Id"]),
            code=str(_get(row, cls.code_field)) if cls.code_field and _get(row, cls.code_field) is not None else None,
            name=_get(row, cls.name_field),
            status=ACTIVE if active else INACTIVE,
            modified_at=parse_qbo_time(meta.get("LastUpdatedTime")),
            fields=flatten(row),
        )

    @classmethod
    def deleted(cls, row: dict[str, Any]) -> SyncedRecord:
        if not row.get("Id"):
            raise MissingField(f"deleted {cls.entity} without Id")
        meta = row.get("MetaData") or {}
        return SyncedRecord(str(row["Id"]), DELETED, modified_at=parse_qbo_time(meta.get("LastUpdatedTime")))


class Vendor(QboEntity):
    object_type, entity = "vendor", "Vendor"


class Account(QboEntity):
    object_type, entity, name_field, code_field = "gl_account", "Account", "Name", "AcctNum"


class ClassEntity(QboEntity):
    object_type, entity, name_field = "class", "Class", "FullyQualifiedName"


class Department(QboEntity):
    object_type, entity, name_field = "department", "Department", "FullyQualifiedName"


class Item(QboEntity):
    object_type, entity, name_field, code_field = "item", "Item", "Name", "Sku"


class Term(QboEntity):
    object_type, entity, name_field = "ap_term", "Term", "Name"


class TaxCode(QboEntity):
    object_type, entity, name_field = "tax_code", "TaxCode", "Name"


class Customer(QboEntity):
    object_type, entity = "customer", "Customer"


class Employee(QboEntity):
    object_type, entity, code_field = "employee", "Employee", "EmployeeNumber"


class PurchaseOrder(QboEntity):
    object_type, entity, name_field, code_field, has_active = "purchase_order", "PurchaseOrder", "VendorRef.name", "DocNumber", False


class BillPayment(QboEntity):
    object_type, entity, name_field, code_field, has_active = "payment", "BillPayment", "VendorRef.name", "DocNumber", False


ENTITIES: tuple[type[QboEntity], ...] = (
    Vendor, Account, ClassEntity, Department, Item, Term, TaxCode, Customer, Employee, PurchaseOrder, BillPayment,
)
OBJECT_TYPES = [e.object_type for e in ENTITIES]
