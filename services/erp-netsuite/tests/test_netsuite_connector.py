"""The NetSuite connector against the in-process sandbox: TBA signatures, SuiteQL paging, deletions, subsidiaries."""
import asyncio
from datetime import datetime, timezone

import httpx

from erp_netsuite.adapters.client import NetSuiteClient, NetSuiteConnection
from erp_netsuite.adapters.source import build_query
from erp_netsuite.domain import oauth1
from erp_netsuite.domain.objects import OBJECT_TYPES, PurchaseOrder, Vendor
from smartsync_core.connector.limits import RequestLimiter
from smartsync_core.connector.retry import RetryPolicy

from .conftest import CONNECTION, Harness


def expected_rows(h, table, type_filter=None):
    return [r for r in h.account.rows[table].values() if type_filter is None or r["type"] == type_filter]


def test_given_the_oauth_example_values_then_the_signature_base_is_normalised():
    base = oauth1.signature_base("post", "HTTPS://Acct.Example.com/path?b=2&a=1 x",
                                 {"oauth_nonce": "n", "oauth_token": "t"})
    assert base == "POST&https%3A%2F%2Facct.example.com%2Fpath&a%3D1%2520x%26b%3D2%26oauth_nonce%3Dn%26oauth_token%3Dt"
    assert oauth1.realm_of("1234567-sb1") == "1234567_SB1"
    assert oauth1.rest_host("1234567_SB1") == "https://1234567-sb1.suitetalk.api.netsuite.com"


def test_given_a_partial_entity_level_read_then_the_query_filters_day_keyset_and_subsidiary():
    q = build_query(Vendor, datetime(2026, 11, 24, 5, tzinfo=timezone.utc), 41, "2")
    assert q == ("SELECT id, lastmodifieddate, entityid, companyname, isinactive, subsidiary, email, currency, terms "
                 "FROM vendor WHERE lastmodifieddate >= TO_DATE('2026-11-24', 'YYYY-MM-DD') AND id > 41 AND "
                 "subsidiary = 2 ORDER BY id")
    assert "type = 'PurchOrd'" in build_query(PurchaseOrder, None, None, None)


async def test_given_a_seeded_account_when_full_sync_then_every_record_arrives(harness):
    await harness.runner.run(harness.request())
    [done] = harness.completed()
    assert done["status"] == "SUCCEEDED", done
    assert len(harness.records("vendor")) == len(expected_rows(harness, "vendor")) == 12
    assert len(harness.records("purchase_order")) == len(expected_rows(harness, "transaction", "PurchOrd")) == 12
    assert len(harness.records()) == 12 * len(OBJECT_TYPES)
    assert harness.sandbox["stats"]["auth_failures"] == 0


async def test_given_an_entity_level_connection_then_only_its_subsidiarys_records_arrive():
    h = Harness(connection={"subsidiary_id": "2"})
    await h.runner.run(h.request())
    vendors = h.records("vendor")
    assert {r["fields"]["subsidiary"] for r in vendors.values()} == {"2"}
    assert len(vendors) == len([r for r in expected_rows(h, "vendor") if r["subsidiary"] == "2"])
    assert set(h.records("subsidiary")) == {("subsidiary", "2")}
    lines = {r["transaction"]: r["subsidiary"] for r in h.account.rows["transactionline"].values()}
    pos = h.records("purchase_order")
    assert pos and all(lines[int(rid)] == "2" for _, rid in pos)
    assert len(pos) == len([r for r in expected_rows(h, "transaction", "PurchOrd") if lines[r["id"]] == "2"])


async def test_given_changes_and_deletions_when_partial_sync_then_both_arrive_including_a_deleted_po():
    h = Harness()
    now = datetime.now(timezone.utc)
    vendor = next(iter(h.account.rows["vendor"]))
    h.account.modify("vendor", vendor, {"companyname": "Renamed Co"}, now)
    po = next(r["id"] for r in expected_rows(h, "transaction", "PurchOrd"))
    h.account.delete("transaction", po, now)
    await h.runner.run(h.request(mode="PARTIAL", sync_from=now.date()))
    got = h.records()
    assert got[("vendor", str(vendor))]["name"] == "Renamed Co"
    assert got[("purchase_order", str(po))]["status"] == "DELETED"
    assert len(got) == 2


async def test_given_more_rows_than_the_offset_cap_then_queries_restart_from_the_last_id():
    h = Harness(records_per_table=23, page_size=4, offset_cap=10)
    h.factory.offset_cap = 10
    await h.runner.run(h.request())
    assert h.completed()[0]["status"] == "SUCCEEDED"
    assert len(h.records("vendor")) == 23


async def test_given_wrong_token_secret_when_synced_then_failed_with_the_login_audit_hint():
    h = Harness(connection={"token_secret": "wrong"})
    await h.runner.run(h.request())
    [done] = h.completed()
    assert done["status"] == "FAILED" and "token-based login" in done["error"]
    assert "wrong" not in h.log_text()


async def test_given_a_role_without_vendor_access_then_vendor_fails_and_others_land():
    h = Harness()
    h.account.denied = {"vendor"}
    await h.runner.run(h.request())
    objects = {o["object_type"]: o for o in h.completed()[0]["objects"]}
    assert objects["vendor"]["status"] == "FAILED" and "Manage Roles" in objects["vendor"]["error"]
    assert objects["customer"]["status"] == "SUCCEEDED"


async def test_given_429s_and_5xx_when_synced_then_backed_off_and_nothing_lost():
    h = Harness()
    h.sandbox["faults"] += [{"kind": "throttle", "count": 2}, {"kind": "server_error", "count": 1}]
    await h.runner.run(h.request())
    assert h.completed()[0]["status"] == "SUCCEEDED" and len(h.records()) == 12 * len(OBJECT_TYPES)


async def test_given_many_concurrent_queries_then_the_limiter_keeps_under_the_governance_limit():
    h = Harness(max_concurrent=3)
    conn = NetSuiteConnection.from_settings(CONNECTION)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=h.app)) as http:
        client = NetSuiteClient(conn, http, RequestLimiter(1000, 1.0, 3), RetryPolicy(1, 0.001))
        await asyncio.gather(*[client.suiteql("SELECT id FROM vendor ORDER BY id", limit=5, offset=0, label="v")
                               for _ in range(25)])
    assert h.sandbox["stats"]["throttled"] == 0 and h.sandbox["stats"]["max_concurrent_seen"] <= 3


async def test_given_malformed_or_keyless_rows_when_synced_then_failed_with_a_clear_log():
    for kind, needle in (("malformed", "cannot read"), ("missing_id", "without a numeric id")):
        h = Harness()
        h.sandbox["faults"].append({"kind": kind, "count": 1, "after": 1})  # after the sign-in check
        await h.runner.run(h.request())
        assert h.completed()[0]["status"] == "FAILED", kind
        assert needle in h.log_text(), h.log_text()


async def test_given_a_crash_mid_sync_when_rerun_then_nothing_lost_or_doubled():
    done = await Harness().crash_then_rerun(fail_after=8)
    assert done["status"] == "SUCCEEDED" and {o["records"] for o in done["objects"]} == {12}
