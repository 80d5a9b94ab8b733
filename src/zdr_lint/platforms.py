"""Claude on a cloud platform (ZDR011) beyond the SDK's own client classes: boto3's
`bedrock-runtime`, model ids that only Bedrock or Vertex use, and Claude Code told to use one.

- `bedrock_runtime_calls(model)`: boto3 (or aiobotocore) `bedrock-runtime` `invoke_model*` /
  `converse*` calls whose `modelId` may be a Claude id, also through a mapping
  (`modelId=MODEL_IDS[name]`).
- `platform_model_ids(model)`: a Bedrock (`us.anthropic.claude-...`, `bedrock/...`) or Vertex
  (`claude-...@20250514`, `vertex_ai/claude-...`) Claude id written as a value: a model argument of
  any wrapper (LangChain `ChatBedrock`, strands `BedrockModel`, `dspy.LM`, crewAI `LLM`, ...), a
  constant, a configuration default, a mapping's value (one finding per mapping). It is reported where
  it is written, unless the same use is already reported elsewhere: the boto3 call it is sent by, a
  cloud client's or cloud wrapper's construction, a request on a Bedrock / Vertex client, or any route
  to that platform the module establishes (its ids are that route's). A string only
  compared, looked up or asserted (`model.startswith(...)`, `assertEqual`, `==`, a membership list) is
  not a use.
- `platform_env_settings(model)`: `CLAUDE_CODE_USE_BEDROCK` / `CLAUDE_CODE_USE_VERTEX` set true
  (`os.environ[...]`, `os.environ.setdefault`, `os.putenv`, an `env={...}` for the Claude Agent SDK or
  a subprocess): Claude Code then talks to the cloud provider.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zdr_lint import catalog
from zdr_lint._lazy import libcst as cst
from zdr_lint.semantic_types import Scope, identifier, literal_string, truthy

if TYPE_CHECKING:  # typing only
    from zdr_lint.semantics import SemanticModel

_PUTENV = "os.putenv"


# --- boto3 ----------------------------------------------------------------------------------------
def bedrock_runtime_calls(model: "SemanticModel") -> list:
    """(call, method name, model-id string nodes) of each boto3 `bedrock-runtime` call of a Claude model."""
    cached = model.memo.get("bedrock_runtime_calls")
    if cached is None:
        cached = []
        for call in model.collector.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value in catalog.BEDROCK_RUNTIME_METHODS):
                continue
            scope = model.scope_of(call)
            for arg in model.call_arguments(call, scope):
                if arg.name != catalog.BEDROCK_MODEL_ID_KEY:
                    continue
                ids = [(v, s) for v, s in model.values(arg.value, arg.scope) if _is_claude_on_bedrock(v)]
                if ids and model.is_bedrock_runtime(func.value, scope):
                    cached.append((call, func.attr.value, [v for v, _ in ids]))
                    break
        model.memo["bedrock_runtime_calls"] = cached
    return cached


def _is_claude_on_bedrock(node: cst.CSTNode) -> bool:
    text = literal_string(node) if isinstance(node, cst.BaseExpression) else None
    return text is not None and bool(catalog.BEDROCK_ANTHROPIC_MODEL.search(text))


# --- model ids ------------------------------------------------------------------------------------------
def platform_model_ids(model: "SemanticModel") -> list:
    """(string node, text, in a mapping) for each cloud-platform Claude id written as a value."""
    cached = model.memo.get("platform_model_ids")
    if cached is None:
        cached = []
        strings = model.collector.platform_id_strings
        if strings:
            reported = _already_reported(model)
            routes = _routes(model)
            mappings_seen: set = set()
            for node in strings:
                text = literal_string(node)
                platform = catalog.match_platform_model_id(text) if text is not None else None
                if platform is None or platform in routes or id(node) in reported or _looked_up(model, node):
                    continue
                holder = model.collector.container_of.get(id(node))
                mapping = model.collector.owner_of.get(id(holder)) if isinstance(holder, cst.DictElement) else None
                if mapping is not None:
                    if id(mapping) in mappings_seen:
                        continue  # one finding per mapping of ids
                    mappings_seen.add(id(mapping))
                cached.append((node, text, mapping is not None))
        model.memo["platform_model_ids"] = cached
    return cached


def _looked_up(model: "SemanticModel", node: cst.CSTNode) -> bool:
    """A string given to a lookup, a comparison helper or an assertion, or as a getter's key."""
    call = model.call_of_argument(node)
    if call is None:
        return False
    name = identifier(call.func)
    if name is None:
        return False
    if name in catalog.LOOKUP_METHODS or name.startswith(catalog.ASSERTION_PREFIX):
        return True
    if name in catalog.KEY_GETTERS:
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        return bool(positional) and positional[0] is node
    return False


def _already_reported(model: "SemanticModel") -> set:
    """ids of the id strings whose use ZDR011 reports elsewhere: the boto3 call that sends them, a
    cloud client's or cloud wrapper's construction they are given to, a request on a cloud client."""
    ids: set = set()
    for _, _, nodes in bedrock_runtime_calls(model):
        ids.update(id(n) for n in nodes)
    for call in model.collector.calls:
        scope = model.scope_of(call)
        if _constructs_cloud_route(model, call, scope):
            for arg in model.call_arguments(call, scope):
                ids.update(id(v) for v, _ in model.values(arg.value, arg.scope))
    for request in model.requests():
        if request.client.platform is None:
            continue
        for arg in request.argument("model"):
            ids.update(id(v) for v, _ in model.values(arg.value, arg.scope))
    return ids


def _routes(model: "SemanticModel") -> set:
    """The platforms this module already reports a route to (a Bedrock / Vertex client or wrapper
    constructed, a boto3 Claude call): its model ids of that platform are that route's, not another use."""
    found = set()
    if bedrock_runtime_calls(model):
        found.add("Amazon Bedrock")
    for call in model.collector.calls:
        scope = model.scope_of(call)
        ref = model.constructed_client(call, scope)
        platform = ref.platform if ref is not None else catalog.CLOUD_WRAPPERS.get(model.qualified_name(call.func, scope) or "")
        if platform is not None:
            found.add("Amazon Bedrock" if platform.startswith("Amazon Bedrock") else platform)
    return found


def _constructs_cloud_route(model: "SemanticModel", call: cst.Call, scope: Scope) -> bool:
    ref = model.constructed_client(call, scope)
    if ref is not None and ref.platform is not None:
        return True
    return model.qualified_name(call.func, scope) in catalog.CLOUD_WRAPPERS


# --- Claude Code on a platform -------------------------------------------------------------------
def platform_env_settings(model: "SemanticModel") -> list:
    """(node, variable, platform, confidence) for each `CLAUDE_CODE_USE_BEDROCK` / `_VERTEX` set on."""
    cached = model.memo.get("platform_env_settings")
    if cached is None and not model.collector.names_platform_env:
        cached = model.memo["platform_env_settings"] = []  # the module never spells one
    if cached is None:
        cached = []
        names = catalog.PLATFORM_ENV_VARS
        for node, name, value, scope in environment_writes(model):
            if name not in names or value is None:
                continue
            verdict = truthy(model, value, scope)
            if verdict is False:
                continue
            cached.append((node, name, names[name], "high" if verdict else "medium"))
        model.memo["platform_env_settings"] = cached
    return cached


def environment_writes(model: "SemanticModel") -> list:
    """(node, key, value, scope) of every mapping entry written with a string key: dict literals,
    `env[...] = v`, `setdefault`, `update(K=v)`, `dict(K=v)`, `os.putenv`. The variable names looked for
    (the platform switches here, telemetry's in rules/telemetry.py) are Claude Code's own, so any
    mapping that sets one is an environment for it. Found once per module."""
    found = model.memo.get("environment_writes")
    if found is None:
        found = model.memo["environment_writes"] = list(_environment_writes(model))
    return found


def _environment_writes(model: "SemanticModel"):
    for node in model.collector.dicts:
        scope = model.scope_of(node)
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                yield element, model.string(element.key, scope), element.value, scope
    for node in model.collector.assigns:
        scope = model.scope_of(node)
        for sub, key in model.keyed_stores(node, scope):
            yield sub, key, node.value, scope
    for call in model.collector.calls:
        scope = model.scope_of(call)
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        if (method == "setdefault" or model.qualified_name(call.func, scope) == _PUTENV) and len(positional) == 2:
            yield call, model.string(positional[0], scope), positional[1], scope
        elif method == "update" or model.is_dict_constructor(call, scope):
            for arg in call.args:
                if arg.keyword is not None:
                    yield arg, arg.keyword.value, arg.value, scope
