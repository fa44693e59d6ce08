"""Rules of a sync request (pure domain)."""
from datetime import date, datetime, timezone

import pytest

from sync_command.domain.model import InvalidRequest, LegalEntity, RequestSync, validate_sync_request

TODAY = date(2026, 11, 25)


def entity(erp="intacct", last_success=None):
    return LegalEntity("le-1", "t1", "Acme", erp, {}, last_success_at=last_success)


def test_given_full_mode_when_validated_then_mode_is_normalised():
    out = validate_sync_request(entity(), RequestSync("le-1", "FULL", None, None), TODAY)
    assert out.mode == "FULL" and out.sync_from is None


@pytest.mark.parametrize("mode", ["", "fast", "everything", "part"])
def test_given_unknown_mode_when_validated_then_rejected_with_the_allowed_modes(mode):
    with pytest.raises(InvalidRequest, match="'full' or 'partial'"):
        validate_sync_request(entity(), RequestSync("le-1", mode, None, None), TODAY)


def test_given_sync_from_in_the_future_when_validated_then_rejected():
    with pytest.raises(InvalidRequest, match="in the future"):
        validate_sync_request(entity(), RequestSync("le-1", "partial", date(2026, 11, 26), None), TODAY)


def test_given_intacct_entity_when_po_receiving_from_given_then_rejected_naming_the_erp():
    with pytest.raises(InvalidRequest, match="Sage 100 and Sage 300.*Sage Intacct"):
        validate_sync_request(entity(), RequestSync("le-1", "full", None, date(2026, 1, 1)), TODAY)


@pytest.mark.parametrize("erp", ["sage100", "sage300"])
def test_given_sage_100_or_300_when_po_receiving_from_given_then_accepted(erp):
    out = validate_sync_request(entity(erp), RequestSync("le-1", "full", None, date(2026, 1, 1)), TODAY)
    assert out.po_receiving_from == date(2026, 1, 1)


def test_given_never_synced_entity_when_partial_without_sync_from_then_rejected():
    with pytest.raises(InvalidRequest, match="sync_from is required"):
        validate_sync_request(entity(), RequestSync("le-1", "partial", None, None), TODAY)


def test_given_a_previous_success_when_partial_without_sync_from_then_it_starts_at_that_day():
    last = datetime(2026, 11, 20, 23, 59, tzinfo=timezone.utc)
    out = validate_sync_request(entity(last_success=last), RequestSync("le-1", "partial", None, None), TODAY)
    assert out.sync_from == date(2026, 11, 20)


def test_given_an_erp_without_a_running_connector_when_validated_then_refused_saying_why():
    with pytest.raises(InvalidRequest, match="SyncTool bridge is not running"):
        validate_sync_request(entity("sage100"), RequestSync("le-1", "full", None, None), TODAY, {"intacct"})
