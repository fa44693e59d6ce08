"""A small HTTP client of a running stack, as a user (or the web app) drives it."""
from __future__ import annotations

from datetime import datetime, timezone

import httpx

from smartsync_devtools.stack import Stack

TENANT = "tenant-demo"


class StackClient:
    def __init__(self, stack: Stack, tenant: str = TENANT, role: str = "system_administrator"):
        self.stack = stack
        self.headers = stack.headers(tenant, role)
        self.cmd = httpx.Client(base_url=stack.sync_command_url, headers=self.headers, timeout=30)
        self.status = httpx.Client(base_url=stack.status_url, headers=self.headers, timeout=30)
        self.sandbox = httpx.Client(base_url=f"{stack.sandbox_url('intacct')}/_sandbox/companies/acme", timeout=30)

    def register_intacct(self, name="Acme Corp", **overrides) -> str:
        connection = {"company_id": "acme", "user_id": "beanworks", "user_password": "user-secret",
                      "sender_id": "smartsync_dev", "sender_password": "sender-secret",
                      "gateway_url": self.stack.intacct_gateway, **overrides}
        r = self.cmd.post("/v1/legal-entities", json={"name": name, "erp": "intacct", "connection": connection})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def request_sync(self, entity_id: str, **body) -> str:
        r = self.cmd.post(f"/v1/legal-entities/{entity_id}/syncs", json=body or {"mode": "full"})
        assert r.status_code == 202, r.text
        return r.json()["sync_id"]

    def sync(self, entity_id: str, timeout: float = 180, **body) -> dict:
        return self.stack.wait_for_sync(self.request_sync(entity_id, **body), timeout, self.headers["X-Tenant-Id"])

    def catalog(self, entity_id: str, object_type: str, include_deleted=False) -> list[dict]:
        items, after = [], None
        while True:
            params = {"limit": 1000, "include_deleted": str(include_deleted).lower()}
            if after:
                params["after"] = after
            page = self.status.get(f"/v1/legal-entities/{entity_id}/records/{object_type}", params=params).json()
            items += page["items"]
            after = page["next_after"]
            if not after:
                return items

    def sandbox_records(self, intacct_object: str) -> list[dict]:
        return self.sandbox.get(f"/objects/{intacct_object}/records").json()

    def logs(self, sync_id: str) -> list[str]:
        return [e["message"] for e in self.status.get(f"/v1/syncs/{sync_id}/logs").json()["entries"]]


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()
