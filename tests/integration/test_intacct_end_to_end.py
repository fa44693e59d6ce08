"""A Sage Intacct legal entity synced end to end on real Kafka and PostgreSQL: every service a real process."""
import pytest

from erp_intacct.domain.objects import OBJECTS

from .helpers import StackClient, today

pytestmark = pytest.mark.integration


@pytest.fixture
def stack(make_stack):
    return make_stack(records_per_object=25)


def test_given_a_seeded_company_when_full_sync_then_the_catalog_equals_the_sandbox(stack):
    c = StackClient(stack)
    entity_id = c.register_intacct()
    sync = c.sync(entity_id, mode="full")
    assert sync["status"] == "succeeded", sync
    for obj in OBJECTS:
        expected = {r["RECORDNO"]: r for r in c.sandbox_records(obj.intacct_object)}
        got = {r["external_id"]: r for r in c.catalog(entity_id, obj.object_type)}
        assert set(got) == set(expected), obj.object_type
        for rn, row in expected.items():
            assert got[rn]["code"] == row[obj.id_field]
            assert got[rn]["name"] == (row.get(obj.name_field) if obj.name_field else None)
            status = (row.get(obj.status_field) or "active") if obj.status_field else "active"
            assert got[rn]["status"] == status
    dims = c.catalog(entity_id, "dimension")
    assert len(dims) == len(c.sandbox_records("PRODUCTLINE")) == 25
    counts = {o["object_type"]: o["records"] for o in sync["objects"]}
    assert counts == {o: 25 for o in counts} and len(counts) == len(OBJECTS) + 1
    activities = c.status.get(f"/v1/legal-entities/{entity_id}/syncs").json()["syncs"]
    assert [a["sync_id"] for a in activities] == [sync["sync_id"]] and activities[0]["records"] == 25 * len(counts)
    log = c.logs(sync["sync_id"])
    assert "vendor: 25 record(s) synced." in log and log[-1].startswith("Sync succeeded")
    [row] = c.status.get("/v1/overview").json()["legal_entities"]
    assert row["last_sync"]["status"] == "succeeded" and row["record_counts"]["vendor"] == 25


def test_given_changes_in_intacct_when_partial_sync_then_exactly_those_changes_arrive(stack):
    c = StackClient(stack)
    entity_id = c.register_intacct()
    assert c.sync(entity_id, mode="full")["status"] == "succeeded"
    added = c.sandbox.post("/objects/VENDOR/records", json={"fields": {"NAME": "Fresh Vendor"}}).json()
    gl = c.sandbox_records("GLACCOUNT")[3]
    c.sandbox.patch(f"/objects/GLACCOUNT/records/{gl['RECORDNO']}", json={"fields": {"TITLE": "Travel (renamed)"}})
    partial = c.sync(entity_id, mode="partial", sync_from=today())
    assert partial["status"] == "succeeded" and partial["mode"] == "partial"
    counts = {o["object_type"]: o["records"] for o in partial["objects"]}
    assert counts.pop("vendor") == 1 and counts.pop("gl_account") == 1
    assert set(counts.values()) == {0}
    vendors = {r["external_id"]: r for r in c.catalog(entity_id, "vendor")}
    assert vendors[added["RECORDNO"]]["name"] == "Fresh Vendor" and len(vendors) == 26
    accounts = {r["external_id"]: r for r in c.catalog(entity_id, "gl_account")}
    assert accounts[gl["RECORDNO"]]["name"] == "Travel (renamed)"


def test_given_a_deleted_record_when_full_sync_then_it_shows_as_deleted(stack):
    c = StackClient(stack)
    entity_id = c.register_intacct()
    c.sync(entity_id, mode="full")
    gone = c.sandbox_records("VENDOR")[0]["RECORDNO"]
    c.sandbox.delete(f"/objects/VENDOR/records/{gone}")
    c.sync(entity_id, mode="partial", sync_from=today())
    assert gone in {r["external_id"] for r in c.catalog(entity_id, "vendor")}  # a partial read cannot see deletions
    full = c.sync(entity_id, mode="full")
    vendor = next(o for o in full["objects"] if o["object_type"] == "vendor")
    assert vendor["deleted"] == 1
    assert gone not in {r["external_id"] for r in c.catalog(entity_id, "vendor")}
    deleted = [r for r in c.catalog(entity_id, "vendor", include_deleted=True) if r["external_id"] == gone]
    assert deleted[0]["status"] == "deleted" and deleted[0]["deleted_at"]
    assert any("marked deleted" in m for m in c.logs(full["sync_id"]))


def test_given_wrong_credentials_when_synced_then_the_sync_fails_and_the_log_says_why(stack):
    c = StackClient(stack)
    entity_id = c.register_intacct(user_password="not-the-password")
    sync = c.sync(entity_id, mode="full")
    assert sync["status"] == "failed" and "sign-in failed" in sync["error"]
    assert any("Check the user id and password" in m for m in c.logs(sync["sync_id"]))
    again = c.cmd.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"})
    assert again.status_code == 202  # a failed sync frees the entity
    c.stack.wait_for_sync(again.json()["sync_id"])


def test_given_bad_requests_then_clear_4xx_never_500(stack):
    c = StackClient(stack)
    entity_id = c.register_intacct()
    cases = [
        (c.cmd.post("/v1/legal-entities/unknown/syncs", json={"mode": "full"}), 404),
        (c.cmd.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "weekly"}), 422),
        (c.cmd.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "partial", "sync_from": "2999-01-01"}), 422),
        (c.cmd.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full", "po_receiving_from": "2026-01-01"}), 422),
        (c.cmd.post(f"/v1/legal-entities/{entity_id}/syncs", content=b"{nope",
                    headers={"Content-Type": "application/json"}), 400),
        (c.status.get("/v1/syncs/does-not-exist"), 404),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        assert response.json()["error"]["message"]


def test_given_two_customers_then_neither_sees_the_others_syncs(stack):
    a, b = StackClient(stack, tenant="tenant-a"), StackClient(stack, tenant="tenant-b")
    entity_id = a.register_intacct()
    sync = stack.wait_for_sync(a.request_sync(entity_id, mode="full"), tenant="tenant-a")
    assert b.status.get("/v1/overview").json()["legal_entities"] == []
    assert b.status.get(f"/v1/syncs/{sync['sync_id']}").status_code == 404
    assert b.status.get(f"/v1/syncs/{sync['sync_id']}/logs").status_code == 404
    assert b.status.get(f"/v1/legal-entities/{entity_id}/records/vendor").status_code == 404
    assert b.cmd.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}).status_code == 404
    exporter = StackClient(stack, tenant="tenant-a", role="invoice_exporter")
    assert exporter.status.get("/v1/overview").status_code == 200
    approver = StackClient(stack, tenant="tenant-a", role="approver")
    assert approver.status.get("/v1/overview").status_code == 403


def test_given_a_sync_then_every_service_exposes_prometheus_metrics(stack):
    c = StackClient(stack)
    entity_id = c.register_intacct()
    c.sync(entity_id, mode="full")
    cmd = c.cmd.get("/metrics").text
    status = c.status.get("/metrics").text
    assert "smartsync_outbox_backlog 0.0" in cmd and "smartsync_http_requests_total" in cmd
    assert 'smartsync_events_published_total{event_type="SyncRequested"} 1.0' in cmd
    assert 'smartsync_syncs_total{erp="intacct",outcome="succeeded"} 1.0' in status
    assert 'smartsync_events_consumed_total{event_type="RecordsSynced"}' in status
