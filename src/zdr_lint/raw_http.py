"""Raw HTTP to the Anthropic API: `httpx`, `requests`, `aiohttp` and `urllib` calls whose URL
resolves to an Anthropic-processed host (the API, Claude on Google Cloud, Foundry, Claude Platform on
AWS) on a raw endpoint (`/v1/files`, `/v1/messages/batches`, `/v1/skills`, `/v1/tunnels`, the
Managed Agents paths).

The semantic model already finds URL strings that spell the host and the path in one expression
(a literal, an f-string, `+`, a module constant: `SemanticModel.raw_endpoints`). This module adds
what needs the call to be understood:
- a path relative to a client's `base_url=` (`httpx.Client(base_url=API).post("/v1/files")`,
  `aiohttp.ClientSession(base_url=...)`),
- `urljoin(API, "/v1/files")` (`urllib.parse.urljoin`, `httpx.URL(...).join`),
- a base URL constant imported from another module of the project (through the project index).
The same paths on another host (OpenAI has `/v1/files` and `/v1/batches`) stay silent, because the
host must resolve to the Anthropic API's. Findings are `DirectUse`s reported at the URL argument.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional
from urllib.parse import urljoin

from zdr_lint import catalog, classify
from zdr_lint._lazy import libcst as cst
from zdr_lint.project import resolve_relative
from zdr_lint.semantic_types import DirectUse, Scope, literal_string

if TYPE_CHECKING:  # typing only
    from zdr_lint.semantics import SemanticModel

MAX_DEPTH = 12
# method name -> position of the URL argument
_URL_POSITION = {
    "get": 0, "post": 0, "put": 0, "patch": 0, "delete": 0, "head": 0, "options": 0,
    "request": 1, "stream": 1, "build_request": 1, "urlopen": 0, "Request": 0,
}
_CLIENT_CLASSES = frozenset(
    {"httpx.Client", "httpx.AsyncClient", "requests.Session", "requests.session", "requests.sessions.Session", "aiohttp.ClientSession"}
)
_URLJOIN = frozenset({"urllib.parse.urljoin", "urlparse.urljoin", "requests.compat.urljoin"})


def raw_http_uses(model: "SemanticModel") -> list:
    already = {id(node) for node, _ in model.raw_endpoints()}
    out = []
    for call in model.collector.calls:
        func = call.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        if name not in _URL_POSITION:
            continue
        scope = model.scope_of(call)
        base = _http_base(model, func, scope)
        if base is None:
            continue
        url_arg = _url_argument(call, _URL_POSITION[name])
        if url_arg is None or _contains(model, url_arg.value, scope, already) or model.built_for_a_response(url_arg.value):
            continue
        text = resolve_url(model, url_arg.value, scope)
        if text is None:
            continue
        if base and "://" not in text:
            text = urljoin(base if base.endswith("/") else base + "/", text.lstrip("/")) if not text.startswith("/") else _join_root(base, text)
        verdict = classify.raw_url(text)
        if verdict is not None:
            out.append(DirectUse(url_arg.value, verdict.code, verdict.label))
    return out


def _join_root(base: str, path: str) -> str:
    # httpx joins a base URL and an absolute path by appending (base "https://h/v1" + "/files")
    return base.rstrip("/") + path


def _url_argument(call: cst.Call, position: int) -> Optional[cst.Arg]:
    positional = [a for a in call.args if a.keyword is None and not a.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in ("url", "str_or_url"):
            return arg
    return positional[position] if len(positional) > position else None


def _contains(model: "SemanticModel", node: cst.CSTNode, scope: "Scope", ids: set, depth: int = 0) -> bool:
    """Does the URL expression (following names to their values) hold a string already reported?"""
    if not ids or depth > MAX_DEPTH:
        return False
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in ids:
            return True
        if isinstance(current, (cst.Name, cst.Attribute)):
            for value, where in model.values(current, scope):
                if value is not current and _contains(model, value, where, ids, depth + 1):
                    return True
        stack.extend(current.children)
    return False


def _http_base(model: "SemanticModel", func: cst.BaseExpression, scope: "Scope") -> Optional[str]:
    """"" for a module-level HTTP function (`httpx.post`), the client's base URL for a client's method
    (`""` when it has none), None when the call is not raw HTTP."""
    qualname = model.qualified_name(func, scope)
    if qualname is not None:
        return "" if qualname.split(".")[0] in catalog.HTTP_MODULES else None
    if not isinstance(func, cst.Attribute):
        return None
    for value, where in model.values(func.value, scope):
        if isinstance(value, cst.Await):
            value = value.expression
        if not isinstance(value, cst.Call):
            continue
        made = model.qualified_name(value.func, where)
        if made in _CLIENT_CLASSES:
            for arg in value.args:
                if arg.keyword is not None and arg.keyword.value == "base_url":
                    return resolve_url(model, arg.value, where) or ""
            return ""
    return None


def resolve_url(model: "SemanticModel", node: cst.BaseExpression, scope: "Scope", depth: int = 0) -> Optional[str]:
    """The text a URL expression spells, unknown parts as `{}`; None when nothing is known."""
    if depth > MAX_DEPTH:
        return None
    text = literal_string(node)
    if text is not None:
        return text
    if isinstance(node, cst.FormattedString):
        parts = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value)
            else:
                parts.append(resolve_url(model, part.expression, scope, depth + 1) or "{}")
        return "".join(parts)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left = resolve_url(model, node.left, scope, depth + 1)
        right = resolve_url(model, node.right, scope, depth + 1)
        if left is None and right is None:
            return None
        return (left or "{}") + (right or "{}")
    if isinstance(node, cst.Call) and len(node.args) >= 2:
        q = model.qualified_name(node.func, scope)
        if q in _URLJOIN or q == "urljoin":
            base = resolve_url(model, node.args[0].value, scope, depth + 1)
            path = resolve_url(model, node.args[1].value, scope, depth + 1)
            if base is not None and path is not None:
                return urljoin(base, path)
    if isinstance(node, (cst.Name, cst.Attribute)):
        q = model.qualified_name(node, scope)
        project = model.project
        if q is not None and project is not None:
            if q.startswith("."):
                q = resolve_relative(q, model.module_name, model.is_package) or q
            if q in project.strings:
                return project.strings[q]
        for value, where in model.values(node, scope, depth + 1):
            if value is node:
                continue
            found = resolve_url(model, value, where, depth + 1)
            if found is not None:
                return found
    return None
