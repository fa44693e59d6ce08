"""Avro encoding of SmartSync events: one schema per event type and version, read from `schemas/`.

Kafka headers carry `event-type` and `schema-version`; the payload is plain Avro binary. Readers resolve the
writer's version against the newest one, so old events stay readable after a schema evolves.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import avro.io
import avro.schema

EVENT_TYPE_HEADER = "event-type"
SCHEMA_VERSION_HEADER = "schema-version"


class UnknownEvent(ValueError):
    """A message whose event type or schema version this codec does not know."""


def load_schema(path: Path) -> avro.schema.Schema:
    return avro.schema.parse(path.read_text())


class EventCodec:
    def __init__(self, schemas_dir: Path):
        self._schemas: dict[tuple[str, int], avro.schema.Schema] = {}
        self._latest: dict[str, int] = {}
        for folder in sorted(p for p in Path(schemas_dir).iterdir() if p.is_dir()):
            for file in folder.glob("v*.avsc"):
                version = int(file.stem[1:])
                self._schemas[(folder.name, version)] = load_schema(file)
                self._latest[folder.name] = max(version, self._latest.get(folder.name, 0))
        if not self._latest:
            raise FileNotFoundError(f"no schemas under {schemas_dir}")
        self._writers = {name: avro.io.DatumWriter(self._schemas[(name, v)]) for name, v in self._latest.items()}
        self._readers: dict[tuple[str, int], avro.io.DatumReader] = {}

    @property
    def event_types(self) -> list[str]:
        return sorted(self._latest)

    def encode(self, event_type: str, payload: dict[str, Any]) -> tuple[bytes, list[tuple[str, bytes]]]:
        try:
            writer = self._writers[event_type]
        except KeyError:
            raise UnknownEvent(event_type) from None
        buf = io.BytesIO()
        writer.write(payload, avro.io.BinaryEncoder(buf))
        headers = [
            (EVENT_TYPE_HEADER, event_type.encode()),
            (SCHEMA_VERSION_HEADER, str(self._latest[event_type]).encode()),
        ]
        return buf.getvalue(), headers

    def decode(self, headers: list[tuple[str, bytes]] | tuple, value: bytes) -> tuple[str, dict[str, Any]]:
        h = {k: v.decode() for k, v in headers or ()}
        event_type = h.get(EVENT_TYPE_HEADER)
        version = int(h.get(SCHEMA_VERSION_HEADER, "1"))
        if event_type not in self._latest or (event_type, version) not in self._schemas:
            raise UnknownEvent(f"{event_type} v{version}")
        reader = self._readers.get((event_type, version))
        if reader is None:
            reader = avro.io.DatumReader(self._schemas[(event_type, version)], self._schemas[(event_type, self._latest[event_type])])
            self._readers[(event_type, version)] = reader
        return event_type, reader.read(avro.io.BinaryDecoder(io.BytesIO(value)))

    def schema_json(self, event_type: str) -> dict:
        return json.loads(str(self._schemas[(event_type, self._latest[event_type])]))
