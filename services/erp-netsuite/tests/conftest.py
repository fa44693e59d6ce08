"""The NetSuite sandbox served in-process, and a sync runner wired to it with in-memory fakes of the ports."""
import httpx
import pytest

from erp_netsuite.adapters.source import NetSuiteSourceFactory
from erp_netsuite.domain.objects import OBJECT_TYPES
from netsuite_sandbox.app import NetSuiteSandboxConfig, create_app
from smartsync_core.connector.retry import RetryPolicy
from smartsync_core.testing import SyncHarness

BASE = "http://1234567-sb1.netsuite.test"
CONNECTION = {"account_id": "1234567_SB1", "consumer_key": "ck-smartsync", "consumer_secret": "cs-secret",
              "token_id": "tk-smartsync", "token_secret": "ts-secret", "base_url": BASE}


class Harness(SyncHarness):
    def __init__(self, records_per_table=12, page_size=5, connection=None, **sandbox):
        self.app = create_app(NetSuiteSandboxConfig(records_per_table=records_per_table, **sandbox))
        self.sandbox = self.app.state.sandbox
        self.factory = NetSuiteSourceFactory(page_size=page_size, retry=RetryPolicy(5, 0.001),
                                             transport=httpx.ASGITransport(app=self.app))
        super().__init__(erp="netsuite", erp_label="NetSuite", object_types=OBJECT_TYPES, sources=self.factory,
                         connection=dict(CONNECTION, **(connection or {})))

    @property
    def account(self):
        return self.sandbox["account"]


@pytest.fixture
def harness():
    return Harness()
