"""The sandbox gateway: POST an Intacct XML request document, get an Intacct XML response.

Faithful to the public Web Services docs: control block with sender credentials, login or session
authentication, getAPISession, query (select/filter/orderby/pagesize/offset, at most 2000 rows a page),
getDimensions, the three levels of <errormessage>, and HTTP 429 with GW-0010 when a company sends more
concurrent requests than allowed. Test hooks live under /_sandbox and are not part of the protocol.
"""
from __future__ import annotations

import asyncio
import secrets
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from defusedxml.ElementTree import fromstring
from fastapi import FastAPI, HTTPException, Request, Response

from .data import OBJECTS, TIME_FORMAT, Company, fields_of, seed_company

GATEWAY_PATH = "/ia/xml/xmlgw.phtml"


@dataclass
class SandboxConfig:
    senders: dict[str, str] = field(default_factory=lambda: {"smartsync_dev": "sender-secret"})
    company_id: str = "acme"
    users: dict[str, str] = field(default_factory=lambda: {"beanworks": "user-secret"})
    entities: tuple[str, ...] = ("US", "CA")
    udds: tuple[str, ...] = ("PRODUCTLINE",)
    records_per_object: int = 20
    seed: int = 7
    max_concurrent: int = 4
    session_seconds: int = 3600
    public_url: str | None = None  # the endpoint getAPISession hands out; default: the URL the client used


class Fault:
    def __init__(self, kind: str, count: int):
        self.kind, self.count = kind, count


class SandboxState:
    def __init__(self, cfg: SandboxConfig):
        self.cfg = cfg
        self.companies: dict[str, Company] = {}
        self.sessions: dict[str, tuple[str, str, str | None, float]] = {}
        self.faults: list[Fault] = []
        self.in_flight: dict[str, int] = {}
        self.stats = {"requests": 0, "rate_limited": 0, "max_concurrent_seen": 0, "queries": 0}
        self.reset()

    def reset(self) -> None:
        c = Company(self.cfg.company_id, dict(self.cfg.users), set(self.cfg.senders), set(self.cfg.entities),
                    list(self.cfg.udds))
        seed_company(c, self.cfg.records_per_object, self.cfg.seed)
        self.companies = {c.company_id: c}
        self.sessions.clear()
        self.faults.clear()


def _el(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, tag, attrs)
    if text is not None:
        e.text = str(text)
    return e


def _errormessage(parent: ET.Element, errorno: str, description2: str, correction: str = "", description: str = "") -> None:
    err = _el(_el(parent, "errormessage"), "error")
    _el(err, "errorno", errorno)
    _el(err, "description", description)
    _el(err, "description2", description2)
    _el(err, "correction", correction)


def _doc(root: ET.Element, status: int = 200) -> Response:
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
    return Response(body, status_code=status, media_type="application/xml")


def _control(root: ET.Element, status: str, control: Any) -> None:
    c = _el(root, "control")
    _el(c, "status", status)
    for tag in ("senderid", "controlid", "uniqueid", "dtdversion"):
        _el(c, tag, control.findtext(tag) if control is not None else "")


def _parse_time(v: str | None) -> datetime | None:
    if not v:
        return None
    for f in (TIME_FORMAT, "%m/%d/%Y"):
        try:
            return datetime.strptime(v, f)
        except ValueError:
            pass
    raise ValueError(f"invalid date value '{v}'; expected mm/dd/yyyy hh:mm:ss")


def _typed(fieldname: str, v: str | None) -> Any:
    if v is None:
        return None
    if fieldname == "RECORDNO":
        return int(v)
    if fieldname in ("WHENCREATED", "WHENMODIFIED"):
        return _parse_time(v)
    return v.lower()


COMPARATORS = {
    "equalto": lambda a, b: a == b,
    "notequalto": lambda a, b: a != b,
    "lessthan": lambda a, b: a < b,
    "lessthanorequalto": lambda a, b: a <= b,
    "greaterthan": lambda a, b: a > b,
    "greaterthanorequalto": lambda a, b: a >= b,
}


class QueryError(Exception):
    def __init__(self, errorno: str, message: str):
        self.errorno, self.message = errorno, message


def compile_filter(node: Any, allowed: tuple[str, ...]):
    op = node.tag
    if op in ("and", "or"):
        children = [compile_filter(c, allowed) for c in list(node)]
        if len(children) < 2:
            raise QueryError("DL02000001", f"<{op}> needs at least two conditions")
        combine = all if op == "and" else any
        return lambda row: combine(c(row) for c in children)
    name = (node.findtext("field") or "").strip()
    if name not in allowed:
        raise QueryError("DL02000001", f"Invalid field '{name}' in filter")
    if op == "isnull":
        return lambda row: row.get(name) in (None, "")
    if op == "isnotnull":
        return lambda row: row.get(name) not in (None, "")
    if op not in COMPARATORS:
        raise QueryError("DL02000001", f"Unsupported filter operator <{op}>")
    try:
        value = _typed(name, node.findtext("value"))
    except ValueError as exc:
        raise QueryError("DL02000001", str(exc)) from None
    cmp = COMPARATORS[op]

    def test(row):
        actual = _typed(name, row.get(name))
        return actual is not None and value is not None and cmp(actual, value)

    return test


def run_query(company: Company, q: Any) -> ET.Element:
    obj = (q.findtext("object") or "").strip().upper()
    if obj not in company.objects():
        raise QueryError("DL02000001", f"Object '{obj}' does not exist or is not available")
    if obj in company.denied:
        raise QueryError("BL01001973", f"You do not have permission for API operation READ_BY_QUERY on objects of "
                                       f"type {obj.lower()}")
    allowed = fields_of(obj)
    select = [(f.text or "").strip() for f in q.findall("select/field")]
    if not select:
        raise QueryError("DL02000001", "The select element is required and must list at least one field")
    bad = [f for f in select if f not in allowed]
    if bad:
        raise QueryError("DL02000001", f"Invalid field(s) in select for {obj}: {', '.join(bad)}")
    pagesize = int(q.findtext("pagesize") or 100)
    offset = int(q.findtext("offset") or 0)
    if not 1 <= pagesize <= 2000:
        raise QueryError("DL02000001", "pagesize must be between 1 and 2000")
    rows = list(company.records.get(obj, {}).values())
    flt = q.find("filter")
    if flt is not None and len(flt):
        test = compile_filter(list(flt)[0], allowed)
        rows = [r for r in rows if test(r)]
    for order in reversed(q.findall("orderby/order")):
        name = (order.findtext("field") or "").strip()
        if name not in allowed:
            raise QueryError("DL02000001", f"Invalid field '{name}' in orderby")
        desc = order.find("descending") is not None
        rows.sort(key=lambda r: (_typed(name, r.get(name)) is None, _typed(name, r.get(name)) or 0), reverse=desc)
    page = rows[offset: offset + pagesize]
    data = ET.Element("data", listtype=obj, totalcount=str(len(rows)), offset=str(offset), count=str(len(page)),
                      numremaining=str(max(len(rows) - offset - len(page), 0)))
    for r in page:
        rec = _el(data, obj)
        for f in select:
            _el(rec, f, r.get(f) if r.get(f) is not None else None)
    return data


def create_app(cfg: SandboxConfig | None = None) -> FastAPI:
    state = SandboxState(cfg or SandboxConfig())
    app = FastAPI(title="Sage Intacct sandbox", docs_url=None, redoc_url=None)
    app.state.sandbox = state

    @app.post(GATEWAY_PATH)
    async def gateway(request: Request) -> Response:
        state.stats["requests"] += 1
        fault = state.faults[0] if state.faults else None
        if fault is not None:
            fault.count -= 1
            if fault.count <= 0:
                state.faults.pop(0)
            if fault.kind == "rate_limit":
                return _rate_limited(None)
            if fault.kind == "server_error":
                return Response("<html><body>503 Service Unavailable</body></html>", 503, media_type="text/html")
            if fault.kind == "malformed":
                return Response("<response><control><status>success</status>", 200, media_type="application/xml")
        try:
            doc = fromstring(await request.body())
        except Exception as exc:
            root = ET.Element("response")
            _control(root, "failure", None)
            _errormessage(root, "XL03000003", f"XML Parse error: {exc}")
            return _doc(root)
        control = doc.find("control")
        root = ET.Element("response")
        if doc.tag != "request" or control is None or doc.find("operation") is None:
            _control(root, "failure", control)
            _errormessage(root, "XL03000003", "XML Parse schema error: expected request/control and request/operation")
            return _doc(root)
        sender, sender_pw = control.findtext("senderid"), control.findtext("password")
        if state.cfg.senders.get(sender or "") != sender_pw:
            _control(root, "failure", control)
            _errormessage(root, "XL03000006", "Incorrect Intacct XML Partner ID or password.",
                          "Check the sender id and sender password.")
            return _doc(root)
        op = doc.find("operation")
        auth = op.find("authentication")
        session_key = auth.findtext("sessionid") if auth is not None else None
        login = auth.find("login") if auth is not None else None
        company: Company | None = None
        user = location = None
        auth_fail = None
        if session_key:
            s = state.sessions.get(session_key.strip())
            if s is None or s[3] < time.time():
                auth_fail = ("XL03000006", "Invalid session or session has expired", "")
            else:
                company, user, location = state.companies[s[0]], s[1], s[2]
        elif login is not None:
            cid, user = login.findtext("companyid"), login.findtext("userid")
            location = login.findtext("locationid")
            company = state.companies.get(cid or "")
            if company is None or company.users.get(user or "") != login.findtext("password"):
                auth_fail = ("XL03000006", "Sign-in information is incorrect", "Check your user ID, company ID and password.")
                company = None
            elif sender not in company.authorized_senders:
                auth_fail = ("XL03000009", f"The sender ID '{sender}' is not authorized to make Web Services requests "
                             f"to company '{cid}'.", "Contact the company administrator to grant Web Services "
                             "authorization to this sender ID.")
                company = None
            elif location and location not in company.entities:
                auth_fail = ("XL03000006", f"Invalid entity (location) '{location}' for this user", "")
                company = None
        else:
            auth_fail = ("XL03000006", "No authentication element", "")
        _control(root, "success", control)
        operation = _el(root, "operation")
        a = _el(operation, "authentication")
        _el(a, "status", "failure" if auth_fail else "success")
        _el(a, "userid", user or "")
        _el(a, "companyid", company.company_id if company else "")
        _el(a, "locationid", location or "")
        if auth_fail:
            _errormessage(operation, auth_fail[0], auth_fail[1], auth_fail[2])
            return _doc(root)
        cid = company.company_id
        state.in_flight[cid] = state.in_flight.get(cid, 0) + 1
        state.stats["max_concurrent_seen"] = max(state.stats["max_concurrent_seen"], state.in_flight[cid])
        try:
            if state.in_flight[cid] > state.cfg.max_concurrent:
                return _rate_limited(control)
            await asyncio.sleep(0)  # let concurrent requests overlap as they would on a real gateway
            for fn in op.findall("content/function"):
                _run_function(state, request, company, user, location, fn, operation)
        finally:
            state.in_flight[cid] -= 1
        return _doc(root)

    def _rate_limited(control: Any) -> Response:
        state.stats["rate_limited"] += 1
        root = ET.Element("response")
        _control(root, "failure", control)
        _errormessage(root, "GW-0010", "Rate limit exceeded: too many concurrent requests for this company.",
                      "Reduce the number of concurrent requests and retry.",
                      description="Rate limit exceeded")
        resp = _doc(root, 429)
        resp.headers["Retry-After"] = "1"
        return resp

    def _run_function(state: SandboxState, request: Request, company: Company, user: str, location: str | None,
                      fn: Any, operation: ET.Element) -> None:
        controlid = fn.get("controlid", "")
        body = list(fn)[0] if len(fn) else None
        name = body.tag if body is not None else ""
        result = _el(operation, "result")
        status = _el(result, "status", "success")
        _el(result, "function", name)
        _el(result, "controlid", controlid)
        try:
            if name == "getAPISession":
                sid = secrets.token_urlsafe(24)
                state.sessions[sid] = (company.company_id, user, location, time.time() + state.cfg.session_seconds)
                api = _el(_el(result, "data"), "api")
                _el(api, "sessionid", sid)
                _el(api, "endpoint", state.cfg.public_url or str(request.url))
                _el(api, "locationid", location or "")
            elif name == "query":
                state.stats["queries"] += 1
                result.append(run_query(company, body))
            elif name == "getDimensions":
                dims = _el(_el(result, "data"), "dimensions")
                for std in ("DEPARTMENT", "LOCATION", "CLASS", "PROJECT", "CUSTOMER", "VENDOR", "EMPLOYEE", "ITEM"):
                    d = _el(dims, "dimension")
                    _el(d, "objectName", std)
                    _el(d, "objectLabel", std.title())
                    _el(d, "termLabel", std.title())
                    _el(d, "userDefinedDimension", "false")
                    _el(d, "enabledInGL", "true")
                for udd in company.udds:
                    if udd in company.denied:
                        raise QueryError("BL01001973", f"You do not have permission to read dimension {udd}")
                    d = _el(dims, "dimension")
                    _el(d, "objectName", udd)
                    _el(d, "objectLabel", udd.title())
                    _el(d, "termLabel", udd.title())
                    _el(d, "userDefinedDimension", "true")
                    _el(d, "enabledInGL", "true")
            else:
                raise QueryError("XL03000003", f"Unsupported function '{name}' in this sandbox")
        except QueryError as exc:
            status.text = "failure"
            for extra in result.findall("data"):
                result.remove(extra)
            _errormessage(result, exc.errorno, exc.message)
        except ValueError as exc:
            status.text = "failure"
            _errormessage(result, "DL02000001", str(exc))

    # ---- test hooks (not part of Intacct) ----
    def _company(cid: str) -> Company:
        if cid not in state.companies:
            raise HTTPException(404, f"no company {cid}")
        return state.companies[cid]

    def _when(body: dict) -> datetime:
        at = body.get("at")
        return datetime.fromisoformat(at) if at else datetime.now(timezone.utc)

    @app.get("/_sandbox/companies/{cid}/objects/{obj}/records")
    async def list_records(cid: str, obj: str):
        return list(_company(cid).records.get(obj.upper(), {}).values())

    @app.post("/_sandbox/companies/{cid}/objects/{obj}/records", status_code=201)
    async def add_record(cid: str, obj: str, body: dict):
        return _company(cid).add(obj.upper(), body.get("fields", {}), _when(body))

    @app.patch("/_sandbox/companies/{cid}/objects/{obj}/records/{recordno}")
    async def modify_record(cid: str, obj: str, recordno: int, body: dict):
        try:
            return _company(cid).modify(obj.upper(), recordno, body.get("fields", {}), _when(body))
        except KeyError:
            raise HTTPException(404, "no such record") from None

    @app.delete("/_sandbox/companies/{cid}/objects/{obj}/records/{recordno}", status_code=204)
    async def delete_record(cid: str, obj: str, recordno: int):
        try:
            _company(cid).delete(obj.upper(), recordno)
        except KeyError:
            raise HTTPException(404, "no such record") from None

    @app.put("/_sandbox/companies/{cid}/denied")
    async def deny(cid: str, body: dict):
        _company(cid).denied = {o.upper() for o in body.get("objects", [])}
        return {"denied": sorted(_company(cid).denied)}

    @app.put("/_sandbox/companies/{cid}/authorized-senders")
    async def authorize(cid: str, body: dict):
        _company(cid).authorized_senders = set(body.get("senders", []))
        return {"senders": sorted(_company(cid).authorized_senders)}

    @app.post("/_sandbox/faults")
    async def add_fault(body: dict):
        state.faults.append(Fault(body["kind"], int(body.get("count", 1))))
        return {"queued": len(state.faults)}

    @app.post("/_sandbox/sessions/expire")
    async def expire_sessions():
        state.sessions.clear()
        return {"ok": True}

    @app.post("/_sandbox/reset")
    async def reset():
        state.reset()
        return {"ok": True}

    @app.get("/_sandbox/stats")
    async def stats():
        return state.stats

    @app.get("/_sandbox/objects")
    async def objects():
        return {"objects": list(OBJECTS)}

    return app
