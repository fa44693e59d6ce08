"""The Intacct connector against the in-process sandbox: paging, cursors, resume, and every failure path."""
from datetime import date, datetime, timezone

from erp_intacct.domain.objects import OBJECT_TYPES
from intacct_sandbox.app import Fault

from .conftest import Harness


def sandbox_count(h, intacct_object):
    return len(h.company.records[intacct_object])


async def test_given_seeded_company_when_full_sync_then_every_record_of_every_object_is_published(harness):
    await harness.runner.run(harness.request())
    [done] = harness.completed()
    assert done["status"] == "SUCCEEDED"
    assert {o["object_type"] for o in done["objects"]} == set(OBJECT_TYPES)
    assert len(harness.records("vendor")) == sandbox_count(harness, "VENDOR") == 12
    assert len(harness.records()) == 12 * len(OBJECT_TYPES)
    assert all(o["records"] == 12 for o in done["objects"])
    vendor = next(iter(harness.records("vendor").values()))
    assert vendor["code"].startswith("VEN-") and vendor["fields"]["VENDORID"] == vendor["code"]


async def test_given_changes_when_partial_sync_then_only_changed_rows_including_never_modified_new_ones():
    h = Harness()
    c = h.company
    at = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
    added = c.add("VENDOR", {"NAME": "New Vendor"}, at)  # new: WHENMODIFIED null, WHENCREATED today
    first_gl = next(iter(c.records["GLACCOUNT"]))
    c.modify("GLACCOUNT", first_gl, {"TITLE": "Renamed"}, at)
    await h.runner.run(h.request(mode="PARTIAL", sync_from=date(2026, 11, 24)))
    got = h.records()
    assert set(got) == {("vendor", added["RECORDNO"]), ("gl_account", str(first_gl))}
    assert got[("gl_account", str(first_gl))]["name"] == "Renamed"
    assert "marked deleted by the next full sync" in h.log_text()


async def test_given_a_crash_mid_sync_when_rerun_then_it_resumes_without_losing_or_doubling():
    h = Harness(records_per_object=12, pagesize=5)
    h.publisher.fail_after = 9  # the broker goes away after a few pages
    try:
        await h.runner.run(h.request())
    except ConnectionError:
        pass
    before = list(h.publisher.sent)
    assert 0 < len(before) and not h.completed()
    h.publisher.fail_after = None
    await h.runner.run(h.request())  # the redelivered request
    [done] = h.completed()
    assert done["status"] == "SUCCEEDED"
    assert all(o["records"] == 12 for o in done["objects"])  # counted once
    batches = [e for _, e in h.publisher.sent if e.event_type == "RecordsSynced"]
    by_id = {}
    for b in batches:  # a re-sent batch is the same event (same id, same records)
        prev = by_id.setdefault(b.payload["event_id"], b.payload)
        assert [r["external_id"] for r in prev["records"]] == [r["external_id"] for r in b.payload["records"]]
    assert len(h.records()) == 12 * len(OBJECT_TYPES)


async def test_given_a_completed_sync_when_request_redelivered_then_same_completion_is_repeated(harness):
    await harness.runner.run(harness.request())
    await harness.runner.run(harness.request())
    first, second = harness.completed()
    assert first["event_id"] == second["event_id"]
    assert len(harness.publisher.of_type("RecordsSynced")) == len(
        {e["event_id"] for e in harness.publisher.of_type("RecordsSynced")})


async def test_given_a_wrong_user_password_when_synced_then_failed_with_an_actionable_log():
    h = Harness(connection={"user_password": "wrong"})
    await h.runner.run(h.request())
    [done] = h.completed()
    assert done["status"] == "FAILED" and "sign-in failed" in done["error"]
    assert "Web Services user 'beanworks'" in h.log_text()
    assert not h.publisher.of_type("RecordsSynced")
    assert "wrong" not in h.log_text()  # never echo a secret


async def test_given_a_wrong_sender_password_when_synced_then_failed_naming_the_sender():
    h = Harness(connection={"sender_password": "nope"})
    await h.runner.run(h.request())
    [done] = h.completed()
    assert done["status"] == "FAILED" and "sender id 'smartsync_dev'" in done["error"]


async def test_given_an_unauthorized_sender_when_synced_then_the_log_says_where_to_authorize_it():
    h = Harness()
    h.company.authorized_senders = set()
    await h.runner.run(h.request())
    assert "Web Services Authorizations" in h.completed()[0]["error"]


async def test_given_a_role_without_vendor_permission_when_synced_then_vendor_fails_and_others_land():
    h = Harness()
    h.company.denied = {"VENDOR"}
    await h.runner.run(h.request())
    [done] = h.completed()
    objects = {o["object_type"]: o for o in done["objects"]}
    assert done["status"] == "FAILED" and "vendor" in done["error"]
    assert objects["vendor"]["status"] == "FAILED" and "Company → Roles" in objects["vendor"]["error"]
    assert objects["gl_account"]["status"] == "SUCCEEDED" and objects["gl_account"]["records"] == 12


async def test_given_rate_limiting_when_synced_then_requests_are_retried_and_nothing_is_lost():
    h = Harness()
    h.sandbox.faults.append(Fault("rate_limit", 2))
    await h.runner.run(h.request())
    assert h.completed()[0]["status"] == "SUCCEEDED"
    assert h.sandbox.stats["rate_limited"] == 2
    assert len(h.records()) == 12 * len(OBJECT_TYPES)


async def test_given_persistent_outage_when_synced_then_failed_after_retries_with_a_clear_reason():
    h = Harness()
    h.sandbox.faults.append(Fault("server_error", 100))
    await h.runner.run(h.request())
    [done] = h.completed()
    assert done["status"] == "FAILED" and "did not answer successfully after 3 attempts" in done["error"]


async def test_given_a_malformed_response_when_synced_then_failed_with_a_clear_log():
    h = Harness()
    h.sandbox.faults.append(Fault("malformed", 1))
    await h.runner.run(h.request())
    assert "cannot read" in h.completed()[0]["error"]


async def test_given_an_expired_session_when_reading_then_the_connector_signs_in_again():
    h = Harness()
    original = h.runner.sources.create

    def create(connection, save):
        source = original(connection, save)
        call = source.client.call

        async def expiring_call(fn, label):
            h.sandbox.sessions.clear()  # every session dies before each call
            return await call(fn, label)

        source.client.call = expiring_call
        return source

    h.runner.sources.create = create
    await h.runner.run(h.request())
    assert h.completed()[0]["status"] == "SUCCEEDED"


async def test_given_a_row_without_its_key_when_synced_then_that_object_fails_with_a_clear_log():
    h = Harness()
    first = next(iter(h.company.records["CUSTOMER"].values()))
    first["CUSTOMERID"] = None
    await h.runner.run(h.request())
    objects = {o["object_type"]: o for o in h.completed()[0]["objects"]}
    assert objects["customer"]["status"] == "FAILED" and "without CUSTOMERID" in objects["customer"]["error"]


async def test_given_a_session_endpoint_elsewhere_when_synced_then_the_connector_follows_it():
    """Intacct's getAPISession names the endpoint to use for the session; a faithful client goes there."""
    import httpx

    h = Harness()
    h.sandbox.cfg.public_url = "http://api-east.intacct.test/ia/xml/xmlgw.phtml"
    hosts = []

    class Recording(httpx.ASGITransport):
        async def handle_async_request(self, request):
            hosts.append(request.url.host)
            return await super().handle_async_request(request)

    h.runner.sources.transport = Recording(app=h.app)
    await h.runner.run(h.request())
    assert h.completed()[0]["status"] == "SUCCEEDED"
    assert hosts[0] == "intacct.test" and set(hosts[1:]) == {"api-east.intacct.test"}
