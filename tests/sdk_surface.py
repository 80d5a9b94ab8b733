"""What the installed `anthropic` SDK offers, read from the package itself (never from our catalog).

tests/test_catalog.py compares each of these with `zdr_lint.catalog`; benchmarks/sdk_drift.py runs
the same comparison against the newest SDK on the package index. Every function reads the package it
is given, so a test can point it at a modified copy of the SDK.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from pathlib import Path

import typing_extensions

DATED = re.compile(r"(?P<family>[a-z][a-z0-9_]*?)_(?P<date>\d{8})")
BETA_NAME = re.compile(r"[a-z][a-z0-9-]*-20\d\d-\d\d-\d\d")
ENV_NAME = re.compile(r"ANTHROPIC_[A-Z][A-Z0-9_]*")
# Tool definitions by class name: `WebSearchTool20250305Param`, `BetaMCPToolsetParam`, `ToolParam`,
# Managed Agents' `...Toolset20260401Params`. Classes with a dated `type` are tool-like whatever their name.
TOOL_CLASS = re.compile(r"\w*(Tool|Toolset)(_?\d{8})?Params?")
NOT_A_TOOL = ("Choice",)  # `ToolChoiceToolParam` names a tool to call, it defines none
# The methods whose keywords are request parameters, below `messages` and `beta.messages`.
REQUEST_METHODS = ("create", "stream", "parse", "count_tokens", "tool_runner", "thread")


def _resource_base(sdk) -> tuple:
    resource = importlib.import_module(f"{sdk.__name__}._resource")
    return resource.SyncAPIResource, resource.AsyncAPIResource


def _children(obj, bases) -> dict:
    """Sub-resources (properties returning a resource) and public methods of a client or resource."""
    resources, methods = {}, set()
    for name in dir(type(obj)):
        if name.startswith("_") or name.startswith("with_"):
            continue
        attr = inspect.getattr_static(type(obj), name)
        if isinstance(attr, property) or type(attr).__name__ == "cached_property":
            value = getattr(obj, name)
            if isinstance(value, bases):
                resources[name] = value
        elif callable(attr) and not inspect.isclass(attr):
            methods.add(name)
    return resources, methods


def resource_tree(client) -> dict:
    """{path: public method names} for every resource below `client`, at any depth."""
    bases = _resource_base(importlib.import_module(type(client).__module__.split(".")[0]))
    tree: dict = {}
    pending = [((), client)]
    while pending:
        path, obj = pending.pop()
        resources, methods = _children(obj, bases)
        if path:
            tree[path] = methods
        for name, value in resources.items():
            pending.append((path + (name,), value))
    return tree


def _unpacked_keys(annotation) -> set:
    """The keys of `**params: Unpack[SomeTypedDict]`."""
    args = typing.get_args(annotation)
    target = args[0] if args else None
    if target is not None and typing_extensions.is_typeddict(target):
        return set(typing_extensions.get_type_hints(target))
    return set()


def keywords(function) -> set:
    """Keyword parameters of a method, `**params: Unpack[TypedDict]` opened up."""
    out = set()
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "self" or parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            annotation = parameter.annotation
            if isinstance(annotation, str):
                hints = typing_extensions.get_type_hints(function, include_extras=True)
                annotation = hints.get(name)
            out |= _unpacked_keys(annotation)
            continue
        out.add(name)
    return out


def request_method_keywords(client) -> dict:
    """{"messages.create": {...}, "beta.messages.stream": {...}, "messages.batches.create": {...}}."""
    out = {}
    for surface, messages in (("messages", client.messages), ("beta.messages", client.beta.messages)):
        for method in REQUEST_METHODS:
            if hasattr(messages, method):
                out[f"{surface}.{method}"] = keywords(getattr(messages, method))
        out[f"{surface}.batches.create"] = keywords(messages.batches.create)
    return out


def client_classes(sdk) -> dict:
    """{class name: class} for every public client class of the SDK (root, Bedrock, Vertex)."""
    base = importlib.import_module(f"{sdk.__name__}._base_client").BaseClient
    modules = [sdk] + [importlib.import_module(f"{sdk.__name__}.lib.{name}") for name in ("bedrock", "vertex")]
    found = {}
    for module in modules:
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, base) and not name.startswith("_"):
                if name not in {"SyncAPIClient", "AsyncAPIClient", "BaseClient"}:
                    found[name] = obj
    return found


def constructor_keywords(sdk) -> dict:
    return {name: keywords(cls.__init__) for name, cls in client_classes(sdk).items()}


def _literals(hint, out: set) -> None:
    origin = typing.get_origin(hint)
    if origin in (typing.Literal, typing_extensions.Literal):
        out.update(a for a in typing.get_args(hint) if isinstance(a, str))
    elif origin is not None:
        for arg in typing.get_args(hint):
            _literals(arg, out)


def _typed_dicts(package):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and obj.__module__ == module.__name__ and typing_extensions.is_typeddict(obj):
                yield name, obj


def tool_types(sdk) -> dict:
    """{`type` literal: class names} of every tool param type anywhere under `types/` (and
    `types/beta/`, at any depth): a class named as a tool or toolset, or one whose `type` is dated."""
    found: dict = {}
    for name, cls in _typed_dicts(importlib.import_module(f"{sdk.__name__}.types")):
        hint = typing_extensions.get_type_hints(cls, include_extras=True).get("type")
        if hint is None:
            continue
        values: set = set()
        _literals(hint, values)
        is_tool = TOOL_CLASS.fullmatch(name) and not any(word in name for word in NOT_A_TOOL)
        if is_tool or any(DATED.fullmatch(v) for v in values):
            for value in values:
                found.setdefault(value, set()).add(name)
    return found


_QUOTED = re.compile(r"[\"']([A-Za-z0-9_.-]{4,80})[\"']")


def _quoted_strings(sdk) -> set:
    """Every short quoted word in the SDK's source. A regex, not `ast`: parsing 2,000 modules takes
    seconds; a name quoted in a docstring is counted too, which can only ask for one more entry."""
    root = Path(sdk.__file__).parent
    cached = _QUOTED_CACHE.get(root)
    if cached is None:
        cached = set()
        for path in root.rglob("*.py"):
            cached.update(_QUOTED.findall(path.read_text(encoding="utf-8")))
        _QUOTED_CACHE[root] = cached
    return cached


_QUOTED_CACHE: dict = {}


def beta_names(sdk) -> set:
    """Every beta header name the SDK spells: its `AnthropicBetaParam` literals and the names its
    resources and helpers send on their own."""
    names: set = set()
    _literals(importlib.import_module(f"{sdk.__name__}.types").AnthropicBetaParam, names)
    names |= {value for value in _quoted_strings(sdk) if BETA_NAME.fullmatch(value)}
    return names


def model_ids(sdk) -> set:
    ids: set = set()
    _literals(importlib.import_module(f"{sdk.__name__}.types.model").Model, ids)
    return ids


def env_vars(sdk) -> set:
    """The `ANTHROPIC_*` environment variables the SDK reads (every such name it spells in code)."""
    return {value for value in _quoted_strings(sdk) if ENV_NAME.fullmatch(value)}
