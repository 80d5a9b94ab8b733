"""Requests sent for you by other libraries, resolved through their imports (never by name alone).

LangChain's `ChatAnthropic`, LiteLLM, pydantic-ai, instructor, agno and the Claude Agent SDK take
the same options as the SDK under other names. This module turns their calls into what the rules
already understand, driven by the tables in `catalog` (`WRAPPER_ENTRIES` and friends):

- `wrapper_requests(model)`: more `Request`s (a wrapper call whose keywords are mapped to request
  keywords: agno `skills=` becomes `container=`, `cache_system_prompt=True` becomes `cache_control`,
  LangChain `model_kwargs={...}` entries pass through, ...), plus module constants that the
  project index saw spread into a request in another module. Rules see them in `check_request`.
- `wrapped_client(model, call, scope)`: clients made by a wrapper (`instructor.from_anthropic(c)`).
- `direct_uses(model)`: uses with no request keyword to map to (a pydantic-ai `WebSearchTool()` on
  an Anthropic model, `with_structured_output(method="json_schema")`, a Bedrock or Vertex model
  behind LiteLLM or LangChain, instructor's `BatchProcessor`), and raw HTTP calls
  (`zdr_lint.raw_http`). Rules see them through the `check_direct_use` hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from zdr_lint import catalog
from zdr_lint._lazy import libcst as cst
from zdr_lint.raw_http import raw_http_uses
from zdr_lint.semantic_types import Argument, ClientRef, DirectUse, Request, Scope, is_empty, is_none, literal_string

if TYPE_CHECKING:  # typing only
    from zdr_lint.semantics import SemanticModel

_ENTRY_BY_QUALNAME = {q: entry for entry in catalog.WRAPPER_ENTRIES for q in entry.qualnames}
_REQUEST_PATH = ("messages", "create")
_PASSTHROUGH_KEYS = frozenset(catalog.REQUEST_KEYWORDS) | {catalog.OUTPUT_CONFIG_KEYWORD} | catalog.REQUEST_CONTENT_KEYWORDS | catalog.HEADER_KEYWORDS
_OFF_STRINGS = frozenset({"", "0", "false", "no", "off", "none"})


# --- helpers ---------------------------------------------------------------------------------------
def _qualname(model: "SemanticModel", node: cst.BaseExpression, scope: "Scope") -> Optional[str]:
    return model.qualified_name(node, scope)


def _argument(call: cst.Call, keyword: Optional[str], position: Optional[int] = None) -> Optional[cst.Arg]:
    for i, arg in enumerate(call.args):
        if keyword is not None and arg.keyword is not None and arg.keyword.value == keyword:
            return arg
        if position is not None and arg.keyword is None and not arg.star and i == position:
            return arg
    return None


def _switched_on(model: "SemanticModel", value: cst.BaseExpression, scope: "Scope") -> bool:
    """A boolean or TTL switch that is not plainly off (`True`, `"1h"`, a variable: on; `False`, `None`: off)."""
    verdicts = []
    for v, _ in model.values(value, scope):
        text = literal_string(v)
        if text is not None:
            verdicts.append(text.strip().lower() not in _OFF_STRINGS)
        elif isinstance(v, cst.Name) and v.value in ("True", "False", "None"):
            verdicts.append(v.value == "True")
        elif isinstance(v, cst.Integer):
            verdicts.append(v.value != "0")
        else:
            verdicts.append(True)
    return any(verdicts)


def _anthropic_model(model: "SemanticModel", call: cst.Call, scope: "Scope", keyword: str) -> Optional[str]:
    """The model id of a wrapper call when it names an Anthropic model, else None."""
    arg = _argument(call, keyword, 0)
    if arg is None:
        return None
    for text in model.strings(arg.value, scope):
        if catalog.ANTHROPIC_MODEL_ID.search(text):
            return text
    provider = _argument(call, "model_provider")
    if provider is not None and model.string(provider.value, scope) == catalog.SDK_ROOT:
        return model.string(arg.value, scope) or ""
    return None


def _made_by(model: "SemanticModel", node: cst.BaseExpression, scope: "Scope", test) -> Optional[tuple]:
    """(call, scope) of the constructor call `node` evaluates to, when `test(call, scope)` holds."""
    for value, where in model.values(node, scope):
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, cst.Call) and test(value, where):
            return value, where
    return None


def _client_ref(label: str) -> ClientRef:
    return ClientRef(label, None)


# --- clients made by wrappers ---------------------------------------------------------------------
def wrapped_client(model: "SemanticModel", call: cst.Call, scope: "Scope") -> Optional["ClientRef"]:
    """instructor's `from_anthropic(client)` / `patch(client)` / `from_provider("anthropic/...")`."""
    if not isinstance(call.func, (cst.Name, cst.Attribute)):
        return None
    qualname = _qualname(model, call.func, scope)
    if qualname in catalog.INSTRUCTOR_FROM_CLIENT:
        arg = _argument(call, "client", 0)
        inner = model.client(arg.value, scope) if arg is not None else None
        if inner is None:
            return None
        return _client_ref_for("instructor", inner)
    if qualname in catalog.INSTRUCTOR_FROM_PROVIDER:
        arg = _argument(call, "model", 0)
        text = model.string(arg.value, scope) if arg is not None else None
        if text is not None and text.startswith(("anthropic/", "anthropic:")):
            return _client_ref("instructor(Anthropic)")
    return None


def _client_ref_for(prefix: str, inner: ClientRef) -> ClientRef:
    return ClientRef(f"{prefix}({inner.class_name})", inner.platform, inner.confidence)


# --- requests ------------------------------------------------------------------------------------
def _named_calls(model: "SemanticModel") -> Iterator[tuple]:
    """(call, scope, qualname, wrapper entry or None) for each call of a name or attribute; a call
    of an entry point whose `model=` is not an Anthropic model is left out."""
    for call in model.collector.calls:
        if not isinstance(call.func, (cst.Name, cst.Attribute)):
            continue
        scope = model.scope_of(call)
        qualname = _qualname(model, call.func, scope)
        entry = _ENTRY_BY_QUALNAME.get(qualname) if qualname else None
        if entry is not None and entry.model_keyword and _anthropic_model(model, call, scope, entry.model_keyword) is None:
            continue
        yield call, scope, qualname, entry


def wrapper_requests(model: "SemanticModel") -> list:
    found = []
    for call, scope, qualname, entry in _named_calls(model):
        if entry is not None:
            arguments = _entry_arguments(model, entry, call, scope)
            for keyword in entry.schema_keywords:
                arguments += _response_format(model, call, scope, keyword)
            if arguments:
                found.append(Request(call, _client_ref(entry.label), _REQUEST_PATH, arguments, False))
            continue
        func = call.func
        options = _option_request(model, call, scope)
        if options is not None:
            found.append(options)
        if isinstance(func, cst.Attribute) and func.attr.value in catalog.LITELLM_ROUTER_METHODS:
            if _made_by(model, func.value, scope, lambda c, s: _is_anthropic_router(model, c, s)):
                arguments = _entry_arguments(model, _ENTRY_BY_QUALNAME["litellm.completion"], call, scope)
                arguments += _response_format(model, call, scope, catalog.RESPONSE_FORMAT_KEYWORD)
                if arguments:
                    found.append(Request(call, _client_ref("LiteLLM Router"), _REQUEST_PATH, arguments, False))
        elif isinstance(func, cst.Attribute) and func.attr.value == catalog.LANGCHAIN_BIND_TOOLS:
            if _langchain_anthropic(model, func.value, scope):
                tools = _argument(call, "tools", 0)
                if tools is not None:
                    found.append(Request(call, _client_ref("LangChain ChatAnthropic"), _REQUEST_PATH, [Argument("tools", tools.value, tools, scope)], False))
    # instructor's OpenAI-style path on an Anthropic client
    for rc in model.resource_calls():
        if rc.client.class_name.startswith("instructor(") and rc.path in catalog.INSTRUCTOR_REQUEST_PATHS:
            found.append(Request(rc.call, rc.client, rc.path, model.call_arguments(rc.call, model.scope_of(rc.call)), False))
    found.extend(_project_constants(model))
    return found


_OPTION_METHODS = {method for e in catalog.WRAPPER_ENTRIES for method, _ in e.option_methods}


def _made_by_entry(model: "SemanticModel", node: cst.BaseExpression, scope: "Scope"):
    """The wrapper entry whose constructor `node` evaluates to, if any."""
    made = _made_by(model, node, scope, lambda c, s: _ENTRY_BY_QUALNAME.get(_qualname(model, c.func, s) or "") is not None)
    return _ENTRY_BY_QUALNAME[_qualname(model, made[0].func, made[1])] if made is not None else None


def _option_request(model: "SemanticModel", call: cst.Call, scope: "Scope") -> Optional[Request]:
    """`client.as_agent(default_options={...})`, `generator.run(generation_kwargs={...})`: a method of a
    wrapper's object that takes request options as a dict (`WrapperEntry.option_methods`)."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _OPTION_METHODS:
        return None
    entry = _made_by_entry(model, func.value, scope)
    if entry is None:
        return None
    mapping = dict(entry.options)
    arguments = []
    for method, keyword in entry.option_methods:
        if method != func.attr.value:
            continue
        for arg in model.call_arguments(call, scope):
            if arg.name != keyword:
                continue
            for inner in model.entries(arg.value, arg.scope):
                target = mapping.get(inner.key) if mapping else (inner.key if inner.key in _PASSTHROUGH_KEYS else None)
                if target is not None:
                    arguments.append(Argument(target, inner.value, inner.node, inner.scope))
    return Request(call, _client_ref(entry.label), _REQUEST_PATH, arguments, False) if arguments else None


def _entry_arguments(model: "SemanticModel", entry, call: cst.Call, scope: "Scope") -> list:
    keywords = dict(entry.keywords)
    switches = dict(entry.switches)
    out = []
    cache_switch_seen = False
    for arg in model.call_arguments(call, scope):
        if arg.name in keywords:
            out.append(Argument(keywords[arg.name], arg.value, arg.node, arg.scope))
        elif arg.name in switches and _switched_on(model, arg.value, arg.scope):
            # `extended_cache_time` only lengthens a cache already switched on: one use per call
            if arg.name == "extended_cache_time" and cache_switch_seen:
                continue
            cache_switch_seen = True
            out.append(Argument(switches[arg.name], arg.value, arg.node, arg.scope))
        elif arg.name in entry.passthrough:
            for inner in model.entries(arg.value, arg.scope):
                if inner.key in _PASSTHROUGH_KEYS:
                    out.append(Argument(inner.key, inner.value, inner.node, inner.scope))
    return out


def _response_format(model: "SemanticModel", call: cst.Call, scope: "Scope", keyword: str) -> list:
    """A wrapper's schema keyword (LiteLLM `response_format`) with a schema: structured outputs on an
    Anthropic model (`{"type": "json_object"}` and `{"type": "text"}` carry no schema)."""
    arg = _argument(call, keyword)
    if arg is None or is_none(arg.value):
        return []
    kinds = {model.string(e.value, e.scope) for e in model.entry(arg.value, scope, "type")}
    if kinds and kinds <= catalog.SCHEMALESS_RESPONSE_FORMATS:
        return []
    return [Argument("output_format", arg.value, arg, scope)]


def _is_anthropic_router(model: "SemanticModel", call: cst.Call, scope: "Scope") -> bool:
    if _qualname(model, call.func, scope) not in catalog.LITELLM_ROUTER:
        return False
    arg = _argument(call, "model_list", 0)
    if arg is None:
        return False
    for item, where in model.elements(arg.value, scope):
        for params in model.entry(item, where, "litellm_params"):
            for m in model.entry(params.value, params.scope, "model"):
                if any(catalog.ANTHROPIC_MODEL_ID.search(t) for t in model.strings(m.value, m.scope)):
                    return True
    return False


def _langchain_anthropic(model: "SemanticModel", node: cst.BaseExpression, scope: "Scope") -> bool:
    def test(call: cst.Call, where) -> bool:
        q = _qualname(model, call.func, where)
        entry = _ENTRY_BY_QUALNAME.get(q) if q else None
        if entry is None or not q.startswith("langchain"):
            return False
        return entry.model_keyword is None or _anthropic_model(model, call, where, entry.model_keyword) is not None

    return _made_by(model, node, scope, test) is not None


def _project_constants(model: "SemanticModel") -> list:
    """Module constants another module spreads into a request (`create(**DEFAULTS)`), as requests here."""
    project = model.project
    if project is None:
        return []
    names = project.request_constants.get(model.module_name, ())
    out = []
    for name in sorted(names):
        for binding in model.module_scope.bindings.get(name, []):
            if binding.kind != "value" or binding.value is None:
                continue
            arguments = [
                Argument(e.key, e.value, e.node, e.scope) for e in model.entries(binding.value, binding.scope) if e.key is not None
            ]
            if arguments:
                out.append(Request(binding.value, _client_ref("request defaults"), _REQUEST_PATH, arguments, False))
    return out


# --- direct uses ---------------------------------------------------------------------------------------
def direct_uses(model: "SemanticModel") -> list:
    cached = model.memo.get("direct_uses")
    if cached is None:
        cached = list(_wrapper_uses(model)) + raw_http_uses(model) + list(_betas_by_shape(model))
        model.memo["direct_uses"] = cached
    return cached


# --- beta features by shape ------------------------------------------------------------------------
def _betas_by_shape(model: "SemanticModel") -> Iterator[DirectUse]:
    """`anthropic_beta` in a Bedrock body; a list of Anthropic beta names under a keyword or key that
    says beta, given to a call or written in a dict zdr-lint does not otherwise read as a request
    (`AnthropicAgent(beta_headers=["files-api-2025-04-14"])`): the same use the SDK's `betas=` is."""
    understood: Optional[set] = None
    for node in model.collector.dicts:
        scope = model.scope_of(node)
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = literal_string(element.key)  # a beta key is written as a literal
            if not key or not catalog.BETA_KEYWORD.search(key):
                continue
            if understood is None:
                understood = _understood(model)
            if key == catalog.BEDROCK_BETA_KEY and not is_empty(model, element.value, scope):
                yield DirectUse(element, "ZDR005", "beta features (anthropic_beta in a Bedrock request body)")
            elif (
                id(element) not in understood and not model.reaches_request(node)
                and _beta_names(model, element.value, scope)
            ):
                yield DirectUse(element, "ZDR005", f"beta features ({key})", "medium")
    for call in model.collector.calls:
        if not any(arg.keyword is not None and catalog.BETA_KEYWORD.search(arg.keyword.value) for arg in call.args):
            continue
        if understood is None:
            understood = _understood(model)
        scope = model.scope_of(call)
        if id(call) in understood or _ENTRY_BY_QUALNAME.get(_qualname(model, call.func, scope) or ""):
            continue
        for arg in call.args:
            if arg.keyword is None:
                continue
            name = arg.keyword.value
            if name == catalog.BEDROCK_BETA_KEY and not is_empty(model, arg.value, scope):
                yield DirectUse(arg, "ZDR005", "beta features (anthropic_beta)")
            elif catalog.BETA_KEYWORD.search(name) and _beta_names(model, arg.value, scope):
                yield DirectUse(arg, "ZDR005", f"beta features ({name}=)", "medium")


def _understood(model: "SemanticModel") -> set:
    """ids of the calls, requests and request arguments (`**params` entries) zdr-lint already reads."""
    understood = {id(rc.call) for rc in model.resource_calls()} | {id(r.node) for r in model.requests()}
    return understood | {id(a.node) for r in model.requests() for a in r.arguments}


def _beta_names(model: "SemanticModel", value: cst.BaseExpression, scope: "Scope") -> bool:
    """Does the value hold Anthropic beta names (`files-api-2025-04-14`), as a list or one string?"""
    names = [model.string(v, s) for v, s in model.elements(value, scope)] or model.strings(value, scope)
    return any(name and catalog.BETA_NAME.fullmatch(name) for name in names)


def _wrapper_uses(model: "SemanticModel") -> Iterator[DirectUse]:
    for call, scope, qualname, entry in _named_calls(model):
        if entry is not None:
            for keyword, platform in entry.platform_keywords:
                arg = _argument(call, keyword)
                if arg is not None and not is_empty(model, arg.value, scope):
                    yield DirectUse(arg, "ZDR011", f"{platform} through {entry.label} ({keyword}=)")
        if qualname in catalog.TOOL_FACTORIES:
            code, label = catalog.TOOL_FACTORIES[qualname]
            yield DirectUse(call, code, label)
        elif qualname in catalog.AGNO_AGENTS:
            yield from _agno_agent(model, call, scope)
        elif qualname in catalog.UPLOADED_FILE_HOLDERS:
            arg = _argument(call, catalog.UPLOADED_FILE_HOLDERS[qualname])
            if arg is not None and _uploaded_file(model, arg.value, scope):
                yield DirectUse(arg, "ZDR001", f"uploaded file sent by its file_id ({qualname.rsplit('.', 1)[-1]}({arg.keyword.value}=...))")
        if entry is not None and entry.direct:
            direct = dict((k, (code, label)) for k, code, label in entry.direct)
            for arg in model.call_arguments(call, scope):
                if arg.name in direct and not is_empty(model, arg.value, arg.scope):
                    code, label = direct[arg.name]
                    yield DirectUse(arg.node, code, label)
        if qualname in catalog.CLOUD_WRAPPERS:
            yield DirectUse(call, "ZDR011", f"{catalog.CLOUD_WRAPPERS[qualname]} through {qualname.rsplit('.', 1)[-1]}")
        elif qualname in catalog.INSTRUCTOR_BATCH:
            arg = _argument(call, "model", 0)
            texts = model.strings(arg.value, scope) if arg is not None else []
            if any(catalog.ANTHROPIC_MODEL_ID.search(t) for t in texts):
                yield DirectUse(call, "ZDR003", "Message Batches API through instructor's BatchProcessor")
        elif qualname in catalog.PYDANTIC_AI_AGENT:
            yield from _pydantic_ai_tools(model, call, scope)
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == catalog.LANGCHAIN_STRUCTURED:
            method = _argument(call, "method")
            if method is not None and model.string(method.value, scope) == catalog.LANGCHAIN_STRUCTURED_METHOD and _langchain_anthropic(model, func.value, scope):
                yield DirectUse(method, "ZDR004", 'structured outputs (with_structured_output(method="json_schema"))')
        elif isinstance(func, cst.Attribute) and func.attr.value == catalog.LANGCHAIN_BIND_TOOLS:
            strict = _argument(call, catalog.STRICT_KEY)
            if strict is not None and _switched_on(model, strict.value, scope) and _langchain_anthropic(model, func.value, scope):
                yield DirectUse(strict, "ZDR004", "strict tool schemas (bind_tools(strict=True))")
    for node in model.collector.dicts:
        scope = model.scope_of(node)
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = model.string(element.key, scope)
            if key and key in catalog.PYDANTIC_AI_CACHE_KEYS and _switched_on(model, element.value, scope):
                yield DirectUse(element, "ZDR002", f"prompt caching (pydantic-ai {key})")


def _uploaded_file(model: "SemanticModel", node: cst.BaseExpression, scope: "Scope") -> bool:
    """Is `node` the result of a Files API upload (`client.beta.files.upload(...)`)?"""
    for value, _ in model.values(node, scope):
        if isinstance(value, cst.Await):
            value = value.expression
        rc = model.resource_call_of(value) if isinstance(value, cst.Call) else None
        if rc is not None and rc.path[-2:] == ("files", "upload"):
            return True
    return False


def _agno_agent(model: "SemanticModel", call: cst.Call, scope: "Scope") -> Iterator[DirectUse]:
    """An agno Agent / Team on an agno Claude model: `output_schema=` is structured outputs (unless JSON
    mode or a parser model serves it), and an agno `Function(strict=True)` among `tools` a strict tool."""
    arg = _argument(call, "model")
    if arg is None or not _made_by(model, arg.value, scope, lambda c, s: _qualname(model, c.func, s) in catalog.AGNO_CLAUDE):
        return
    schema = _argument(call, catalog.AGNO_SCHEMA_KEYWORD)
    json_mode, structured, parser = (_argument(call, name) for name in catalog.AGNO_JSON_MODE)
    served_as_json = (json_mode is not None and _switched_on(model, json_mode.value, scope)) and not (
        structured is not None and _switched_on(model, structured.value, scope)
    )
    if schema is not None and not is_empty(model, schema.value, scope) and not served_as_json and (parser is None or is_none(parser.value)):
        yield DirectUse(schema, "ZDR004", f"structured outputs (agno {catalog.AGNO_SCHEMA_KEYWORD}= on Claude)")
    tools = _argument(call, "tools")
    if tools is None:
        return
    for tool, where in model.elements(tools.value, scope):
        if isinstance(tool, cst.Call) and _qualname(model, tool.func, where) in catalog.AGNO_FUNCTIONS:
            strict = _argument(tool, catalog.STRICT_KEY)
            if strict is not None and _switched_on(model, strict.value, where):
                yield DirectUse(strict, "ZDR004", "strict tool schema (agno Function(strict=True) on Claude)")


def _pydantic_ai_tools(model: "SemanticModel", call: cst.Call, scope: "Scope") -> Iterator[DirectUse]:
    arg = _argument(call, "model", 0)
    if arg is None:
        return
    anthropic = any(t.startswith(("anthropic:", "claude-")) for t in model.strings(arg.value, scope)) or bool(
        _made_by(model, arg.value, scope, lambda c, s: _qualname(model, c.func, s) in catalog.PYDANTIC_AI_ANTHROPIC_MODEL)
    )
    tools = _argument(call, "builtin_tools")
    if not anthropic or tools is None:
        return
    for tool, where in model.elements(tools.value, scope):
        if not isinstance(tool, cst.Call):
            continue
        q = _qualname(model, tool.func, where) or ""
        module, _, name = q.rpartition(".")
        if module in catalog.PYDANTIC_AI_TOOL_MODULES and name in catalog.PYDANTIC_AI_BUILTIN_TOOLS:
            code, label = catalog.PYDANTIC_AI_BUILTIN_TOOLS[name]
            yield DirectUse(tool, code, label)
