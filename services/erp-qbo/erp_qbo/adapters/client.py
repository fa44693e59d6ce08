"""HTTP client for the QuickBooks Online Accounting API v3: OAuth 2.0 with rotating refresh tokens, a per-realm
limiter (500 requests/minute, 10 concurrent), retries, and the three shapes of faults (JSON `Fault`, sometimes with
HTTP 200; lower-case `fault` on 401; XML `IntuitResponse` when throttled)."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from defusedxml.ElementTree import fromstring

from smartsync_core.connector.limits import RequestLimiter
from smartsync_core.connector.ports import (
    AuthenticationFailed, BadSourceData, ObjectNotPermitted, SaveConnection, SourceUnavailable,
)
from smartsync_core.connector.retry import RetryPolicy, retry_after_seconds

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)


@dataclass
class QboConnection:
    realm_id: str
    client_id: str
    client_secret: str
    refresh_token: str
    base_url: str
    token_url: str
    minor_version: str
    access_token: str | None = None
    access_token_expires_at: datetime | None = None

    @classmethod
    def from_settings(cls, s: dict[str, Any]) -> "QboConnection":
        try:
            expires = s.get("access_token_expires_at")
            return cls(
                s["realm_id"], s["client_id"], s["client_secret"], s["refresh_token"],
                (s.get("base_url") or "https://quickbooks.api.intuit.com").rstrip("/"),
                s.get("token_url") or "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
                str(s.get("minor_version") or "75"), s.get("access_token"),
                datetime.fromisoformat(expires) if isinstance(expires, str) else expires,
            )
        except KeyError as exc:
            raise AuthenticationFailed(f"The QuickBooks Online connection is missing {exc.args[0]}: reconnect the "
                                       "company in SmartSync settings.") from None


class Throttled(Exception):
    def __init__(self, retry_after: float | None = None):
        self.retry_after = retry_after


class TokenExpired(Exception):
    pass


def _fault_errors(body: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    fault = body.get("Fault") or body.get("fault") or {}
    errors = fault.get("Error") or fault.get("error") or []
    return str(fault.get("type") or ""), errors if isinstance(errors, list) else [errors]


def _error_text(errors: list[dict[str, Any]]) -> str:
    parts = []
    for e in errors:
        msg = e.get("Message") or e.get("message") or ""
        detail = e.get("Detail") or e.get("detail") or ""
        parts.append(f"{msg} {detail}".strip())
    return "; ".join(p for p in parts if p) or "no detail"


def _is_throttle(kind: str, errors: list[dict[str, Any]]) -> bool:
    codes = {str(e.get("code")) for e in errors}
    return kind == "ThrottleExceeded" or "3001" in codes or "ThrottleExceeded" in _error_text(errors)


class QboClient:
    def __init__(self, conn: QboConnection, http: httpx.AsyncClient, save: SaveConnection, limiter: RequestLimiter,
                 retry: RetryPolicy):
        self.conn = conn
        self.http = http
        self.save = save
        self.limiter = limiter
        self.retry = retry

    def _token_valid(self) -> bool:
        exp = self.conn.access_token_expires_at
        return bool(self.conn.access_token and exp and exp - REFRESH_MARGIN > datetime.now(timezone.utc))

    async def ensure_token(self) -> None:
        if not self._token_valid():
            await self.refresh()

    async def refresh(self) -> None:
        """Exchange the refresh token; the rotated refresh token is stored before anything uses the new tokens."""
        last = ""
        for attempt in range(self.retry.attempts):
            try:
                r = await self.http.post(
                    self.conn.token_url, auth=(self.conn.client_id, self.conn.client_secret),
                    data={"grant_type": "refresh_token", "refresh_token": self.conn.refresh_token},
                    headers={"Accept": "application/json"},
                )
            except httpx.TransportError as exc:
                last = f"network error ({type(exc).__name__})"
            else:
                if r.status_code == 200:
                    try:
                        body = r.json()
                        access, refresh = body["access_token"], body["refresh_token"]
                        expires = datetime.now(timezone.utc) + timedelta(seconds=int(body.get("expires_in", 3600)))
                    except (ValueError, KeyError):
                        raise BadSourceData("QuickBooks Online's token endpoint answered without tokens.") from None
                    # Intuit invalidates the old refresh token: losing the new one would break the connection.
                    await self.save({"refresh_token": refresh, "access_token": access,
                                     "access_token_expires_at": expires.isoformat()})
                    self.conn.refresh_token, self.conn.access_token = refresh, access
                    self.conn.access_token_expires_at = expires
                    return
                error = _json_or_empty(r).get("error", "")
                if error == "invalid_grant":
                    raise AuthenticationFailed(
                        "QuickBooks Online no longer accepts SmartSync's authorization (invalid_grant): the connection "
                        "was revoked or expired. Reconnect the company to QuickBooks Online in SmartSync settings.")
                if error == "invalid_client" or r.status_code == 401:
                    raise AuthenticationFailed("QuickBooks Online rejected the app's client id or secret "
                                               "(invalid_client). Check the connection's client credentials.")
                last = f"HTTP {r.status_code} {error}".strip()
                if r.status_code < 500 and r.status_code != 429:
                    raise AuthenticationFailed(f"QuickBooks Online refused to refresh the access token ({last}).")
            await asyncio.sleep(self.retry.delay(attempt))
        raise SourceUnavailable(f"QuickBooks Online's token endpoint did not answer after {self.retry.attempts} "
                                f"attempts (last: {last}). Run the sync again later.")

    async def get(self, path: str, params: dict[str, str], label: str) -> dict[str, Any]:
        await self.ensure_token()
        url = f"{self.conn.base_url}/v3/company/{self.conn.realm_id}/{path}"
        params = {**params, "minorversion": self.conn.minor_version}
        last, refreshed = "", False
        attempt = 0
        while attempt < self.retry.attempts:
            retry_after = None
            try:
                async with self.limiter:
                    r = await self.http.get(url, params=params, headers={
                        "Authorization": f"Bearer {self.conn.access_token}", "Accept": "application/json"})
                return self._read(r, label)
            except TokenExpired:
                if refreshed:
                    raise AuthenticationFailed("QuickBooks Online rejected a freshly refreshed access token: "
                                               "reconnect the company in SmartSync settings.") from None
                refreshed = True
                await self.refresh()
                continue
            except Throttled as t:
                last, retry_after = "throttled (ThrottleExceeded)", t.retry_after
            except httpx.TransportError as exc:
                last = f"network error ({type(exc).__name__})"
            except _ServerError as exc:
                last = str(exc)
            delay = self.retry.delay(attempt, retry_after)
            log.info("QBO request failed (%s); retry %d in %.1fs", last, attempt + 1, delay)
            await asyncio.sleep(delay)
            attempt += 1
        raise SourceUnavailable(f"QuickBooks Online did not answer successfully after {self.retry.attempts} attempts "
                                f"(last: {last}). The sync stopped; run it again later.")

    def _read(self, r: httpx.Response, label: str) -> dict[str, Any]:
        ctype = r.headers.get("content-type", "")
        if "xml" in ctype:
            self._raise_xml_fault(r)
        if r.status_code == 401:
            raise TokenExpired()
        if r.status_code == 429:
            raise Throttled(retry_after_seconds(r.headers.get("Retry-After")))
        if r.status_code >= 500:
            raise _ServerError(f"HTTP {r.status_code}")
        try:
            body = r.json()
        except ValueError:
            raise BadSourceData(f"QuickBooks Online sent a response we cannot read while reading {label} "
                                f"(HTTP {r.status_code}, not JSON).") from None
        if not isinstance(body, dict):
            raise BadSourceData(f"QuickBooks Online sent an unexpected response while reading {label}.")
        if "Fault" in body or "fault" in body:  # faults sometimes arrive with HTTP 200
            kind, errors = _fault_errors(body)
            if _is_throttle(kind, errors):
                raise Throttled(retry_after_seconds(r.headers.get("Retry-After")))
            text = _error_text(errors)
            if kind.upper() == "AUTHENTICATION" or kind == "AuthenticationFault":
                raise TokenExpired()
            if kind == "AuthorizationFault" or r.status_code == 403:
                raise ObjectNotPermitted(f"QuickBooks Online does not let this connection read {label}: {text}. "
                                         "Reconnect with an admin user of the company.")
            raise BadSourceData(f"QuickBooks Online refused to return {label}: {text}.")
        if r.status_code >= 400:
            raise BadSourceData(f"QuickBooks Online answered HTTP {r.status_code} while reading {label}.")
        return body

    @staticmethod
    def _raise_xml_fault(r: httpx.Response) -> None:
        try:
            root = fromstring(r.content)
        except Exception:
            raise BadSourceData("QuickBooks Online sent an XML response we cannot read.") from None
        fault = next((el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "Fault"), None)
        if fault is not None:
            codes = {el.get("code") for el in fault.iter() if el.tag.rsplit("}", 1)[-1] == "Error"}
            if fault.get("type") == "ThrottleExceeded" or "3001" in codes or r.status_code == 429:
                raise Throttled(retry_after_seconds(r.headers.get("Retry-After")))
            if r.status_code == 401:
                raise TokenExpired()
        if r.status_code >= 500:
            raise _ServerError(f"HTTP {r.status_code}")
        raise BadSourceData("QuickBooks Online answered in XML where JSON was asked for.")


class _ServerError(Exception):
    pass


def _json_or_empty(r: httpx.Response) -> dict[str, Any]:
    try:
        body = r.json()
        return body if isinstance(body, dict) else {}
    except ValueError:
        return {}
