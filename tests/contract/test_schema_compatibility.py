"""Every event schema stays readable both ways across versions, and published versions never change.

Like a schema registry with FULL compatibility: consumers on the newest schema read old events, and consumers
still on the previous schema read new ones. `schemas/published.json` pins each published version's fingerprint.
"""
import hashlib
import json
from pathlib import Path

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from smartsync_core.codec import EventCodec

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
LOCK = SCHEMAS / "published.json"


def versions(event: Path) -> list[Path]:
    return sorted(event.glob("v*.avsc"), key=lambda p: int(p.stem[1:]))


def fingerprint(path: Path) -> str:
    canonical = json.dumps(json.loads(path.read_text()), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def compatible(reader: avro.schema.Schema, writer: avro.schema.Schema) -> bool:
    result = ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
    return result.compatibility is SchemaCompatibilityType.compatible


EVENTS = sorted(p for p in SCHEMAS.iterdir() if p.is_dir())
PAIRS = [(e.name, old, new) for e in EVENTS for old, new in zip(versions(e), versions(e)[1:])]


def test_given_the_schema_folder_then_each_event_of_the_design_has_a_schema():
    assert {e.name for e in EVENTS} >= {"SyncRequested", "SyncStarted", "RecordsSynced", "SyncLogged", "SyncCompleted"}
    assert all(versions(e) and versions(e)[0].name == "v1.avsc" for e in EVENTS)


def test_given_consecutive_versions_then_compatible_both_ways():
    for event, old, new in PAIRS:
        o, n = avro.schema.parse(old.read_text()), avro.schema.parse(new.read_text())
        assert compatible(n, o), f"{event} {new.name} cannot read {old.name} events"
        assert compatible(o, n), f"{event} {old.name} consumers cannot read {new.name} events"


def test_given_a_field_added_with_a_default_then_the_checker_accepts_it():
    doc = json.loads((SCHEMAS / "SyncCompleted" / "v1.avsc").read_text())
    old = avro.schema.parse(json.dumps(doc))
    doc["fields"].append({"name": "warnings", "type": "int", "default": 0})
    new = avro.schema.parse(json.dumps(doc))
    assert compatible(new, old) and compatible(old, new)


def test_given_published_versions_then_none_was_edited_in_place():
    lock = json.loads(LOCK.read_text())
    for e in EVENTS:
        for v in versions(e):
            key = f"{e.name}/{v.name}"
            assert key in lock, f"{key} is new: add its fingerprint to schemas/published.json when publishing it"
            assert lock[key] == fingerprint(v), f"{key} changed after publication: add a new version instead"


def test_given_an_incompatible_change_then_the_checker_refuses_it():
    old = avro.schema.parse((SCHEMAS / "SyncLogged" / "v1.avsc").read_text())
    doc = json.loads((SCHEMAS / "SyncLogged" / "v1.avsc").read_text())
    doc["fields"].append({"name": "severity_code", "type": "int"})  # no default: old events lack it
    assert not compatible(avro.schema.parse(json.dumps(doc)), old)


def test_given_every_event_when_round_tripped_through_the_codec_then_equal():
    from datetime import date, datetime, timezone

    codec = EventCodec(SCHEMAS)
    env = {"event_id": "e", "occurred_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), "tenant_id": "t",
           "legal_entity_id": "l", "sync_id": "s", "erp": "intacct"}
    payload = {**env, "legal_entity_name": "Acme", "mode": "PARTIAL", "sync_from": date(2026, 1, 1),
               "po_receiving_from": None, "requested_by": None, "trigger": "user"}
    value, headers = codec.encode("SyncRequested", payload)
    assert codec.decode(headers, value) == ("SyncRequested", payload)


def test_given_an_event_written_with_v1_when_read_by_a_v2_consumer_then_the_new_field_has_its_default(tmp_path):
    import shutil
    from datetime import datetime, timezone

    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    shutil.copytree(SCHEMAS, old_dir, ignore=shutil.ignore_patterns("*.json"))
    shutil.copytree(SCHEMAS, new_dir, ignore=shutil.ignore_patterns("*.json"))
    doc = json.loads((SCHEMAS / "SyncLogged" / "v1.avsc").read_text())
    doc["fields"].append({"name": "hint", "type": ["null", "string"], "default": None})
    (new_dir / "SyncLogged" / "v2.avsc").write_text(json.dumps(doc))
    event = {"event_id": "e", "occurred_at": datetime(2026, 1, 1, tzinfo=timezone.utc), "tenant_id": "t",
             "legal_entity_id": "l", "sync_id": "s", "erp": "qbo", "level": "INFO", "object_type": None,
             "message": "hello"}
    value, headers = EventCodec(old_dir).encode("SyncLogged", event)
    assert dict(headers)["schema-version"] == b"1"
    _, decoded = EventCodec(new_dir).decode(headers, value)
    assert decoded == {**event, "hint": None}
