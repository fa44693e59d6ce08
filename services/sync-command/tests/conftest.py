"""An in-process sync-command on SQLite with an in-memory publisher (fast API tests, no broker)."""
import httpx
import pytest

from smartsync_core.testing import InMemoryPublisher
from sync_command.bootstrap import bootstrap
from sync_command.config import Settings
from sync_command.entrypoints.api import create_app

ADMIN = {"X-Tenant-Id": "tenant-a", "X-User-Role": "system_administrator", "X-User-Id": "u1"}
EXPORTER = {"X-Tenant-Id": "tenant-a", "X-User-Role": "invoice_exporter", "X-User-Id": "u2"}
OTHER_TENANT = {"X-Tenant-Id": "tenant-b", "X-User-Role": "system_administrator"}
INTACCT = {"company_id": "acme", "user_id": "beanworks", "user_password": "pw-user-123", "sender_id": "snd",
           "sender_password": "pw-sender-456"}


@pytest.fixture
async def app_env(tmp_path):
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/sc.db", var_dir=tmp_path, follow_events=False,
                        internal_api_token="svc-token", outbox_poll_seconds=0.05,
                        syncable_erps="intacct,qbo,netsuite,sage100")  # as if the SyncTool bridge ran
    publisher = InMemoryPublisher()
    container = bootstrap(settings, publisher=publisher)
    app = create_app(container=container)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sc") as client:
            yield client, container, publisher


@pytest.fixture
async def client(app_env):
    return app_env[0]


async def register(client, erp="intacct", connection=None, headers=ADMIN, name="Acme"):
    r = await client.post("/v1/legal-entities", json={"name": name, "erp": erp,
                                                     "connection": INTACCT if connection is None else connection},
                          headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]
