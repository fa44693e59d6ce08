"""The QBO sandbox: the Accounting API v3 as its public docs describe it, over deterministic seeded data.

- `POST /oauth2/v1/tokens/bearer`: HTTP Basic client auth, grant_type=refresh_token; every refresh rotates the
  refresh token and the previous one stops working (`invalid_grant`); access tokens live an hour.
- `GET /v3/company/{realm}/query?query=SELECT ...`: STARTPOSITION (1-based) / MAXRESULTS (≤ 1000); name-list
  entities hide inactive rows unless the query asks for `Active IN (true,false)`.
- `GET /v3/company/{realm}/cdc?entities=..&changedSince=..`: changes within 30 days, deleted rows as
  `{"Id", "status": "Deleted"}`, at most 1000 objects.
- Faults: `{"Fault": {"Error": [...], "type": ...}}`; 401 with lower-case `fault`; 429 ThrottleExceeded (JSON, or
  XML when configured) past 500 requests a minute or 10 concurrent per realm.
Test hooks live under /_sandbox.
"""
from __future__ import annotations

import asyncio
import base64
import random
import re
import secrets
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response

LOCAL_TZ = timezone(timedelta(hours=-8))  # QBO reports times in the company's zone
SEED_EPOCH = datetime(2024, 1, 1, tzinfo=LOCAL_TZ)
NAME_LISTS = {"Vendor", "Account", "Class", "Department", "Item", "Term", "TaxCode", "Customer", "Employee"}
TRANSACTIONS = {"PurchaseOrder", "BillPayment"}
ENTITIES = sorted(NAME_LISTS | TRANSACTIONS)
WORDS = ["Acme", "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Wonka", "Soylent", "Tyrell"]


@dataclass
class QboSandboxConfig:
    realm_id: str = "9130355"
    client_id: str = "ABclient"
    client_secret: str = "client-secret"
    refresh_token: str = "RT-initial"
    records_per_entity: int = 20
    seed: int = 11
    requests_per_window: int = 500
    window_seconds: float = 60.0
    max_concurrent: int = 10
    throttle_format: str = "json"  # or "xml"
    access_token_seconds: int = 3600


def iso(ts: datetime) -> str:
    return ts.astimezone(LOCAL_TZ).isoformat()


def _make_row(entity: str, rid: int, rng: random.Random, at: datetime) -> dict[str, Any]:
    name = f"{rng.choice(WORDS)} {entity} {rid}"
    row: dict[str, Any] = {"Id": str(rid), "SyncToken": "0", "domain": "QBO", "sparse": False,
                           "MetaData": {"CreateTime": iso(at), "LastUpdatedTime": iso(at)}}
    if entity in NAME_LISTS:
        row["Active"] = rng.random() > 0.1
    if entity in ("Vendor", "Customer", "Employee"):
        row.update(DisplayName=name, PrimaryEmailAddr={"Address": f"ap{rid}@example.com"}, Balance=0)
        if entity == "Employee":
            row["EmployeeNumber"] = f"E{rid:05d}"
    elif entity == "Account":
        row.update(Name=name, AcctNum=str(1000 + rid), AccountType="Expense", Classification="Expense")
    elif entity in ("Class", "Department"):
        row.update(Name=name, FullyQualifiedName=name, SubClass=False)
    elif entity == "Item":
        row.update(Name=name, Sku=f"SKU-{rid}", Type="NonInventory")
    elif entity == "Term":
        row.update(Name=f"Net {rid}", DueDays=rid)
    elif entity == "TaxCode":
        row.update(Name=f"TAX{rid}", Description=name, Taxable=True)
    else:  # transactions
        row.update(DocNumber=f"{entity[:2].upper()}-{rid}", TotalAmt=round(rng.random() * 1000, 2),
                   VendorRef={"value": str(rng.randrange(1, 20)), "name": f"{rng.choice(WORDS)} Supplies"},
                   TxnDate=at.date().isoformat(), Line=[{"Amount": 1}])
    return row


class Realm:
    def __init__(self, cfg: QboSandboxConfig):
        self.cfg = cfg
        self.refresh_token = cfg.refresh_token
        self.access_tokens: dict[str, float] = {}
        self.rows: dict[str, dict[str, dict[str, Any]]] = {e: {} for e in ENTITIES}
        self.deleted: dict[str, dict[str, datetime]] = {e: {} for e in ENTITIES}
        self.next_id = 1
        rng = random.Random(cfg.seed)
        for entity in ENTITIES:
            for _ in range(cfg.records_per_entity):
                at = SEED_EPOCH + timedelta(minutes=rng.randrange(0, 60 * 24 * 300))
                self.rows[entity][str(self.next_id)] = _make_row(entity, self.next_id, rng, at)
                self.next_id += 1

    def add(self, entity: str, values: dict[str, Any], at: datetime) -> dict[str, Any]:
        row = _make_row(entity, self.next_id, random.Random(self.next_id), at)
        row.update(values)
        self.rows[entity][row["Id"]] = row
        self.next_id += 1
        return row

    def modify(self, entity: str, rid: str, values: dict[str, Any], at: datetime) -> dict[str, Any]:
        row = self.rows[entity][rid]
        row.update(values)
        row["SyncToken"] = str(int(row["SyncToken"]) + 1)
        row["MetaData"]["LastUpdatedTime"] = iso(at)
        return row

    def delete(self, entity: str, rid: str, at: datetime) -> None:
        del self.rows[entity][rid]
        self.deleted[entity][rid] = at


class QueryError(Exception):
    pass


QUERY = re.compile(
    r"^\s*select\s+(?P<select>\*|count\(\*\))\s+from\s+(?P<entity>\w+)"
    r"(?:\s+where\s+(?P<where>.+?))?"
    r"(?:\s+orderby\s+(?P<order>[\w.]+)(?:\s+(?P<dir>asc|desc))?)?"
    r"(?:\s+startposition\s+(?P<start>\d+))?"
    r"(?:\s+maxresults\s+(?P<max>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
COND = re.compile(r"^\s*(?P<field>[\w.]+)\s*(?P<op><=|>=|<|>|=|\bin\b|\blike\b)\s*(?P<value>.+?)\s*$", re.IGNORECASE)


def _field(row: dict[str, Any], path: str) -> Any:
    cur: Any = row
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        match = next((k for k in cur if k.lower() == part.lower()), None)
        cur = cur.get(match) if match else None
    return cur


def _literal(text: str) -> Any:
    text = text.strip()
    if text.startswith("'") and text.endswith("'"):
        value = text[1:-1]
        try:
            return datetime.fromisoformat(value) if re.match(r"^\d{4}-\d{2}-\d{2}T", value) else value
        except ValueError:
            raise QueryError(f"invalid date-time literal '{value}'") from None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return float(text)
    except ValueError:
        raise QueryError(f"unexpected token {text!r}") from None


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if actual is None:
        return False
    if isinstance(expected, datetime):
        actual = datetime.fromisoformat(actual) if isinstance(actual, str) else actual
    elif isinstance(expected, float):
        actual = float(actual)
    op = op.lower()
    if op == "=":
        return actual == expected
    if op == "like":
        pattern = "^" + re.escape(str(expected)).replace("%", ".*") + "$"
        return re.match(pattern, str(actual), re.IGNORECASE) is not None
    return {"<": actual < expected, ">": actual > expected, "<=": actual <= expected, ">=": actual >= expected}[op]


def run_query(realm: Realm, text: str) -> dict[str, Any]:
    m = QUERY.match(text or "")
    if not m:
        raise QueryError("QueryParserError: Encountered an unexpected token in the query")
    entity = next((e for e in ENTITIES if e.lower() == m["entity"].lower()), None)
    if entity is None:
        raise QueryError(f"QueryValidationError: Entity {m['entity']} is not supported")
    rows = list(realm.rows[entity].values())
    active_filter = False
    for cond in re.split(r"\s+and\s+", m["where"] or "", flags=re.IGNORECASE) if m["where"] else []:
        c = COND.match(cond)
        if not c:
            raise QueryError(f"QueryParserError: cannot parse condition '{cond}'")
        fname, op, raw = c["field"], c["op"].lower(), c["value"]
        if fname.lower() == "active":
            active_filter = True
        if op == "in":
            values = [_literal(v) for v in raw.strip().strip("()").split(",")]
            rows = [r for r in rows if _field(r, fname) in values]
        else:
            value = _literal(raw)
            rows = [r for r in rows if _compare(_field(r, fname), op, value)]
    if entity in NAME_LISTS and not active_filter:
        rows = [r for r in rows if r.get("Active", True)]  # inactive rows are hidden by default
    if m["select"].lower() == "count(*)":
        return {"totalCount": len(rows)}
    order = m["order"] or "Id"
    key = (lambda r: int(r["Id"])) if order.lower() == "id" else (lambda r: str(_field(r, order) or ""))
    rows.sort(key=key, reverse=(m["dir"] or "").lower() == "desc")
    start, maxresults = int(m["start"] or 1), int(m["max"] or 100)
    if maxresults > 1000:
        raise QueryError("QueryValidationError: MAXRESULTS cannot exceed 1000")
    if start < 1:
        raise QueryError("QueryValidationError: STARTPOSITION must be positive")
    page = rows[start - 1: start - 1 + maxresults]
    body: dict[str, Any] = {}
    if page:
        body = {entity: page, "startPosition": start, "maxResults": len(page)}
    return body


def fault(kind: str, code: str, message: str, detail: str, status: int) -> JSONResponse:
    return JSONResponse({"Fault": {"Error": [{"Message": message, "Detail": detail, "code": code, "element": ""}],
                                   "type": kind}, "time": iso(datetime.now(timezone.utc))}, status_code=status)


def create_app(cfg: QboSandboxConfig | None = None) -> FastAPI:
    cfg = cfg or QboSandboxConfig()
    app = FastAPI(title="QuickBooks Online sandbox", docs_url=None, redoc_url=None)
    state: dict[str, Any] = {
        "realms": {cfg.realm_id: Realm(cfg)}, "faults": [], "sent": {}, "in_flight": {},
        "stats": {"requests": 0, "throttled": 0, "refreshes": 0, "max_concurrent_seen": 0, "max_in_window_seen": 0},
        "cfg": cfg,
    }
    app.state.sandbox = state

    def realm_of(realm_id: str) -> Realm:
        realm = state["realms"].get(realm_id)
        if realm is None:
            raise HTTPException(404, f"no realm {realm_id}")
        return realm

    @app.post("/oauth2/v1/tokens/bearer")
    async def token(request: Request):
        auth = request.headers.get("authorization", "")
        try:
            client_id, client_secret = base64.b64decode(auth.split(" ", 1)[1]).decode().split(":", 1)
        except Exception:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        realm = next((r for r in state["realms"].values() if r.cfg.client_id == client_id), None)
        if realm is None or realm.cfg.client_secret != client_secret:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") != "refresh_token":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        if form.get("refresh_token") != realm.refresh_token:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        state["stats"]["refreshes"] += 1
        realm.refresh_token = f"RT-{secrets.token_urlsafe(16)}"  # rotated: the old one is now useless
        access = f"AT-{secrets.token_urlsafe(24)}"
        realm.access_tokens[access] = time.time() + cfg.access_token_seconds
        return {"token_type": "bearer", "access_token": access, "expires_in": cfg.access_token_seconds,
                "refresh_token": realm.refresh_token, "x_refresh_token_expires_in": 8726400}

    def throttled() -> Response:
        state["stats"]["throttled"] += 1
        if cfg.throttle_format == "xml":
            body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse '
                    'xmlns="http://schema.intuit.com/finance/v3" time="{}"><Fault type="ThrottleExceeded">'
                    '<Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429'
                    '</Message><Detail>The request limit was reached.</Detail></Error></Fault></IntuitResponse>'
                    ).format(iso(datetime.now(timezone.utc)))
            return Response(body, status_code=429, media_type="application/xml")
        return fault("ThrottleExceeded", "3001", "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                     "The request limit was reached.", 429)

    async def guarded(request: Request, realm_id: str, handler):
        state["stats"]["requests"] += 1
        realm = realm_of(realm_id)
        token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if realm.access_tokens.get(token, 0) < time.time():
            return JSONResponse({"warnings": None, "intuitObject": None, "fault": {"error": [{
                "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                "detail": "Token expired or invalid", "code": "3200", "element": None}], "type": "AUTHENTICATION"},
                "report": None, "queryResponse": None, "time": int(time.time() * 1000)}, status_code=401)
        now = time.monotonic()
        sent: deque = state["sent"].setdefault(realm_id, deque())
        while sent and now - sent[0] >= cfg.window_seconds:
            sent.popleft()
        in_flight = state["in_flight"].get(realm_id, 0) + 1
        if len(sent) >= cfg.requests_per_window or in_flight > cfg.max_concurrent:
            return throttled()
        sent.append(now)
        state["stats"]["max_in_window_seen"] = max(state["stats"]["max_in_window_seen"], len(sent))
        state["in_flight"][realm_id] = in_flight
        state["stats"]["max_concurrent_seen"] = max(state["stats"]["max_concurrent_seen"], in_flight)
        try:
            await asyncio.sleep(0)
            if state["faults"]:
                f = state["faults"][0]
                f["count"] -= 1
                if f["count"] <= 0:
                    state["faults"].pop(0)
                injected = {
                    "throttle_json": lambda: fault("ThrottleExceeded", "3001", "message=ThrottleExceeded; "
                                                   "errorCode=003001; statusCode=429", "The request limit was reached.", 429),
                    "throttle_xml": lambda: Response('<IntuitResponse xmlns="http://schema.intuit.com/finance/v3"><Fault '
                                                     'type="ThrottleExceeded"><Error code="3001"><Message>ThrottleExceeded'
                                                     '</Message></Error></Fault></IntuitResponse>', 429,
                                                     media_type="application/xml"),
                    "fault_200_throttle": lambda: fault("ThrottleExceeded", "3001", "ThrottleExceeded",
                                                        "The request limit was reached.", 200),
                    "fault_200_validation": lambda: fault("ValidationFault", "4000", "Error parsing query",
                                                          "QueryParserError: internal", 200),
                    "server_error": lambda: Response("<html>503</html>", 503, media_type="text/html"),
                    "malformed": lambda: Response('{"QueryResponse": {"Vendor": [', 200, media_type="application/json"),
                    "missing_id": lambda: JSONResponse({"QueryResponse": {"Vendor": [{"DisplayName": "no id"}],
                                                                          "startPosition": 1, "maxResults": 1}}),
                }[f["kind"]]
                if "throttle" in f["kind"]:
                    state["stats"]["throttled"] += 1
                return injected()
            return handler(realm)
        finally:
            state["in_flight"][realm_id] -= 1

    @app.get("/v3/company/{realm_id}/query")
    async def query(realm_id: str, request: Request, query: str = ""):
        def handle(realm: Realm):
            try:
                return {"QueryResponse": run_query(realm, query), "time": iso(datetime.now(timezone.utc))}
            except QueryError as exc:
                return fault("ValidationFault", "4000", "Error parsing query", str(exc), 400)
        return await guarded(request, realm_id, handle)

    @app.get("/v3/company/{realm_id}/cdc")
    async def cdc(realm_id: str, request: Request, entities: str = "", changedSince: str = ""):
        def handle(realm: Realm):
            try:
                since = datetime.fromisoformat(changedSince)
            except ValueError:
                return fault("ValidationFault", "2020", "Required param missing", "changedSince", 400)
            if since < datetime.now(timezone.utc) - timedelta(days=30):
                return fault("ValidationFault", "4001", "Invalid changedSince",
                             "changedSince cannot be older than 30 days", 400)
            responses, total = [], 0
            for name in [e.strip() for e in entities.split(",") if e.strip()]:
                entity = next((e for e in ENTITIES if e.lower() == name.lower()), None)
                if entity is None:
                    return fault("ValidationFault", "4000", "Invalid entity", name, 400)
                changed = [r for r in realm.rows[entity].values()
                           if datetime.fromisoformat(r["MetaData"]["LastUpdatedTime"]) >= since]
                gone = [{"domain": "QBO", "status": "Deleted", "Id": rid,
                         "MetaData": {"LastUpdatedTime": iso(at)}}
                        for rid, at in realm.deleted[entity].items() if at >= since]
                rows = (changed + gone)[: max(0, 1000 - total)]
                total += len(rows)
                responses.append({entity: rows, "startPosition": 1, "maxResults": len(rows), "totalCount": len(rows)})
            return {"CDCResponse": [{"QueryResponse": responses}], "time": iso(datetime.now(timezone.utc))}
        return await guarded(request, realm_id, handle)

    # ---- test hooks (not part of QuickBooks Online) ----
    def when(body: dict) -> datetime:
        return datetime.fromisoformat(body["at"]) if body.get("at") else datetime.now(timezone.utc)

    def entity_name(name: str) -> str:
        found = next((e for e in ENTITIES if e.lower() == name.lower()), None)
        if found is None:
            raise HTTPException(404, f"no entity {name}")
        return found

    @app.get("/_sandbox/realms/{realm_id}/entities/{entity}/records")
    async def list_rows(realm_id: str, entity: str):
        return list(realm_of(realm_id).rows[entity_name(entity)].values())

    @app.post("/_sandbox/realms/{realm_id}/entities/{entity}/records", status_code=201)
    async def add_row(realm_id: str, entity: str, body: dict):
        return realm_of(realm_id).add(entity_name(entity), body.get("fields", {}), when(body))

    @app.patch("/_sandbox/realms/{realm_id}/entities/{entity}/records/{rid}")
    async def modify_row(realm_id: str, entity: str, rid: str, body: dict):
        try:
            return realm_of(realm_id).modify(entity_name(entity), rid, body.get("fields", {}), when(body))
        except KeyError:
            raise HTTPException(404, "no such record") from None

    @app.delete("/_sandbox/realms/{realm_id}/entities/{entity}/records/{rid}", status_code=204)
    async def delete_row(realm_id: str, entity: str, rid: str):
        try:
            realm_of(realm_id).delete(entity_name(entity), rid, datetime.now(timezone.utc))
        except KeyError:
            raise HTTPException(404, "no such record") from None

    @app.get("/_sandbox/realms/{realm_id}/refresh-token")
    async def current_refresh_token(realm_id: str):
        return {"refresh_token": realm_of(realm_id).refresh_token}

    @app.put("/_sandbox/realms/{realm_id}/refresh-token")
    async def set_refresh_token(realm_id: str, body: dict):
        realm_of(realm_id).refresh_token = body["refresh_token"]
        return {"ok": True}

    @app.post("/_sandbox/tokens/expire")
    async def expire_tokens():
        for realm in state["realms"].values():
            realm.access_tokens.clear()
        return {"ok": True}

    @app.post("/_sandbox/faults")
    async def add_fault(body: dict):
        state["faults"].append({"kind": body["kind"], "count": int(body.get("count", 1))})
        return {"queued": len(state["faults"])}

    @app.get("/_sandbox/stats")
    async def stats():
        return state["stats"]

    return app
