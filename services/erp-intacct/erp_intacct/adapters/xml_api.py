"""The Intacct XML Web Services envelope: building request documents and reading responses (no I/O).

Request: <request><control>sender credentials</control><operation><authentication>login or sessionid
</authentication><content><function controlid=..>...</function></content></operation></request>.
Failures come at three depths, each with <errormessage><error><errorno/><description/><description2/>
<correction/></error></errormessage>: the control block (XML/sender/gateway errors such as GW-0010), the
authentication block, and each function's <result>.
"""
from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from defusedxml.ElementTree import fromstring


@dataclass(frozen=True)
class IntacctErrorDetail:
    errorno: str
    description: str
    description2: str
    correction: str

    def text(self) -> str:
        parts = [p for p in (self.description, self.description2, self.correction) if p]
        return " ".join(parts) or self.errorno


@dataclass
class FunctionResult:
    function: str
    controlid: str
    status: str
    data: Any = None  # the <data> element, when present
    errors: list[IntacctErrorDetail] = field(default_factory=list)


@dataclass
class IntacctResponse:
    control_status: str
    control_errors: list[IntacctErrorDetail]
    auth_status: str | None
    auth_errors: list[IntacctErrorDetail]
    results: list[FunctionResult]


class MalformedResponse(ValueError):
    pass


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def build_request(*, sender_id: str, sender_password: str, auth: dict[str, str], functions: list[ET.Element]) -> bytes:
    """auth is {'sessionid': ..} or {'userid','companyid','password'[, 'locationid']}."""
    root = ET.Element("request")
    control = _sub(root, "control")
    _sub(control, "senderid", sender_id)
    _sub(control, "password", sender_password)
    _sub(control, "controlid", str(uuid.uuid4()))
    _sub(control, "uniqueid", "false")  # reads only: safe to resubmit
    _sub(control, "dtdversion", "3.0")
    _sub(control, "includewhitespace", "false")
    operation = _sub(root, "operation")
    authentication = _sub(operation, "authentication")
    if "sessionid" in auth:
        _sub(authentication, "sessionid", auth["sessionid"])
    else:
        login = _sub(authentication, "login")
        for key in ("userid", "companyid", "password", "locationid"):
            if auth.get(key):
                _sub(login, key, auth[key])
    content = _sub(operation, "content")
    for fn in functions:
        wrapper = _sub(content, "function", controlid=str(uuid.uuid4()))
        wrapper.append(fn)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="utf-8")


def get_api_session() -> ET.Element:
    return ET.Element("getAPISession")


def get_dimensions() -> ET.Element:
    return ET.Element("getDimensions")


def _filter(node: tuple) -> ET.Element:
    """Filters as nested tuples: ('and', f1, f2), ('greaterthan', FIELD, value), ('isnull', FIELD)."""
    op = node[0]
    el = ET.Element(op)
    if op in ("and", "or"):
        for child in node[1:]:
            el.append(_filter(child))
    else:
        _sub(el, "field", node[1])
        if len(node) > 2:
            _sub(el, "value", str(node[2]))
    return el


def query(object_name: str, fields: list[str], *, filter: tuple | None, order_by: str, pagesize: int,
          offset: int = 0) -> ET.Element:
    q = ET.Element("query")
    _sub(q, "object", object_name)
    select = _sub(q, "select")
    for f in fields:
        _sub(select, "field", f)
    if filter is not None:
        _sub(q, "filter").append(_filter(filter))
    order = _sub(_sub(q, "orderby"), "order")
    _sub(order, "field", order_by)
    _sub(order, "ascending")
    _sub(q, "pagesize", str(pagesize))
    _sub(q, "offset", str(offset))
    return q


def _errors(parent: Any) -> list[IntacctErrorDetail]:
    out = []
    if parent is None:
        return out
    for err in parent.findall("./errormessage/error"):
        out.append(IntacctErrorDetail(
            (err.findtext("errorno") or "").strip(), (err.findtext("description") or "").strip(),
            (err.findtext("description2") or "").strip(), (err.findtext("correction") or "").strip(),
        ))
    return out


def parse_response(body: bytes) -> IntacctResponse:
    try:
        root = fromstring(body)
    except Exception as exc:
        raise MalformedResponse(f"response is not XML ({exc})") from None
    if root.tag != "response" or root.find("control") is None:
        raise MalformedResponse(f"unexpected document <{root.tag}>")
    control_status = (root.findtext("control/status") or "").strip()
    operation = root.find("operation")
    auth = operation.find("authentication") if operation is not None else None
    results = []
    if operation is not None:
        for r in operation.findall("result"):
            results.append(FunctionResult(
                (r.findtext("function") or "").strip(), (r.findtext("controlid") or "").strip(),
                (r.findtext("status") or "").strip(), r.find("data"), _errors(r),
            ))
    return IntacctResponse(
        control_status,
        _errors(root),
        (auth.findtext("status") or "").strip() if auth is not None else None,
        _errors(operation),
        results,
    )


def rows(data: Any) -> list[dict[str, str | None]]:
    """The records of a query <data> element: one dict per child, dotted names kept as Intacct sends them."""
    out = []
    for rec in list(data):
        row: dict[str, str | None] = {}
        for f in list(rec):
            if len(f):  # nested block (e.g. PERSONALINFO/CONTACTNAME): flatten to dotted names
                for sub in list(f):
                    row[f"{f.tag}.{sub.tag}"] = sub.text
            else:
                row[f.tag] = f.text
        out.append(row)
    return out


def data_counts(data: Any) -> tuple[int, int]:
    """(count, numremaining) of a query page."""
    try:
        return int(data.get("count", "0")), int(data.get("numremaining", "0"))
    except ValueError:
        raise MalformedResponse("query <data> with non-numeric count/numremaining") from None
