"""The NetSuite records SmartSync reads with SuiteQL, one class per record type, and row → record mapping. Pure.

SuiteQL returns every value as text and dates in the account's date format, without the time (coarse), so the
cursor works on whole days and is widened by a day; upserts make the overlap harmless.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, ClassVar

from smartsync_core.connector.model import ACTIVE, DELETED, INACTIVE, SyncedRecord


class MissingField(ValueError):
    pass


def parse_netsuite_date(value: str | None) -> datetime | None:
    if not value:
        return None
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%Y %I:%M %p", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise ValueError(f"unreadable NetSuite date {value!r}")


def suiteql_date(d: date) -> str:
    return f"TO_DATE('{d.isoformat()}', 'YYYY-MM-DD')"


class NetSuiteTable:
    object_type: ClassVar[str]
    table: ClassVar[str]
    record_type: ClassVar[str]  # as deletedrecord.recordtype names it
    code_column: ClassVar[str | None] = None
    name_columns: ClassVar[tuple[str, ...]] = ("name",)
    columns: ClassVar[tuple[str, ...]] = ()
    inactive_column: ClassVar[str | None] = "isinactive"
    subsidiary_column: ClassVar[str | None] = "subsidiary"
    type_filter: ClassVar[str | None] = None  # transactions share one table
    cursor_field: ClassVar[str] = "lastmodifieddate"

    @classmethod
    def select(cls) -> list[str]:
        wanted = ["id", cls.cursor_field, cls.code_column, *cls.name_columns, cls.inactive_column,
                  cls.subsidiary_column, *cls.columns]
        return list(dict.fromkeys(c for c in wanted if c))

    @classmethod
    def to_record(cls, row: dict[str, Any]) -> SyncedRecord:
        if not isinstance(row, dict) or not row.get("id"):
            raise MissingField(f"{cls.table} row without id")
        names = [str(row[c]) for c in cls.name_columns if row.get(c)]
        inactive = str(row.get(cls.inactive_column, "F")).upper() in ("T", "TRUE") if cls.inactive_column else False
        fields = {k: (None if v is None else str(v)) for k, v in row.items() if k != "links"}
        return SyncedRecord(
            external_id=str(row["id"]),
            code=str(row[cls.code_column]) if cls.code_column and row.get(cls.code_column) is not None else None,
            name=" ".join(names) or None,
            status=INACTIVE if inactive else ACTIVE,
            modified_at=parse_netsuite_date(row.get(cls.cursor_field)),
            fields=fields,
        )

    @classmethod
    def deleted(cls, row: dict[str, Any]) -> SyncedRecord:
        if not row.get("recordid"):
            raise MissingField("deletedrecord row without recordid")
        return SyncedRecord(str(row["recordid"]), DELETED, modified_at=parse_netsuite_date(row.get("deleteddate")))


class Vendor(NetSuiteTable):
    object_type, table, record_type, code_column, name_columns = "vendor", "vendor", "vendor", "entityid", ("companyname",)
    columns = ("email", "currency", "terms")


class Account(NetSuiteTable):
    object_type, table, record_type, code_column, name_columns = (
        "gl_account", "account", "account", "acctnumber", ("fullname",))
    columns, subsidiary_column = ("accttype",), None  # accounts may be shared by every subsidiary


class Department(NetSuiteTable):
    object_type, table, record_type = "department", "department", "department"


class Location(NetSuiteTable):
    object_type, table, record_type = "location", "location", "location"


class Classification(NetSuiteTable):
    object_type, table, record_type = "class", "classification", "classification"


class Subsidiary(NetSuiteTable):
    object_type, table, record_type, subsidiary_column = "subsidiary", "subsidiary", "subsidiary", None
    columns = ("currency", "country")


class Item(NetSuiteTable):
    object_type, table, record_type, code_column, name_columns = "item", "item", "item", "itemid", ("displayname",)
    columns = ("itemtype",)


class Term(NetSuiteTable):
    object_type, table, record_type, subsidiary_column = "ap_term", "term", "term", None
    columns = ("daysuntilnetdue",)


class Customer(NetSuiteTable):
    object_type, table, record_type, code_column, name_columns = (
        "customer", "customer", "customer", "entityid", ("companyname",))


class Employee(NetSuiteTable):
    object_type, table, record_type, code_column, name_columns = (
        "employee", "employee", "employee", "entityid", ("firstname", "lastname"))
    columns = ("email",)


class Currency(NetSuiteTable):
    object_type, table, record_type, code_column, subsidiary_column = (
        "currency", "currency", "currency", "symbol", None)
    columns = ("exchangerate",)


class PurchaseOrder(NetSuiteTable):
    object_type, table, record_type, code_column, name_columns = (
        "purchase_order", "transaction", "purchaseorder", "tranid", ("memo",))
    inactive_column, subsidiary_column, type_filter = None, None, "PurchOrd"
    columns = ("entity", "trandate", "status", "foreigntotal")


class ItemReceipt(NetSuiteTable):
    object_type, table, record_type, code_column, name_columns = (
        "receiving", "transaction", "itemreceipt", "tranid", ("memo",))
    inactive_column, subsidiary_column, type_filter = None, None, "ItemRcpt"
    columns = ("entity", "trandate", "createdfrom")


TABLES: tuple[type[NetSuiteTable], ...] = (
    Vendor, Account, Department, Location, Classification, Subsidiary, Item, Term, Customer, Employee, Currency,
    PurchaseOrder, ItemReceipt,
)
OBJECT_TYPES = [t.object_type for t in TABLES]
