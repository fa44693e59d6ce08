"""The NetSuite sandbox served in-process, and a sync runner wired to it with in-memory fakes of the ports."""
from datetime import datetime, timezone

import httpx
import pytest

from erp_netsuite.adapters.source import NetSuiteSourceFactory
from erp_netsuite.domain.objects import OBJECT_TYPES
from netsuite_sandbox.app import NetSuiteSandboxConfig, create_app
from smartsync_core.connector.model import SyncRequest
from smartsync_core.connector.retry import RetryPolicy
from smartsync_core.connector.runner import SyncRunner
from smartsync_core.events import SyncRef
from smartsync_core.metrics import Metrics
from smartsync_core.testing import InMemoryPublisher, InMemoryStateStore, StaticConnections

BASE = "http://1234567-sb1.netsuite.test"
CONNECTION = {"account_id": "1234567_SB1", "consumer_key": "ck-smartsync", "consumer_secret": "cs-secret",
              "token_id": "tk-smartsync", "token_secret": "ts-secret", "base_url": BASE}


class Harness:
    def __init__(self, records_per_table=12, page_size=5, connection=None, **sandbox):
        self.app = create_app(NetSuiteSandboxConfig(records_per_table=records_per_table, **sandbox))
        self.sandbox = self.app.state.sandbox
        self.publisher = InMemoryPublisher()
        self.connections = StaticConnections({"le-1": dict(CONNECTION, **(connection or {}))})
        self.factory = NetSuiteSourceFactory(page_size=page_size, retry=RetryPolicy(5, 0.001),
                                             transport=httpx.ASGITransport(app=self.app))
        self.runner = SyncRunner(erp="netsuite", erp_label="NetSuite", object_types=OBJECT_TYPES, sources=self.factory,
                                 connections=self.connections, state=InMemoryStateStore(), publisher=self.publisher,
                                 topic="events", metrics=Metrics.create(), batch_size=4)

    @property
    def account(self):
        return self.sandbox["account"]

    def request(self, sync_id="s-1", mode="FULL", sync_from=None):
        return SyncRequest(SyncRef("t-1", "le-1", sync_id, "netsuite"), "Acme", mode, sync_from, None,
                           datetime.now(timezone.utc))

    def records(self, object_type=None):
        return self.publisher.records(object_type)

    def completed(self):
        return self.publisher.completed()

    def log_text(self):
        return self.publisher.log_text()


@pytest.fixture
def harness():
    return Harness()
