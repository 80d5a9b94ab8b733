"""The semantic model's shared types: scopes and bindings (written by the collector), the client
references, resource calls, requests and direct uses it answers with, and the small readers of
literal values every layer above uses. Below the collector, the wrappers and the model itself, so
each of them imports it and none of them imports another to reach a type.
"""

from __future__ import annotations

import ast as _ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from zdr_lint import catalog
from zdr_lint._lazy import libcst as cst

if TYPE_CHECKING:  # typing only
    from zdr_lint.semantics import SemanticModel


# --- Scopes and bindings -------------------------------------------------------------------------
@dataclass(eq=False)
class Binding:
    kind: str  # "value" | "import" | "param" | "def" | "class" | "iter" | "with"
    scope: "Scope"  # where `value` is evaluated
    value: Optional[cst.BaseExpression] = None
    qualname: Optional[str] = None  # imports: the imported dotted name
    annotation: Optional[cst.BaseExpression] = None
    node: Optional[cst.CSTNode] = None  # def / class / param node


@dataclass(eq=False)
class FunctionInfo:
    node: cst.CSTNode
    scope: "Scope"  # the function's own scope
    returns: list = field(default_factory=list)  # returned expressions
    annotation: Optional[cst.BaseExpression] = None
    owner: Optional["Scope"] = None  # the class scope, for methods


@dataclass(eq=False)
class Scope:
    kind: str  # "module" | "class" | "function"
    parent: Optional["Scope"]
    node: Optional[cst.CSTNode] = None
    bindings: dict = field(default_factory=dict)
    # class scopes: attributes assigned through `self.x` in methods (and class-level bindings)
    attributes: dict = field(default_factory=dict)
    function: Optional[FunctionInfo] = None
    # function scopes of methods: the name of the first parameter (self / cls) and the class scope
    self_name: Optional[str] = None
    owner: Optional["Scope"] = None

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def lookup(self, name: str) -> Optional["Scope"]:
        scope: Optional[Scope] = self
        first = True
        while scope is not None:
            # A class body's names are not visible from the functions nested in it.
            if (first or scope.kind != "class") and name in scope.bindings:
                return scope
            first = False
            scope = scope.parent
        return None


@dataclass(frozen=True)
class ClientRef:
    """An expression that evaluates to an Anthropic SDK client."""

    class_name: str
    platform: Optional[str]  # the cloud processor for Bedrock / Vertex clients, else None
    confidence: str = "high"


@dataclass(frozen=True)
class ResourceCall:
    # the call; for a method passed on uncalled (`retry(client.beta.messages.create)`), the
    # attribute that names it (`passed` is then True): report at it, but it has no arguments of its own
    call: cst.CSTNode
    client: ClientRef
    path: tuple  # attribute names below the client, response-mode wrappers removed
    passed: bool = False


@dataclass(frozen=True)
class Entry:
    """A key of a dict-like value: a dict literal element, a `dict(k=v)` keyword, a `d["k"] = v`."""

    key: Optional[str]
    value: cst.BaseExpression
    node: cst.CSTNode  # where it is written
    scope: Scope


@dataclass(frozen=True)
class Argument:
    name: str
    value: cst.BaseExpression
    node: cst.CSTNode
    scope: Scope


@dataclass(eq=False)
class Request:
    """A Messages request (`messages.create/stream/count_tokens/parse`, or a batch item's params)."""

    node: cst.CSTNode
    client: ClientRef
    path: tuple
    arguments: list
    is_beta: bool

    def argument(self, name: str) -> list:
        return [a for a in self.arguments if a.name == name]


def _raw_string_text(node: cst.BaseExpression) -> str:
    """The source text of a string's literal parts (for a cheap substring test)."""
    if isinstance(node, cst.SimpleString):
        return node.value
    if isinstance(node, cst.ConcatenatedString):
        return _raw_string_text(node.left) + _raw_string_text(node.right)
    if isinstance(node, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else "{}" for p in node.parts)
    return ""


def _all_params(params: cst.Parameters) -> list:
    out = list(params.posonly_params) + list(params.params)
    if isinstance(params.star_arg, cst.Param):
        out.append(params.star_arg)
    out += list(params.kwonly_params)
    if params.star_kwarg is not None:
        out.append(params.star_kwarg)
    return out


def identifier(node: cst.BaseExpression) -> Optional[str]:
    """The name an expression is known by: `x`, `a.b.x`, `make_x()`, `await x` -> `x` / `make_x`."""
    if isinstance(node, cst.Await):
        node = node.expression
    if isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def _decorator_name(decorator: cst.Decorator) -> Optional[str]:
    return identifier(decorator.decorator)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def literal_string(node: cst.BaseExpression) -> Optional[str]:
    """The value of a plain string literal (no f-string with fields), else None."""
    if isinstance(node, cst.SimpleString):
        raw = node.value
        if raw[0] in "'\"" and "\\" not in raw and "\r" not in raw:  # no prefix, escape or CR: the text between the quotes
            width = 3 if len(raw) >= 6 and raw[:3] == raw[0] * 3 else 1
            return raw[width:-width]
        try:
            value = _ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = literal_string(node.left), literal_string(node.right)
        if left is not None and right is not None:
            return left + right
    if isinstance(node, cst.FormattedString) and all(isinstance(p, cst.FormattedStringText) for p in node.parts):
        return "".join(p.value for p in node.parts)
    return None



@dataclass(frozen=True)
class DirectUse:
    """A use reported as it is, at `node`, by the rule whose code it carries (a wrapper library's
    option, a raw HTTP call: found outside the SDK's request keywords)."""

    node: cst.CSTNode
    code: str
    label: str
    confidence: str = "high"


def truthy(model: "SemanticModel", node: cst.BaseExpression, scope: Scope) -> Optional[bool]:
    """True / False for a literal setting (`"1"`, `"true"`, `True`, `1`, ...); None when unknown."""
    verdicts = set()
    for value, _ in model.values(node, scope):
        text = literal_string(value)
        if text is not None:
            verdicts.add(text.strip().lower() in catalog.TRUE_STRINGS)
        elif isinstance(value, cst.Name) and value.value in ("True", "False", "None"):
            verdicts.add(value.value == "True")
        elif isinstance(value, cst.Integer):
            verdicts.add(value.value not in ("0",))
        else:
            return None
    if not verdicts:
        return None
    return True in verdicts


def is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def is_empty(model: "SemanticModel", node: cst.BaseExpression, scope: Scope) -> bool:
    """A value that turns a feature off: `None`, `[]`, `{}`, `()`."""
    values = list(model.values(node, scope))
    return bool(values) and all(
        is_none(v)
        or (isinstance(v, (cst.List, cst.Tuple, cst.Dict, cst.Set)) and not v.elements)
        for v, _ in values
    )
