"""The Intacct sandbox served in-process, and a sync runner wired to it with in-memory fakes of the ports."""
from datetime import datetime, timezone

import httpx
import pytest

from smartsync_core.connector.retry import RetryPolicy
from erp_intacct.adapters.source import IntacctSourceFactory
from erp_intacct.domain.objects import OBJECT_TYPES
from intacct_sandbox.app import SandboxConfig, create_app
from smartsync_core.connector.model import SyncRequest
from smartsync_core.connector.runner import SyncRunner
from smartsync_core.events import SyncRef
from smartsync_core.metrics import Metrics
from smartsync_core.testing import InMemoryPublisher, InMemoryStateStore, StaticConnections

GATEWAY = "http://intacct.test/ia/xml/xmlgw.phtml"
CONNECTION = {"company_id": "acme", "user_id": "beanworks", "user_password": "user-secret",
              "sender_id": "smartsync_dev", "sender_password": "sender-secret", "gateway_url": GATEWAY}


class Harness:
    def __init__(self, records_per_object=12, pagesize=5, connection=None):
        self.app = create_app(SandboxConfig(records_per_object=records_per_object))
        self.sandbox = self.app.state.sandbox
        self.publisher = InMemoryPublisher()
        self.state = InMemoryStateStore()
        self.connection = dict(CONNECTION, **(connection or {}))
        self.runner = SyncRunner(
            erp="intacct", erp_label="Sage Intacct", object_types=OBJECT_TYPES,
            sources=IntacctSourceFactory(pagesize, RetryPolicy(3, 0.001), transport=httpx.ASGITransport(app=self.app)),
            connections=StaticConnections({"le-1": self.connection}), state=self.state, publisher=self.publisher,
            topic="events", metrics=Metrics.create(), batch_size=4,
        )

    @property
    def company(self):
        return self.sandbox.companies["acme"]

    def request(self, sync_id="s-1", mode="FULL", sync_from=None):
        return SyncRequest(SyncRef("t-1", "le-1", sync_id, "intacct"), "Acme", mode, sync_from, None,
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
