"""The connectors a local stack can run: each one's worker, its sandbox, and a connection pointing at it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ConnectorSpec:
    erp: str
    label: str
    worker_module: str
    sandbox_module: str
    size_flag: str  # the sandbox's "records per object" option
    connection: Callable[[str], dict[str, Any]]  # sandbox base URL -> connection settings


CONNECTORS: dict[str, ConnectorSpec] = {
    "intacct": ConnectorSpec(
        "intacct", "Sage Intacct", "erp_intacct.entrypoints.worker", "intacct_sandbox", "--records-per-object",
        lambda url: {"company_id": "acme", "user_id": "beanworks", "user_password": "user-secret",
                     "sender_id": "smartsync_dev", "sender_password": "sender-secret",
                     "gateway_url": f"{url}/ia/xml/xmlgw.phtml"},
    ),
    "qbo": ConnectorSpec(
        "qbo", "QuickBooks Online", "erp_qbo.entrypoints.worker", "qbo_sandbox", "--records-per-entity",
        lambda url: {"realm_id": "9130355", "client_id": "ABclient", "client_secret": "client-secret",
                     "refresh_token": "RT-initial", "base_url": url, "token_url": f"{url}/oauth2/v1/tokens/bearer"},
    ),
    "netsuite": ConnectorSpec(
        "netsuite", "NetSuite", "erp_netsuite.entrypoints.worker", "netsuite_sandbox", "--records-per-table",
        lambda url: {"account_id": "1234567_SB1", "consumer_key": "ck-smartsync", "consumer_secret": "cs-secret",
                     "token_id": "tk-smartsync", "token_secret": "ts-secret", "base_url": url},
    ),
}
