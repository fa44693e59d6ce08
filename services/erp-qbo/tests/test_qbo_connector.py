"""The QuickBooks Online connector against the in-process sandbox: tokens, paging, CDC, limits and faults."""
from datetime import datetime, timedelta, timezone

from erp_qbo.adapters.source import build_query
from erp_qbo.domain.objects import OBJECT_TYPES, Vendor

from .conftest import Harness


def test_given_a_name_list_entity_when_queried_then_inactive_rows_are_asked_for():
    q = build_query(Vendor, datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), 11, 1000)
    assert q == ("SELECT * FROM Vendor WHERE Active IN (true,false) AND Metadata.LastUpdatedTime >= "
                 "'2026-01-02T03:04:05+00:00' ORDERBY Id STARTPOSITION 11 MAXRESULTS 1000")


async def test_given_a_seeded_realm_when_full_sync_then_every_row_including_inactive_arrives(harness):
    await harness.runner.run(harness.request())
    [done] = harness.completed()
    assert done["status"] == "SUCCEEDED", done
    assert len(harness.records()) == 12 * len(OBJECT_TYPES)
    vendors = harness.records("vendor")
    assert {r["status"] for r in vendors.values()} >= {"ACTIVE"}
    inactive = [r for r in harness.realm.rows["Vendor"].values() if not r["Active"]]
    assert all(vendors[("vendor", r["Id"])]["status"] == "INACTIVE" for r in inactive)


async def test_given_a_refresh_when_tokens_rotate_then_the_new_refresh_token_is_stored_before_use(harness):
    await harness.runner.run(harness.request())
    stored = harness.connections.by_entity["le-1"]
    assert stored["refresh_token"] == harness.realm.refresh_token != "RT-initial"
    assert stored["access_token"] in harness.realm.access_tokens
    assert harness.sandbox["stats"]["refreshes"] == 1


async def test_given_a_stored_valid_access_token_when_synced_again_then_no_refresh_is_needed(harness):
    await harness.runner.run(harness.request("s-1"))
    await harness.runner.run(harness.request("s-2"))
    assert harness.sandbox["stats"]["refreshes"] == 1


async def test_given_an_expired_access_token_mid_sync_then_it_refreshes_and_carries_on(harness):
    original = harness.factory.create

    def create(connection, save):
        source = original(connection, save)
        get = source.client.get

        async def expiring(path, params, label):
            if params.get("query", "").startswith("SELECT * FROM Item"):
                harness.realm.access_tokens.clear()
            return await get(path, params, label)

        source.client.get = expiring
        return source

    harness.factory.create = create
    await harness.runner.run(harness.request())
    assert harness.completed()[0]["status"] == "SUCCEEDED"
    assert harness.sandbox["stats"]["refreshes"] >= 2


async def test_given_a_revoked_refresh_token_when_synced_then_failed_telling_the_user_to_reconnect():
    h = Harness(connection={"refresh_token": "RT-stale"})
    await h.runner.run(h.request())
    [done] = h.completed()
    assert done["status"] == "FAILED" and "invalid_grant" in done["error"] and "Reconnect" in done["error"]


async def test_given_changes_and_a_deletion_when_partial_sync_then_changes_and_deletion_arrive():
    h = Harness()
    now = datetime.now(timezone.utc)
    po = next(iter(h.realm.rows["PurchaseOrder"]))
    h.realm.delete("PurchaseOrder", po, now)
    vendor = next(iter(h.realm.rows["Vendor"]))
    h.realm.modify("Vendor", vendor, {"DisplayName": "Renamed"}, now)
    await h.runner.run(h.request(mode="PARTIAL", sync_from=(now - timedelta(days=1)).date()))
    got = h.records()
    assert got[("vendor", vendor)]["name"] == "Renamed"
    assert got[("purchase_order", po)]["status"] == "DELETED"
    assert len(got) == 2


async def test_given_a_tight_limit_when_synced_then_the_limiter_keeps_us_under_it_without_429s():
    h = Harness(records_per_entity=6, page_size=2, requests_per_window=6, window_seconds=1.0, max_concurrent=2)
    h.factory.requests_per_minute, h.factory.window_seconds, h.factory.max_concurrent = 5, 1.0, 2
    await h.runner.run(h.request())
    assert h.completed()[0]["status"] == "SUCCEEDED"
    assert h.sandbox["stats"]["throttled"] == 0  # the sandbox answers 429 past 6 requests a second
    assert len(h.records()) == 6 * len(OBJECT_TYPES)


async def test_given_throttling_in_every_shape_when_synced_then_retried_and_nothing_lost():
    h = Harness()
    for kind in ("throttle_json", "throttle_xml", "fault_200_throttle"):
        h.sandbox["faults"].append({"kind": kind, "count": 1})
    await h.runner.run(h.request())
    assert h.completed()[0]["status"] == "SUCCEEDED"
    assert len(h.records()) == 12 * len(OBJECT_TYPES)


async def test_given_a_fault_with_http_200_when_synced_then_that_entity_fails_with_the_fault_text():
    h = Harness()
    h.sandbox["faults"].append({"kind": "fault_200_validation", "count": 1})
    await h.runner.run(h.request())
    objects = {o["object_type"]: o for o in h.completed()[0]["objects"]}
    assert objects["vendor"]["status"] == "FAILED" and "QueryParserError" in objects["vendor"]["error"]
    assert objects["gl_account"]["status"] == "SUCCEEDED"


async def test_given_a_malformed_body_or_missing_id_when_synced_then_failed_with_a_clear_log():
    for kind, needle in (("malformed", "cannot read"), ("missing_id", "without Id")):
        h = Harness()
        h.sandbox["faults"].append({"kind": kind, "count": 1})
        await h.runner.run(h.request())
        assert h.completed()[0]["status"] == "FAILED"
        assert needle in h.log_text()


async def test_given_a_crash_mid_sync_when_rerun_then_nothing_lost_or_doubled():
    done = await Harness().crash_then_rerun(fail_after=8)
    assert done["status"] == "SUCCEEDED" and {o["records"] for o in done["objects"]} == {12}


async def test_given_more_changes_than_cdc_can_list_when_partial_sync_then_the_object_fails_asking_for_a_full_sync():
    from erp_qbo.adapters import source

    h = Harness()
    now = datetime.now(timezone.utc)
    for rid in list(h.realm.rows["Customer"])[:3]:
        h.realm.modify("Customer", rid, {"DisplayName": "Changed"}, now)
    original, source.CDC_MAX_OBJECTS = source.CDC_MAX_OBJECTS, 3  # the sandbox caps at 1000 like QBO; so do we
    try:
        await h.runner.run(h.request(mode="PARTIAL", sync_from=(now - timedelta(days=1)).date()))
    finally:
        source.CDC_MAX_OBJECTS = original
    objects = {o["object_type"]: o for o in h.completed()[0]["objects"]}
    assert objects["customer"]["status"] == "FAILED" and "run a full sync" in objects["customer"]["error"]
    assert len(h.records("customer")) == 3  # the changes still landed
    assert objects["vendor"]["status"] == "SUCCEEDED"


async def test_given_rows_deleted_behind_the_reader_during_a_full_sync_then_no_remaining_row_is_skipped():
    h = Harness(records_per_entity=30, page_size=8)
    original = h.factory.create

    def create(connection, save):
        source = original(connection, save)
        get = source.client.get

        async def deleting(path, params, label):
            answer = await get(path, params, label)
            query = params.get("query", "")
            if "FROM PurchaseOrder" in query and "STARTPOSITION 1 " in query:
                for rid in list(h.realm.rows["PurchaseOrder"])[:2]:  # two rows already read vanish
                    h.realm.delete("PurchaseOrder", rid, datetime.now(timezone.utc))
            return answer

        source.client.get = deleting
        return source

    h.factory.create = create
    await h.runner.run(h.request())
    got = {rid for _, rid in h.records("purchase_order")}
    assert set(h.realm.rows["PurchaseOrder"]) <= got  # every row still there was read
    objects = {o["object_type"]: o for o in h.completed()[0]["objects"]}
    assert objects["purchase_order"]["records"] == len(got) == 30  # and none twice
