"""The QBO sandbox served in-process, and a sync runner wired to it with in-memory fakes of the ports."""
from datetime import datetime, timezone

import httpx
import pytest

from erp_qbo.adapters.source import QboSourceFactory
from erp_qbo.domain.objects import OBJECT_TYPES
from qbo_sandbox.app import QboSandboxConfig, create_app
from smartsync_core.connector.model import SyncRequest
from smartsync_core.connector.retry import RetryPolicy
from smartsync_core.connector.runner import SyncRunner
from smartsync_core.events import SyncRef
from smartsync_core.metrics import Metrics
from smartsync_core.testing import InMemoryPublisher, InMemoryStateStore, StaticConnections

BASE = "http://qbo.test"
CONNECTION = {"realm_id": "9130355", "client_id": "ABclient", "client_secret": "client-secret",
              "refresh_token": "RT-initial", "base_url": BASE, "token_url": f"{BASE}/oauth2/v1/tokens/bearer",
              "minor_version": "75"}


class Harness:
    def __init__(self, records_per_entity=12, page_size=5, connection=None, **sandbox):
        self.app = create_app(QboSandboxConfig(records_per_entity=records_per_entity, **sandbox))
        self.sandbox = self.app.state.sandbox
        self.publisher = InMemoryPublisher()
        self.state = InMemoryStateStore()
        self.connections = StaticConnections({"le-1": dict(CONNECTION, **(connection or {}))})
        self.factory = QboSourceFactory(page_size=page_size, retry=RetryPolicy(5, 0.001),
                                        transport=httpx.ASGITransport(app=self.app))
        self.runner = SyncRunner(erp="qbo", erp_label="QuickBooks Online", object_types=OBJECT_TYPES,
                                 sources=self.factory, connections=self.connections, state=self.state,
                                 publisher=self.publisher, topic="events", metrics=Metrics.create(), batch_size=4)

    @property
    def realm(self):
        return self.sandbox["realms"]["9130355"]

    def request(self, sync_id="s-1", mode="FULL", sync_from=None):
        return SyncRequest(SyncRef("t-1", "le-1", sync_id, "qbo"), "Acme", mode, sync_from, None,
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
