"""The connector contract, once per cloud connector (see connector_contract.py)."""
from __future__ import annotations

from erp_intacct.domain.objects import BY_TYPE as INTACCT_OBJECTS
from erp_intacct.domain.objects import OBJECT_TYPES as INTACCT_TYPES
from erp_netsuite.domain.objects import OBJECT_TYPES as NETSUITE_TYPES
from erp_netsuite.domain.objects import TABLES as NETSUITE_TABLES
from erp_qbo.domain.objects import ENTITIES as QBO_ENTITIES
from erp_qbo.domain.objects import OBJECT_TYPES as QBO_TYPES

from .connector_contract import Client, ConnectorContract


class TestIntacctContract(ConnectorContract):
    erp = "intacct"
    object_types = INTACCT_TYPES
    deletions_on_partial = False  # Intacct's query API does not list deleted rows: a full sync finds them
    auth_failure_hint = "Check the user id and password"
    stack_env = {"retry_base_delay": "0.05"}
    kill_env = {"intacct_pagesize": "50"}

    def _rows(self, c: Client, obj: str) -> list[dict]:
        return c.sandbox.get(f"/_sandbox/companies/acme/objects/{obj}/records").json()

    def sandbox_ids(self, c, object_type):
        if object_type == "dimension":
            return {f"PRODUCTLINE:{r['RECORDNO']}" for r in self._rows(c, "PRODUCTLINE")}
        return {r["RECORDNO"] for r in self._rows(c, INTACCT_OBJECTS[object_type].intacct_object)}

    def change_one(self, c):
        rn = self._rows(c, "VENDOR")[2]["RECORDNO"]
        c.sandbox.patch(f"/_sandbox/companies/acme/objects/VENDOR/records/{rn}", json={"fields": {"NAME": "Renamed"}})
        return "vendor", rn, "Renamed"

    def delete_one(self, c):
        rn = self._rows(c, "CUSTOMER")[0]["RECORDNO"]
        c.sandbox.delete(f"/_sandbox/companies/acme/objects/CUSTOMER/records/{rn}")
        return "customer", rn

    def bad_credentials(self):
        return {"user_password": "wrong-password"}

    def inject(self, c, kind, count):
        c.sandbox.post("/_sandbox/faults", json={"kind": {"throttle": "rate_limit"}.get(kind, kind), "count": count})

    def throttled(self, c):
        return c.sandbox.get("/_sandbox/stats").json()["rate_limited"]


class TestQboContract(ConnectorContract):
    erp = "qbo"
    object_types = QBO_TYPES
    deletions_on_partial = True  # change data capture reports deletions within 30 days
    auth_failure_hint = "Reconnect the company"
    stack_env = {"retry_base_delay": "0.05"}
    kill_env = {"qbo_page_size": "40"}
    entity_of = {e.object_type: e.entity for e in QBO_ENTITIES}

    def _rows(self, c: Client, entity: str) -> list[dict]:
        return c.sandbox.get(f"/_sandbox/realms/9130355/entities/{entity}/records").json()

    def sandbox_ids(self, c, object_type):
        return {r["Id"] for r in self._rows(c, self.entity_of[object_type])}

    def change_one(self, c):
        rid = self._rows(c, "Vendor")[3]["Id"]
        c.sandbox.patch(f"/_sandbox/realms/9130355/entities/Vendor/records/{rid}",
                        json={"fields": {"DisplayName": "Renamed"}})
        return "vendor", rid, "Renamed"

    def delete_one(self, c):
        rid = self._rows(c, "PurchaseOrder")[0]["Id"]
        c.sandbox.delete(f"/_sandbox/realms/9130355/entities/PurchaseOrder/records/{rid}")
        return "purchase_order", rid

    def bad_credentials(self):
        return {"refresh_token": "RT-revoked"}

    def inject(self, c, kind, count):
        c.sandbox.post("/_sandbox/faults", json={"kind": {"throttle": "throttle_xml"}.get(kind, kind), "count": count})

    def throttled(self, c):
        return c.sandbox.get("/_sandbox/stats").json()["throttled"]


class TestNetSuiteContract(ConnectorContract):
    erp = "netsuite"
    object_types = NETSUITE_TYPES
    deletions_on_partial = True  # the deletedrecord table
    auth_failure_hint = "token-based login"
    stack_env = {"retry_base_delay": "0.05"}
    kill_env = {"netsuite_page_size": "40"}
    table_of = {t.object_type: (t.table, t.type_filter) for t in NETSUITE_TABLES}

    def _rows(self, c: Client, table: str, type_filter: str | None = None) -> list[dict]:
        rows = c.sandbox.get(f"/_sandbox/tables/{table}/rows").json()
        return [r for r in rows if type_filter is None or r.get("type") == type_filter]

    def sandbox_ids(self, c, object_type):
        return {str(r["id"]) for r in self._rows(c, *self.table_of[object_type])}

    def change_one(self, c):
        rid = self._rows(c, "vendor")[4]["id"]
        c.sandbox.patch(f"/_sandbox/tables/vendor/rows/{rid}", json={"fields": {"companyname": "Renamed"}})
        return "vendor", str(rid), "Renamed"

    def delete_one(self, c):
        rid = self._rows(c, "transaction", "PurchOrd")[0]["id"]
        c.sandbox.delete(f"/_sandbox/tables/transaction/rows/{rid}")
        return "purchase_order", str(rid)

    def bad_credentials(self):
        return {"token_secret": "not-the-secret"}

    def inject(self, c, kind, count):
        c.sandbox.post("/_sandbox/faults", json={"kind": kind, "count": count, "after": 1})

    def throttled(self, c):
        return c.sandbox.get("/_sandbox/stats").json()["throttled"]
