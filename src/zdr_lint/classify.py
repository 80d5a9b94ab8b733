"""What each piece of an Anthropic request triggers: the one place zdr-lint decides it.

The linter's rules and the runtime guard (`zdr_lint.guard`) both ask these functions, so a tool
type, a request keyword and its value, a content block, a beta name, an endpoint path, a model id
or a client class cannot mean one code in review and another at run time. Every function takes
plain values: what a rule resolved from the source, or what the guard reads from the JSON request.
A rule passes `UNKNOWN` for a value it cannot see (a variable, a call's result): present, not off.

A `Verdict` names the code, what was used (its label), the exception when the trigger has one of its
own (cache diagnostics keep a hash fingerprint, not the cache), and `at`: where in the value given
the use is written (`("source", "file_id")`), so a rule reports at that node and the guard names
that path. This module imports only the catalog: it is below the rules, the semantic model and
the guard, and it never imports libcst or the SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator, Optional

from zdr_lint import catalog


class _Unknown:
    """A value the linter cannot see: present, and not one that turns a feature off."""

    _instance: Optional["_Unknown"] = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Verdict:
    code: str
    label: str
    text: Optional[catalog.CodeText] = None  # the trigger's own exception and advice, else the code's
    at: tuple = ()  # the key path, in the value classified, where the use is written
    confidence: str = "high"
    severity: Optional[str] = None  # lower than the code's own for a trigger that keeps less (a warning)
    trigger: str = ""  # a catalog.TRIGGERS key ("" : the code's default trigger)
    # set by `judge`: the profile, and the (topic, position) of the policy that raised it (or None)
    basis: Optional[tuple] = None

    @property
    def exception(self) -> str:
        return (self.text or catalog.EXCEPTIONS[self.code]).exception

    @property
    def advice(self) -> str:
        return (self.text or catalog.EXCEPTIONS[self.code]).advice

    @property
    def message(self) -> str:
        return f"{self.label}: {self.exception}; {self.advice}"

    @property
    def trigger_key(self) -> str:
        return self.trigger or catalog.DEFAULT_TRIGGERS.get(self.code, "")

    @property
    def remedy(self) -> Optional[catalog.Remedy]:
        """How the finding can be fixed in place, if it can (zdr_lint.fixes)."""
        return catalog.REMEDIES.get(self.trigger_key)

    def under(self, *path) -> "Verdict":
        """The same verdict, `at` a path below `path` (a block inside a message inside a list)."""
        return replace(self, at=tuple(path) + self.at)


def is_off(value: Any) -> bool:
    """A value that leaves a keyword's feature off: None (the SDK sends nothing), or an empty list or dict."""
    return value is None or (isinstance(value, (list, tuple, dict)) and not value)


# --- clients ----------------------------------------------------------------------------------------
def client_class(name: str) -> Optional[Verdict]:
    """ZDR011 for a client whose requests a cloud provider processes (Bedrock, Vertex)."""
    platform = catalog.CLOUD_PROCESSED_CLIENTS.get(name)
    return Verdict("ZDR011", f"{platform} client ({name})") if platform else None


def platform_model_id(text: str, *, in_mapping: bool = False) -> Optional[Verdict]:
    """ZDR011 for a model id only a cloud platform serves (`us.anthropic.claude-...-v1:0`,
    `claude-...@20250929`, `bedrock/...`, `vertex_ai/...`): where it is sent, that cloud processes it."""
    platform = catalog.match_platform_model_id(text) if isinstance(text, str) else None
    if platform is None:
        return None
    where = "a mapping of model ids" if in_mapping else "model id"
    return Verdict("ZDR011", f"Claude on {platform}: {where} ({text})")


def client_verdicts(name: str) -> list:
    """Every verdict of constructing a client of class `name`: ZDR011 for a cloud-processed one; for an
    Anthropic-processed one on another cloud, ZDR011 under the strict scope reading of platforms, and
    ZDR016 (HIPAA profile) where HIPAA is not available (`judge` keeps what the profile and policy say)."""
    found = [v] if (v := client_class(name)) is not None else []
    for clients, trigger, text in catalog.PLATFORM_CLIENT_TRIGGERS:
        platform = clients.get(name)
        if platform is not None:
            own = catalog.CodeText(text.exception.format(platform=platform), text.advice)
            found.append(Verdict(catalog.TRIGGERS[trigger].code, f"{platform} client ({name})", own, trigger=trigger))
    return found


def agent_sdk_call(qualname: str) -> Optional[Verdict]:
    """ZDR016 (HIPAA profile) for a call that starts a Claude Code session through the Claude Agent SDK."""
    if qualname not in catalog.AGENT_SDK_ENTRY_POINTS:
        return None
    return Verdict("ZDR016", f"Claude Agent SDK session ({qualname.rsplit('.', 1)[-1]}: Claude Code)", trigger="agent_sdk")


def _feature_trigger(code: str, label: str) -> str:
    return catalog.FEATURE_TRIGGERS.get((code, label), "")


# --- resources ------------------------------------------------------------------------------------
def resource_call(path: tuple, also: Iterable[str] = (), betas: Iterable[str] = ()) -> list:
    """The codes of a method call at `path` below a client (`("beta", "sessions", "events", "send")`).
    `also`: codes the call's keywords trigger, and `betas`: the beta names it sends, for the message
    of its ZDR005."""
    if tuple(path) in catalog.LOCAL_METHODS or not path:
        return []
    dotted = ".".join(path)
    found = []
    for rule in catalog.resource_rules_of(tuple(path)):
        if rule.code == "ZDR005":
            continue
        if rule.code in ("ZDR001", "ZDR003", "ZDR010"):
            label = f"{rule.label} {path[-1]}"
        elif rule.method:
            label = rule.label
        else:
            label = f"{rule.label} ({dotted})"
        if all(v.code != rule.code for v in found):
            found.append(Verdict(rule.code, label, trigger=_feature_trigger(rule.code, rule.label)))
    if path[0] == "beta" and len(path) > 1:
        found.append(beta_use(f"beta API ({dotted})", also=[v.code for v in found] + list(also), names=betas))
    return found


def sdk_helper(qualname: str) -> Optional[Verdict]:
    """An SDK helper outside the client's resources: Managed Agents' session runner and environment
    worker (ZDR013), a message thread made directly (ZDR014)."""
    name = qualname.rsplit(".", 1)[-1]
    if qualname in catalog.MANAGED_AGENTS_HELPERS:
        return Verdict("ZDR013", f"Claude Managed Agents helper ({name})")
    if qualname in catalog.THREAD_HELPERS:
        return Verdict("ZDR014", f"message threads ({name})")
    if qualname in catalog.FALLBACK_MIDDLEWARE:
        return Verdict("ZDR005", f"refusal fallback middleware ({name}) adds a beta header", catalog.FALLBACK_TEXT, severity="warning", trigger="fallback_credit")
    return None


def beta_use(label: str, also: Iterable[str] = (), names: Iterable[str] = ()) -> Verdict:
    """ZDR005 with an honest message: when the beta use is also a feature the docs mark ZDR "No", this
    finding says so rather than inviting a suppression; otherwise it names the betas the docs mark
    eligible (the scope article still excludes beta products unless agreed)."""
    entries = [catalog.match_beta(n) for n in names]
    also = list(also) + [e.classification for e in entries if e is not None and isinstance(e.classification, str)]
    no = [code for code in dict.fromkeys(also) if code in catalog.DOCS_ZDR_NO]
    eligible = [e.label for e in entries if e is not None and e.docs_zdr_eligible]
    base = catalog.EXCEPTIONS["ZDR005"].exception
    if no:
        features = ", ".join(f"{catalog.FEATURE_NAMES.get(code, code)} ({code})" for code in no)
        exception = f'{base}; this is also {features}, which the docs mark ZDR "No": an agreement covering beta products would not cover that'
        advice = f"do not suppress this for the beta alone: see {' and '.join(no)}"
        trigger = "beta_also"
    elif eligible and len(eligible) == len(entries):
        exception = f"{base}; the docs mark {', '.join(dict.fromkeys(eligible))} ZDR eligible"
        advice = "confirm your agreement covers this beta, or use the generally available API"
        trigger = "beta_eligible"
    else:
        eligible_all = ", ".join(catalog.DOCS_ZDR_ELIGIBLE_BETAS)
        exception = f"{base} (the docs mark only some betas ZDR eligible: {eligible_all})"
        advice = catalog.EXCEPTIONS["ZDR005"].advice
        trigger = "beta"
    return Verdict("ZDR005", label, catalog.CodeText(exception, advice), trigger=trigger)


# --- beta names ------------------------------------------------------------------------------------
def split_betas(value: Any) -> list:
    """Beta names in a header value (`"a,b"`) or a `betas=` list; unknown entries are left out."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []


def beta_name(name: str) -> Optional[Verdict]:
    """The code a beta name is a use of by itself (Managed Agents, message threads, MCP tunnels)."""
    entry = catalog.match_beta(name)
    if entry is None or not entry.fires or not isinstance(entry.classification, str):
        return None
    return Verdict(entry.classification, f"{entry.label} beta ({name.strip()})", trigger=_feature_trigger(entry.classification, entry.label))


def headers(value: Any) -> list:
    """Verdicts of a header mapping: an `anthropic-beta` header (ZDR005, and the betas it names)."""
    if not isinstance(value, Mapping):
        return []
    found = []
    for key, header in value.items():
        # a header set to the SDK's `omit` (not a string) removes it: only text or UNKNOWN counts
        if isinstance(key, str) and key.lower() == catalog.BETA_HEADER and (isinstance(header, str) or header is UNKNOWN):
            names = split_betas(header)
            found.append(beta_use("anthropic-beta header", names=names).under(key))
            found.extend(v.under(key) for n in names if (v := beta_name(n)) is not None)
    return found


# --- models ------------------------------------------------------------------------------------------
def model_id(value: Any) -> Optional[Verdict]:
    """ZDR015 for a Covered Model id (any platform's spelling)."""
    if type(value) is not str:
        if isinstance(value, Mapping):  # Managed Agents: `model={"id": "claude-..."}`
            inner = model_id(value.get("id"))
            return inner.under("id") if inner is not None else None
        if not isinstance(value, str):
            return None
    family = catalog.covered_model(value)
    if family is None:
        return None
    named = catalog.covered_model_name(value) in catalog.DESIGNATED_COVERED_MODELS
    if named:
        where = f"named on Anthropic's Covered Models list, {catalog.COVERED_MODELS_SOURCE}"
    else:
        where = f"the {family} family is on Anthropic's Covered Models list, {catalog.COVERED_MODELS_SOURCE}, though this version is not yet named there"
    base = catalog.EXCEPTIONS["ZDR015"]
    exception = f"{base.exception} ({where})"
    return Verdict("ZDR015", f"Covered Model ({value.strip()})", catalog.CodeText(exception, base.advice))


# --- request keywords ----------------------------------------------------------------------------
def request_keyword(name: str, value: Any, *, beta: bool = False, method: str = "create") -> list:
    """What a keyword of a Messages request triggers with this value (`UNKNOWN`: present, not off).
    `beta`: the request goes through `client.beta` (which is ZDR005 by itself); `method`: the
    request method (`parse` is structured outputs by itself)."""
    if value is None or (name in catalog.EMPTY_IS_OFF and is_off(value)):
        return []
    if name == "diagnostics":
        return [Verdict("ZDR002", catalog.REQUEST_KEYWORDS[name].label, catalog.DIAGNOSTICS_TEXT, trigger="cache_diagnostics")]
    if name in catalog.HIPAA_REQUEST_KEYWORDS:
        trigger = catalog.HIPAA_REQUEST_KEYWORDS[name]
        return [Verdict("ZDR016", f"{catalog.TRIGGERS[trigger].label.split(' (')[0]} ({name}=)", trigger=trigger)]
    if name == "thread" and value is False:
        return []  # the tool runner's "no thread"
    if name == "output_format" and method == "parse":
        return []  # the parse call is the finding
    if name == "betas":
        if beta:
            return []  # the beta call is the finding
        return [beta_use("beta features (betas=)", names=split_betas(value))]
    keyword = catalog.REQUEST_KEYWORDS.get(name)
    if keyword is not None:
        return [Verdict(keyword.code, keyword.label)]
    if name == catalog.OUTPUT_CONFIG_KEYWORD:
        return output_config(value)
    if name == catalog.MODEL_KEYWORD:
        verdict = model_id(value)
        return [verdict] if verdict is not None else []
    if name == "extra_headers":
        return headers(value)
    return []


def output_config(value: Any) -> list:
    """Structured outputs when `output_config` carries a `format` (effort alone is not)."""
    if isinstance(value, Mapping) and value.get(catalog.OUTPUT_CONFIG_FORMAT_KEY) is not None:
        return [Verdict("ZDR004", "structured outputs (output_config format)", at=(catalog.OUTPUT_CONFIG_FORMAT_KEY,))]
    return []


# --- tools -----------------------------------------------------------------------------------------
def tool_type(value: str) -> Optional[tuple]:
    """(ToolPattern, date) for a tool `type` that triggers a code (any date of its family)."""
    return catalog.match_tool_type(value) if isinstance(value, str) else None


def tool_name(tool: catalog.ToolPattern, date: Optional[int]) -> str:
    base = tool.pattern.pattern.split("(")[0]
    return f"{tool.label} ({base}{date})" if date else tool.label


def runs_through_code_execution(tool: catalog.ToolPattern, date: Optional[int], callers: Any) -> bool:
    """Dynamic filtering: a 2026 web search / fetch tool that code execution may call (its SDK default)
    unless `allowed_callers` is exactly `["direct"]`."""
    if tool.dynamic_filtering_from is None or date is None or date < tool.dynamic_filtering_from:
        return False
    return not (isinstance(callers, (list, tuple)) and list(callers) == [catalog.DIRECT_CALLER])


def tool(definition: Any, *, is_tool: bool = False) -> list:
    """What a tool definition (a dict with `type`, `allowed_callers`, `strict`, ...) triggers.
    `is_tool`: it is known to be in a request's tools (otherwise `strict` counts only next to an
    Anthropic tool's `input_schema`)."""
    if not _is_map(definition):
        return []
    kind, callers, strict = definition.get("type"), definition.get(catalog.ALLOWED_CALLERS_KEY), definition.get(catalog.STRICT_KEY)
    if kind is None and callers is None and strict is not True:
        return []  # a plain custom tool: the common case, settled at once
    found = []
    matched = tool_type(kind)
    if matched is not None:
        pattern, date = matched
        found.append(Verdict(pattern.code, tool_name(pattern, date), at=("type",)))
        if runs_through_code_execution(pattern, date, callers):
            found.append(Verdict("ZDR006", f"dynamic filtering of the {tool_name(pattern, date)}", at=("type",), trigger="dynamic_filtering"))
    elif isinstance(kind, str) and (hipaa := catalog.match_hipaa_tool_type(kind)) is not None:
        trigger = catalog.HIPAA_TOOL_FAMILIES[hipaa[0]]
        found.append(Verdict("ZDR016", f"{catalog.TRIGGERS[trigger].label.split(' (')[0]} ({kind})", at=("type",), trigger=trigger))
    if (matched is None or matched[0].dynamic_filtering_from is None) and programmatic_callers(callers):
        found.append(Verdict("ZDR006", "programmatic tool calling (allowed_callers)", at=(catalog.ALLOWED_CALLERS_KEY,), trigger="programmatic_tool_calling"))
    if strict is True and (is_tool or catalog.TOOL_SCHEMA_KEY in definition):
        found.append(strict_tool().under(catalog.STRICT_KEY))
    return found


def programmatic_callers(callers: Any) -> bool:
    """`allowed_callers` naming a code execution caller: the tool is called from the container."""
    return isinstance(callers, (list, tuple)) and any(isinstance(c, str) and catalog.CODE_EXECUTION_CALLER.fullmatch(c) for c in callers)


def strict_tool() -> Verdict:
    return Verdict("ZDR004", "strict tool schema (strict: True)")


def typed_param(class_name: str) -> Optional[Verdict]:
    """A typed param class of the SDK (`CacheControlEphemeralParam`, `WebSearchTool20260209Param`) by
    its name. A tool param's verdicts come from `tool()` on the type it stands for."""
    param = catalog.match_typed_param(class_name)
    if param is None:
        return None
    return Verdict(param.code, param.label)


def typed_tool_type(class_name: str) -> Optional[str]:
    """The tool `type` a typed tool param stands for (`WebSearchTool20260209Param` -> `web_search_20260209`)."""
    param = catalog.match_typed_param(class_name)
    if param is None:
        return catalog.hipaa_typed_param_tool_type(class_name)
    return catalog.typed_param_tool_type(param, class_name)


# --- content blocks ----------------------------------------------------------------------------------
def cache_control(value: Any) -> Optional[Verdict]:
    """A `cache_control` key written in a block, tool, system block or message."""
    return None if value is None else Verdict("ZDR002", "prompt caching (cache_control block)")


def is_cache_value(value: Any) -> bool:
    """`{"type": "ephemeral", ...}`: a cache_control value only Anthropic spells."""
    return isinstance(value, Mapping) and value.get("type") == catalog.CACHE_CONTROL_TYPE


def content_block(block: Any) -> list:
    """A content block that references an uploaded file (ZDR001)."""
    if not isinstance(block, Mapping):
        return []
    kind = block.get("type")
    if kind is not UNKNOWN and kind not in catalog.FILE_BLOCK_TYPES:
        return []  # a kind only known at run time (`{"type": kind, ...}`) is judged by its source alone
    found = []
    if kind == "container_upload" and catalog.FILE_ID_KEY in block:
        found.append(Verdict("ZDR001", "uploaded file referenced by file_id (container_upload)", at=(catalog.FILE_ID_KEY,)))
    source = block.get("source")
    if isinstance(source, Mapping) and source.get("type") == catalog.FILE_SOURCE_TYPE and catalog.FILE_ID_KEY in source:
        found.append(Verdict("ZDR001", f"uploaded file referenced by file_id ({'content' if kind is UNKNOWN else kind} block)", at=("source", catalog.FILE_ID_KEY)))
    return found


# --- telemetry --------------------------------------------------------------------------------------
def env_setting(name: str, value: Any) -> Optional[Verdict]:
    """ZDR012 for an environment variable that sends data to a telemetry collector, set to a value
    that switches it on (`UNKNOWN`: a switch is reported with medium confidence)."""
    switch = catalog.TELEMETRY_ENV_VARS.get(name)
    if switch is None or value is None:
        return None
    label = f"{switch.label} switched on ({name})"
    trigger = catalog.TELEMETRY_TRIGGERS.get(name, "")
    if value is UNKNOWN:
        return Verdict("ZDR012", label, switch.text, confidence="medium", trigger=trigger) if switch.accepts != "content" else None
    on = False
    if isinstance(value, bool) or isinstance(value, int):
        on = bool(value) and switch.accepts != "content"
    elif isinstance(value, str):
        text = value.strip().lower()
        if switch.accepts == "content":
            on = text == catalog.CONTENT_MODE_ON
        else:
            on = text in catalog.TRUE_STRINGS or (switch.accepts == "file" and text.startswith(catalog.FILE_MODE_PREFIX))
            if switch.accepts == "file" and text.startswith(catalog.FILE_MODE_PREFIX):
                label = f"{switch.label} written to files ({name}=file:...)"
    return Verdict("ZDR012", label, switch.text, trigger=trigger) if on else None


def open_telemetry(value: Any) -> list:
    """The SDK client option `open_telemetry={"traces": {"content_mode": "content"}}`."""
    first, second = catalog.CONTENT_MODE_PATH
    traces = value.get(first) if isinstance(value, Mapping) else None
    if isinstance(traces, Mapping) and traces.get(second) == catalog.CONTENT_MODE_ON:
        return [Verdict("ZDR012", "OpenTelemetry export of prompt and response content (content_mode)", catalog.SDK_CONTENT_MODE_TEXT, at=(first, second), trigger="sdk_trace_content")]
    return []


def telemetry_destination(traces: Any) -> list:
    """The API's server-side export: a telemetry destination whose `traces` carry content."""
    mode = catalog.CONTENT_MODE_PATH[1]
    if isinstance(traces, Mapping) and traces.get(mode) == catalog.CONTENT_MODE_ON:
        return [Verdict("ZDR012", "server-side OpenTelemetry export of prompt and response content (telemetry destination content_mode)", catalog.SERVER_EXPORT_TEXT, at=(mode,), trigger="server_export")]
    return []


def resource_keyword(path: tuple, name: str, value: Any) -> list:
    """Keywords of a resource method outside the Messages request (a telemetry destination's traces)."""
    if tuple(path[:-1]) == catalog.TELEMETRY_DESTINATIONS and path[-1] in catalog.TELEMETRY_DESTINATION_METHODS and name == catalog.TRACES_KEYWORD:
        return telemetry_destination(value)
    if tuple(path[:-1]) == catalog.AGENT_DEFINITIONS and path[-1] in catalog.AGENT_DEFINITION_METHODS:
        return agent_definition({name: value})
    return []


def agent_definition(body: Mapping) -> list:
    """A Managed Agent's remote MCP servers (ZDR009) and Agent Skills (ZDR010); empty or None is none."""
    found = []
    for name, keyword in catalog.AGENT_DEFINITION_KEYWORDS.items():
        if name in body and not is_off(body[name]):
            found.append(Verdict(keyword.code, keyword.label, at=(name,)))
    return found


# --- endpoints ---------------------------------------------------------------------------------------
def endpoint(path: str) -> Optional[Verdict]:
    """The code of a request path of the API (`/v1/files`, `/v1/sessions/...`)."""
    matched = catalog.match_endpoint_path(path)
    return Verdict(matched[0], f"{matched[1]} ({path.split('?', 1)[0]})", trigger=_feature_trigger(*matched)) if matched else None


def raw_url(url: str) -> Optional[Verdict]:
    """The code of a URL to an Anthropic-processed host whose path is an endpoint with an exception."""
    matched = catalog.match_raw_endpoint(url)
    return Verdict(matched[0], f"{matched[1]} over raw HTTP", trigger=_feature_trigger(*matched)) if matched else None


# --- a whole request, as the runtime guard sees it -----------------------------------------------------
MESSAGES_PATHS = ("/v1/messages", "/v1/messages/count_tokens")
BATCHES_PATH = "/v1/messages/batches"


def request(method: str, path: str, body: Any = None, header_map: Optional[Mapping] = None, *, beta: bool = False, client: Optional[str] = None) -> list:
    """Every verdict of one outgoing API request: its path, its headers, its JSON body, the client class.
    `path` is the URL path (a query is ignored); `beta`: the SDK marks it as a `client.beta` call."""
    if "?" in path or "#" in path:
        path = path.split("?", 1)[0].split("#", 1)[0]
    if plain_request(path, body, header_map, beta=beta, client=client):
        return []
    found: list = client_verdicts(client) if client in _JUDGED_CLIENTS else []
    if (v := endpoint(path)) is not None:
        found.append(v)
    header_verdicts = headers(header_map or {})
    beta_names: list = []
    for key, value in (header_map or {}).items():
        if isinstance(key, str) and key.lower() == catalog.BETA_HEADER:
            beta_names += split_betas(value)
    beta = beta or any(v.code == "ZDR005" for v in header_verdicts)
    found += [v for v in header_verdicts if v.code != "ZDR005"]
    if isinstance(body, Mapping):
        if path in MESSAGES_PATHS:
            found.extend(messages_body(body, beta=beta))
        elif path == BATCHES_PATH and method.upper() == "POST":
            for i, item in enumerate(body.get("requests") or ()):
                params = item.get("params") if isinstance(item, Mapping) else None
                if isinstance(params, Mapping):
                    found.extend(v.under("requests", i, "params") for v in messages_body(params, beta=beta))
        else:
            if method.upper() == "POST" and (path == catalog.AGENT_DEFINITIONS_PATH or path.rsplit("/", 1)[0] == catalog.AGENT_DEFINITIONS_PATH):
                found.extend(agent_definition(body))
            if path.startswith(catalog.TELEMETRY_DESTINATIONS_PATH):
                found.extend(v.under(catalog.TRACES_KEYWORD) for v in telemetry_destination(body.get(catalog.TRACES_KEYWORD)))
            if (v := model_id(body.get(catalog.MODEL_KEYWORD))) is not None:
                found.append(v.under(catalog.MODEL_KEYWORD))
            found.extend(_tools(body.get("tools")))
    if beta:
        found.append(beta_use(f"beta API ({method.upper()} {path})", also=[v.code for v in found], names=beta_names))
    return found


def plain_request(path: str, body: Any, header_map: Optional[Mapping] = None, *, beta: bool = False, client: Optional[str] = None) -> bool:
    """True for the common request, in which nothing can fire: a Messages call with no beta header,
    an unjudged client, and a body that holds nothing `messages_body` could find (no judged keyword,
    a model outside the Covered Models, plain custom tools, messages and blocks without
    cache_control or file references). False means "look closer", never "found". The guard's hot
    path: one function (a call costs as much as a loop's step here), checked without building
    anything, the common shapes settled by C-level key-set tests (`d.keys() <= {...}`)."""
    if path not in MESSAGES_PATHS or beta or client in _JUDGED_CLIENTS or type(body) is not dict:
        return False
    if header_map:
        for key in header_map:
            if type(key) is str and key.lower() == catalog.BETA_HEADER:
                return False
    if not body.keys().isdisjoint(_JUDGED_BESIDES_MODEL):
        return False
    model = body.get(catalog.MODEL_KEYWORD)
    if model is not None:
        if type(model) is not str:
            return False
        lowered = model.lower()
        for family in catalog.COVERED_MODEL_FAMILIES:
            if family in lowered:
                return False
    tools = body.get("tools")
    if tools is not None:
        if type(tools) is not list:
            return False
        for definition in tools:
            if type(definition) is not dict or not _PLAIN_TOOL_KEYS.issuperset(definition):
                return False
    for key in ("system", "messages"):
        blocks = body.get(key)
        if blocks is None or type(blocks) is str:
            continue
        if type(blocks) is not list:
            return False
        for block in blocks:
            if type(block) is dict and len(block) == 2 and "role" in block and type(block.get("content")) is str:
                continue  # exactly {"role": ..., "content": "text"}: most of a history (the fastest test of it)
            if type(block) is not dict or not block.keys() <= _PLAIN_BLOCK_KEYS or block.get("type") in catalog.FILE_BLOCK_TYPES or "source" in block:
                return False
            content = block.get("content")
            if content is None or type(content) is str:
                continue
            if type(content) is not list:
                return False
            for inner in content:
                if type(inner) is not dict or not inner.keys() <= _PLAIN_BLOCK_KEYS or inner.get("type") in catalog.FILE_BLOCK_TYPES or "source" in inner or type(inner.get("content")) is list:
                    return False
    return True


_JUDGED_BESIDES_MODEL = frozenset(set(catalog.REQUEST_KEYWORDS) | set(catalog.HIPAA_REQUEST_KEYWORDS) | {catalog.OUTPUT_CONFIG_KEYWORD, "extra_headers"})
_JUDGED_CLIENTS = frozenset(catalog.CLOUD_PROCESSED_CLIENTS) | frozenset(catalog.UNNAMED_PLATFORM_CLIENTS)
# A tool definition with only these keys cannot trigger anything (no type, callers, strict or cache_control).
_PLAIN_TOOL_KEYS = frozenset({"name", "description", "input_schema", "input_examples", "eager_input_streaming", "defer_loading"})
# A message or block with only these keys has no cache_control (its type and content are checked apart).
_PLAIN_BLOCK_KEYS = frozenset({"role", "content", "type", "text", "id", "name", "input", "tool_use_id", "is_error", "citations", "source", "thinking", "signature", "data", "title", "context"})


def messages_body(body: Mapping, *, beta: bool = False) -> list:
    """Verdicts of a Messages request body: its keywords, its tools, and every block in it."""
    found = []
    for name, value in body.items():
        if name in _JUDGED_KEYWORDS:  # the others (max_tokens, metadata, ...) have no effect
            found.extend(v.under(name) for v in request_keyword(name, value, beta=beta))
    found.extend(_tools(body.get("tools")))
    found.extend(_blocks(body))
    return found


# The top-level body keys request_keyword can find a use in.
_JUDGED_KEYWORDS = frozenset(catalog.REQUEST_KEYWORDS) | frozenset(catalog.HIPAA_REQUEST_KEYWORDS) | {catalog.OUTPUT_CONFIG_KEYWORD, catalog.MODEL_KEYWORD, "extra_headers"}


def _tools(tools: Any) -> list:
    if type(tools) not in _SEQUENCES:
        return []
    found = []
    for i, definition in enumerate(tools):
        # a plain custom tool (no type, callers or strict) is the common case: settled without a call
        if type(definition) is dict and "type" not in definition and catalog.ALLOWED_CALLERS_KEY not in definition and definition.get(catalog.STRICT_KEY) is not True:
            continue
        found += [v.under("tools", i) for v in tool(definition, is_tool=True)]
    return found


def _blocks(body: Mapping) -> Iterator[Verdict]:
    """Every `cache_control` key and every file block where the API reads blocks: system blocks,
    messages and their content (and content nested in tool results), tool definitions. Not inside a
    tool's `input_schema`, a `tool_use` input or `metadata`: a key named `cache_control` there is
    data, not prompt caching. The guard runs this on every request: plain type tests, no recursion
    into anything else."""
    cache_key = catalog.CACHE_CONTROL_KEY
    tools = body.get("tools")
    if type(tools) in _SEQUENCES:
        for i, definition in enumerate(tools):
            if (type(definition) is dict or _is_map(definition)) and definition.get(cache_key) is not None:
                yield Verdict("ZDR002", "prompt caching (cache_control block)", at=("tools", i, cache_key))
    for key in ("system", "messages"):
        blocks = body.get(key)
        if type(blocks) in _SEQUENCES:
            yield from _block_list(blocks, (key,))


_SEQUENCES = (list, tuple)


def _is_map(value: Any) -> bool:
    return type(value) is dict or (type(value) not in _SEQUENCES and isinstance(value, Mapping))


def _block_list(blocks: Any, path: tuple) -> Iterator[Verdict]:
    """Messages or blocks, and the `content` lists inside them, for cache_control keys and file blocks."""
    cache_key = catalog.CACHE_CONTROL_KEY
    file_blocks = catalog.FILE_BLOCK_TYPES
    stack = [(blocks, path)]
    while stack:
        items, where = stack.pop()
        for i, block in enumerate(items):
            if type(block) is dict:
                # a message or block with text content and no cache_control: the common case
                if cache_key not in block and type(block.get("content")) is not list and block.get("type") not in file_blocks:
                    continue
            elif not _is_map(block):
                continue
            if block.get(cache_key) is not None:
                yield Verdict("ZDR002", "prompt caching (cache_control block)", at=where + (i, cache_key))
            if block.get("type") in file_blocks:
                for v in content_block(block):
                    yield v.under(*where, i)
            content = block.get("content")
            if type(content) in _SEQUENCES:
                stack.append((content, where + (i, "content")))
            source = block.get("source")  # a document whose source is itself blocks
            if type(source) is dict and type(source.get("content")) in _SEQUENCES:
                stack.append((source["content"], where + (i, "source", "content")))


# --- profiles and policy positions -------------------------------------------------------------------
def policy_table(value: Any = None) -> tuple:
    """The position taken on every disputed topic, as sorted (topic, position) pairs: `None` gives the
    defaults, "scope" or "docs" that position on every topic, a mapping (or pairs) of topic -> position
    those topics over the defaults. A ValueError names an unknown topic or position."""
    table = dict(catalog.DEFAULT_POLICY)
    if value is None:
        return tuple(sorted(table.items()))
    if isinstance(value, str):
        if value not in catalog.POSITIONS:
            raise ValueError(f"unknown policy {value!r}: choose {' or '.join(repr(p) for p in catalog.POSITIONS)}")
        return tuple(sorted((topic, value) for topic in table))
    items = value.items() if isinstance(value, Mapping) else value
    for topic, position in items:
        if topic not in catalog.POLICY_TOPICS:
            raise ValueError(f"unknown policy topic {topic!r}: the topics are {', '.join(catalog.POLICY_TOPICS)}")
        if position not in catalog.POSITIONS:
            raise ValueError(f"policy topic {topic!r}: unknown position {position!r}: choose {' or '.join(repr(p) for p in catalog.POSITIONS)}")
        table[topic] = position
    return tuple(sorted(table.items()))


def check_profile(profile: str) -> str:
    if profile not in catalog.PROFILES:
        raise ValueError(f"unknown profile {profile!r}: choose {' or '.join(repr(p) for p in catalog.PROFILES)}")
    return profile


def answer(trigger: str, profile: str = catalog.DEFAULT_PROFILE, policy: tuple = catalog.DEFAULT_POLICY) -> tuple:
    """(what the source the profile and policy follow answers for `trigger`, the topic's position or None)."""
    standing = catalog.TRIGGERS[trigger]
    position = dict(policy).get(standing.topic) if standing.topic else None
    if position == "scope":
        return standing.scope, position
    return (standing.zdr if profile == "zdr" else standing.hipaa), position


def judge(verdict: Verdict, profile: str = catalog.DEFAULT_PROFILE, policy: tuple = catalog.DEFAULT_POLICY) -> Optional[Verdict]:
    """The finding `verdict` is under `profile` and `policy` (a `policy_table`), or None when that
    profile and policy raise none: its severity, its message (what the docs' position says, what
    happens under a HIPAA BAA) and its basis. A verdict of a code zdr-lint does not know (a plugin's)
    is as it was reported."""
    standing = catalog.TRIGGERS.get(verdict.trigger_key)
    if standing is None:
        return verdict
    said, position = answer(verdict.trigger_key, profile, policy)
    if said == "yes":
        return None
    text = verdict.text or catalog.EXCEPTIONS[verdict.code]
    if position == "docs" and said in ("unlisted", "elsewhere") and standing.docs_text is not None:
        text = _rebased(text, verdict.code, standing.docs_text)
    if profile == "hipaa":
        if standing.hipaa_text is not None:
            text = standing.hipaa_text
        elif standing.baa is not None:
            text = catalog.CodeText(f"{text.exception}; {catalog.BAA_OUTCOMES[standing.baa]}", text.advice)
    severity = catalog.ANSWER_SEVERITY.get(said, verdict.severity or standing.severity)
    return replace(verdict, text=text, severity=severity, basis=(profile, standing.topic, position))


def _rebased(text: catalog.CodeText, code: str, docs: catalog.CodeText) -> catalog.CodeText:
    """`text` with its code's [scope] sentence replaced by the docs' (what follows it is kept)."""
    base = catalog.EXCEPTIONS[code]
    exception = docs.exception + text.exception[len(base.exception):] if text.exception.startswith(base.exception) else docs.exception
    advice = docs.advice if text.advice == base.advice else text.advice
    return catalog.CodeText(exception, advice)
