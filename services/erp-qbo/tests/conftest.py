"""The QBO sandbox served in-process, and a sync runner wired to it with in-memory fakes of the ports."""
import httpx
import pytest

from erp_qbo.adapters.source import QboSourceFactory
from erp_qbo.domain.objects import OBJECT_TYPES
from qbo_sandbox.app import QboSandboxConfig, create_app
from smartsync_core.connector.retry import RetryPolicy
from smartsync_core.testing import SyncHarness

BASE = "http://qbo.test"
CONNECTION = {"realm_id": "9130355", "client_id": "ABclient", "client_secret": "client-secret",
              "refresh_token": "RT-initial", "base_url": BASE, "token_url": f"{BASE}/oauth2/v1/tokens/bearer",
              "minor_version": "75"}


class Harness(SyncHarness):
    def __init__(self, records_per_entity=12, page_size=5, connection=None, **sandbox):
        self.app = create_app(QboSandboxConfig(records_per_entity=records_per_entity, **sandbox))
        self.sandbox = self.app.state.sandbox
        self.factory = QboSourceFactory(page_size=page_size, retry=RetryPolicy(5, 0.001),
                                        transport=httpx.ASGITransport(app=self.app))
        super().__init__(erp="qbo", erp_label="QuickBooks Online", object_types=OBJECT_TYPES, sources=self.factory,
                         connection=dict(CONNECTION, **(connection or {})))

    @property
    def realm(self):
        return self.sandbox["realms"]["9130355"]


@pytest.fixture
def harness():
    return Harness()
