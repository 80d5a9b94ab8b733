"""The semantic model: which objects are Anthropic clients and which values reach Anthropic requests.

One pass over a module (`zdr_lint.collector.Collector`) records scopes, bindings, `self.` attributes, function returns,
container mutations (`.append`, `d["k"] = v`, ...) and the nodes rules look at. Questions are then
answered on demand and memoised: every rule asks the model, no rule re-derives it.

The model is flow-insensitive on purpose: a name is a client if any assignment makes it one, and a
list holds every element any statement puts in it. That finds the use wherever the code wrote it,
at the price of rare over-approximation inside one module.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator, Optional, Sequence

from zdr_lint import catalog, classify
from zdr_lint._lazy import libcst as cst
from zdr_lint.project import resolve_relative
from zdr_lint.semantic_types import (
    Argument,
    Binding,
    ClientRef,
    Entry,
    FunctionInfo,
    Request,
    ResourceCall,
    Scope,
    _decorator_name,
    identifier,
    is_none,
    literal_string,
)
from zdr_lint.shape import client_by_name, shaped_resource, shaped_resources
from zdr_lint.wrappers import wrapped_client, wrapper_requests

MAX_DEPTH = 24  # how far a value is followed through names, calls and containers


class _Depth(int):
    """A recursion depth that also carries the names this query has already followed (`depth + 1`
    shares them). Each name is followed once per query: following `d` again inside
    `d = {**d, "k": v}` (or `x = x or y`, `l = l + [...]`), or reaching it again through another
    branch, could only repeat what was already yielded, but costs a factor of the binding count per
    level (one file of the openai SDK took ten minutes, one of the anthropic SDK hours)."""

    def __new__(cls, value: int, seen: Optional[set] = None) -> "_Depth":
        self = super().__new__(cls, value)
        self.seen = set() if seen is None else seen
        return self

    def __add__(self, other: int) -> "_Depth":
        return _Depth(int(self) + other, self.seen)


def _enter(depth: int, kind: str, node: "cst.BaseExpression", scope: "Scope"):
    """The depth to walk `node` with: None past MAX_DEPTH, or for a name this query already followed."""
    if depth > MAX_DEPTH:
        return None
    if not isinstance(depth, _Depth):
        depth = _Depth(depth)  # one set of followed names for the whole query
    if type(node) is cst.Name:
        return _follow(depth, kind, node.value, scope)
    return depth


def _first_time(depth: "_Depth", key: tuple) -> bool:
    """True the first time this query meets `key` (and remembers it)."""
    if key in depth.seen:
        return False
    depth.seen.add(key)
    return True


def _follow(depth: int, kind: str, name: str, scope: "Scope"):
    """The depth to follow `name` with, or None when this query has already followed it."""
    key = (kind, name, id(scope.lookup(name)))
    current = depth if isinstance(depth, _Depth) else _Depth(depth)
    if key in current.seen:
        return None
    current.seen.add(key)
    return current



_PROPERTY_DECORATORS = frozenset({"property", "cached_property"})


@lru_cache(maxsize=512)
def _parse_expression(text: str) -> Optional[cst.BaseExpression]:
    try:
        return cst.parse_expression(text)
    except Exception:  # a malformed string annotation (or constant's source) is simply not resolved
        return None


# --- The model --------------------------------------------------------------------------------------
class SemanticModel:
    # Set by the engine: the project index (zdr_lint.project) and whether the module is a package.
    project = None
    is_package = False

    def __init__(self, module: cst.Module, client_factories: Sequence[str] = (), module_name: str = "") -> None:
        from zdr_lint.collector import Collector  # it subclasses a libcst class: load libcst only when a file needs it

        collector = Collector()
        collector.walk(module)
        self.module = module
        self.collector = collector
        self.module_scope = collector.module_scope
        self.client_factories = frozenset(client_factories)
        self.module_name = module_name
        self._client_memo: dict[int, Optional[ClientRef]] = {}
        self._resource_calls: Optional[list] = None
        self._requests: Optional[list] = None
        self._request_dicts: Optional[set] = None
        self._confidence: Optional[dict] = None
        self._call_sites: Optional[dict] = None
        self.memo: dict = {}  # per-module results rules share (computed once, on first use)

    # scopes
    def scope_of(self, node: cst.CSTNode) -> Scope:
        return self.collector.scope_of.get(id(node), self.module_scope)

    def call_of_argument(self, value: cst.CSTNode) -> Optional[cst.Call]:
        return self.collector.call_of_argument.get(id(value))

    def key_holding(self, value: cst.CSTNode) -> Optional[str]:
        """The dict key or keyword a value is written under (`{"k": value}`, `f(k=value)`), if any."""
        holder = self.collector.container_of.get(id(value))
        if isinstance(holder, cst.Arg):
            return holder.keyword.value if holder.keyword is not None else None
        if isinstance(holder, cst.DictElement):
            return literal_string(holder.key)
        return None

    def bindings(self, name: str, scope: Scope) -> list:
        owner = scope.lookup(name)
        return owner.bindings[name] if owner is not None else []

    # names
    def qualified_name(self, node: cst.BaseExpression, scope: Scope) -> Optional[str]:
        """The dotted import name an expression refers to (`ac.Anthropic` -> `anthropic.Anthropic`)."""
        if type(node) is cst.Name:
            for binding in self.bindings(node.value, scope):
                if binding.kind == "import":
                    return binding.qualname
            if not self.bindings(node.value, scope) and node.value in _BUILTINS:
                return f"builtins.{node.value}"
            return None
        if type(node) is cst.Attribute:
            base = self.qualified_name(node.value, scope)
            return f"{base}.{node.attr.value}" if base else None
        return None

    def is_sdk_name(self, qualname: Optional[str]) -> bool:
        return bool(qualname) and qualname.split(".")[0] == catalog.SDK_ROOT

    # values (here and in the other hot lookups, `type(x) is cst.Name` rather than `isinstance`: libcst's
    # classes are abstract-base subclasses, whose isinstance of a non-match costs several times more;
    # the parser makes these node classes exactly, never a subclass)
    def values(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> Iterator[tuple]:
        """The expressions `node` may evaluate to, following names, awaits, branches and local calls."""
        depth = _enter(depth, "values", node, scope)
        if depth is None:
            return
        if type(node) is cst.Name:
            bindings = self.bindings(node.value, scope)
            followed = False
            for binding in bindings:
                if binding.kind == "value" and binding.value is not None:
                    followed = True
                    yield from self.values(binding.value, binding.scope, depth + 1)
                elif binding.kind == "with" and binding.value is not None:
                    # `with Anthropic() as c` binds the client; `with x.stream() as s` binds a stream
                    followed = True
                    yield from self.values(binding.value, binding.scope, depth + 1)
                elif binding.kind == "iter" and binding.value is not None:
                    followed = True
                    yield from self.elements(binding.value, binding.scope, depth + 1)
            if not followed:
                yield node, scope
        elif type(node) is cst.Await:
            yield from self.values(node.expression, scope, depth + 1)
        elif type(node) is cst.IfExp:
            yield from self.values(node.body, scope, depth + 1)
            yield from self.values(node.orelse, scope, depth + 1)
        elif type(node) is cst.BooleanOperation:
            yield from self.values(node.left, scope, depth + 1)
            yield from self.values(node.right, scope, depth + 1)
        elif type(node) is cst.Subscript and len(node.slice) == 1 and type(node.slice[0].slice) is cst.Index:
            # a value looked up in a mapping of this module: `MODEL_IDS[name]` may be any of its values
            yield from self._looked_up(node.value, node.slice[0].slice.value, None, node, scope, depth)
        elif (
            type(node) is cst.Call and type(node.func) is cst.Attribute and node.func.attr.value == "get"
            and node.args and node.args[0].keyword is None and not node.args[0].star
        ):
            default = node.args[1].value if len(node.args) > 1 and node.args[1].keyword is None else None
            yield from self._looked_up(node.func.value, node.args[0].value, default, node, scope, depth)
        elif type(node) is cst.Call and (function := self.local_function(node.func, scope)) is not None:
            # each function's returns are followed once per query (recursion and call diamonds)
            if _first_time(depth, ("returns", id(function.node))):
                for returned in function.returns:
                    yield from self.values(returned, function.scope, depth + 1)
            yield node, scope
        elif type(node) is cst.Attribute and (attrs := self.self_attribute(node, scope)) is not None:
            if not _first_time(depth, ("attribute", tuple(id(b) for b in attrs))):
                return  # these bindings were already followed in this query
            followed = False
            for binding in attrs:
                if binding.value is not None:
                    followed = True
                    yield from self.values(binding.value, binding.scope, depth + 1)
            if not followed and (prop := self.property_function(node, scope)) is not None:
                for returned in prop.returns:
                    followed = True
                    yield from self.values(returned, prop.scope, depth + 1)
            if not followed:
                yield node, scope
        else:
            yield node, scope

    def _looked_up(self, mapping, key, default, node, scope: Scope, depth: int) -> Iterator[tuple]:
        """The values of `mapping[key]` / `mapping.get(key, default)` when `mapping` is a dict of this
        module: the entry of a known key, else every entry's value (and the default); else `node` itself."""
        if not self._literal_mapping(mapping, scope):
            yield node, scope  # `response["choices"]`: not a dict this module writes
            return
        # the key's own value, within this query (a fresh `string()` query could chase `k = d[k]` forever)
        keys = {literal_string(v) for v, _ in self.values(key, scope, depth + 1)}
        wanted = keys.pop() if len(keys) == 1 else None
        is_mapping = found = False
        for entry in self.entries(mapping, scope, depth + 1):
            is_mapping = True
            if wanted is None or entry.key == wanted:
                found = True
                yield from self.values(entry.value, entry.scope, depth + 1)
        if default is not None and is_mapping and (wanted is None or not found):
            yield from self.values(default, scope, depth + 1)
        if not is_mapping:
            yield node, scope

    def _literal_mapping(self, node: cst.BaseExpression, scope: Scope) -> bool:
        """A dict literal, or a name bound to one (cheap: no flow is followed)."""
        if isinstance(node, cst.Dict):
            return True
        return isinstance(node, cst.Name) and any(
            b.kind == "value" and isinstance(b.value, cst.Dict) for b in self.bindings(node.value, scope)
        )

    def class_field_entries(self) -> list:
        """(class scope, entries) of each class whose body gives its fields default values
        (`type: str = "web_search_20250305"`, `name = Field(default="web_search")`): a dataclass or
        pydantic model whose instances are sent as a dict reads like a dict literal of those fields."""
        cached = self.memo.get("class_field_entries")
        if cached is None:
            cached = []
            for scope in self.collector.class_scopes.values():
                entries = []
                for name, bindings in scope.bindings.items():
                    for binding in bindings:
                        if binding.kind == "value" and binding.value is not None:
                            entries.append(Entry(name, _field_default(binding.value), binding.value, scope))
                if entries:
                    cached.append((scope, tuple(entries)))
            self.memo["class_field_entries"] = cached
        return cached

    def copies_key(self, node: cst.BaseExpression, scope: Scope, key: str, depth: int = 0) -> bool:
        """Is `node` only a copy of another mapping's or object's `key` (`part["cache_control"]`,
        `part.get("cache_control")`, `part.cache_control`, or a name bound only to one)? Forwarding a
        value the caller set is not writing it."""
        if depth > 4:
            return False
        if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            return self.string(node.slice[0].slice.value, scope) == key
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in ("get", "pop") and node.args:
            return self.string(node.args[0].value, scope) == key
        if isinstance(node, cst.Call) and identifier(node.func) in _COPIES and len(node.args) == 1:
            return self.copies_key(node.args[0].value, scope, key, depth + 1)  # `deepcopy(part["cache_control"])`
        if isinstance(node, cst.Attribute):
            return node.attr.value.lstrip("_") == key  # `part.cache_control`, a wrapper's `self._cache_control`
        if isinstance(node, cst.Name):  # every value it is bound to is a copy (or None: nothing yet)
            bindings = [b for b in self.bindings(node.value, scope) if b.kind == "value" and not (b.value is not None and is_none(b.value))]
            return bool(bindings) and all(
                b.value is not None and self.copies_key(b.value, b.scope, key, depth + 1) for b in bindings
            )
        return False

    def keyed_stores(self, node: cst.Assign, scope: Scope) -> Iterator[tuple]:
        """(target, key) of each `mapping[key] = ...` target of an assignment, the key the one string
        it evaluates to (or None)."""
        for target in node.targets:
            sub = target.target
            if isinstance(sub, cst.Subscript) and len(sub.slice) == 1 and isinstance(sub.slice[0].slice, cst.Index):
                yield sub, self.string(sub.slice[0].slice.value, scope)

    def string(self, node: cst.BaseExpression, scope: Scope) -> Optional[str]:
        """The one string constant `node` evaluates to, if it is one."""
        found = None
        for value, _ in self.values(node, scope):
            text = literal_string(value)
            if text is None or (found is not None and found != text):
                return None
            found = text
        return found

    def strings(self, node: cst.BaseExpression, scope: Scope) -> list:
        return [s for value, _ in self.values(node, scope) if (s := literal_string(value)) is not None]

    def local_function(self, func: cst.BaseExpression, scope: Scope) -> Optional[FunctionInfo]:
        """The module's own function or method a call goes to (`make_client()`, `self.build()`)."""
        if isinstance(func, cst.Name):
            for binding in self.bindings(func.value, scope):
                if binding.kind == "def":
                    return self.collector.functions.get(id(binding.node))
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            owner = self._owner_class(func.value.value, scope)
            for cls in self.class_chain(owner):
                for binding in cls.bindings.get(func.attr.value, []):
                    if binding.kind == "def":
                        return self.collector.functions.get(id(binding.node))
        return None

    def _owner_class(self, name: str, scope: Scope) -> Optional[Scope]:
        """The class scope `name` stands for: `self`/`cls` in a method, or a class of this module."""
        current: Optional[Scope] = scope
        while current is not None and current.kind == "function":
            if current.self_name == name and current.owner is not None:
                return current.owner
            current = current.parent
        for binding in self.bindings(name, scope):
            if binding.kind == "class":
                return self.collector.class_scopes.get(id(binding.node))
        return None

    def property_function(self, node: cst.Attribute, scope: Scope) -> Optional[FunctionInfo]:
        """The method behind `self.x` when `x` is a `@property` / `@cached_property` of the class."""
        if not isinstance(node.value, cst.Name):
            return None
        owner = self._owner_class(node.value.value, scope)
        for cls in self.class_chain(owner):
            for binding in cls.bindings.get(node.attr.value, []):
                if binding.kind == "def" and any(_decorator_name(d) in _PROPERTY_DECORATORS for d in binding.node.decorators):
                    return self.collector.functions.get(id(binding.node))
        return None

    def class_chain(self, owner: Optional[Scope]) -> list:
        """A class scope and its base classes defined in this module (`class Child(Base)`), nearest first."""
        chain: list = []
        pending = [owner] if owner is not None else []
        while pending and len(chain) < MAX_DEPTH:
            cls = pending.pop(0)
            if cls in chain:
                continue
            chain.append(cls)
            if isinstance(cls.node, cst.ClassDef) and cls.parent is not None:
                for base in cls.node.bases:
                    if base.keyword is None and isinstance(base.value, cst.Name):
                        for binding in self.bindings(base.value.value, cls.parent):
                            if binding.kind == "class":
                                found = self.collector.class_scopes.get(id(binding.node))
                                if found is not None:
                                    pending.append(found)
        return chain

    def self_attribute(self, node: cst.Attribute, scope: Scope) -> Optional[list]:
        """Bindings of `self.x` / `cls.x` / `Klass.x`: method assignments and class-level names."""
        if not isinstance(node.value, cst.Name):
            return None
        owner = self._owner_class(node.value.value, scope)
        if owner is None:
            return None
        name = node.attr.value
        found: list = []
        for cls in self.class_chain(owner):
            found += list(cls.attributes.get(name, [])) + [b for b in cls.bindings.get(name, []) if b.kind == "value"]
            if found:
                break  # the nearest class that sets the attribute
        return found

    def _mutations(self, name: cst.Name, scope: Scope) -> Iterator[tuple]:
        home = scope.lookup(name.value)
        for method, node, value, where in self.collector.mutations.get(name.value, ()):
            if where.lookup(name.value) is home:
                yield method, node, value, where

    def elements(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> Iterator[tuple]:
        """The items of a list-like value: literals, `+`, `*spread`, `.append`, `+=`, comprehensions."""
        depth = _enter(depth, "elements", node, scope)
        if depth is None:
            return
        if isinstance(node, cst.Name):
            for method, call, value, where in self._mutations(node, scope):
                if method == "append" and isinstance(call, cst.Call) and call.args:
                    yield from self.values(call.args[0].value, where, depth + 1)
                elif method == "insert" and isinstance(call, cst.Call) and len(call.args) > 1:
                    yield from self.values(call.args[1].value, where, depth + 1)
                elif method == "extend" and isinstance(call, cst.Call) and call.args:
                    yield from self.elements(call.args[0].value, where, depth + 1)
                elif method == "extend" and value is not None:
                    yield from self.elements(value, where, depth + 1)
        for value, where in self.values(node, scope, depth + 1):
            if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
                for element in value.elements:
                    if isinstance(element, cst.StarredElement):
                        yield from self.elements(element.value, where, depth + 1)
                    else:
                        yield from self.values(element.value, where, depth + 1)
            elif isinstance(value, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
                yield from self.values(value.elt, where, depth + 1)
            elif isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
                yield from self.elements(value.left, where, depth + 1)
                yield from self.elements(value.right, where, depth + 1)
            elif isinstance(value, cst.Call) and self.qualified_name(value.func, where) in _SEQUENCE_BUILTINS and value.args:
                yield from self.elements(value.args[0].value, where, depth + 1)
            elif isinstance(value, cst.Name) and value is not node:
                yield from self.elements(value, where, depth + 1)

    def entries(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> Iterator[Entry]:
        """The keys of a dict-like value: literals, `**spread`, `dict(...)`, typed params, `d[k] = v`."""
        depth = _enter(depth, "entries", node, scope)
        if depth is None:
            return
        if type(node) is cst.Name:
            for method, call, value, where in self._mutations(node, scope):
                if method == "__setitem__" and type(call) is cst.Subscript and len(call.slice) == 1:
                    index = call.slice[0].slice
                    if type(index) is cst.Index:
                        yield Entry(self.string(index.value, where), value, call, where)
                elif method in ("update", "setdefault") and type(call) is cst.Call:
                    if method == "setdefault" and len(call.args) > 1:
                        yield Entry(self.string(call.args[0].value, where), call.args[1].value, call, where)
                    elif method == "update":
                        yield from self._call_entries(call, where, depth)
        for value, where in self.values(node, scope, depth + 1):
            if type(value) is cst.Dict:
                for element in value.elements:
                    if type(element) is cst.StarredDictElement:
                        yield from self.entries(element.value, where, depth + 1)
                    else:
                        yield Entry(self.string(element.key, where), element.value, element, where)
            elif type(value) is cst.Call and self.is_dict_constructor(value, where):
                yield from self._call_entries(value, where, depth)
            elif type(value) is cst.BinaryOperation and type(value.operator) is cst.BitOr:
                yield from self.entries(value.left, where, depth + 1)
                yield from self.entries(value.right, where, depth + 1)
            elif type(value) is cst.Name and value is not node:
                yield from self.entries(value, where, depth + 1)

    def _call_entries(self, call: cst.Call, scope: Scope, depth: int) -> Iterator[Entry]:
        for arg in call.args:
            if arg.keyword is not None:
                yield Entry(arg.keyword.value, arg.value, arg, scope)
            elif arg.star == "**" or (arg.star == "" and arg is call.args[0]):
                yield from self.entries(arg.value, scope, depth + 1)

    def is_dict_constructor(self, call: cst.Call, scope: Scope) -> bool:
        """`dict(...)`, or a TypedDict param of the SDK (`CacheControlEphemeralParam(type=...)`)."""
        qualname = self.qualified_name(call.func, scope)
        if qualname == "builtins.dict":
            return True
        return self.is_sdk_name(qualname) and qualname.rsplit(".", 1)[-1].endswith("Param")

    def entry(self, node: cst.BaseExpression, scope: Scope, key: str) -> list:
        return [e for e in self.entries(node, scope) if e.key == key]

    # clients
    def client(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> Optional[ClientRef]:
        """The Anthropic client `node` evaluates to, if it is one."""
        memo_key = id(node)
        if memo_key in self._client_memo:
            return self._client_memo[memo_key]
        self._client_memo[memo_key] = None  # cycles resolve to "not a client"
        result = self._client(node, scope, depth)
        self._client_memo[memo_key] = result
        return result

    def _client(self, node: cst.BaseExpression, scope: Scope, depth: int) -> Optional[ClientRef]:
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, cst.Call):
            ref = self.constructed_client(node, scope)
            if ref is not None:
                return ref
            func = node.func
            ref = wrapped_client(self, node, scope)  # instructor.from_anthropic(...) and the like
            if ref is not None:
                return ref
            qualname = self.qualified_name(func, scope) or _member_qualname(self, func, scope)
            if qualname is not None and self._is_factory(qualname):
                return ClientRef("Anthropic", None)
            function = self.local_function(func, scope)
            if function is not None:
                return self._returned_client(function, scope, depth) or client_by_name(self, node, scope)
            # client.with_options(...) / client.copy(...) return a client
            if isinstance(func, cst.Attribute) and func.attr.value in catalog.RESPONSE_WRAPPERS:
                return self.client(func.value, scope, depth + 1)
            return client_by_name(self, node, scope)  # `get_claude_client()`
        if isinstance(node, cst.Name):
            for binding in self.bindings(node.value, scope):
                ref = self._binding_client(binding, depth)
                if ref is not None:
                    return ref
            qualname = _member_qualname(self, node, scope)  # a star-imported client
            if qualname is not None and self._is_factory(qualname):
                return ClientRef("Anthropic", None)
            return client_by_name(self, node, scope)
        if isinstance(node, cst.Attribute):
            attrs = self.self_attribute(node, scope)
            if attrs:
                for binding in attrs:
                    ref = self._binding_client(binding, depth)
                    if ref is not None:
                        return ref
            prop = self.property_function(node, scope)  # `self.client` as a @property
            if prop is not None:
                ref = self._returned_client(prop, scope, depth)
                if ref is not None:
                    return ref
            qualname = self.qualified_name(node, scope) or _member_qualname(self, node, scope)
            if qualname is not None and self._is_factory(qualname):
                return ClientRef("Anthropic", None)
            return client_by_name(self, node, scope)
        if isinstance(node, (cst.Await, cst.IfExp, cst.BooleanOperation)):
            for value, where in self.values(node, scope, depth + 1):
                ref = self.client(value, where, depth + 1)
                if ref is not None:
                    return ref
        return None

    def _returned_client(self, function: FunctionInfo, scope: Scope, depth: int) -> Optional[ClientRef]:
        """The client a local function or property returns, by its annotation or a returned value."""
        if function.annotation is not None:
            ref = self.annotation_client(function.annotation, function.scope.parent or scope)
            if ref is not None:
                return ref
        for returned in function.returns:
            ref = self.client(returned, function.scope, depth + 1)
            if ref is not None:
                return ref
        return None

    def _binding_client(self, binding: Binding, depth: int) -> Optional[ClientRef]:
        if binding.annotation is not None:
            ref = self.annotation_client(binding.annotation, binding.scope)
            if ref is not None:
                return ref
        if binding.kind == "import" and binding.qualname and self._is_factory(binding.qualname):
            return ClientRef("Anthropic", None)
        if binding.kind in ("value", "with", "param") and binding.value is not None:
            ref = self.client(binding.value, binding.scope, depth + 1)
            if ref is not None:
                return ref
        if binding.kind == "param":
            return self._argument_client(binding, depth)
        return None

    # parameters: what the module's own calls of the function pass
    def call_sites(self, function: FunctionInfo) -> list:
        """(call, scope) of every call of a function or method of this module (`helper(client)`,
        `self.upload(client, ...)`), found once per module."""
        if self._call_sites is None:
            sites: dict = {}
            for call in self.collector.calls:
                scope = self.scope_of(call)
                target = self.local_function(call.func, scope)
                if target is not None:
                    sites.setdefault(id(target.node), []).append((call, scope))
            self._call_sites = sites
        return self._call_sites.get(id(function.node), [])

    def passed_arguments(self, binding: Binding) -> list:
        """(value, scope) of what the module's calls pass for a parameter (positional or keyword)."""
        function = binding.scope.function
        param = binding.node
        if function is None or not isinstance(function.node, cst.FunctionDef) or not isinstance(param, cst.Param):
            return []
        params = function.node.params
        positional = list(params.posonly_params) + list(params.params)
        offset = 1 if binding.scope.self_name is not None else 0  # `self` is not passed at `self.m(x)`
        index = next((i for i, p in enumerate(positional) if p is param), None)
        out = []
        for call, where in self.call_sites(function):
            passed = [a for a in call.args if a.keyword is None and not a.star]
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value == param.name.value:
                    out.append((arg.value, where))
                    break
            else:
                if index is not None and 0 <= index - offset < len(passed):
                    out.append((passed[index - offset].value, where))
        return out

    def _argument_client(self, binding: Binding, depth: int) -> Optional[ClientRef]:
        """An unannotated parameter is a client when a call of its function in this module passes one."""
        for value, where in self.passed_arguments(binding):
            ref = self.client(value, where, depth + 1)
            if ref is not None:
                return ref
        return None

    def _is_factory(self, qualname: str) -> bool:
        if qualname.startswith("."):  # a relative import, recorded as ".mod.name"
            qualname = resolve_relative(qualname, self.module_name, self.is_package) or qualname
        if qualname in self.client_factories:
            return True
        if self.module_name and f"{self.module_name}.{qualname}" in self.client_factories:
            return True
        return False

    def constructed_client(self, call: cst.Call, scope: Scope) -> Optional[ClientRef]:
        """`anthropic.Anthropic(...)`, `AnthropicBedrock(...)`, ...: the class called, if an SDK client."""
        qualname = self.qualified_name(call.func, scope)
        return self._client_class(qualname)

    def _client_class(self, qualname: Optional[str]) -> Optional[ClientRef]:
        if not self.is_sdk_name(qualname):
            return None
        name = qualname.rsplit(".", 1)[-1]
        if name in catalog.CLIENT_CLASSES:
            return ClientRef(name, catalog.CLOUD_PROCESSED_CLIENTS.get(name))
        return None

    def annotation_client(self, annotation: cst.BaseExpression, scope: Scope) -> Optional[ClientRef]:
        """`Anthropic`, `anthropic.AsyncAnthropic`, `Optional[Anthropic]`, `Anthropic | None`, `"Anthropic"`."""
        return next((ref for q in _annotation_qualnames(self, annotation, scope) if (ref := self._client_class(q)) is not None), None)

    # resources
    def resources(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> list:
        """Every (client, path) an attribute chain may stand for. A resource or bound method kept in a
        name or attribute is followed (`files = client.beta.files`, `self._create =
        client.messages.create`), and so is each branch of a choice (`api = client.beta.messages if
        betas else client.messages`)."""
        if depth > MAX_DEPTH:
            return []
        path: list[str] = []
        current = node
        while True:
            client = self.client(current, scope)
            if client is not None:
                return [(client, tuple(reversed(path)))]
            if self._may_alias(current, scope):
                aliased = self._aliased_resources(current, scope, depth)
                if aliased:
                    tail = tuple(reversed(path))
                    return [(c, p + tail) for c, p in aliased]
            if isinstance(current, cst.Attribute):
                if current.attr.value not in catalog.RESPONSE_WRAPPERS:
                    path.append(current.attr.value)
                current = current.value
                continue
            if isinstance(current, cst.Call) and isinstance(current.func, cst.Attribute) and current.func.attr.value in catalog.RESPONSE_WRAPPERS:
                inner = self.resources(current.func.value, scope, depth + 1)
                tail = tuple(reversed(path))
                return [(c, p + tail) for c, p in inner]
            return []

    def _may_alias(self, node: cst.BaseExpression, scope: Scope) -> bool:
        """Can `node` hold a resource chain? A name bound to a value, or `self.x` (cheap tests first:
        most prefixes of most chains are modules, parameters or attributes of something else)."""
        if isinstance(node, cst.Name):
            return any(b.kind in ("value", "with", "iter") for b in self.bindings(node.value, scope))
        return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and self.self_attribute(node, scope) is not None

    def _aliased_resources(self, node: cst.BaseExpression, scope: Scope, depth: int) -> list:
        """The resources a name or `self.` attribute holds (each of its values that is a resource chain)."""
        found: list = []
        for value, where in self.values(node, scope):
            if value is node or not isinstance(value, cst.Attribute):
                continue
            for client, path in self.resources(value, where, depth + 1):
                if path and (client, path) not in found:
                    found.append((client, path))
        return found

    def resource_calls(self) -> list:
        """Every call under an Anthropic client's resources; a method passed on uncalled
        (`retry(client.beta.messages.create, **kw)`) counts where it is written (`passed=True`)."""
        if self._resource_calls is None:
            found = []
            for call in self.collector.calls:
                func = call.func
                if not isinstance(func, cst.Attribute) and not (isinstance(func, cst.Name) and self._may_alias(func, self.scope_of(call))):
                    continue  # a plain function call, unless the name holds a bound method (`create = client.messages.create`)
                scope = self.scope_of(call)
                resolved = self.resources(call.func, scope)
                if not resolved and isinstance(call.func, cst.Attribute):
                    resolved = shaped_resources(self, call.func, scope, call)
                for client, path in resolved:
                    if path:
                        found.append(ResourceCall(call, client, path))
            for reference in self.collector.method_references:
                scope = self.scope_of(reference)
                resolved = self.resources(reference, scope) or [r for r in [shaped_resource(self, reference, scope, None)] if r is not None]
                for client, path in resolved:
                    if path and path[-1] in catalog.RESOURCE_METHODS:
                        found.append(ResourceCall(reference, client, path, passed=True))
            self._resource_calls = found
        return self._resource_calls

    # requests
    def requests(self) -> list:
        if self._requests is None:
            found = []
            # a call that may go through `beta` is a beta request whichever branch it takes
            beta_nodes = {id(rc.call) for rc in self.resource_calls() if rc.path[:1] == ("beta",)}
            request_resources = catalog.REQUEST_RESOURCES | catalog.LEGACY_REQUEST_RESOURCES
            for rc in self.resource_calls():
                scope = self.scope_of(rc.call)
                is_beta = id(rc.call) in beta_nodes
                if rc.path[:-1] in request_resources and rc.path[-1] in catalog.REQUEST_METHODS:
                    arguments = self.arguments_of(rc, scope)
                    found.append(Request(rc.call, rc.client, rc.path, arguments + self._extra_body(arguments), is_beta))
                elif rc.path[:-1] in catalog.BATCH_CREATE_RESOURCES and rc.path[-1] == "create" and not rc.passed:
                    for arg in self.call_arguments(rc.call, scope):
                        if arg.name != "requests":
                            continue
                        for item, where in self.elements(arg.value, arg.scope):
                            for params in self.entry(item, where, "params"):
                                arguments = [
                                    Argument(e.key, e.value, e.node, e.scope)
                                    for e in self.entries(params.value, params.scope)
                                    if e.key is not None
                                ]
                                found.append(Request(params.node, rc.client, rc.path, arguments, is_beta))
            found.extend(wrapper_requests(self))  # wrappers and project constants: more request sources
            self._requests = found
        return self._requests

    def _extra_body(self, arguments: list) -> list:
        """The keys of an `extra_body={...}` argument: the SDK merges them into the request body."""
        return [
            Argument(entry.key, entry.value, entry.node, entry.scope)
            for arg in arguments if arg.name == "extra_body"
            for entry in self.entries(arg.value, arg.scope) if entry.key is not None
        ]

    def arguments_of(self, rc: ResourceCall, scope: Optional[Scope] = None) -> list:
        """A call's keyword arguments; for a method passed on, those of the call it is passed to
        (`retry(client.messages.create, cache_control=...)`, `partial(create, betas=[...])`)."""
        scope = self.scope_of(rc.call) if scope is None else scope
        if not rc.passed:
            return self.call_arguments(rc.call, scope)
        holder = self.call_of_argument(rc.call)
        if holder is None:
            return []
        return [a for a in self.call_arguments(holder, scope) if a.value is not rc.call]

    def call_arguments(self, call: cst.Call, scope: Scope) -> list:
        """Keyword arguments of a call, with `**kwargs` dicts opened up."""
        out = []
        for arg in call.args:
            if arg.keyword is not None:
                out.append(Argument(arg.keyword.value, arg.value, arg, scope))
            elif arg.star == "**":
                for entry in self.entries(arg.value, scope):
                    if entry.key is not None:
                        out.append(Argument(entry.key, entry.value, entry.node, entry.scope))
        return out

    def request_dicts(self) -> set:
        """ids of every dict node whose content reaches an Anthropic request."""
        if self._request_dicts is None:
            seen: set = set()
            for request in self.requests():
                for arg in request.arguments:
                    self._mark(arg.value, arg.scope, seen, 0)
            self._request_dicts = seen
        return self._request_dicts

    def _mark(self, node: cst.BaseExpression, scope: Scope, seen: set, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        for value, where in self.values(node, scope):
            if id(value) in seen:
                continue
            if isinstance(value, cst.Dict) or (isinstance(value, cst.Call) and self.is_dict_constructor(value, where)):
                seen.add(id(value))
                for entry in self.entries(value, where):
                    self._mark(entry.value, entry.scope, seen, depth + 1)
            elif isinstance(value, (cst.List, cst.Tuple, cst.BinaryOperation, cst.ListComp, cst.Name)):
                seen.add(id(value))
                for element, inner in self.elements(value, where):
                    self._mark(element, inner, seen, depth + 1)

    def confidence_of(self, node: cst.CSTNode) -> str:
        """"medium" for a node whose finding rests on a client known only by its shape (a resource
        call, a request, a request's argument or an entry of one), else "high". Spellings
        only Anthropic uses (a dated tool type, an ephemeral cache_control) are high wherever they go."""
        if self._confidence is None:
            table: dict = {}
            for confidence in ("medium", "high"):  # high last: a node reached both ways is high
                for rc in self.resource_calls():
                    if rc.client.confidence == confidence:
                        table[id(rc.call)] = confidence
                for request in self.requests():
                    if request.client.confidence != confidence:
                        continue
                    table[id(request.node)] = confidence
                    for arg in request.arguments:
                        table[id(arg.node)] = confidence
                        for entry in self.entries(arg.value, arg.scope):  # `output_config={"format": ...}`
                            table[id(entry.node)] = confidence
            self._confidence = table
        found = self._confidence.get(id(node))
        if found is None:
            owner = self.collector.owner_of.get(id(node))
            found = self._confidence.get(id(owner)) if owner is not None else None
        return found or "high"

    def reaches_request(self, node: cst.CSTNode) -> bool:
        return id(node) in self.request_dicts()

    # raw HTTP
    def string_text(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> Optional[str]:
        """The text a string expression spells: f-string fields and `a + "..."` resolved where they
        are constants (an unknown field reads as `{}`); None when it is not a string."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, cst.SimpleString):
            text = literal_string(node)
        elif isinstance(node, cst.ConcatenatedString):
            left, right = self.string_text(node.left, scope, depth + 1), self.string_text(node.right, scope, depth + 1)
            text = left + right if left is not None and right is not None else None
        elif isinstance(node, cst.FormattedString):
            parts = []
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    parts.append(part.value)
                else:
                    parts.append(self.string(part.expression, scope) or "{}")
            text = "".join(parts)
        else:
            return self.string(node, scope)
        left_operand = self.collector.left_of.get(id(node))
        if text is not None and left_operand is not None:
            prefix = self.string(left_operand, scope)
            if prefix is None and isinstance(left_operand, (cst.FormattedString, cst.ConcatenatedString)):
                prefix = self.string_text(left_operand, scope, depth + 1)
            text = (prefix or "") + text
        return text

    def raw_endpoints(self) -> list:
        """(string node, Verdict) for each URL written in the module that calls a raw API endpoint."""
        cached = self.memo.get("raw_endpoints")
        if cached is None:
            cached = []
            for node in self.collector.endpoint_strings:
                text = self.string_text(node, self.scope_of(node))
                verdict = classify.raw_url(text) if text else None
                if verdict is not None and not self.built_for_a_response(node):
                    cached.append((node, verdict))
            self.memo["raw_endpoints"] = cached
        return cached

    def built_for_a_response(self, node: cst.CSTNode) -> bool:
        """Is `node` (a URL, or the `Request(...)` holding it) part of a request object built only to
        make a response or an error (`APIStatusError(..., response=httpx.Response(400,
        request=httpx.Request("POST", url)))`, a test's fake response)? Nothing is sent."""
        current, inside_request = node, False
        for _ in range(6):
            holder = self.call_of_argument(current)
            if holder is None:
                return False
            name = identifier(holder.func) or ""
            if name == "Request":
                inside_request = True
            elif inside_request and (name == "Response" or name.endswith(("Error", "Exception"))):
                return True
            current = holder
        return False

    def vertex_endpoints(self) -> list:
        """String nodes that spell a Vertex AI `publishers/anthropic/models` endpoint."""
        cached = self.memo.get("vertex_endpoints")
        if cached is None:
            cached = []
            for node in self.collector.endpoint_strings:
                text = self.string_text(node, self.scope_of(node))
                if text and catalog.VERTEX_PUBLISHER_PATH in text:
                    cached.append(node)
            self.memo["vertex_endpoints"] = cached
        return cached

    # boto3
    def is_bedrock_runtime(self, node: cst.BaseExpression, scope: Scope) -> bool:
        """A boto3 (or aiobotocore) client for the `bedrock-runtime` service."""
        for value, where in self.values(node, scope):
            if isinstance(value, cst.Await):
                value = value.expression
            if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)):
                continue
            if value.func.attr.value not in catalog.BOTO3_CLIENT_FACTORIES:
                continue
            service = None
            for arg in value.args:
                named = arg.keyword is not None and arg.keyword.value == "service_name"
                if named or (arg.keyword is None and not arg.star and arg is value.args[0]):
                    service = self.string(arg.value, where)
                    break
            if service == catalog.BEDROCK_RUNTIME_SERVICE and self._from_boto3(value.func.value, where):
                return True
        return False

    def _from_boto3(self, node: cst.BaseExpression, scope: Scope) -> bool:
        """`boto3` itself, or a session made by it (`boto3.Session()`, `boto3.session.Session()`)."""
        qualname = self.qualified_name(node, scope)
        if qualname is not None:
            return qualname.split(".")[0] in catalog.BOTO3_ROOTS
        for value, where in self.values(node, scope):
            if isinstance(value, cst.Call):
                name = self.qualified_name(value.func, where)
                if name is not None and name.split(".")[0] in catalog.BOTO3_ROOTS:
                    return True
        return False

    def resource_call_of(self, call: cst.Call) -> Optional[ResourceCall]:
        for rc in self.resource_calls():
            if rc.call is call:
                return rc
        return None


def _member_qualname(model: "SemanticModel", node: cst.BaseExpression, scope: Scope) -> Optional[str]:
    """`svc.client` / `svc.get_client` where `svc` is an instance of an imported class `app.llm.Service`
    (made by calling it, or a parameter annotated with it): `app.llm.Service.client`."""
    if not model.client_factories:
        return None
    if isinstance(node, cst.Name):
        # a name bound by no statement here may come from a star import: the index re-exports it
        if not model.bindings(node.value, scope) and model.module_name:
            return f"{model.module_name}.{node.value}"
        return None
    if not isinstance(node, cst.Attribute):
        return None
    base = node.value
    if isinstance(base, cst.Name):
        for binding in model.bindings(base.value, scope):
            if binding.kind == "param" and binding.annotation is not None:
                for q in _annotation_qualnames(model, binding.annotation, binding.scope):
                    if not model.is_sdk_name(q):
                        return f"{q}.{node.attr.value}"
    for value, where in model.values(base, scope):
        if isinstance(value, cst.Call):
            q = model.qualified_name(value.func, where)
            if q and not model.is_sdk_name(q):
                return f"{q}.{node.attr.value}"
    return None


_COPIES = frozenset({"deepcopy", "copy", "dict"})


def _field_default(value: cst.BaseExpression) -> cst.BaseExpression:
    """`Field(default=x)` / `field(default=x)` / `Field(x)` -> x; any other value as it is."""
    if isinstance(value, cst.Call) and isinstance(value.func, (cst.Name, cst.Attribute)):
        name = value.func.attr.value if isinstance(value.func, cst.Attribute) else value.func.value
        if name in ("Field", "field"):
            for arg in value.args:
                if arg.keyword is not None and arg.keyword.value == "default":
                    return arg.value
            if value.args and value.args[0].keyword is None and not value.args[0].star:
                return value.args[0].value
    return value


def _annotation_qualnames(model: "SemanticModel", annotation: cst.BaseExpression, scope: Scope, depth: int = 0) -> list:
    """The imported classes an annotation names: `Service`, `app.llm.Service`, `Optional[Service]`,
    `Service | None`, and the string forms (`"Service"`, written for a class imported only under
    `TYPE_CHECKING`, often because the two modules import each other)."""
    if depth > 8:
        return []
    if isinstance(annotation, (cst.Name, cst.Attribute)):
        q = model.qualified_name(annotation, scope)
        return [q] if q else []
    if isinstance(annotation, cst.Subscript):
        return [
            q for element in annotation.slice if isinstance(element.slice, cst.Index)
            for q in _annotation_qualnames(model, element.slice.value, scope, depth + 1)
        ]
    if isinstance(annotation, cst.BinaryOperation):
        return _annotation_qualnames(model, annotation.left, scope, depth + 1) + _annotation_qualnames(model, annotation.right, scope, depth + 1)
    text = literal_string(annotation)
    parsed = _parse_expression(text.strip()) if text is not None else None
    return _annotation_qualnames(model, parsed, scope, depth + 1) if parsed is not None else []


_BUILTINS = frozenset({"dict", "list", "tuple", "set", "frozenset"})
_SEQUENCE_BUILTINS = frozenset({"builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset"})
