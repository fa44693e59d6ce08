"""The NetSuite sandbox: `POST /services/rest/query/v1/suiteql?limit=&offset=` as NetSuite's docs describe it.

- Token-based authentication: OAuth 1.0a, HMAC-SHA256, realm = account id; the signature is recomputed here from
  the request, nonces cannot be replayed, timestamps must be fresh. Failures: 401 INVALID_LOGIN.
- `Prefer: transient` required; `limit` ≤ 1000; `offset + limit` ≤ 100,000; answers
  `{"links","count","hasMore","items","offset","totalResults"}` with every value as text and dates in the account's
  format (M/D/YYYY, account-local, no time).
- SuiteQL subset: SELECT columns FROM table [WHERE a AND b ...] [ORDER BY column]; comparisons with numbers, 'text'
  and TO_DATE('YYYY-MM-DD', 'YYYY-MM-DD'). Tables: the records SmartSync reads, `transaction` (type PurchOrd,
  ItemRcpt) and `deletedrecord`.
- Concurrency governance: more than `max_concurrent` requests at once → 429 CONCURRENCY_LIMIT_EXCEEDED.
Errors use `{"type","title","status","o:errorDetails":[{"detail","o:errorCode"}]}`. Test hooks live under /_sandbox.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import random
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response

ACCOUNT_TZ = timezone(timedelta(hours=-8))
SEED_EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)
OFFSET_CAP = 100_000
WORDS = ["Acme", "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Wonka", "Soylent", "Tyrell"]

# table -> columns (besides id, lastmodifieddate); recordtype for deletedrecord
TABLES: dict[str, tuple[str, ...]] = {
    "vendor": ("entityid", "companyname", "isinactive", "subsidiary", "email", "currency", "terms"),
    "account": ("acctnumber", "fullname", "isinactive", "accttype"),
    "department": ("name", "isinactive", "subsidiary"),
    "location": ("name", "isinactive", "subsidiary"),
    "classification": ("name", "isinactive", "subsidiary"),
    "subsidiary": ("name", "isinactive", "currency", "country"),
    "item": ("itemid", "displayname", "isinactive", "subsidiary", "itemtype"),
    "term": ("name", "isinactive", "daysuntilnetdue"),
    "customer": ("entityid", "companyname", "isinactive", "subsidiary"),
    "employee": ("entityid", "firstname", "lastname", "isinactive", "subsidiary", "email"),
    "currency": ("symbol", "name", "isinactive", "exchangerate"),
    "transaction": ("type", "tranid", "memo", "entity", "trandate", "status", "foreigntotal", "createdfrom"),
    "transactionline": ("transaction", "mainline", "subsidiary"),
}
TRANSACTION_TYPES = {"purchaseorder": "PurchOrd", "itemreceipt": "ItemRcpt"}
SUBSIDIARIES = ("1", "2")


@dataclass
class NetSuiteSandboxConfig:
    account_id: str = "1234567_SB1"
    consumer_key: str = "ck-smartsync"
    consumer_secret: str = "cs-secret"
    token_id: str = "tk-smartsync"
    token_secret: str = "ts-secret"
    records_per_table: int = 20
    seed: int = 5
    max_concurrent: int = 15
    offset_cap: int = OFFSET_CAP


def pct(value: str) -> str:
    return quote(str(value), safe="-._~")


def ns_date(ts: datetime) -> str:
    local = ts.astimezone(ACCOUNT_TZ)
    return f"{local.month}/{local.day}/{local.year}"


class Account:
    def __init__(self, cfg: NetSuiteSandboxConfig):
        self.cfg = cfg
        self.rows: dict[str, dict[int, dict[str, Any]]] = {t: {} for t in TABLES}
        self.deleted: list[dict[str, Any]] = []
        self.denied: set[str] = set()
        self.next_id = 100
        rng = random.Random(cfg.seed)
        for table in TABLES:
            if table == "transactionline":
                continue  # written with each transaction
            kinds = list(TRANSACTION_TYPES.values()) if table == "transaction" else [None]
            for kind in kinds:
                for i in range(cfg.records_per_table):
                    at = SEED_EPOCH + timedelta(minutes=rng.randrange(0, 60 * 24 * 300))
                    self.add(table, self._values(table, kind, rng, i), at)

    def _values(self, table: str, kind: str | None, rng: random.Random, i: int) -> dict[str, Any]:
        name = f"{rng.choice(WORDS)} {table} {i + 1}"
        v: dict[str, Any] = {}
        for col in TABLES[table]:
            if col == "isinactive":
                v[col] = "T" if rng.random() < 0.1 else "F"
            elif col == "subsidiary":
                v[col] = rng.choice(SUBSIDIARIES)
            elif col in ("companyname", "fullname", "displayname", "name", "memo"):
                v[col] = name
            elif col in ("entityid", "acctnumber", "itemid", "tranid", "symbol"):
                v[col] = f"{table[:3].upper()}{rng.randrange(10**5):05d}"
            elif col == "type":
                v[col] = kind
            else:
                v[col] = f"{col}-{rng.randrange(100)}"
        return v

    def add(self, table: str, values: dict[str, Any], at: datetime) -> dict[str, Any]:
        rid = self.next_id
        self.next_id += 1
        if table == "subsidiary" and len(self.rows["subsidiary"]) < len(SUBSIDIARIES):
            rid = int(SUBSIDIARIES[len(self.rows["subsidiary"])])
        subsidiary = values.pop("subsidiary", None) if table == "transaction" else None
        row = {"id": rid, "lastmodifieddate": at, **{c: None for c in TABLES[table]}, **values}
        self.rows[table][rid] = row
        if table == "transaction":
            line = self.next_id
            self.next_id += 1
            self.rows["transactionline"][line] = {
                "id": line, "lastmodifieddate": at, "transaction": rid, "mainline": "T",
                "subsidiary": subsidiary or SUBSIDIARIES[(rid // 2) % len(SUBSIDIARIES)]}
        return row

    def modify(self, table: str, rid: int, values: dict[str, Any], at: datetime) -> dict[str, Any]:
        row = self.rows[table][rid]
        row.update({k: v for k, v in values.items() if k in TABLES[table]})
        row["lastmodifieddate"] = at
        return row

    def delete(self, table: str, rid: int, at: datetime) -> None:
        row = self.rows[table].pop(rid)
        recordtype = table
        if table == "transaction":
            recordtype = next(k for k, v in TRANSACTION_TYPES.items() if v == row["type"])
        self.deleted.append({"recordid": rid, "recordtype": recordtype, "deleteddate": at,
                             "name": row.get("companyname") or row.get("name")})

    def table_rows(self, table: str) -> list[dict[str, Any]]:
        if table == "deletedrecord":
            return [dict(d, id=d["recordid"], lastmodifieddate=d["deleteddate"]) for d in self.deleted]
        return list(self.rows[table].values())


class SuiteQLError(Exception):
    def __init__(self, detail: str):
        self.detail = detail


SELECT = re.compile(r"^\s*select\s+(?P<cols>.+?)\s+from\s+(?P<table>\w+)(?:\s+where\s+(?P<where>.+?))?"
                    r"(?:\s+order\s+by\s+(?P<order>\w+)(?:\s+(?P<dir>asc|desc))?)?\s*$", re.IGNORECASE | re.DOTALL)
COND = re.compile(r"^\s*(?P<col>\w+)\s*(?P<op><=|>=|<>|!=|=|<|>)\s*(?P<val>.+?)\s*$")
IN_SUBQUERY = re.compile(r"^\s*id\s+in\s*\(\s*(?P<q>select\s+\w+\s+from\s+.+)\)\s*$", re.IGNORECASE | re.DOTALL)
TO_DATE = re.compile(r"^to_date\(\s*'(\d{4}-\d{2}-\d{2})'\s*,\s*'YYYY-MM-DD'\s*\)$", re.IGNORECASE)
DATE_COLUMNS = {"lastmodifieddate", "deleteddate"}


def _value(raw: str) -> Any:
    raw = raw.strip()
    m = TO_DATE.match(raw)
    if m:
        return date.fromisoformat(m.group(1))
    if raw.startswith("'") and raw.endswith("'"):
        return raw[1:-1]
    try:
        return int(raw)
    except ValueError:
        raise SuiteQLError(f"Invalid search query. Unexpected token {raw!r}.") from None


def _cell(row: dict[str, Any], col: str, value: Any) -> Any:
    cell = row.get(col)
    if col in DATE_COLUMNS and isinstance(cell, datetime):
        return cell.astimezone(ACCOUNT_TZ).date()  # SuiteQL compares the account-local day
    if isinstance(value, int) and cell is not None:
        try:
            return int(cell)
        except (TypeError, ValueError):
            return None
    return cell


OPS = {"=": lambda a, b: a == b, "<>": lambda a, b: a != b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
       ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}


def run_suiteql(account: Account, q: str) -> tuple[list[str], list[dict[str, Any]]]:
    m = SELECT.match(q or "")
    if not m:
        raise SuiteQLError("Invalid search query. Detailed unprocessed description follows. Syntax error.")
    table = m["table"].lower()
    known = dict(TABLES, deletedrecord=("recordid", "recordtype", "deleteddate", "name"))
    if table not in known or table in account.denied:
        raise SuiteQLError(f"Invalid search query. Detailed unprocessed description follows. Search error "
                           f"occurred: Record '{table}' was not found.")
    columns = {"id", "lastmodifieddate", *known[table]}
    cols = [c.strip().lower() for c in m["cols"].split(",")]
    for c in cols:
        if c not in columns:
            raise SuiteQLError(f"Invalid search query. Detailed unprocessed description follows. Search error "
                               f"occurred: Field '{c}' for record '{table}' was not found.")
    rows = account.table_rows(table)
    where = m["where"] or ""
    sub = re.search(r"id\s+in\s*\(.+?\)(?=\s+and\s+|$)", where, re.IGNORECASE | re.DOTALL)
    if sub:  # one `id IN (SELECT col FROM table WHERE ...)` subquery, as used to filter by a line's column
        inner = IN_SUBQUERY.match(sub.group(0))
        if not inner:
            raise SuiteQLError("Invalid search query. Cannot read the subquery.")
        inner_cols, inner_rows = run_suiteql(account, inner["q"])
        wanted = {str(r.get(inner_cols[0])) for r in inner_rows}
        rows = [r for r in rows if str(r["id"]) in wanted]
        where = (where[: sub.start()] + where[sub.end():]).strip()
        where = re.sub(r"^\s*and\s+|\s+and\s*$", "", where, flags=re.IGNORECASE)
        where = re.sub(r"\s+and\s+and\s+", " AND ", where, flags=re.IGNORECASE)
    if where:
        for cond in re.split(r"\s+and\s+", where, flags=re.IGNORECASE):
            c = COND.match(cond)
            if not c or c["col"].lower() not in columns:
                raise SuiteQLError(f"Invalid search query. Cannot read condition {cond!r}.")
            col, op, value = c["col"].lower(), c["op"], _value(c["val"])
            rows = [r for r in rows if _cell(r, col, value) is not None and OPS[op](_cell(r, col, value), value)]
    order = (m["order"] or "id").lower()
    if order not in columns:
        raise SuiteQLError(f"Invalid search query. Field '{order}' for record '{table}' was not found.")
    rows.sort(key=lambda r: (r.get(order) is None, r.get(order)), reverse=(m["dir"] or "").lower() == "desc")
    return cols, rows


def error(status: int, title: str, code: str, detail: str, **extra: Any) -> JSONResponse:
    anchors = {400: "15.5.1", 401: "15.5.2", 403: "15.5.4", 429: "15.5.29", 500: "15.6.1"}
    return JSONResponse({"type": f"https://www.rfc-editor.org/rfc/rfc9110.html#section-{anchors.get(status, '15')}",
                         "title": title, "status": status,
                         "o:errorDetails": [{"detail": detail, "o:errorCode": code, **extra}]}, status_code=status)


def create_app(cfg: NetSuiteSandboxConfig | None = None) -> FastAPI:
    cfg = cfg or NetSuiteSandboxConfig()
    app = FastAPI(title="NetSuite sandbox", docs_url=None, redoc_url=None)
    state: dict[str, Any] = {"account": Account(cfg), "nonces": set(), "in_flight": 0, "faults": [],
                             "stats": {"requests": 0, "throttled": 0, "max_concurrent_seen": 0, "auth_failures": 0}}
    app.state.sandbox = state

    def verify(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("OAuth "):
            return "Missing OAuth authorization header"
        params = {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', header)}
        realm = cfg.account_id.upper()
        if params.get("realm") != realm:
            return f"Invalid realm {params.get('realm')!r}"
        if params.get("oauth_signature_method") != "HMAC-SHA256":
            return "Unsupported signature method"
        if params.get("oauth_consumer_key") != cfg.consumer_key or params.get("oauth_token") != cfg.token_id:
            return "Unknown consumer key or token"
        try:
            if abs(time.time() - int(params.get("oauth_timestamp", "0"))) > 300:
                return "Timestamp outside of the allowed window"
        except ValueError:
            return "Invalid timestamp"
        nonce = params.get("oauth_nonce", "")
        if not nonce or nonce in state["nonces"]:
            return "Nonce already used"
        signed = {k: v for k, v in params.items() if k.startswith("oauth_") and k != "oauth_signature"}
        url = request.url
        base_url = f"{url.scheme}://{url.netloc.lower()}{url.path}"
        pairs = sorted((pct(k), pct(v)) for k, v in [*parse_qsl(url.query, keep_blank_values=True), *signed.items()])
        base = "&".join(["POST", pct(base_url), pct("&".join(f"{k}={v}" for k, v in pairs))])
        key = f"{pct(cfg.consumer_secret)}&{pct(cfg.token_secret)}".encode()
        expected = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(expected, params.get("oauth_signature", "")):
            return "Invalid signature"
        state["nonces"].add(nonce)
        return None

    @app.post("/services/rest/query/v1/suiteql")
    async def suiteql(request: Request, limit: int = 1000, offset: int = 0):
        state["stats"]["requests"] += 1
        problem = verify(request)
        if problem:
            state["stats"]["auth_failures"] += 1
            return error(401, "Unauthorized", "INVALID_LOGIN", "Invalid login attempt. For more details, see the Login "
                         f"Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit "
                         f"Trail. ({problem})")
        state["in_flight"] += 1
        state["stats"]["max_concurrent_seen"] = max(state["stats"]["max_concurrent_seen"], state["in_flight"])
        try:
            if state["in_flight"] > cfg.max_concurrent:
                state["stats"]["throttled"] += 1
                return error(429, "Too Many Requests", "CONCURRENCY_LIMIT_EXCEEDED",
                             "Concurrent request limit exceeded. Request blocked.")
            await asyncio.sleep(0.001)  # let concurrent requests overlap as on a real server
            if state["faults"] and state["faults"][0].get("after", 0) > 0:
                state["faults"][0]["after"] -= 1  # let this request through untouched
            elif state["faults"]:
                f = state["faults"][0]
                f["count"] -= 1
                if f["count"] <= 0:
                    state["faults"].pop(0)
                if f["kind"] == "throttle":
                    state["stats"]["throttled"] += 1
                    return error(429, "Too Many Requests", "CONCURRENCY_LIMIT_EXCEEDED",
                                 "Concurrent request limit exceeded. Request blocked.")
                if f["kind"] == "server_error":
                    return error(500, "Internal Server Error", "UNEXPECTED_ERROR", "An unexpected error occurred.")
                if f["kind"] == "malformed":
                    return Response('{"items": [', 200, media_type="application/json")
                if f["kind"] == "missing_id":
                    return JSONResponse({"links": [], "count": 1, "hasMore": False, "offset": 0, "totalResults": 1,
                                         "items": [{"links": [], "companyname": "no id"}]})
            if request.headers.get("prefer", "").lower() != "transient":
                return error(400, "Bad Request", "INVALID_HEADER", "The 'Prefer: transient' header is required.")
            if not 1 <= limit <= 1000:
                return error(400, "Bad Request", "INVALID_PARAMETER", "The limit must be between 1 and 1000.",
                             **{"o:errorQueryParam": "limit"})
            if offset < 0 or offset + limit > cfg.offset_cap:
                return error(400, "Bad Request", "INVALID_PARAMETER",
                             f"Invalid offset: offset plus limit may not exceed {cfg.offset_cap}.",
                             **{"o:errorQueryParam": "offset"})
            try:
                body = await request.json()
                cols, rows = run_suiteql(state["account"], body.get("q", ""))
            except SuiteQLError as exc:
                return error(400, "Bad Request", "INVALID_PARAMETER", exc.detail, **{"o:errorQueryParam": "q"})
            except ValueError:
                return error(400, "Bad Request", "INVALID_CONTENT", "The request body is not valid JSON.")
            page = rows[offset: offset + limit]
            items = [{"links": [], **{c: (ns_date(r[c]) if isinstance(r.get(c), datetime) else
                                          (None if r.get(c) is None else str(r[c]))) for c in cols}} for r in page]
            has_more = offset + len(page) < len(rows)
            base = str(request.url).split("?")[0]
            links = [{"rel": "self", "href": f"{base}?limit={limit}&offset={offset}"}]
            if has_more:
                links.append({"rel": "next", "href": f"{base}?limit={limit}&offset={offset + limit}"})
            return {"links": links, "count": len(items), "hasMore": has_more, "items": items, "offset": offset,
                    "totalResults": len(rows)}
        finally:
            state["in_flight"] -= 1

    # ---- test hooks (not part of NetSuite) ----
    def when(body: dict) -> datetime:
        return datetime.fromisoformat(body["at"]) if body.get("at") else datetime.now(timezone.utc)

    def table_of(name: str) -> str:
        if name not in TABLES:
            raise HTTPException(404, f"no table {name}")
        return name

    @app.get("/_sandbox/tables/{table}/rows")
    async def list_rows(table: str):
        return [{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r.items()}
                for r in state["account"].table_rows(table_of(table))]

    @app.post("/_sandbox/tables/{table}/rows", status_code=201)
    async def add_row(table: str, body: dict):
        row = state["account"].add(table_of(table), body.get("fields", {}), when(body))
        return {**row, "lastmodifieddate": row["lastmodifieddate"].isoformat()}

    @app.patch("/_sandbox/tables/{table}/rows/{rid}")
    async def modify_row(table: str, rid: int, body: dict):
        try:
            row = state["account"].modify(table_of(table), rid, body.get("fields", {}), when(body))
        except KeyError:
            raise HTTPException(404, "no such row") from None
        return {**row, "lastmodifieddate": row["lastmodifieddate"].isoformat()}

    @app.delete("/_sandbox/tables/{table}/rows/{rid}", status_code=204)
    async def delete_row(table: str, rid: int, body: dict | None = None):
        try:
            state["account"].delete(table_of(table), rid, datetime.now(timezone.utc))
        except KeyError:
            raise HTTPException(404, "no such row") from None

    @app.put("/_sandbox/denied")
    async def deny(body: dict):
        state["account"].denied = set(body.get("tables", []))
        return {"denied": sorted(state["account"].denied)}

    @app.post("/_sandbox/faults")
    async def add_fault(body: dict):
        state["faults"].append({"kind": body["kind"], "count": int(body.get("count", 1)),
                                "after": int(body.get("after", 0))})
        return {"queued": len(state["faults"])}

    @app.get("/_sandbox/stats")
    async def stats():
        return state["stats"]

    return app
