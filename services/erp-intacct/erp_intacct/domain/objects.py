"""The Intacct objects SmartSync reads, one class per object, and how a row becomes a SmartSync record. Pure.

Every standard object has RECORDNO (an increasing integer key: our resume position), WHENCREATED and
WHENMODIFIED (the cursor field; null on rows never modified, so partial syncs fall back to WHENCREATED).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import ClassVar

from smartsync_core.connector.model import ACTIVE, INACTIVE, SyncedRecord

INTACCT_TIME_FORMAT = "%m/%d/%Y %H:%M:%S"
COMMON_FIELDS = ("RECORDNO", "WHENCREATED", "WHENMODIFIED")


def parse_intacct_time(value: str | None) -> datetime | None:
    if not value:
        return None
    for fmt in (INTACCT_TIME_FORMAT, "%m/%d/%Y"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise ValueError(f"unreadable Intacct timestamp {value!r}")


def format_intacct_time(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime(INTACCT_TIME_FORMAT)


class MissingField(ValueError):
    pass


class IntacctObject:
    """One Intacct object: its name in the API, the fields we select and which of them are id, name, status."""

    object_type: ClassVar[str]
    intacct_object: ClassVar[str]
    id_field: ClassVar[str]
    name_field: ClassVar[str | None] = "NAME"
    status_field: ClassVar[str | None] = "STATUS"
    fields: ClassVar[tuple[str, ...]] = ()
    cursor_field: ClassVar[str] = "WHENMODIFIED"
    label: ClassVar[str] = ""

    @classmethod
    def select(cls) -> list[str]:
        wanted = [*COMMON_FIELDS, cls.id_field, cls.name_field, cls.status_field, *cls.fields]
        return list(dict.fromkeys(f for f in wanted if f))

    @classmethod
    def to_record(cls, row: dict[str, str | None]) -> SyncedRecord:
        for required in ("RECORDNO", cls.id_field):
            if not row.get(required):
                raise MissingField(f"{cls.intacct_object} row without {required}")
        status = (row.get(cls.status_field) or "active").lower() if cls.status_field else "active"
        modified = parse_intacct_time(row.get("WHENMODIFIED")) or parse_intacct_time(row.get("WHENCREATED"))
        return SyncedRecord(
            external_id=str(row["RECORDNO"]),
            code=row.get(cls.id_field),
            name=row.get(cls.name_field) if cls.name_field else None,
            status=ACTIVE if status in ("active", "true", "t") else INACTIVE,
            modified_at=modified,
            fields={k: v for k, v in row.items()},
        )


class Vendor(IntacctObject):
    object_type, intacct_object, id_field, label = "vendor", "VENDOR", "VENDORID", "Vendors"
    fields = ("DISPLAYCONTACT.EMAIL1", "TERMNAME", "CURRENCY", "TAXID", "VENDTYPE", "ONHOLD")


class GLAccount(IntacctObject):
    object_type, intacct_object, id_field, name_field, label = "gl_account", "GLACCOUNT", "ACCOUNTNO", "TITLE", "Accounts"
    fields = ("ACCOUNTTYPE", "NORMALBALANCE", "CATEGORY")


class Department(IntacctObject):
    object_type, intacct_object, id_field, name_field, label = "department", "DEPARTMENT", "DEPARTMENTID", "TITLE", "Departments"
    fields = ("PARENTID",)


class Location(IntacctObject):
    object_type, intacct_object, id_field, label = "location", "LOCATION", "LOCATIONID", "Locations"
    fields = ("PARENTID", "CURRENCY")


class ClassObject(IntacctObject):
    object_type, intacct_object, id_field, label = "class", "CLASS", "CLASSID", "Class"
    fields = ("PARENTID",)


class Project(IntacctObject):
    object_type, intacct_object, id_field, label = "project", "PROJECT", "PROJECTID", "Projects"
    fields = ("CUSTOMERID", "PROJECTSTATUS", "BEGINDATE", "ENDDATE")


class Task(IntacctObject):
    object_type, intacct_object, id_field, label = "task", "TASK", "TASKID", "Tasks"
    fields = ("PROJECTID", "TASKSTATUS")


class Item(IntacctObject):
    object_type, intacct_object, id_field, label = "item", "ITEM", "ITEMID", "Items"
    fields = ("ITEMTYPE", "STANDARD_COST", "UOMGRP")


class Warehouse(IntacctObject):
    object_type, intacct_object, id_field, label = "warehouse", "WAREHOUSE", "WAREHOUSEID", "Warehouses"
    fields = ("LOCATIONID",)


class Customer(IntacctObject):
    object_type, intacct_object, id_field, label = "customer", "CUSTOMER", "CUSTOMERID", "Customers"
    fields = ("CURRENCY", "TERMNAME")


class Employee(IntacctObject):
    object_type, intacct_object, id_field, name_field, label = (
        "employee", "EMPLOYEE", "EMPLOYEEID", "PERSONALINFO.CONTACTNAME", "Employees")
    fields = ("DEPARTMENTID", "LOCATIONID")


class APTerm(IntacctObject):
    object_type, intacct_object, id_field, label = "ap_term", "APTERM", "NAME", "AP Terms"
    fields = ("DESCRIPTION", "DUEDATE", "DUEFROM")


class TaxDetail(IntacctObject):
    object_type, intacct_object, id_field, name_field, label = (
        "tax_detail", "TAXDETAIL", "DETAILID", "DESCRIPTION", "Tax Details")
    fields = ("TAXTYPE", "VALUE", "TAXSOLUTIONID")


class ExchangeRateType(IntacctObject):
    object_type, intacct_object, id_field, status_field, label = (
        "exchange_rate_type", "EXCHANGERATETYPES", "NAME", None, "Exchange Rate Types")
    fields = ("ISDEFAULT",)


class ExchangeRate(IntacctObject):
    object_type, intacct_object, id_field, name_field, status_field, label = (
        "exchange_rate", "EXCHANGERATE", "RECORDNO", "TYPENAME", None, "Exchange Rate")
    fields = ("FROM_CURRENCY", "TO_CURRENCY", "EFFECTIVE_START_DATE", "RATE")


class CheckingAccount(IntacctObject):
    object_type, intacct_object, id_field, name_field, label = (
        "checking_account", "CHECKINGACCOUNT", "BANKACCOUNTID", "BANKNAME", "Checking Accounts")
    fields = ("CURRENCY", "GLACCOUNTNO")


class SavingsAccount(IntacctObject):
    object_type, intacct_object, id_field, name_field, label = (
        "savings_account", "SAVINGSACCOUNT", "BANKACCOUNTID", "BANKNAME", "Savings Accounts")
    fields = ("CURRENCY", "GLACCOUNTNO")


OBJECTS: tuple[type[IntacctObject], ...] = (
    Vendor, GLAccount, Department, Location, ClassObject, Project, Task, Item, Warehouse, Customer, Employee,
    APTerm, TaxDetail, ExchangeRateType, ExchangeRate, CheckingAccount, SavingsAccount,
)
# User-defined dimensions are discovered per company (getDimensions) and synced as one object type.
DIMENSION_OBJECT_TYPE = "dimension"
OBJECT_TYPES = [o.object_type for o in OBJECTS] + [DIMENSION_OBJECT_TYPE]
BY_TYPE = {o.object_type: o for o in OBJECTS}
