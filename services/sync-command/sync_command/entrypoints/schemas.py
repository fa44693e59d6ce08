"""Request and response bodies of the sync-command API (validation of connection settings per ERP)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

INTACCT_GATEWAY = "https://api.intacct.com/ia/xml/xmlgw.phtml"
QBO_API = "https://quickbooks.api.intuit.com"
QBO_TOKEN_URL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IntacctConnection(_Strict):
    company_id: str = Field(min_length=1)
    user_id: str = Field(min_length=1, description="Web Services user (e.g. 'Beanworks')")
    user_password: SecretStr
    sender_id: str = Field(min_length=1)
    sender_password: SecretStr
    entity_id: str | None = Field(None, description="For entity-level integration; omit for top level")
    gateway_url: str = Field(INTACCT_GATEWAY, pattern=r"^https?://")


class QboConnection(_Strict):
    realm_id: str = Field(min_length=1, description="The QuickBooks company id")
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    refresh_token: SecretStr
    access_token: SecretStr | None = None
    access_token_expires_at: datetime | None = None
    base_url: str = Field(QBO_API, pattern=r"^https?://", description="sandbox: https://sandbox-quickbooks.api.intuit.com")
    token_url: str = Field(QBO_TOKEN_URL, pattern=r"^https?://")
    minor_version: str = Field("75", pattern=r"^[0-9]+$")


class NetSuiteConnection(_Strict):
    account_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$", description="e.g. 1234567 or 1234567_SB1")
    consumer_key: SecretStr
    consumer_secret: SecretStr
    token_id: SecretStr
    token_secret: SecretStr
    base_url: str | None = Field(None, pattern=r"^https?://",
                                 description="default: https://<account>.suitetalk.api.netsuite.com")
    subsidiary_id: str | None = Field(None, description="entity-level connection: only this subsidiary's records")


class OnPremiseConnection(_Strict):
    synctool_name: str | None = Field(None, description="The customer's SyncTool agent")


CONNECTION_MODELS: dict[str, type[_Strict]] = {
    "intacct": IntacctConnection,
    "qbo": QboConnection,
    "netsuite": NetSuiteConnection,
    "qbd": OnPremiseConnection,
    "sage50": OnPremiseConnection,
    "sage100": OnPremiseConnection,
    "sage300": OnPremiseConnection,
    "msgp": OnPremiseConnection,
}


def plain(model: BaseModel) -> dict[str, Any]:
    """Settings as stored: secrets in clear (the store encrypts them), times as ISO text."""
    out = {}
    for k, v in model:
        if isinstance(v, SecretStr):
            v = v.get_secret_value()
        elif isinstance(v, datetime):
            v = v.isoformat()
        out[k] = v
    return out


class LegalEntityIn(_Strict):
    name: str = Field(min_length=1, max_length=200)
    erp: str
    connection: dict[str, Any] = Field(default_factory=dict)


class ConnectionUpdate(_Strict):
    connection: dict[str, Any]


class LegalEntityOut(BaseModel):
    id: str
    name: str
    erp: str
    erp_name: str
    connection: dict[str, Any]
    last_success_at: datetime | None = None


class SyncIn(_Strict):
    mode: str = Field(description="full | partial")
    sync_from: date | None = None
    po_receiving_from: date | None = None


class SyncAccepted(BaseModel):
    sync_id: str
    legal_entity_id: str
    status: str = "requested"
