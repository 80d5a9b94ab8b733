"""Anthropic by shape: a client the checked code never shows being made.

A real application gets its client from a helper in a shared package (`shared.get_client()`), an
attribute of a wrapper object (`self.wrapper.anthropic_client`), a parameter without annotation. A
reader still knows it is Anthropic from the shape of the call, and so does this module:

- a resource path that only Anthropic's SDK has (`X.messages.batches.list()`, `X.beta.files.upload()`,
  `X.beta.messages.create()`, `X.messages.parse(output_format=...)`, `X.messages.create(max_tokens=...,
  model="claude-...")`: `catalog.SHAPE_PATHS` and friends);
- a receiver, attribute or factory whose name says Anthropic or Claude (`anthropic_client`,
  `self._anthropic`, `get_claude_client()`).

Both give a `ClientRef` with confidence "medium" (a resolved client is "high"). Shape never overrides
what the code shows: a receiver made by another provider's package (OpenAI, google-genai, Mistral,
LiteLLM, boto3, ...), a literal, an instance of a class of the module, or a module itself keeps its
own API, and a receiver named after another provider never takes an Anthropic shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from zdr_lint import catalog
from zdr_lint._lazy import libcst as cst
from zdr_lint.semantic_types import ClientRef, Scope, identifier

if TYPE_CHECKING:  # typing only
    from zdr_lint.semantics import SemanticModel

BY_NAME = ClientRef("Anthropic (by its name)", None, "medium")
BY_SHAPE = ClientRef("Anthropic (by the call's shape)", None, "medium")
_LITERAL_NAMES = (
    "SimpleString", "ConcatenatedString", "FormattedString", "Integer", "Float", "Imaginary", "Dict", "List",
    "Tuple", "Set", "DictComp", "ListComp", "SetComp", "GeneratorExp", "Lambda", "Comparison", "UnaryOperation",
    "BinaryOperation",
)
_literal_types: tuple = ()


def _literals() -> tuple:
    """libcst's literal node classes (looked up on first use: importing this module loads no libcst)."""
    global _literal_types
    if not _literal_types:
        _literal_types = tuple(getattr(cst, name) for name in _LITERAL_NAMES)
    return _literal_types


def _chain_text(node: cst.BaseExpression) -> str:
    parts = []
    while True:
        if isinstance(node, cst.Await):
            node = node.expression
        if isinstance(node, cst.Call):
            node = node.func
        if isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        else:
            if isinstance(node, cst.Name):
                parts.append(node.value)
            return ".".join(reversed(parts))


def other_origin(model: "SemanticModel", node: cst.BaseExpression, scope: Scope) -> bool:
    """Does the code show that `node` is something other than an Anthropic client? The SDK's modules
    and classes (resolved by import, never by shape), anything of another provider's package, a
    literal, or an instance of a class of this module. A name imported from the project itself
    (`from app.llm import client`) is not shown to be anything: shape may decide."""
    qualname = model.qualified_name(node, scope) if isinstance(node, (cst.Name, cst.Attribute)) else None
    if qualname is not None and (model.is_sdk_name(qualname) or qualname.split(".")[0] in catalog.OTHER_PROVIDER_ROOTS):
        return True  # the SDK's own modules and classes resolve by import; other packages keep their API
    for value, where in model.values(node, scope):
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, _literals()) or (isinstance(value, cst.Name) and value.value in ("None", "True", "False")):
            return True
        if isinstance(value, cst.Call):
            func = value.func
            qualname = model.qualified_name(func, where)
            if qualname is not None and qualname.split(".")[0] in catalog.OTHER_PROVIDER_ROOTS | {"builtins"}:
                return True
            if isinstance(func, cst.Name) and any(b.kind == "class" for b in model.bindings(func.value, where)):
                return True
        if value is not node and isinstance(value, cst.Name):
            q = model.qualified_name(value, where)
            if q is not None and q.split(".")[0] in catalog.OTHER_PROVIDER_ROOTS:
                return True
    return False


def client_by_name(model: "SemanticModel", node: cst.BaseExpression, scope: Scope) -> Optional[ClientRef]:
    """`anthropic_client`, `self._anthropic`, `get_claude_client()`: a client when nothing shows otherwise."""
    name = identifier(node)
    if name is None or not catalog.ANTHROPIC_NAME.search(name) or catalog.OTHER_PROVIDER_NAME.search(name):
        return None
    if isinstance(node, cst.Call):
        if not name[:1].islower():
            return None  # a class (`AnthropicAgent(...)`, `ChatAnthropic(...)`): a wrapper object, not the SDK's client
        qualname = model.qualified_name(node.func, scope)
        if qualname is not None and (model.is_sdk_name(qualname) or qualname.split(".")[0] in catalog.OTHER_PROVIDER_ROOTS):
            return None  # an SDK class or function (`anthropic.Anthropic` resolves on its own), another package's
        if isinstance(node.func, cst.Name) and any(b.kind == "class" for b in model.bindings(node.func.value, scope)):
            return None  # a class of this module (`ClaudeHelper()`): its own attributes
        return BY_NAME
    if isinstance(node, cst.Name) and model.is_sdk_name(model.qualified_name(node, scope)):
        return None  # the `anthropic` module itself, an SDK class
    if other_origin(model, node, scope):
        return None
    return BY_NAME


def _matches(path: tuple, rule: catalog.ShapePath, keywords: Optional[frozenset]) -> bool:
    n = len(rule.prefix)
    if path[:n] != rule.prefix or len(path) <= n:
        return False
    if rule.methods is not None and (len(path) != n + 1 or path[-1] not in rule.methods):
        return False
    if keywords is None:  # a method passed on uncalled: its keywords are not known here
        return not rule.needs_keyword or n >= 2
    return not rule.needs_keyword or bool(rule.needs_keyword & keywords)


def _anthropic_request(model: "SemanticModel", call: cst.Call, scope: Scope) -> bool:
    """`messages.create(...)` that says it is Anthropic's: `max_tokens=` and a Claude model id or a
    keyword only Anthropic's Messages API takes."""
    arguments = model.call_arguments(call, scope)
    names = {a.name for a in arguments}
    if catalog.SHAPE_REQUIRED_KEYWORD not in names:
        return False
    if names & catalog.SHAPE_ANTHROPIC_KEYWORDS:
        return True
    return any(
        catalog.ANTHROPIC_MODEL_ID.search(text) for a in arguments if a.name == "model" for text in model.strings(a.value, a.scope)
    )


def shaped_resources(model: "SemanticModel", func: cst.BaseExpression, scope: Scope, call: Optional[cst.Call]) -> list:
    """`shaped_resource` of the chain `func`, and of each chain its receiver stands for when that is
    kept in a name (`api = client.beta.messages if betas else client.messages`, then `api.create()`)."""
    if not isinstance(func, cst.Attribute) or func.attr.value not in _SHAPE_METHODS:
        return []  # most calls (`logger.info`, `self.save`) end in no method any shape has
    found = shaped_resource(model, func, scope, call)
    if found is not None:
        return [found]
    tail: list = []
    current = func
    while isinstance(current, cst.Attribute):
        tail.append(current.attr.value)
        current = current.value
        if isinstance(current, (cst.Name, cst.Attribute)):
            out = []
            for value, where in model.values(current, scope):
                if value is current or not isinstance(value, cst.Attribute):
                    continue
                shaped = shaped_resource(model, value, where, call, tuple(reversed(tail)), scope)
                if shaped is not None and shaped not in out:
                    out.append(shaped)
            if out:
                return out
    return []


# The last name of every shaped chain: a method of a shape, or any method of an open-ended one
# (`beta.skills.*`, `messages.batches.*`) -- for those, any name may end it, so only the prefix is tested.
_SHAPE_METHODS = frozenset(
    m for rule in catalog.SHAPE_PATHS if rule.methods is not None for m in rule.methods
) | catalog.SHAPE_REQUEST_METHODS | catalog.RESOURCE_METHODS


def shaped_resource(
    model: "SemanticModel", func: cst.BaseExpression, scope: Scope, call: Optional[cst.Call],
    tail: tuple = (), call_scope: Optional[Scope] = None,
) -> Optional[tuple]:
    """(client, path) when the attribute chain `func` (then the names `tail`) ends in a path only
    Anthropic's SDK has, on a receiver the code does not show to be something else; `call` is the
    call of it, if any (its arguments are read in `call_scope`, by default `scope`)."""
    chain = []  # the chain's Attribute nodes, from the root outward
    current = func
    while isinstance(current, cst.Attribute):
        chain.append(current)
        current = current.value
    chain.reverse()
    names = [attribute.attr.value for attribute in chain] + list(tail)
    receivers = [current] + chain  # receivers[i] is the object names[i:] hang from
    keywords = None
    if call is not None:
        keywords = frozenset(arg.keyword.value if arg.keyword is not None else arg.star for arg in call.args if arg.keyword is not None or arg.star == "**")
    for i in range(min(len(names), len(receivers))):
        path = tuple(n for n in names[i:] if n not in catalog.RESPONSE_WRAPPERS)
        if not path:
            break
        receiver = receivers[i]
        matched = any(_matches(path, rule, keywords) for rule in catalog.SHAPE_PATHS)
        if not matched and call is not None and len(path) == 2 and path[0] == "messages" and path[1] in catalog.SHAPE_REQUEST_METHODS:
            matched = _anthropic_request(model, call, call_scope or scope)
        if not matched:
            continue
        if catalog.OTHER_PROVIDER_NAME.search(_chain_text(receiver)) or other_origin(model, receiver, scope):
            return None
        return BY_SHAPE, path
    return None

