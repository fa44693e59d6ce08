"""Request and response bodies of the sync-command API (validation of connection settings per ERP)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

INTACCT_GATEWAY = "https://api.intacct.com/ia/xml/xmlgw.phtml"


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


class OnPremiseConnection(_Strict):
    synctool_name: str | None = Field(None, description="The customer's SyncTool agent")


CONNECTION_MODELS: dict[str, type[_Strict]] = {
    "intacct": IntacctConnection,
    "qbd": OnPremiseConnection,
    "sage50": OnPremiseConnection,
    "sage100": OnPremiseConnection,
    "sage300": OnPremiseConnection,
    "msgp": OnPremiseConnection,
}


def plain(model: BaseModel) -> dict[str, Any]:
    return {k: (v.get_secret_value() if isinstance(v, SecretStr) else v) for k, v in model}


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
