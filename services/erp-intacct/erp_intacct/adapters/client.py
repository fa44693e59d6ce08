"""HTTP client for the Intacct gateway: session login, retries with backoff, and error classification.

Errors become the connector's port errors with a message the user can act on; transient ones (network,
5xx, GW-0010 rate limiting) are retried with exponential backoff before giving up.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from smartsync_core.connector.ports import (
    AuthenticationFailed, BadSourceData, ObjectNotPermitted, SourceError, SourceUnavailable,
)
from smartsync_core.connector.retry import RetryPolicy, retry_after_seconds

from . import xml_api
from .xml_api import IntacctErrorDetail, MalformedResponse

log = logging.getLogger(__name__)

SESSION_ERRORS = {"XL03000006"}  # also used by Intacct when a session id has expired


@dataclass(frozen=True)
class IntacctConnection:
    company_id: str
    user_id: str
    user_password: str
    sender_id: str
    sender_password: str
    gateway_url: str
    entity_id: str | None = None

    @classmethod
    def from_settings(cls, s: dict[str, Any]) -> "IntacctConnection":
        try:
            return cls(s["company_id"], s["user_id"], s["user_password"], s["sender_id"], s["sender_password"],
                       s.get("gateway_url") or "https://api.intacct.com/ia/xml/xmlgw.phtml", s.get("entity_id"))
        except KeyError as exc:
            raise AuthenticationFailed(f"The Sage Intacct connection is missing {exc.args[0]}: complete it in the "
                                       "legal entity's connection settings.") from None


def _auth_message(conn: IntacctConnection, errs: list[IntacctErrorDetail]) -> str:
    text = " ".join(e.text() for e in errs).lower()
    if "sender" in text and ("authorized" in text or "authorised" in text):
        return (f"Sage Intacct: the Web Services sender id '{conn.sender_id}' is not authorized for company "
                f"'{conn.company_id}'. Add it under Company → Setup → Company → Security → Web Services "
                "Authorizations, then sync again.")
    if "entity" in text or "location" in text:
        return (f"Sage Intacct: entity '{conn.entity_id}' was not accepted for user '{conn.user_id}'. Check the "
                "entity id and that the user may access that entity.")
    return (f"Sage Intacct sign-in failed for Web Services user '{conn.user_id}' in company '{conn.company_id}': "
            f"{'; '.join(e.text() for e in errs) or 'credentials rejected'}. Check the user id and password in the "
            "connection settings (Company → Web Services Users).")


class IntacctClient:
    def __init__(self, conn: IntacctConnection, http: httpx.AsyncClient, retry: RetryPolicy | None = None):
        self.conn = conn
        self.http = http
        self.retry = retry or RetryPolicy()
        self._session: tuple[str, str] | None = None  # (sessionid, endpoint)

    async def _post(self, url: str, body: bytes) -> xml_api.IntacctResponse:
        last: str = ""
        for attempt in range(self.retry.attempts):
            retry_after = None
            try:
                r = await self.http.post(url, content=body, headers={"Content-Type": "application/xml"})
            except httpx.TransportError as exc:
                last = f"network error ({type(exc).__name__})"
            else:
                if r.status_code == 429 or r.status_code >= 500:
                    last = f"HTTP {r.status_code}" + (" (GW-0010 rate limit)" if b"GW-0010" in r.content else "")
                    retry_after = retry_after_seconds(r.headers.get("Retry-After"))
                else:
                    try:
                        resp = xml_api.parse_response(r.content)
                    except MalformedResponse as exc:
                        raise BadSourceData(f"Sage Intacct sent a response we cannot read: {exc}.") from None
                    gw = [e for e in resp.control_errors if e.errorno.startswith("GW-0010")]
                    if resp.control_status == "failure" and gw:
                        last = "GW-0010 rate limit"
                    else:
                        return resp
            delay = self.retry.delay(attempt, retry_after)
            log.info("Intacct request failed (%s); retry %d in %.1fs", last, attempt + 1, delay)
            await asyncio.sleep(delay)
        raise SourceUnavailable(f"Sage Intacct did not answer successfully after {self.retry.attempts} attempts "
                                f"(last: {last}). The sync stopped; run it again later.")

    def _check_envelope(self, resp: xml_api.IntacctResponse) -> None:
        if resp.control_status == "failure":
            text = "; ".join(e.text() for e in resp.control_errors)
            if any(e.errorno in SESSION_ERRORS for e in resp.control_errors) or "sender" in text.lower():
                raise AuthenticationFailed(
                    f"Sage Intacct rejected the Web Services sender id '{self.conn.sender_id}' or its password: "
                    f"{text}. Check them in the connection settings.")
            raise SourceError(f"Sage Intacct refused the request: {text or 'control failure'}.")
        if resp.auth_status == "failure":
            raise AuthenticationFailed(_auth_message(self.conn, resp.auth_errors))

    async def login(self) -> None:
        auth = {"userid": self.conn.user_id, "companyid": self.conn.company_id, "password": self.conn.user_password}
        if self.conn.entity_id:
            auth["locationid"] = self.conn.entity_id
        body = xml_api.build_request(sender_id=self.conn.sender_id, sender_password=self.conn.sender_password,
                                     auth=auth, functions=[xml_api.get_api_session()])
        resp = await self._post(self.conn.gateway_url, body)
        self._check_envelope(resp)
        result = self._single(resp)
        if result.status != "success" or result.data is None:
            raise AuthenticationFailed(_auth_message(self.conn, result.errors))
        session = result.data.findtext("api/sessionid")
        endpoint = result.data.findtext("api/endpoint") or self.conn.gateway_url
        if not session:
            raise BadSourceData("Sage Intacct returned no session id.")
        self._session = (session.strip(), endpoint.strip())

    @staticmethod
    def _single(resp: xml_api.IntacctResponse) -> xml_api.FunctionResult:
        if len(resp.results) != 1:
            raise BadSourceData(f"Sage Intacct answered {len(resp.results)} results to one function.")
        return resp.results[0]

    async def call(self, function, object_label: str) -> xml_api.FunctionResult:
        """One function on the session; logs in again once if the session has expired."""
        for relogin in (False, True):
            if self._session is None or relogin:
                await self.login()
            sessionid, endpoint = self._session
            body = xml_api.build_request(sender_id=self.conn.sender_id, sender_password=self.conn.sender_password,
                                         auth={"sessionid": sessionid}, functions=[function])
            resp = await self._post(endpoint, body)
            if resp.auth_status == "failure" and not relogin:
                continue  # expired session: sign in again
            self._check_envelope(resp)
            result = self._single(resp)
            if result.status == "success":
                return result
            text = "; ".join(e.text() for e in result.errors) or "no detail"
            if "permission" in text.lower() or "not authorized" in text.lower():
                raise ObjectNotPermitted(
                    f"The Web Services user '{self.conn.user_id}' may not read {object_label}: {text}. In Sage "
                    f"Intacct, give its role (Company → Roles) View permission on {object_label}.")
            raise BadSourceData(f"Sage Intacct could not read {object_label}: {text}.")
        raise AssertionError("unreachable")
