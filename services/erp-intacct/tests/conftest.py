"""The Intacct sandbox served in-process, and a sync runner wired to it with in-memory fakes of the ports."""
import httpx
import pytest

from erp_intacct.adapters.source import IntacctSourceFactory
from erp_intacct.domain.objects import OBJECT_TYPES
from intacct_sandbox.app import SandboxConfig, create_app
from smartsync_core.connector.retry import RetryPolicy
from smartsync_core.testing import SyncHarness

GATEWAY = "http://intacct.test/ia/xml/xmlgw.phtml"
CONNECTION = {"company_id": "acme", "user_id": "beanworks", "user_password": "user-secret",
              "sender_id": "smartsync_dev", "sender_password": "sender-secret", "gateway_url": GATEWAY}


class Harness(SyncHarness):
    def __init__(self, records_per_object=12, pagesize=5, connection=None):
        self.app = create_app(SandboxConfig(records_per_object=records_per_object))
        self.sandbox = self.app.state.sandbox
        sources = IntacctSourceFactory(pagesize, RetryPolicy(3, 0.001), transport=httpx.ASGITransport(app=self.app))
        super().__init__(erp="intacct", erp_label="Sage Intacct", object_types=OBJECT_TYPES, sources=sources,
                         connection=dict(CONNECTION, **(connection or {})))

    @property
    def company(self):
        return self.sandbox.companies["acme"]


@pytest.fixture
def harness():
    return Harness()
