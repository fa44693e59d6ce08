"""Sandbox data: companies, credentials and deterministic seeded records for every object SmartSync reads."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

TIME_FORMAT = "%m/%d/%Y %H:%M:%S"
SEED_EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)

# object -> (id field, name field, status field, extra fields)
OBJECTS: dict[str, tuple[str, str | None, str | None, tuple[str, ...]]] = {
    "VENDOR": ("VENDORID", "NAME", "STATUS", ("DISPLAYCONTACT.EMAIL1", "TERMNAME", "CURRENCY", "TAXID", "VENDTYPE", "ONHOLD")),
    "GLACCOUNT": ("ACCOUNTNO", "TITLE", "STATUS", ("ACCOUNTTYPE", "NORMALBALANCE", "CATEGORY")),
    "DEPARTMENT": ("DEPARTMENTID", "TITLE", "STATUS", ("PARENTID",)),
    "LOCATION": ("LOCATIONID", "NAME", "STATUS", ("PARENTID", "CURRENCY")),
    "CLASS": ("CLASSID", "NAME", "STATUS", ("PARENTID",)),
    "PROJECT": ("PROJECTID", "NAME", "STATUS", ("CUSTOMERID", "PROJECTSTATUS", "BEGINDATE", "ENDDATE")),
    "TASK": ("TASKID", "NAME", "STATUS", ("PROJECTID", "TASKSTATUS")),
    "ITEM": ("ITEMID", "NAME", "STATUS", ("ITEMTYPE", "STANDARD_COST", "UOMGRP")),
    "WAREHOUSE": ("WAREHOUSEID", "NAME", "STATUS", ("LOCATIONID",)),
    "CUSTOMER": ("CUSTOMERID", "NAME", "STATUS", ("CURRENCY", "TERMNAME")),
    "EMPLOYEE": ("EMPLOYEEID", "PERSONALINFO.CONTACTNAME", "STATUS", ("DEPARTMENTID", "LOCATIONID")),
    "APTERM": ("NAME", "NAME", "STATUS", ("DESCRIPTION", "DUEDATE", "DUEFROM")),
    "TAXDETAIL": ("DETAILID", "DESCRIPTION", "STATUS", ("TAXTYPE", "VALUE", "TAXSOLUTIONID")),
    "EXCHANGERATETYPES": ("NAME", "NAME", None, ("ISDEFAULT",)),
    "EXCHANGERATE": ("RECORDNO", "TYPENAME", None, ("FROM_CURRENCY", "TO_CURRENCY", "EFFECTIVE_START_DATE", "RATE")),
    "CHECKINGACCOUNT": ("BANKACCOUNTID", "BANKNAME", "STATUS", ("CURRENCY", "GLACCOUNTNO")),
    "SAVINGSACCOUNT": ("BANKACCOUNTID", "BANKNAME", "STATUS", ("CURRENCY", "GLACCOUNTNO")),
}
UDD_FIELDS = ("ID", "NAME")
SYSTEM_FIELDS = ("RECORDNO", "WHENCREATED", "WHENMODIFIED")

_WORDS = ["Acme", "Northwind", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Cyberdyne", "Tyrell", "Soylent",
          "Hooli", "Vandelay", "Wonka", "Gringotts", "Oscorp", "Pied Piper", "Dunder", "Aperture", "Monarch", "Massive"]
_SUFFIX = ["Supplies", "Services", "Logistics", "Holdings", "Partners", "Industries", "Labs", "Foods", "Freight", "Media"]


def fmt(ts: datetime) -> str:
    return ts.astimezone(timezone.utc).strftime(TIME_FORMAT)


def fields_of(obj: str) -> tuple[str, ...]:
    if obj not in OBJECTS:
        return SYSTEM_FIELDS + UDD_FIELDS
    id_f, name_f, status_f, extra = OBJECTS[obj]
    return tuple(dict.fromkeys(f for f in (*SYSTEM_FIELDS, id_f, name_f, status_f, *extra) if f))


@dataclass
class Company:
    company_id: str
    users: dict[str, str]
    authorized_senders: set[str]
    entities: set[str]
    udds: list[str] = field(default_factory=list)
    records: dict[str, dict[int, dict[str, str | None]]] = field(default_factory=dict)
    denied: set[str] = field(default_factory=set)
    next_recordno: int = 1

    def objects(self) -> list[str]:
        return list(OBJECTS) + list(self.udds)

    def add(self, obj: str, values: dict[str, str | None], at: datetime) -> dict[str, str | None]:
        rn = self.next_recordno
        self.next_recordno += 1
        row: dict[str, str | None] = {f: None for f in fields_of(obj)}
        row.update({"RECORDNO": str(rn), "WHENCREATED": fmt(at), "WHENMODIFIED": None})
        id_field = OBJECTS[obj][0] if obj in OBJECTS else "ID"
        if id_field != "RECORDNO" and not values.get(id_field):
            row[id_field] = f"{obj[:3]}-{rn:06d}"
        if obj in OBJECTS and OBJECTS[obj][2]:
            row[OBJECTS[obj][2]] = "active"
        row.update({k: v for k, v in values.items() if k in row and k not in SYSTEM_FIELDS})
        self.records.setdefault(obj, {})[rn] = row
        return row

    def modify(self, obj: str, recordno: int, values: dict[str, str | None], at: datetime) -> dict[str, str | None]:
        row = self.records[obj][recordno]
        row.update({k: v for k, v in values.items() if k in row and k not in SYSTEM_FIELDS})
        row["WHENMODIFIED"] = fmt(at)
        return row

    def delete(self, obj: str, recordno: int) -> None:
        del self.records[obj][recordno]


def seed_company(company: Company, per_object: int, seed: int) -> None:
    """Deterministic data: the same seed and size always give the same records and timestamps."""
    rng = random.Random(seed)
    for obj in company.objects():
        id_f, name_f, status_f, extra = OBJECTS.get(obj, ("ID", "NAME", None, ()))
        for i in range(per_object):
            created = SEED_EPOCH + timedelta(minutes=rng.randrange(0, 60 * 24 * 300))
            name = f"{rng.choice(_WORDS)} {rng.choice(_SUFFIX)} {i + 1}"
            values: dict[str, str | None] = {name_f: name} if name_f else {}
            for f in extra:
                values[f] = f"{f.lower().split('.')[-1]}-{rng.randrange(1000)}"
            if status_f and rng.random() < 0.1:
                values[status_f] = "inactive"
            row = company.add(obj, values, created)
            if rng.random() < 0.7:  # some rows were edited after creation, others never (WHENMODIFIED null)
                row["WHENMODIFIED"] = fmt(created + timedelta(hours=rng.randrange(1, 24 * 30)))
