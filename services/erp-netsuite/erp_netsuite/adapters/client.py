"""HTTP client for NetSuite's SuiteQL REST endpoint: TBA signatures, a concurrency limiter shared by the account,
backoff on 429 (CONCURRENCY_LIMIT_EXCEEDED) and 5xx, and the `o:errorDetails` error shape."""
from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx

from smartsync_core.connector.limits import RequestLimiter
from smartsync_core.connector.ports import (
    AuthenticationFailed, BadSourceData, ObjectNotPermitted, SourceUnavailable,
)
from smartsync_core.connector.retry import RetryPolicy, retry_after_seconds

from ..domain import oauth1

log = logging.getLogger(__name__)
SUITEQL_PATH = "/services/rest/query/v1/suiteql"


@dataclass(frozen=True)
class NetSuiteConnection:
    account_id: str
    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str
    base_url: str
    subsidiary_id: str | None = None

    @classmethod
    def from_settings(cls, s: dict[str, Any]) -> "NetSuiteConnection":
        try:
            account = s["account_id"]
            return cls(account, s["consumer_key"], s["consumer_secret"], s["token_id"], s["token_secret"],
                       (s.get("base_url") or oauth1.rest_host(account)).rstrip("/"), s.get("subsidiary_id"))
        except KeyError as exc:
            raise AuthenticationFailed(f"The NetSuite connection is missing {exc.args[0]}: complete the token-based "
                                       "authentication settings of the legal entity.") from None


def _details(body: Any) -> tuple[str, str]:
    if not isinstance(body, dict):
        return "", ""
    details = body.get("o:errorDetails") or []
    first = details[0] if details and isinstance(details[0], dict) else {}
    return str(first.get("o:errorCode", "")), str(first.get("detail") or body.get("title") or "")


class NetSuiteClient:
    def __init__(self, conn: NetSuiteConnection, http: httpx.AsyncClient, limiter: RequestLimiter, retry: RetryPolicy):
        self.conn = conn
        self.http = http
        self.limiter = limiter
        self.retry = retry

    def _auth(self, url: str) -> str:
        return oauth1.authorization_header(
            method="POST", url=url, realm=oauth1.realm_of(self.conn.account_id), consumer_key=self.conn.consumer_key,
            consumer_secret=self.conn.consumer_secret, token_id=self.conn.token_id,
            token_secret=self.conn.token_secret, nonce=secrets.token_hex(16), timestamp=int(time.time()),
        )

    async def suiteql(self, query: str, *, limit: int, offset: int, label: str) -> dict[str, Any]:
        url = f"{self.conn.base_url}{SUITEQL_PATH}?limit={limit}&offset={offset}"
        last = ""
        for attempt in range(self.retry.attempts):
            retry_after = None
            try:
                async with self.limiter:
                    # a fresh nonce and timestamp each time: NetSuite refuses a replayed signature
                    r = await self.http.post(url, json={"q": query}, headers={
                        "Authorization": self._auth(url), "Prefer": "transient", "Content-Type": "application/json"})
            except httpx.TransportError as exc:
                last = f"network error ({type(exc).__name__})"
            else:
                if r.status_code == 200:
                    try:
                        body = r.json()
                    except ValueError:
                        raise BadSourceData(f"NetSuite sent a response we cannot read while reading {label}.") from None
                    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                        raise BadSourceData(f"NetSuite answered a query for {label} without items.")
                    return body
                code, detail = _details(_json(r))
                if r.status_code == 429 or r.status_code >= 500:
                    last = f"HTTP {r.status_code} {code}".strip()
                    retry_after = retry_after_seconds(r.headers.get("Retry-After"))
                elif r.status_code in (401, 403) and code in ("INVALID_LOGIN", "INVALID_LOGIN_ATTEMPT", ""):
                    raise AuthenticationFailed(
                        f"NetSuite refused the token-based login for account {self.conn.account_id}: {detail or code}. "
                        "Check the consumer key/secret and token id/secret, and that the integration record and "
                        "access token are enabled (Setup → Users/Roles → Access Tokens).")
                elif r.status_code == 403 or "was not found" in detail:
                    raise ObjectNotPermitted(
                        f"NetSuite does not let this token's role read {label}: {detail}. Give the role View "
                        f"permission on {label} (Setup → Users/Roles → Manage Roles).")
                else:
                    raise BadSourceData(f"NetSuite refused the query for {label}: {detail or code or r.status_code}.")
            delay = self.retry.delay(attempt, retry_after)
            log.info("NetSuite request failed (%s); retry %d in %.1fs", last, attempt + 1, delay)
            await asyncio.sleep(delay)
        raise SourceUnavailable(f"NetSuite did not answer successfully after {self.retry.attempts} attempts "
                                f"(last: {last}). The sync stopped; run it again later.")


def _json(r: httpx.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return None
