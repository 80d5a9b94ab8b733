"""Tool definitions and beta names as the rules see them, resolved once per module and shared.

The decisions are `zdr_lint.classify`'s (the runtime guard asks the same functions); this module only
turns what the source writes into the plain values classify takes, and remembers where each part is
written so a finding lands on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog, classify
from zdr_lint.semantic_types import Scope, is_none, literal_string, truthy
from zdr_lint.semantics import SemanticModel


@dataclass(frozen=True)
class ToolFinding:
    """A verdict about a tool definition, at the node where its part is written."""

    node: cst.CSTNode
    verdict: classify.Verdict


def _definition(model: SemanticModel, entries, type_text: Optional[str]) -> tuple:
    """(plain definition, {key: node}) of the entries of a dict literal, `dict(...)`, typed param or
    class of fields, with `type_text`."""
    definition: dict = {}
    nodes: dict = {}
    if type_text is not None:
        definition["type"] = type_text
    for entry in entries:
        if entry.key == "type":
            nodes.setdefault("type", entry.node)
        elif entry.key == catalog.ALLOWED_CALLERS_KEY:
            callers = [model.string(v, s) for v, s in model.elements(entry.value, entry.scope)]
            definition[entry.key] = callers if all(c is not None for c in callers) and callers else classify.UNKNOWN
            nodes[entry.key] = entry.node
        elif entry.key == catalog.STRICT_KEY:
            verdict = truthy(model, entry.value, entry.scope)
            definition[entry.key] = verdict if verdict is not None else classify.UNKNOWN
            nodes[entry.key] = entry.node
        elif entry.key == catalog.TOOL_SCHEMA_KEY:
            definition[entry.key] = classify.UNKNOWN
    return definition, nodes


def _type_strings(model: SemanticModel, entries) -> list:
    texts = []
    for entry in entries:
        if entry.key == "type":
            texts += model.strings(entry.value, entry.scope)
    return texts or [None]


def tool_findings(model: SemanticModel) -> list:
    """Every verdict about a tool definition in the module (dict literals, `dict(...)`, the SDK's typed
    tool params, the fields of a dataclass or pydantic model), once each, memoised on the model."""
    cached = model.memo.get("tool_findings")
    if cached is not None:
        return cached
    cached = []
    seen: set = set()

    def add(definition_node: cst.CSTNode, definition: dict, nodes: dict) -> None:
        is_tool = definition.get(catalog.STRICT_KEY) is True and model.reaches_request(definition_node)
        for verdict in classify.tool(definition, is_tool=is_tool):
            where = nodes.get(verdict.at[0]) if verdict.at else None
            if where is None:
                where = definition_node
            key = (verdict.code, verdict.label, id(where))
            if key not in seen:
                seen.add(key)
                cached.append(ToolFinding(where, verdict))

    for node in model.collector.dicts:
        entries = list(model.entries(node, model.scope_of(node)))
        for text in _type_strings(model, entries):
            add(node, *_definition(model, entries, text))
    for _, entries in model.class_field_entries():  # a dataclass / pydantic model of a tool
        type_nodes = [entry.node for entry in entries if entry.key == "type"]
        if type_nodes:
            for text in _type_strings(model, entries):
                add(type_nodes[0], *_definition(model, entries, text))
    for call in model.collector.calls:
        scope = model.scope_of(call)
        qualname = model.qualified_name(call.func, scope)
        if not model.is_dict_constructor(call, scope):  # `dict(...)` or a typed param of the SDK
            continue
        tool_type = classify.typed_tool_type(qualname.rsplit(".", 1)[-1]) if model.is_sdk_name(qualname) else None
        entries = list(model.entries(call, scope))
        if tool_type is not None:
            definition, nodes = _definition(model, entries, tool_type)
            nodes.pop("type", None)  # the class name is the type: report at the call
            add(call, definition, nodes)
            continue
        for text in _type_strings(model, entries):
            add(call, *_definition(model, entries, text))
    model.memo["tool_findings"] = cached
    return cached


def keyed_elements(model: SemanticModel, node: cst.Dict, scope: Scope):
    """(element, key) for each element of a dict literal whose key is a known string."""
    for element in node.elements:
        if isinstance(element, cst.DictElement):
            key = model.string(element.key, scope)
            if key is not None:
                yield element, key


# --- beta names ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BetaName:
    """A beta name written in a `betas=` list or an `anthropic-beta` header value."""

    node: cst.CSTNode
    name: str
    call: Optional[cst.Call]  # the call it is an argument of, if any


def beta_names(model: SemanticModel) -> list:
    """Every beta name the module sends: elements of a request's `betas=` (the SDK's and the
    wrappers'), and the value of an `anthropic-beta` key in any dict (default or extra headers, a raw
    HTTP header dict). Memoised on the model."""
    cached = model.memo.get("beta_names")
    if cached is not None:
        return cached
    cached = []
    seen: set = set()

    def add(node: cst.CSTNode, text: Optional[str], call: Optional[cst.Call]) -> None:
        if text is None:
            return
        for name in classify.split_betas(text):
            key = (id(node), name)
            if key not in seen:
                seen.add(key)
                cached.append(BetaName(node, name, call))

    for request in model.requests():
        for arg in request.argument("betas"):
            call = request.node if isinstance(request.node, cst.Call) else None
            for value, where in model.elements(arg.value, arg.scope):
                add(value, literal_string(value), call)
    for node in model.collector.dicts:
        scope = model.scope_of(node)
        for element, key in keyed_elements(model, node, scope):
            if key.lower() == catalog.BETA_HEADER:
                for text in model.strings(element.value, scope):
                    add(element.value, text, model.call_of_argument(node))
    model.memo["beta_names"] = cached
    return cached


def report_beta_names(rule) -> None:
    """Report each beta name that is by itself a use of `rule`'s code, unless the call it is sent
    with already reports that code (`client.beta.sessions.create(betas=["managed-agents-..."])`)."""
    model = rule.model
    for beta in beta_names(model):
        verdict = classify.beta_name(beta.name)
        if verdict is None or verdict.code != rule.code:
            continue
        if beta.call is not None:
            rc = model.resource_call_of(beta.call)
            if rc is not None and any(v.code == rule.code for v in classify.resource_call(rc.path)):
                continue
        rule.report_verdict(beta.node, verdict)


def argument_value(model: SemanticModel, value: cst.BaseExpression, scope: Scope):
    """A keyword's value as classify takes it: None when it is literally None, an empty list or dict
    when it is plainly empty, else UNKNOWN (present and not off)."""
    if is_none(value):
        return None
    values = list(model.values(value, scope))
    if values and all(is_none(v) for v, _ in values):
        return None
    if values and all(isinstance(v, (cst.List, cst.Tuple, cst.Dict, cst.Set)) and not v.elements for v, _ in values):
        return []
    if values and all(isinstance(v, cst.Name) and v.value == "False" for v, _ in values):
        return False
    return classify.UNKNOWN



# --- what several rules report the same way ------------------------------------------------------
def report_keyword(rule, request, name: str) -> None:
    """Report each `name=` keyword of `request` whose value classify says is a use of `rule`'s code."""
    method = request.path[-1] if request.path else "create"
    for arg in request.argument(name):
        value = argument_value(rule.model, arg.value, arg.scope)
        rule.report_verdicts(arg.node, classify.request_keyword(name, value, beta=request.is_beta, method=method))


def report_resource_keywords(rule, rc) -> None:
    """Report each keyword of a resource call outside the Messages request that classify says is a use
    of `rule`'s code (a Managed Agent's `mcp_servers=` and `skills=`)."""
    for arg in rule.model.arguments_of(rc):
        value = argument_value(rule.model, arg.value, arg.scope)
        rule.report_verdicts(arg.node, classify.resource_keyword(rc.path, arg.name, value))


def report_tools(rule) -> None:
    """Report the module's tool definitions that are uses of `rule`'s code."""
    for found in tool_findings(rule.model):
        if found.verdict.code == rule.code:
            rule.report_verdict(found.node, found.verdict)


def report_client_construction(rule, call: cst.Call, scope: Scope) -> bool:
    """Report the verdicts of `rule`'s code for a client constructed by `call` (Bedrock, Vertex; the
    Anthropic-processed clouds, which the profile and policy judge); True when `call` makes a client."""
    ref = rule.model.constructed_client(call, scope)
    if ref is None:
        return False
    rule.report_verdicts(call, classify.client_verdicts(ref.class_name))
    return True


def report_sdk_helper(rule, call: cst.Call) -> None:
    """Report a call of an SDK helper (session runner, thread class, fallback middleware) of `rule`'s code."""
    scope = rule.model.scope_of(call)
    qualname = rule.model.qualified_name(call.func, scope)
    if rule.model.is_sdk_name(qualname):
        verdict = classify.sdk_helper(qualname)
        if verdict is not None:
            rule.report_verdicts(call, [verdict])
