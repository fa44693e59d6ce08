"""sync-command API: registration, sync requests, idempotency, conflicts, bad input, roles and tenants."""
import asyncio
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from smartsync_core.events import SYNC_REQUESTED
from sync_command import handlers
from sync_command.adapters.store import legal_entities

from .conftest import ADMIN, EXPORTER, INTACCT, OTHER_TENANT, register


async def wait_published(publisher, n, timeout=3.0):
    for _ in range(int(timeout / 0.02)):
        if len(publisher.of_type(SYNC_REQUESTED)) >= n:
            return publisher.of_type(SYNC_REQUESTED)
        await asyncio.sleep(0.02)
    raise AssertionError(f"only {len(publisher.of_type(SYNC_REQUESTED))} published")


async def test_given_intacct_settings_when_registered_then_secrets_are_neither_returned_nor_stored_in_clear(app_env):
    client, container, _ = app_env
    r = await client.post("/v1/legal-entities", json={"name": "Acme", "erp": "intacct", "connection": INTACCT},
                          headers=ADMIN)
    body = r.json()
    assert r.status_code == 201
    assert "user_password" not in body["connection"] and "sender_password" not in body["connection"]
    assert body["connection"]["gateway_url"] == "https://api.intacct.com/ia/xml/xmlgw.phtml"
    async with container.store.engine.connect() as conn:
        raw = (await conn.execute(select(legal_entities.c.connection))).scalar_one()
    assert "pw-user-123" not in raw and "pw-sender-456" not in raw
    assert "pw-user-123" not in r.text


async def test_given_a_service_token_when_connection_read_internally_then_secrets_are_decrypted(app_env):
    client, _, _ = app_env
    entity_id = await register(client)
    denied = await client.get(f"/internal/v1/legal-entities/{entity_id}/connection")
    ok = await client.get(f"/internal/v1/legal-entities/{entity_id}/connection",
                          headers={"Authorization": "Bearer svc-token"})
    assert denied.status_code == 401
    assert ok.json()["settings"]["user_password"] == "pw-user-123"


async def test_given_missing_intacct_field_when_registered_then_422_names_the_field(client):
    bad = {k: v for k, v in INTACCT.items() if k != "sender_id"}
    r = await client.post("/v1/legal-entities", json={"name": "Acme", "erp": "intacct", "connection": bad},
                          headers=ADMIN)
    assert r.status_code == 422 and "sender_id" in r.json()["error"]["message"]


async def test_given_an_exporter_when_registering_a_connection_then_403(client):
    r = await client.post("/v1/legal-entities", json={"name": "Acme", "erp": "intacct", "connection": INTACCT},
                          headers=EXPORTER)
    assert r.status_code == 403


async def test_given_an_entity_when_sync_requested_then_202_and_one_event_published(app_env):
    client, _, publisher = app_env
    entity_id = await register(client)
    r = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=EXPORTER)
    assert r.status_code == 202
    sync_id = r.json()["sync_id"]
    [event] = await wait_published(publisher, 1)
    assert event["sync_id"] == sync_id and event["mode"] == "FULL" and event["erp"] == "intacct"
    assert event["legal_entity_id"] == entity_id and event["tenant_id"] == "tenant-a"
    assert "pw-user-123" not in json.dumps(event, default=str)


async def test_given_a_running_sync_when_another_requested_then_409_with_the_running_id(client):
    entity_id = await register(client)
    first = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=ADMIN)
    second = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=ADMIN)
    assert second.status_code == 409
    assert second.json()["error"]["sync_id"] == first.json()["sync_id"]


async def test_given_same_idempotency_key_when_retried_then_same_sync_and_one_event(app_env):
    client, _, publisher = app_env
    entity_id = await register(client)
    h = {**ADMIN, "Idempotency-Key": "abc-1"}
    a = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=h)
    b = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=h)
    assert a.status_code == b.status_code == 202
    assert a.json()["sync_id"] == b.json()["sync_id"]
    await wait_published(publisher, 1)
    await asyncio.sleep(0.2)
    assert len(publisher.of_type(SYNC_REQUESTED)) == 1


async def test_given_reused_idempotency_key_with_other_body_then_422(client):
    entity_id = await register(client)
    h = {**ADMIN, "Idempotency-Key": "abc-2"}
    await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=h)
    r = await client.post(f"/v1/legal-entities/{entity_id}/syncs",
                          json={"mode": "partial", "sync_from": "2026-01-01"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize("body,status,needle", [
    ({"mode": "sideways"}, 422, "'full' or 'partial'"),
    ({"mode": "partial", "sync_from": "2999-01-01"}, 422, "in the future"),
    ({"mode": "full", "po_receiving_from": "2026-01-01"}, 422, "Sage 100 and Sage 300"),
    ({"mode": "partial", "sync_from": "not-a-date"}, 422, "sync_from"),
    ({"mode": "full", "surprise": 1}, 422, "surprise"),
    ({}, 422, "mode"),
])
async def test_given_bad_input_when_sync_requested_then_clear_4xx(client, body, status, needle):
    entity_id = await register(client)
    r = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json=body, headers=ADMIN)
    assert r.status_code == status, r.text
    assert needle in r.json()["error"]["message"]


async def test_given_malformed_json_when_sync_requested_then_400(client):
    entity_id = await register(client)
    r = await client.post(f"/v1/legal-entities/{entity_id}/syncs", content=b'{"mode": "full"',
                          headers={**ADMIN, "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"


async def test_given_unknown_entity_when_sync_requested_then_404(client):
    r = await client.post("/v1/legal-entities/nope/syncs", json={"mode": "full"}, headers=ADMIN)
    assert r.status_code == 404


async def test_given_another_tenants_entity_when_read_or_synced_then_404(client):
    entity_id = await register(client)
    assert (await client.get(f"/v1/legal-entities/{entity_id}", headers=OTHER_TENANT)).status_code == 404
    r = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=OTHER_TENANT)
    assert r.status_code == 404
    assert (await client.get("/v1/legal-entities", headers=OTHER_TENANT)).json() == []


@pytest.mark.parametrize("headers,status", [
    ({}, 401),
    ({"X-Tenant-Id": "tenant-a"}, 401),
    ({"X-Tenant-Id": "tenant-a", "X-User-Role": "approver"}, 403),
])
async def test_given_no_or_wrong_role_when_sync_requested_then_refused(client, headers, status):
    entity_id = await register(client)
    r = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=headers)
    assert r.status_code == status


async def test_given_sage100_entity_when_po_receiving_from_given_then_accepted(app_env):
    client, _, publisher = app_env
    entity_id = await register(client, erp="sage100", connection={"synctool_name": "ACME-SRV01"})
    r = await client.post(f"/v1/legal-entities/{entity_id}/syncs",
                          json={"mode": "partial", "sync_from": "2026-10-01", "po_receiving_from": "2026-06-01"},
                          headers=ADMIN)
    assert r.status_code == 202
    [event] = await wait_published(publisher, 1)
    assert str(event["po_receiving_from"]) == "2026-06-01"


async def test_given_a_broker_outage_when_sync_accepted_then_it_is_published_once_the_broker_is_back(app_env):
    client, container, publisher = app_env
    publisher.fail_next = 3
    entity_id = await register(client)
    r = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=ADMIN)
    assert r.status_code == 202
    [event] = await wait_published(publisher, 1, timeout=10)
    assert event["sync_id"] == r.json()["sync_id"]


async def test_given_a_completed_sync_when_requested_again_then_accepted(app_env):
    client, container, _ = app_env
    entity_id = await register(client)
    first = (await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=ADMIN)).json()
    done = {"sync_id": first["sync_id"], "status": "SUCCEEDED", "occurred_at": datetime.now(timezone.utc)}
    await handlers.on_sync_event(container.store, "SyncCompleted", done)
    await handlers.on_sync_event(container.store, "SyncCompleted", done)  # replayed: no effect
    again = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "partial"}, headers=ADMIN)
    assert again.status_code == 202, again.text  # partial defaults to the last success
    entity = (await client.get(f"/v1/legal-entities/{entity_id}", headers=ADMIN)).json()
    assert entity["last_success_at"] is not None


async def test_given_a_password_change_when_patched_then_merged_and_still_hidden(app_env):
    client, _, _ = app_env
    entity_id = await register(client)
    r = await client.patch(f"/v1/legal-entities/{entity_id}/connection",
                           json={"connection": {"user_password": "rotated-789"}}, headers=ADMIN)
    assert r.status_code == 200 and "user_password" not in r.json()["connection"]
    internal = await client.get(f"/internal/v1/legal-entities/{entity_id}/connection",
                                headers={"Authorization": "Bearer svc-token"})
    assert internal.json()["settings"]["user_password"] == "rotated-789"
    assert internal.json()["settings"]["sender_password"] == "pw-sender-456"


async def test_given_an_erp_whose_connector_is_not_deployed_when_sync_requested_then_422_not_a_sync_that_never_ends(
        client):
    entity_id = await register(client, erp="sage300", connection={"synctool_name": "ACME-SRV02"})
    r = await client.post(f"/v1/legal-entities/{entity_id}/syncs", json={"mode": "full"}, headers=ADMIN)
    assert r.status_code == 422 and "SyncTool bridge" in r.json()["error"]["message"]
