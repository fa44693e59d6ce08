"""The connector contract: written once, run against every connector (a subclass per ERP supplies the sandbox
specifics), the way one broker test suite runs per broker. Every test drives a whole stack on real Kafka and
PostgreSQL: sync-command, status-projection, the connector's worker and its ERP sandbox as processes."""
from __future__ import annotations

import abc
import time
from datetime import datetime, timezone

import httpx
import pytest

from smartsync_devtools.stack import Stack

pytestmark = pytest.mark.integration
TENANT = "tenant-contract"


class Client:
    def __init__(self, stack: Stack, erp: str):
        self.stack, self.erp = stack, erp
        self.headers = stack.headers(TENANT)
        self.cmd = httpx.Client(base_url=stack.sync_command_url, headers=self.headers, timeout=30)
        self.status = httpx.Client(base_url=stack.status_url, headers=self.headers, timeout=30)
        self.sandbox = httpx.Client(base_url=stack.sandbox_url(erp), timeout=30)

    def register(self, **overrides) -> str:
        r = self.cmd.post("/v1/legal-entities", json={"name": f"Contract {self.erp}", "erp": self.erp,
                                                     "connection": {**self.stack.sandbox_connection(self.erp),
                                                                    **overrides}})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def request(self, entity_id: str, **body) -> str:
        r = self.cmd.post(f"/v1/legal-entities/{entity_id}/syncs", json=body)
        assert r.status_code == 202, r.text
        return r.json()["sync_id"]

    def sync(self, entity_id: str, **body) -> dict:
        return self.stack.wait_for_sync(self.request(entity_id, **body), 240, TENANT)

    def progress(self, sync_id: str) -> int:
        r = self.status.get(f"/v1/syncs/{sync_id}")
        return sum(o["records"] for o in r.json()["objects"]) if r.status_code == 200 else 0

    def catalog_ids(self, entity_id: str, object_type: str) -> list[str]:
        ids, after = [], None
        while True:
            params = {"limit": 1000, **({"after": after} if after else {})}
            page = self.status.get(f"/v1/legal-entities/{entity_id}/records/{object_type}", params=params).json()
            ids += [r["external_id"] for r in page["items"]]
            after = page["next_after"]
            if not after:
                return ids

    def logs(self, sync_id: str) -> str:
        return "\n".join(e["message"] for e in self.status.get(f"/v1/syncs/{sync_id}/logs").json()["entries"])


class ConnectorContract(abc.ABC):
    erp: str
    object_types: list[str]
    deletions_on_partial: bool  # whether the ERP reports deletions to a partial sync
    auth_failure_hint: str  # what the log must say when credentials are refused
    stack_env: dict[str, str] = {}
    kill_env: dict[str, str] = {}  # small pages, so a kill lands in the middle of a sync

    # ---- what each ERP's sandbox hooks look like ----
    @abc.abstractmethod
    def sandbox_ids(self, c: Client, object_type: str) -> set[str]: ...

    @abc.abstractmethod
    def change_one(self, c: Client) -> tuple[str, str, str]:
        """Rename one record now; (object type, external id, new name)."""

    @abc.abstractmethod
    def delete_one(self, c: Client) -> tuple[str, str]:
        """Delete one record now; (object type, external id)."""

    @abc.abstractmethod
    def bad_credentials(self) -> dict[str, str]: ...

    @abc.abstractmethod
    def inject(self, c: Client, kind: str, count: int) -> None:
        """kind: 'throttle' (the ERP's rate-limit answer) or 'malformed' (an unreadable body)."""

    @abc.abstractmethod
    def throttled(self, c: Client) -> int:
        """How many rate-limit answers the sandbox has served."""

    # ---- the contract ----
    @pytest.fixture
    def client(self, make_stack) -> Client:
        return Client(make_stack(records_per_object=15, connectors=(self.erp,), **self.stack_env), self.erp)

    def test_given_a_seeded_erp_when_full_sync_then_the_catalog_equals_the_sandbox(self, client):
        entity_id = client.register()
        sync = client.sync(entity_id, mode="full")
        assert sync["status"] == "succeeded", sync
        assert {o["object_type"] for o in sync["objects"]} == set(self.object_types)
        for object_type in self.object_types:
            expected = self.sandbox_ids(client, object_type)
            got = client.catalog_ids(entity_id, object_type)
            assert len(got) == len(set(got)) and set(got) == expected, object_type

    def test_given_changes_when_partial_sync_then_exactly_the_changes_arrive(self, client):
        entity_id = client.register()
        client.sync(entity_id, mode="full")
        object_type, external_id, name = self.change_one(client)
        today = datetime.now(timezone.utc).date().isoformat()
        sync = client.sync(entity_id, mode="partial", sync_from=today)
        assert sync["status"] == "succeeded", sync
        counts = {o["object_type"]: o["records"] for o in sync["objects"]}
        assert counts.pop(object_type) == 1 and set(counts.values()) == {0}
        record = client.status.get(f"/v1/legal-entities/{entity_id}/records/{object_type}",
                                   params={"after": str(int(external_id) - 1) if external_id.isdigit() else None,
                                           "limit": 1000}).json()["items"]
        assert next(r for r in record if r["external_id"] == external_id)["name"] == name

    def test_given_a_deleted_record_then_the_catalog_shows_it_deleted(self, client):
        entity_id = client.register()
        client.sync(entity_id, mode="full")
        object_type, external_id = self.delete_one(client)
        today = datetime.now(timezone.utc).date().isoformat()
        client.sync(entity_id, mode="partial", sync_from=today)
        if not self.deletions_on_partial:
            assert external_id in client.catalog_ids(entity_id, object_type)
            client.sync(entity_id, mode="full")
        assert external_id not in client.catalog_ids(entity_id, object_type)
        every = client.status.get(f"/v1/legal-entities/{entity_id}/records/{object_type}",
                                  params={"include_deleted": "true", "limit": 1000}).json()["items"]
        assert any(r["external_id"] == external_id and r["status"] == "deleted" for r in every)

    def test_given_refused_credentials_then_the_sync_fails_and_says_why(self, client):
        entity_id = client.register(**self.bad_credentials())
        sync = client.sync(entity_id, mode="full")
        assert sync["status"] == "failed"
        assert self.auth_failure_hint in client.logs(sync["sync_id"])

    def test_given_a_normal_sync_then_limits_are_respected_and_throttling_is_absorbed(self, client):
        entity_id = client.register()
        first = client.sync(entity_id, mode="full")
        assert first["status"] == "succeeded" and self.throttled(client) == 0  # our limiter kept us under
        self.inject(client, "throttle", 2)
        second = client.sync(entity_id, mode="full")
        assert second["status"] == "succeeded" and self.throttled(client) == 2
        assert [o["records"] for o in second["objects"]] == [o["records"] for o in first["objects"]]

    def test_given_an_unreadable_answer_then_the_sync_fails_with_a_clear_log(self, client):
        entity_id = client.register()
        self.inject(client, "malformed", 1)
        sync = client.sync(entity_id, mode="full")
        assert sync["status"] == "failed"
        assert "cannot read" in client.logs(sync["sync_id"])

    def test_given_the_worker_is_killed_mid_sync_then_it_completes_once_exactly(self, make_stack):
        stack = make_stack(records_per_object=400, connectors=(self.erp,), **{**self.stack_env, **self.kill_env})
        c = Client(stack, self.erp)
        entity_id = c.register()
        sync_id = c.request(entity_id, mode="full")
        deadline = time.monotonic() + 120
        while c.progress(sync_id) < 600 and time.monotonic() < deadline:
            time.sleep(0.05)
        stack.procs[f"erp-{self.erp}"].kill()
        assert c.progress(sync_id) < sum(len(self.sandbox_ids(c, t)) for t in self.object_types), "finished too early"
        stack.start_worker(self.erp)
        sync = stack.wait_for_sync(sync_id, 300, TENANT)
        assert sync["status"] == "succeeded", sync
        for o in sync["objects"]:
            assert o["records"] == len(self.sandbox_ids(c, o["object_type"])), o
        for object_type in self.object_types[:3]:
            got = c.catalog_ids(entity_id, object_type)
            assert len(got) == len(set(got)) and set(got) == self.sandbox_ids(c, object_type)
        assert c.logs(sync_id).count("Sync succeeded") == 1
