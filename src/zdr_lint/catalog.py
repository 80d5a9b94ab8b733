"""The Anthropic API knowledge zdr-lint relies on, kept as data.

Every fact here comes from `zdr-reference.md` (the project's reference) and the `anthropic` SDK 2.x.
Rules and the prefilter read this module; nothing else spells an API name. When the API moves, this
is the one file to change (tests/test_catalog.py walks the installed SDK and fails on anything new
that is neither classified here nor listed as neutral).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# --- Clients -----------------------------------------------------------------------------------
# Clients whose requests Anthropic processes: every rule applies to their calls, no ZDR011.
ANTHROPIC_PROCESSED_CLIENTS = frozenset(
    {
        "Anthropic",
        "AsyncAnthropic",
        "Client",  # alias of Anthropic exported by the SDK
        "AsyncClient",
        "AnthropicFoundry",
        "AsyncAnthropicFoundry",
        "AnthropicAWS",
        "AsyncAnthropicAWS",
        "AnthropicGoogleCloud",
        "AsyncAnthropicGoogleCloud",
    }
)
# Clients served by a cloud provider that is the data processor (ZDR011 where constructed).
CLOUD_PROCESSED_CLIENTS = {
    "AnthropicBedrock": "Amazon Bedrock",
    "AsyncAnthropicBedrock": "Amazon Bedrock",
    "AnthropicBedrockMantle": "Amazon Bedrock (Mantle)",
    "AsyncAnthropicBedrockMantle": "Amazon Bedrock (Mantle)",
    "AnthropicVertex": "Google Vertex AI",
    "AsyncAnthropicVertex": "Google Vertex AI",
}
CLIENT_CLASSES = ANTHROPIC_PROCESSED_CLIENTS | frozenset(CLOUD_PROCESSED_CLIENTS)
# The SDK's root package: a client class must be imported from here (any submodule) to count.
SDK_ROOT = "anthropic"

# Attributes that return the same resources in another response mode; skipped in resource paths.
RESPONSE_WRAPPERS = frozenset({"with_raw_response", "with_streaming_response", "with_options", "copy"})


# --- Resources ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResourceRule:
    """A resource path prefix (below the client) and the code every method call under it triggers."""

    prefix: tuple[str, ...]
    code: str
    label: str


RESOURCE_RULES: tuple[ResourceRule, ...] = (
    ResourceRule(("files",), "ZDR001", "Files API"),
    ResourceRule(("beta", "files"), "ZDR001", "Files API"),
    ResourceRule(("messages", "batches"), "ZDR003", "Message Batches API"),
    ResourceRule(("beta", "messages", "batches"), "ZDR003", "Message Batches API"),
    ResourceRule(("messages", "parse"), "ZDR004", "structured outputs (messages.parse)"),
    ResourceRule(("beta", "messages", "parse"), "ZDR004", "structured outputs (messages.parse)"),
    ResourceRule(("skills",), "ZDR010", "Skills API"),
    ResourceRule(("beta", "skills"), "ZDR010", "Skills API"),
    ResourceRule(("beta",), "ZDR005", "beta API"),
)

def calls_resource(path: tuple, code: str) -> bool:
    """Is `path` (below a client) a method call under a resource that triggers `code`?"""
    return any(
        rule.code == code and path[: len(rule.prefix)] == rule.prefix and len(path) > len(rule.prefix)
        for rule in RESOURCE_RULES
    )


# Resources of 2.14 with no ZDR effect of their own (the catalog test accepts these as neutral).
NEUTRAL_RESOURCES = frozenset({"messages", "models", "user_profiles", "organization", "completions"})
# Beta resources are all ZDR005 through the ("beta",) prefix; listed so the catalog test knows them.
KNOWN_BETA_RESOURCES = frozenset(
    {
        "models", "messages", "agents", "environments", "sessions", "deployments", "deployment_runs",
        "vaults", "memory_stores", "files", "skills", "webhooks", "user_profiles", "dreams",
        "tunnels", "compliance", "organization",
    }
)

# Methods that send a Messages request: their keyword arguments are request parameters.
REQUEST_RESOURCES = frozenset({("messages",), ("beta", "messages")})
REQUEST_METHODS = frozenset({"create", "stream", "count_tokens", "parse", "tool_runner"})
# Beta-only methods of `beta.messages` with no request keywords of their own (ZDR005 through the prefix).
BETA_MESSAGES_METHODS = frozenset({"thread"})
# `messages.batches.create(requests=[{"params": {...}}])`: each params dict is a request too.
BATCH_CREATE_RESOURCES = frozenset({("messages", "batches"), ("beta", "messages", "batches")})


# --- Request parameters ------------------------------------------------------------------------
@dataclass(frozen=True)
class RequestKeyword:
    code: str
    label: str


# Request keywords that by their presence (any value but None) take a request outside ZDR.
REQUEST_KEYWORDS = {
    "cache_control": RequestKeyword("ZDR002", "prompt caching (cache_control)"),
    "diagnostics": RequestKeyword("ZDR002", "cache diagnostics (diagnostics=)"),
    "output_format": RequestKeyword("ZDR004", "structured outputs (output_format)"),
    "betas": RequestKeyword("ZDR005", "beta features (betas=)"),
    "mcp_servers": RequestKeyword("ZDR009", "MCP connector (mcp_servers=)"),
    "container": RequestKeyword("ZDR010", "container reuse (container=)"),
}
# `output_config` is structured outputs only when it carries a `format` (effort alone is not).
OUTPUT_CONFIG_KEYWORD = "output_config"
OUTPUT_CONFIG_FORMAT_KEY = "format"
# Keywords whose values hold content blocks, tools or more parameters that reach the request.
REQUEST_CONTENT_KEYWORDS = frozenset({"messages", "system", "tools", "extra_body"})
HEADER_KEYWORDS = frozenset({"extra_headers", "default_headers"})
BETA_HEADER = "anthropic-beta"
# Request keywords of 2.14 with no ZDR effect (the catalog test accepts these as neutral).
NEUTRAL_REQUEST_KEYWORDS = frozenset(
    {
        "max_tokens", "messages", "model", "inference_geo", "metadata", "service_tier", "speed",
        "stop_sequences", "stream", "system", "temperature", "thinking", "tool_choice", "tools",
        "top_k", "top_p", "user_profile_id", "workspace_id", "extra_headers", "extra_query",
        "extra_body", "timeout", "output_config", "fallback_credit_token",
        # beta-only keywords: already ZDR005 through the beta resource
        "thread", "compaction", "context_management", "fallbacks", "billing_policy",
    }
)

# --- Content blocks ----------------------------------------------------------------------------
CACHE_CONTROL_KEY = "cache_control"
CACHE_CONTROL_TYPE = "ephemeral"
# A block that references an uploaded file: {"type": <one of these>, "source": {"type": "file", "file_id": ...}}
FILE_BLOCK_TYPES = frozenset({"document", "image", "container_upload"})
FILE_SOURCE_TYPE = "file"
FILE_ID_KEY = "file_id"
# Tool definitions: Anthropic's custom tools carry `input_schema` (OpenAI's carry `parameters`).
TOOL_SCHEMA_KEY = "input_schema"
STRICT_KEY = "strict"
ALLOWED_CALLERS_KEY = "allowed_callers"
DIRECT_CALLER = "direct"


# --- Server tools: matched by pattern so a new dated version is caught without a release ----------
@dataclass(frozen=True)
class ToolPattern:
    pattern: re.Pattern
    code: str
    label: str
    # Dated versions from this date on let code execution call the tool unless allowed_callers is ["direct"].
    dynamic_filtering_from: Optional[int] = None


TOOL_PATTERNS: tuple[ToolPattern, ...] = (
    ToolPattern(re.compile(r"code_execution_(\d{8})"), "ZDR006", "code execution tool"),
    ToolPattern(re.compile(r"web_search_(\d{8})"), "ZDR007", "web search tool", 20260101),
    ToolPattern(re.compile(r"web_fetch_(\d{8})"), "ZDR008", "web fetch tool", 20260101),
    ToolPattern(re.compile(r"mcp_toolset()"), "ZDR009", "MCP toolset (MCP connector)"),
)
CODE_EXECUTION_CALLER = re.compile(r"code_execution_\d{8}")
# Client-side or in-memory tools with no ZDR effect (the catalog test accepts these as neutral).
NEUTRAL_TOOL_TYPES = re.compile(
    r"(bash|text_editor|computer|memory|browser_toolset|computer_toolset|tool_search_tool_(bm25|regex)"
    r"|advisor)(_\d{8})?|custom"
)


def match_tool_type(value: str) -> Optional[tuple[ToolPattern, Optional[int]]]:
    """The server-tool pattern a `type` string matches, with its date (None for undated types)."""
    for tool in TOOL_PATTERNS:
        m = tool.pattern.fullmatch(value)
        if m:
            date = int(m.group(1)) if m.group(1) else None
            return tool, date
    return None


# --- Typed params (TypedDicts of `anthropic.types` and `anthropic.types.beta`) ---------------------
@dataclass(frozen=True)
class TypedParam:
    pattern: re.Pattern
    code: str
    label: str


TYPED_PARAMS: tuple[TypedParam, ...] = (
    TypedParam(re.compile(r"(Beta)?CacheControlEphemeralParam"), "ZDR002", "prompt caching (CacheControlEphemeralParam)"),
    TypedParam(re.compile(r"(Beta)?JSONOutputFormatParam"), "ZDR004", "structured outputs (JSONOutputFormatParam)"),
    TypedParam(re.compile(r"(Beta)?CodeExecutionTool\d{8}Param"), "ZDR006", "code execution tool"),
    TypedParam(re.compile(r"(Beta)?WebSearchTool\d{8}Param"), "ZDR007", "web search tool"),
    TypedParam(re.compile(r"(Beta)?WebFetchTool\d{8}Param"), "ZDR008", "web fetch tool"),
    TypedParam(re.compile(r"BetaMCPToolsetParam"), "ZDR009", "MCP toolset (MCP connector)"),
)
# `OutputConfigParam(format=...)`: structured outputs only with a format.
OUTPUT_CONFIG_PARAM = re.compile(r"(Beta)?OutputConfigParam")


def match_typed_param(class_name: str) -> Optional[TypedParam]:
    for param in TYPED_PARAMS:
        if param.pattern.fullmatch(class_name):
            return param
    return None


# --- Telemetry (ZDR012) ------------------------------------------------------------------------
TELEMETRY_ENV_VARS = {
    "CLAUDE_CODE_ENABLE_TELEMETRY": "Claude Code telemetry",
    "OTEL_LOG_USER_PROMPTS": "OpenTelemetry logging of user prompts",
    "OTEL_LOG_ASSISTANT_RESPONSES": "OpenTelemetry logging of assistant responses",
    "OTEL_LOG_TOOL_DETAILS": "OpenTelemetry logging of tool details",
    "OTEL_LOG_TOOL_CONTENT": "OpenTelemetry logging of tool content",
    "OTEL_LOG_RAW_API_BODIES": "OpenTelemetry logging of raw API bodies",
}
TRUE_STRINGS = frozenset({"1", "true", "yes", "on"})
# Reading the environment (`os.environ[...]`, `os.environ.get`, `os.getenv`): passing a value through is not a switch.
ENV_READERS = frozenset({"os.environ", "os.getenv"})
OPEN_TELEMETRY_KEYWORD = "open_telemetry"
CONTENT_MODE_PATH = ("traces", "content_mode")
CONTENT_MODE_ON = "content"

# --- Raw HTTP ----------------------------------------------------------------------------------
API_HOST = "api.anthropic.com"
RAW_ENDPOINTS = (
    ("/v1/messages/batches", "ZDR003", "Message Batches API"),
    ("/v1/files", "ZDR001", "Files API"),
    ("/v1/skills", "ZDR010", "Skills API"),
)
RAW_ENDPOINT_PATHS = tuple(path for path, _, _ in RAW_ENDPOINTS)

# --- Cloud platforms without the SDK's clients (ZDR011) --------------------------------------------
# boto3: `boto3.client("bedrock-runtime").invoke_model(modelId="us.anthropic.claude-...")`.
BOTO3_ROOTS = frozenset({"boto3", "botocore", "aioboto3", "aiobotocore"})
BOTO3_CLIENT_FACTORIES = frozenset({"client", "create_client"})  # boto3 / aiobotocore sessions
BEDROCK_RUNTIME_SERVICE = "bedrock-runtime"
BEDROCK_RUNTIME_METHODS = frozenset({"invoke_model", "invoke_model_with_response_stream", "converse", "converse_stream"})
BEDROCK_MODEL_ID_KEY = "modelId"
# An Anthropic model on Bedrock: `anthropic.claude-...`, with any region prefix (`us.`, `eu.`, `global.`)
# or inside an inference-profile ARN.
BEDROCK_ANTHROPIC_MODEL = re.compile(r"(?:^|[./:])anthropic\.")
BEDROCK_MODEL_MARKER = "anthropic.claude"
# Vertex AI: a `.../publishers/anthropic/models/...` endpoint written as a URL or resource name.
VERTEX_PUBLISHER_PATH = "publishers/anthropic/models"
# Substrings that make a string worth resolving as an endpoint (raw API paths, the Vertex publisher).
ENDPOINT_STRING_MARKERS = RAW_ENDPOINT_PATHS + (VERTEX_PUBLISHER_PATH,)


def match_raw_endpoint(url: str) -> Optional[tuple]:
    """(code, label) for a URL of the Anthropic API host whose path is a raw endpoint, else None."""
    at = url.find(API_HOST)
    if at < 0:
        return None
    rest = url[at + len(API_HOST):]
    for path, code, label in RAW_ENDPOINTS:
        if rest.startswith(path) and rest[len(path):len(path) + 1] in ("", "/", "?", "{", "#"):
            return code, label
    return None

# --- The prefilter ----------------------------------------------------------------------------
# Lowercase byte strings; a file that holds none of them cannot hold a finding and is never parsed.
# Derived from the data above so it cannot drift from the rules.


def _tool_word(tool: ToolPattern) -> str:
    """`web_search_20` for the dated `web_search_(\\d{8})`: OpenAI's `web_search_preview` stays out."""
    prefix = tool.pattern.pattern.split("(")[0]
    return prefix + "20" if prefix.endswith("_") else prefix


# `cache_control` is Django's and Google Cloud's word too: a string counts only where a finding can be
# written, as a dict key, a subscript (`block["cache_control"] = ...`) or a constant's value.
KEYED_STRINGS = frozenset({CACHE_CONTROL_KEY})
# Strings that are Anthropic spellings only next to partner strings in the same file: a file block's
# `file_id` with `container_upload`, or with a `source` of type `file` in an image or document block;
# an Anthropic tool's `input_schema` with `strict`. Each key maps to the partner sets that complete it.
PAIRED_STRINGS = {
    FILE_ID_KEY: (frozenset({"container_upload"}),)
    + tuple(frozenset({FILE_SOURCE_TYPE, "source", block}) for block in ("image", "document")),
    TOOL_SCHEMA_KEY: (frozenset({STRICT_KEY}),),
}
PAIR_PARTNERS = frozenset(p for partner_sets in PAIRED_STRINGS.values() for partners in partner_sets for p in partners)


def _trigger_words(extra: frozenset = frozenset()) -> tuple[bytes, ...]:
    """Each word is one pass over every file's bytes, so a word containing another word is dropped
    (`claude_code_enable_telemetry` contains `claude`); words sharing a part are grouped behind it
    by the engine (`engine.gated_words`)."""
    words = {
        *extra,
        SDK_ROOT,
        "claude",  # model ids, CLAUDE_CODE_* variables, wrapper classes
        CACHE_CONTROL_KEY,
        OPEN_TELEMETRY_KEYWORD,
        *TELEMETRY_ENV_VARS,
        *(_tool_word(tool) for tool in TOOL_PATTERNS),
        *(kw for kw in REQUEST_KEYWORDS if kw in {"mcp_servers"}),
    }
    words = {w.lower() for w in words}
    minimal = {w for w in words if not any(other != w and other in w for other in words)}
    return tuple(sorted(w.encode() for w in minimal))


def _trigger_pairs() -> frozenset:
    """Words too common alone (OpenAI writes `file_id` and `input_schema` too) that count only with
    the words a finding about them also needs (PAIRED_STRINGS, below): a file block's type and
    `source`, a strict tool's `strict`. Groups of two or more words, all of which must be present."""
    groups = set()
    for key, partner_sets in PAIRED_STRINGS.items():
        for partners in partner_sets:
            # `file` is inside `file_id`: a word contained in another adds nothing
            words = {key} | {p for p in partners if not any(p != q and p in q for q in partners | {key})}
            # the key first: it is the rare word, so most files are settled by looking for it once
            groups.add((key.encode(), *sorted(w.encode() for w in words - {key})))
    return frozenset(groups)


TRIGGER_PAIRS: frozenset = _trigger_pairs()
TRIGGER_WORDS: tuple[bytes, ...] = _trigger_words()

# Identifiers that can start a finding once the file refers to Anthropic: resource names, request
# keywords, typed-param and client class names. Used by the second stage (an `ast` pass).
RESOURCE_WORDS = frozenset(
    {word for rule in RESOURCE_RULES for word in rule.prefix}
    | {"create", "stream", "count_tokens", "parse", OPEN_TELEMETRY_KEYWORD}
    | set(REQUEST_KEYWORDS)
    | {OUTPUT_CONFIG_KEYWORD}
    | HEADER_KEYWORDS
    | REQUEST_CONTENT_KEYWORDS
    | set(CLOUD_PROCESSED_CLIENTS)
)
# String constants that are Anthropic spellings wherever they appear (matched whole, ignoring case),
# and substrings that are (the API host, the beta header).
UNIQUE_STRING = re.compile(
    "|".join(
        [tool.pattern.pattern for tool in TOOL_PATTERNS]
        + [re.escape(name) for name in TELEMETRY_ENV_VARS]
        + [re.escape(BETA_HEADER)]
    ),
    re.IGNORECASE,
)
# Keyword-argument names that are Anthropic spellings (`dict(os.environ, CLAUDE_CODE_ENABLE_TELEMETRY="1")`).
UNIQUE_KEYWORDS = frozenset(TELEMETRY_ENV_VARS)
UNIQUE_SUBSTRINGS = (API_HOST, BETA_HEADER, BEDROCK_MODEL_MARKER, VERTEX_PUBLISHER_PATH)
# Top-level packages whose import makes a file worth a closer look.
SDK_MODULES = frozenset({SDK_ROOT})
# A line importing the SDK (`import anthropic`, `import os, anthropic`, `from anthropic.types import`),
# on lowercased bytes: only such a file can make a client itself, so only it opens the project index.
# `from litellm.llms.anthropic import` and the SDK's own relative imports do not match.
SDK_IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:from[ \t]+" + SDK_ROOT.encode() + rb"\b|import(?:[ \t]+|[^\n#]*[ \t,])" + SDK_ROOT.encode() + rb"\b)", re.M
)

# --- Wrappers: libraries that send Anthropic requests for you (resolved through imports) ----------
# Each entry is a callable, named by its import paths; a call of it is a request source whose
# keywords become request keywords (`betas` -> `betas`, agno's `skills` -> `container`, ...), so the
# rules that read request keywords fire through their usual `check_request` hook.
@dataclass(frozen=True)
class WrapperEntry:
    qualnames: tuple  # import paths of the class or function
    label: str
    # wrapper keyword -> request keyword it becomes (its presence is the use, as for the SDK)
    keywords: tuple = ()
    # boolean switches: wrapper keyword -> request keyword, a use only when set to a true value
    switches: tuple = ()
    # keywords whose dict entries are passed through as request keywords (LangChain `model_kwargs`)
    passthrough: tuple = ()
    # an Anthropic model is required: keyword (or first positional) whose string must match
    model_keyword: Optional[str] = None
    # keywords reported as they are: wrapper keyword -> (code, label)
    direct: tuple = ()
    # keywords that route the wrapper to a cloud platform when given: keyword -> platform (ZDR011)
    platform_keywords: tuple = ()
    # keywords holding a response schema (a JSON schema or a model class): structured outputs
    schema_keywords: tuple = ()
    # methods of an object made by the wrapper that take request options as a dict:
    # (method, keyword); the dict's keys are mapped by `options` (option key -> request keyword)
    option_methods: tuple = ()
    options: tuple = ()


ANTHROPIC_MODEL_ID = re.compile(r"(anthropic[/:]|claude-)")

WRAPPER_ENTRIES: tuple = (
    WrapperEntry(
        ("langchain_anthropic.ChatAnthropic", "langchain_anthropic.chat_models.ChatAnthropic", "langchain_anthropic.AnthropicLLM"),
        "LangChain ChatAnthropic",
        keywords=(("betas", "betas"), ("mcp_servers", "mcp_servers"), ("container", "container")),
        passthrough=("model_kwargs",),
    ),
    WrapperEntry(
        ("langchain.chat_models.init_chat_model", "langchain.chat_models.base.init_chat_model"),
        "LangChain init_chat_model",
        keywords=(("betas", "betas"), ("mcp_servers", "mcp_servers")),
        passthrough=("model_kwargs",),
        model_keyword="model",
    ),
    WrapperEntry(
        ("agno.models.anthropic.Claude", "agno.models.anthropic.claude.Claude"),
        "agno Claude",
        keywords=(
            ("betas", "betas"), ("mcp_servers", "mcp_servers"), ("skills", "container"),
            ("output_config", "output_config"), ("context_management", "betas"),
        ),
        switches=(("cache_system_prompt", "cache_control"), ("cache_tools", "cache_control"), ("extended_cache_time", "cache_control")),
        passthrough=("request_params",),
        direct=(("skills", "ZDR006", "agno skills (run in the code execution container)"),),
    ),
    WrapperEntry(
        ("claude_agent_sdk.ClaudeAgentOptions", "claude_agent_sdk.types.ClaudeAgentOptions"),
        "Claude Agent SDK options",
        # its mcp_servers and skills run in the local process: not the MCP connector, not the Skills API
        keywords=(("betas", "betas"), ("output_format", "output_format")),
    ),
    WrapperEntry(
        ("litellm.completion", "litellm.acompletion", "litellm.main.completion", "litellm.main.acompletion"),
        "LiteLLM completion",
        keywords=(("betas", "betas"), ("mcp_servers", "mcp_servers"), ("container", "container"), ("cache_control_injection_points", "cache_control")),
        model_keyword="model",
        schema_keywords=("response_format",),
    ),
    WrapperEntry(
        ("pydantic_ai.models.anthropic.AnthropicModelSettings",),
        "pydantic-ai AnthropicModelSettings",
        switches=(
            ("anthropic_cache", "cache_control"), ("anthropic_cache_instructions", "cache_control"),
            ("anthropic_cache_tool_definitions", "cache_control"), ("anthropic_cache_messages", "cache_control"),
        ),
        keywords=(("anthropic_betas", "betas"), ("anthropic_container", "container")),
    ),
)
# LiteLLM `response_format` becomes structured outputs on an Anthropic model (a JSON schema or a
# pydantic class; `{"type": "json_object"}` and `{"type": "text"}` carry no schema).
LITELLM_ROUTER = ("litellm.Router", "litellm.router.Router")
LITELLM_ROUTER_METHODS = frozenset({"completion", "acompletion"})
RESPONSE_FORMAT_KEYWORD = "response_format"
SCHEMALESS_RESPONSE_FORMATS = frozenset({"json_object", "text"})
# pydantic-ai settings written as a plain dict (`model_settings={"anthropic_cache_instructions": True}`).
# Exactly the AnthropicModelSettings switches: LiteLLM's `anthropic_cache_control_hook` is not one.
PYDANTIC_AI_CACHE_KEYS = frozenset(
    key for e in WRAPPER_ENTRIES if e.qualnames[0].startswith("pydantic_ai.") for key, target in e.switches if target == CACHE_CONTROL_KEY
)
# pydantic-ai built-in tools, on an Anthropic model: class name -> (code, label).
PYDANTIC_AI_AGENT = ("pydantic_ai.Agent", "pydantic_ai.agent.Agent")
PYDANTIC_AI_ANTHROPIC_MODEL = ("pydantic_ai.models.anthropic.AnthropicModel",)
PYDANTIC_AI_BUILTIN_TOOLS = {
    "WebSearchTool": ("ZDR007", "pydantic-ai WebSearchTool (web search server tool)"),
    "CodeExecutionTool": ("ZDR006", "pydantic-ai CodeExecutionTool (code execution server tool)"),
    "WebFetchTool": ("ZDR008", "pydantic-ai WebFetchTool (web fetch server tool)"),
    "UrlContextTool": ("ZDR008", "pydantic-ai UrlContextTool (web fetch server tool)"),
    "MCPServerTool": ("ZDR009", "pydantic-ai MCPServerTool (MCP connector)"),
}
PYDANTIC_AI_TOOL_MODULES = ("pydantic_ai", "pydantic_ai.builtin_tools")
# LangChain runnables made from a ChatAnthropic: `.bind_tools(tools)` carries tools into the request;
# `.with_structured_output(schema, method="json_schema")` is structured outputs.
LANGCHAIN_BIND_TOOLS = "bind_tools"
LANGCHAIN_STRUCTURED = "with_structured_output"
LANGCHAIN_STRUCTURED_METHOD = "json_schema"
# instructor: these return a patched client whose `messages.create` / `chat.completions.create` are requests.
INSTRUCTOR_FROM_CLIENT = ("instructor.from_anthropic", "instructor.patch", "instructor.apatch")
INSTRUCTOR_FROM_PROVIDER = ("instructor.from_provider",)
INSTRUCTOR_REQUEST_PATHS = frozenset({("chat", "completions", "create"), ("chat", "completions", "create_with_completion"), ("create",), ("create_with_completion",)})
INSTRUCTOR_BATCH = ("instructor.batch.BatchProcessor", "instructor.BatchProcessor", "instructor.batch.processor.BatchProcessor")
# Wrappers whose model is served by a cloud processor (ZDR011 where constructed).
CLOUD_WRAPPERS = {
    "langchain_google_vertexai.model_garden.ChatAnthropicVertex": "Google Vertex AI",
    "langchain_google_vertexai.ChatAnthropicVertex": "Google Vertex AI",
    "agno.models.aws.Claude": "Amazon Bedrock",
    "agno.models.aws.claude.Claude": "Amazon Bedrock",
    "agno.models.vertexai.Claude": "Google Vertex AI",
    "agno.models.vertexai.claude.Claude": "Google Vertex AI",
}
# Libraries whose import makes a file worth a closer look (added to the `ast` gate below).
WRAPPER_MODULES = frozenset(
    {q.split(".")[0] for e in WRAPPER_ENTRIES for q in e.qualnames}
    | {q.split(".")[0] for q in LITELLM_ROUTER + PYDANTIC_AI_AGENT + INSTRUCTOR_FROM_CLIENT + INSTRUCTOR_BATCH}
    | {q.split(".")[0] for q in CLOUD_WRAPPERS}
)
WRAPPER_WORDS = frozenset(
    {q.rsplit(".", 1)[-1] for e in WRAPPER_ENTRIES for q in e.qualnames}
    | {k for e in WRAPPER_ENTRIES for k, _ in e.keywords + e.switches} | {k for e in WRAPPER_ENTRIES for k in e.passthrough}
    | {LANGCHAIN_BIND_TOOLS, LANGCHAIN_STRUCTURED, RESPONSE_FORMAT_KEYWORD, "builtin_tools", "from_anthropic", "from_provider", "patch"}
    | {q.rsplit(".", 1)[-1] for q in LITELLM_ROUTER + INSTRUCTOR_BATCH + tuple(CLOUD_WRAPPERS)}
    | LITELLM_ROUTER_METHODS | set(PYDANTIC_AI_BUILTIN_TOOLS)
)
# Raw HTTP libraries (src/zdr_lint/raw_http.py) and the words their calls are written with.
HTTP_MODULES = frozenset({"httpx", "requests", "aiohttp", "urllib", "urllib3"})
HTTP_WORDS = frozenset({"get", "post", "put", "delete", "patch", "request", "stream", "urlopen", "Request", "urljoin", "Client", "AsyncClient", "Session", "ClientSession", "base_url"})
# A wrapper library's import alone makes no candidate (LiteLLM's own 500 files import litellm): the
# file must also name an entry point that is always Anthropic (`ChatAnthropic`) or spell an Anthropic
# model id (`"anthropic/claude-..."`, `model_provider="anthropic"`), as the wrapper findings need.
WRAPPER_ANCHORS = frozenset(
    {q.rsplit(".", 1)[-1] for e in WRAPPER_ENTRIES if e.model_keyword is None for q in e.qualnames}
    | {q.rsplit(".", 1)[-1] for q in tuple(CLOUD_WRAPPERS) + PYDANTIC_AI_ANTHROPIC_MODEL}
)
# HTTP libraries are not here: a raw-HTTP finding needs the API host, which the ast stage already
# treats as an Anthropic spelling (or a base URL the project index learned through an import).
RESOURCE_WORDS = RESOURCE_WORDS | WRAPPER_WORDS | HTTP_WORDS

# --- Anthropic by shape (issue 13) ----------------------------------------------------------------
# Real applications get their client from somewhere the checked file does not show (a helper in a
# shared package, an attribute of a wrapper object, a parameter without annotation). A reader still
# knows it is Anthropic from the shape of the call; such findings carry confidence "medium".
@dataclass(frozen=True)
class ShapePath:
    """A resource path (below a receiver of unknown origin) that only Anthropic's SDK has."""

    prefix: tuple
    methods: Optional[frozenset] = None  # None: any method below the prefix (`beta.skills.versions.create`)
    # the call must also pass one of these keywords (`messages.parse(output_format=...)`)
    needs_keyword: frozenset = frozenset()


FILES_METHODS = frozenset({"upload", "download", "retrieve_metadata", "list", "delete"})
# A Messages request names its model and messages (or spreads them in with `**`): an `app.beta.messages`
# of our own (`create(text=...)`) is not one. "**" stands for a `**kwargs` argument.
SHAPE_MESSAGES_KEYWORDS = frozenset({"model", "messages", "max_tokens", "system", "**"})
SHAPE_PATHS: tuple = (
    ShapePath(("messages", "batches")),
    ShapePath(("beta", "messages", "batches")),
    ShapePath(("beta", "messages"), REQUEST_METHODS, SHAPE_MESSAGES_KEYWORDS),
    ShapePath(("beta", "files"), FILES_METHODS),
    ShapePath(("beta", "skills")),
    ShapePath(("beta", "prompt_caching", "messages"), frozenset({"create", "stream"}), SHAPE_MESSAGES_KEYWORDS),
    ShapePath(("messages",), frozenset({"parse"}), frozenset({"output_format"})),
)
# `X.messages.create|stream|count_tokens(...)`: Anthropic when the call passes `max_tokens=` and also
# an Anthropic model id (`claude-...`) or a keyword only Anthropic's Messages API takes.
SHAPE_REQUEST_METHODS = frozenset({"create", "stream", "count_tokens"})
SHAPE_REQUIRED_KEYWORD = "max_tokens"
SHAPE_ANTHROPIC_KEYWORDS = frozenset(REQUEST_KEYWORDS) | {OUTPUT_CONFIG_KEYWORD, "thread", "thinking", "system", "stop_sequences", "top_k"}
# The SDK's 0.x beta namespace for prompt caching sent Messages requests too.
LEGACY_REQUEST_RESOURCES = frozenset({("beta", "prompt_caching", "messages")})
# A receiver, attribute or factory whose name says Anthropic or Claude (`anthropic_client`,
# `self._anthropic`, `get_claude_client()`) is an Anthropic client when nothing shows it is another object.
ANTHROPIC_NAME = re.compile(r"anthropic|claude", re.IGNORECASE)
# ... unless it also names another provider (`claude_or_openai`), and a receiver named after another
# provider never takes an Anthropic shape (`self.openai.beta.messages...`).
OTHER_PROVIDER_NAME = re.compile(r"openai|gpt|gemini|genai|mistral|cohere|groq|ollama|bedrock_runtime|boto", re.IGNORECASE)
# Packages whose objects are not Anthropic clients: a receiver made by one of them keeps its own API
# (OpenAI's `client.beta.*`, google-genai's `client.files`, Mistral's `client.beta.*`, LiteLLM's own
# modules, Claude Agent SDK clients, boto3's bedrock-runtime).
OTHER_PROVIDER_ROOTS = frozenset(
    {
        "openai", "google", "vertexai", "mistralai", "cohere", "groq", "litellm", "together", "fireworks",
        "ollama", "boto3", "botocore", "aioboto3", "aiobotocore", "azure", "huggingface_hub", "replicate",
        "langchain_openai", "langchain_google_genai", "langchain_google_vertexai", "langchain_mistralai",
        "langchain_aws", "langchain_groq", "langchain_cohere", "claude_agent_sdk", "claude_code_sdk",
        "cerebras", "xai_sdk", "zhipuai", "dashscope", "voyageai",
    }
)
# Methods a bound method passed on may be (`retry(client.beta.messages.create, **kw)`): a resource
# name passed on (`client.beta.files`) is not itself a call.
RESOURCE_METHODS = REQUEST_METHODS | FILES_METHODS | frozenset({"retrieve", "cancel", "results", "update", "create"})
# For the ast stage (gate.py): the resource words a shape or an Anthropic-named receiver starts
# with, the shape prefixes as word pairs, and the request keywords that make `X.messages.create(...)`
# Anthropic's when its model is not a literal.
SHAPE_PREFIXES = frozenset(rule.prefix[:2] for rule in SHAPE_PATHS if len(rule.prefix) >= 2)
SHAPE_NAMED_WORDS = frozenset({word for rule in RESOURCE_RULES for word in rule.prefix} | {"messages"})
SHAPE_GATE_KEYWORDS = frozenset(REQUEST_KEYWORDS) | {OUTPUT_CONFIG_KEYWORD}

# --- Model ids that name a cloud platform (issue 13, ZDR011) ----------------------------------------
# A Bedrock Claude id is a spelling only Bedrock uses: `anthropic.claude-...`, with an optional region
# prefix (`us.`, `eu.`, `apac.`, `global.`, `jp.`, `au.`, `us-gov.`, ...), a `-v1:0`-style suffix, inside an
# inference-profile or foundation-model ARN, or behind LiteLLM's `bedrock/` (`bedrock/converse/`) route.
# A Vertex Claude id is `claude-...@YYYYMMDD`, or LiteLLM's `vertex_ai/claude-...`. Such a string, written
# as a value (a model argument, a constant, a default, a mapping's value), is Claude on that platform.
@dataclass(frozen=True)
class PlatformModelId:
    pattern: re.Pattern
    platform: str
    marker: str  # a lowercase substring every match holds (a cheap test first)


PLATFORM_MODEL_IDS: tuple = (
    PlatformModelId(
        re.compile(
            r"(?:bedrock/(?:converse/|invoke/)?)?"
            r"(?:arn:aws[\w-]*:bedrock:[\w-]*:\d*:(?:application-)?(?:inference-profile|foundation-model)/)?"
            r"(?:[a-z]{2,7}(?:-[a-z]+)?\.)?anthropic\.claude-[\w.\-]*(?::\d+)?",
            re.IGNORECASE,
        ),
        "Amazon Bedrock",
        BEDROCK_MODEL_MARKER,
    ),
    PlatformModelId(re.compile(r"(?:vertex_ai/)?claude-[\w.\-]*@\d{8}", re.IGNORECASE), "Google Vertex AI", "@"),
    PlatformModelId(re.compile(r"vertex_ai/claude-[\w.\-@]*", re.IGNORECASE), "Google Vertex AI", "vertex_ai/claude"),
)
PLATFORM_ID_MARKERS = tuple(sorted({entry.marker for entry in PLATFORM_MODEL_IDS}))


def match_platform_model_id(text: str) -> Optional[str]:
    """The cloud platform a model id string names (the whole string), else None."""
    lowered = text.lower()
    for entry in PLATFORM_MODEL_IDS:
        if entry.marker in lowered and entry.pattern.fullmatch(text):
            return entry.platform
    return None


# Calls whose arguments are looked up or compared, not sent: a model id given to them is not a use
# (`ids.index("us.anthropic...")`, `name.startswith(...)`, `self.assertEqual(model, "...")`); for the
# getters, only the first argument is a key (`os.getenv("MODEL", "us.anthropic...")` gives a default).
LOOKUP_METHODS = frozenset({"startswith", "endswith", "replace", "split", "rsplit", "index", "find", "rfind", "count", "remove", "discard", "match", "fullmatch", "search", "strip", "removeprefix", "removesuffix"})
KEY_GETTERS = frozenset({"get", "getenv", "pop", "setdefault", "__getitem__"})
ASSERTION_PREFIX = "assert"

# Claude Code (and the Claude Agent SDK, which runs it) on a cloud platform: these variables set true.
PLATFORM_ENV_VARS = {
    "CLAUDE_CODE_USE_BEDROCK": "Amazon Bedrock",
    "CLAUDE_CODE_USE_VERTEX": "Google Vertex AI",
}
PLATFORM_ENV_PREFIX = "CLAUDE_CODE_USE_"
UNIQUE_STRING = re.compile(UNIQUE_STRING.pattern + "|" + "|".join(re.escape(name) for name in PLATFORM_ENV_VARS), re.IGNORECASE)
UNIQUE_KEYWORDS = UNIQUE_KEYWORDS | frozenset(PLATFORM_ENV_VARS)

# --- Beta features by shape (issue 13, ZDR005) ----------------------------------------------------------
# Anthropic's beta names are `<feature>-YYYY-MM-DD` (`files-api-2025-04-14`, `context-1m-2025-08-07`). A
# list of them given under a keyword or key that says beta (`betas`, `beta_headers`, `additional_beta_flags`)
# to a call zdr-lint does not otherwise understand (a project's own wrapper) is a beta use; so is
# Bedrock's `anthropic_beta` body field (InvokeModel bodies, Converse `additionalModelRequestFields`,
# `extra_body`) with any non-empty value.
BETA_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*-20\d\d-\d\d-\d\d")
BETA_KEYWORD = re.compile(r"(?:^|_)betas?(?:$|_)", re.IGNORECASE)
BEDROCK_BETA_KEY = "anthropic_beta"
UNIQUE_STRING = re.compile(UNIQUE_STRING.pattern + "|" + re.escape(BEDROCK_BETA_KEY), re.IGNORECASE)

# --- More wrappers (issue 13), resolved through their imports --------------------------------------------
# Each read from the library's own source (keyword names as the library spells them):
# - Microsoft agent-framework (`agent_framework.anthropic`): `AnthropicClient(additional_beta_flags=...)`;
#   chat options (`as_agent(default_options=...)`, `get_response(options=...)`): `container`,
#   `additional_beta_flags`, `response_format`; hosted tools from its static factories
#   (`get_mcp_tool` -> the MCP connector, `get_code_interpreter_tool`, `get_web_search_tool`);
#   `AnthropicBedrockClient` / `AnthropicVertexClient` are cloud routes.
# - strands `AnthropicModel(params={...})` (passed into the request); `BedrockModel` cache points are
#   Bedrock's own caching (its model id is the ZDR011).
# - haystack `AnthropicChatGenerator(generation_kwargs={...})` (passed into the request, `run()` too);
#   `AnthropicVertexChatGenerator` is a cloud route.
# - camel `AnthropicConfig(cache_control="5m" | "1h", output_config=..., extra_headers=...)`.
# - pipecat `AnthropicLLMService.Settings` / `.InputParams(enable_prompt_caching=True, extra={...})`
#   (`enable_prompt_caching_beta` in older releases).
# - livekit `livekit.plugins.anthropic.LLM(caching="ephemeral")`.
# - browser-use `ChatAnthropic(betas=..., output_config=..., fallbacks=...)` (fallbacks ride a beta);
#   `ChatAnthropicBedrock` is a cloud route.
# - llama-index `Anthropic(additional_kwargs=..., cache_idx=N, mcp_servers=..., tools=...)`; with
#   `aws_region=` it builds a Bedrock client, with `project_id=` a Vertex one.
# - crewAI `LLM(model="anthropic/...", response_format=...)` and DSPy `LM("anthropic/...", **kwargs)`
#   (their extra keywords reach LiteLLM); DSPy's own `cache=` is a local response cache, not caching.
# - agno on Bedrock / Vertex (`agno.models.aws.Claude`, `agno.models.vertexai.Claude`) subclass agno's
#   Anthropic `Claude` and take its options.
def _agno_cloud(entry: WrapperEntry) -> WrapperEntry:
    from dataclasses import replace

    return replace(
        entry,
        qualnames=("agno.models.aws.Claude", "agno.models.aws.claude.Claude", "agno.models.vertexai.Claude", "agno.models.vertexai.claude.Claude"),
        label="agno Claude (Bedrock / Vertex)",
    )


_LITELLM_ENTRY = next(e for e in WRAPPER_ENTRIES if e.qualnames[0] == "litellm.completion")
_AGENT_FRAMEWORK_OPTIONS = (("container", "container"), ("additional_beta_flags", "betas"), ("response_format", "output_format"))
MORE_WRAPPER_ENTRIES: tuple = (
    _agno_cloud(next(e for e in WRAPPER_ENTRIES if e.qualnames[0] == "agno.models.anthropic.Claude")),
    WrapperEntry(
        (
            "agent_framework.anthropic.AnthropicClient", "agent_framework.anthropic.RawAnthropicClient",
            "agent_framework_anthropic.AnthropicClient", "agent_framework_anthropic.RawAnthropicClient",
            "agent_framework_anthropic._chat_client.AnthropicClient",
        ),
        "agent-framework AnthropicClient",
        keywords=(("additional_beta_flags", "betas"),),
        option_methods=(("as_agent", "default_options"), ("create_agent", "default_options"), ("get_response", "options"), ("get_streaming_response", "options")),
        options=_AGENT_FRAMEWORK_OPTIONS,
    ),
    WrapperEntry(
        ("strands.models.anthropic.AnthropicModel", "strands.models.AnthropicModel"),
        "strands AnthropicModel",
        passthrough=("params",),
    ),
    WrapperEntry(
        (
            "haystack_integrations.components.generators.anthropic.AnthropicChatGenerator",
            "haystack_integrations.components.generators.anthropic.chat.chat_generator.AnthropicChatGenerator",
            "haystack_integrations.components.generators.anthropic.AnthropicGenerator",
        ),
        "haystack AnthropicChatGenerator",
        passthrough=("generation_kwargs",),
        option_methods=(("run", "generation_kwargs"), ("run_async", "generation_kwargs")),
    ),
    WrapperEntry(
        ("camel.configs.AnthropicConfig", "camel.configs.anthropic_config.AnthropicConfig"),
        "camel AnthropicConfig",
        keywords=(("cache_control", "cache_control"), ("output_config", "output_config"), ("extra_headers", "extra_headers"), ("extra_body", "extra_body")),
    ),
    WrapperEntry(
        (
            "pipecat.services.anthropic.llm.AnthropicLLMService.Settings", "pipecat.services.anthropic.llm.AnthropicLLMSettings",
            "pipecat.services.anthropic.llm.AnthropicLLMService.InputParams", "pipecat.services.anthropic.AnthropicLLMService.InputParams",
            "pipecat.services.anthropic.AnthropicLLMService.Settings",
        ),
        "pipecat AnthropicLLMService",
        switches=(("enable_prompt_caching", "cache_control"), ("enable_prompt_caching_beta", "cache_control")),
        passthrough=("extra",),
    ),
    WrapperEntry(
        ("livekit.plugins.anthropic.LLM", "livekit.plugins.anthropic.llm.LLM"),
        "livekit Anthropic LLM",
        switches=(("caching", "cache_control"),),
    ),
    WrapperEntry(
        ("browser_use.llm.ChatAnthropic", "browser_use.llm.anthropic.chat.ChatAnthropic", "browser_use.ChatAnthropic"),
        "browser-use ChatAnthropic",
        keywords=(("betas", "betas"), ("output_config", "output_config"), ("fallbacks", "betas")),
    ),
    WrapperEntry(
        ("llama_index.llms.anthropic.Anthropic", "llama_index.llms.anthropic.base.Anthropic"),
        "llama-index Anthropic",
        keywords=(("cache_idx", "cache_control"), ("mcp_servers", "mcp_servers"), ("tools", "tools")),
        passthrough=("additional_kwargs",),
        platform_keywords=(("aws_region", "Amazon Bedrock"), ("project_id", "Google Vertex AI")),
    ),
    WrapperEntry(("crewai.LLM", "crewai.llm.LLM"), "crewAI LLM", model_keyword="model", schema_keywords=("response_format",)),
    WrapperEntry(("dspy.LM", "dspy.clients.LM", "dspy.clients.lm.LM"), "DSPy LM", keywords=_LITELLM_ENTRY.keywords, model_keyword="model"),
)
# Static factories of hosted (server) tools: the tool they return is the use.
TOOL_FACTORIES = {
    f"{root}.{method}": verdict
    for root in ("agent_framework.anthropic.AnthropicClient", "agent_framework_anthropic.AnthropicClient")
    for method, verdict in (
        ("get_mcp_tool", ("ZDR009", "MCP connector (agent-framework hosted MCP tool)")),
        ("get_code_interpreter_tool", ("ZDR006", "code execution tool (agent-framework code interpreter)")),
        ("get_web_search_tool", ("ZDR007", "web search tool (agent-framework)")),
    )
}
CLOUD_WRAPPERS = {
    **CLOUD_WRAPPERS,
    "agent_framework.anthropic.AnthropicBedrockClient": "Amazon Bedrock",
    "agent_framework_anthropic.AnthropicBedrockClient": "Amazon Bedrock",
    "agent_framework.anthropic.AnthropicVertexClient": "Google Vertex AI",
    "agent_framework_anthropic.AnthropicVertexClient": "Google Vertex AI",
    "haystack_integrations.components.generators.anthropic.AnthropicVertexChatGenerator": "Google Vertex AI",
    "browser_use.llm.ChatAnthropicBedrock": "Amazon Bedrock",
    "browser_use.llm.aws.chat_anthropic.ChatAnthropicBedrock": "Amazon Bedrock",
    "browser_use.ChatAnthropicBedrock": "Amazon Bedrock",
    "langchain_aws.ChatAnthropicBedrock": "Amazon Bedrock",
}
# agno agents and teams on an agno Claude model: `output_schema=` is served with Anthropic's structured
# outputs (unless `use_json_mode=True` without `structured_outputs=True`, or a `parser_model`), and
# a `Function(..., strict=True)` among `tools=` is a strict tool. Media that carry a Files API upload
# (`File(external=uploaded)`, `Image(content=uploaded)`) are sent as `file_id` sources.
AGNO_AGENTS = ("agno.agent.Agent", "agno.agent.agent.Agent", "agno.team.Team", "agno.team.team.Team")
AGNO_CLAUDE = tuple(q for e in WRAPPER_ENTRIES + MORE_WRAPPER_ENTRIES if e.qualnames[0].startswith("agno.models.") for q in e.qualnames)
AGNO_SCHEMA_KEYWORD = "output_schema"
AGNO_JSON_MODE = ("use_json_mode", "structured_outputs", "parser_model")
AGNO_FUNCTIONS = ("agno.tools.Function", "agno.tools.function.Function")
UPLOADED_FILE_HOLDERS = {"agno.media.File": "external", "agno.media.Image": "content"}

WRAPPER_ENTRIES = WRAPPER_ENTRIES + MORE_WRAPPER_ENTRIES
_more_roots = {q.split(".")[0] for e in MORE_WRAPPER_ENTRIES for q in e.qualnames} | {q.split(".")[0] for q in tuple(CLOUD_WRAPPERS) + tuple(TOOL_FACTORIES) + AGNO_AGENTS}
WRAPPER_MODULES = WRAPPER_MODULES | _more_roots
_more_words = (
    {q.rsplit(".", 1)[-1] for e in MORE_WRAPPER_ENTRIES for q in e.qualnames}
    | {k for e in MORE_WRAPPER_ENTRIES for k, _ in e.keywords + e.switches + e.platform_keywords}
    | {k for e in MORE_WRAPPER_ENTRIES for k in e.passthrough + e.schema_keywords}
    | {m for e in MORE_WRAPPER_ENTRIES for m, _ in e.option_methods}
    | {q.rsplit(".", 1)[-1] for q in tuple(CLOUD_WRAPPERS) + tuple(TOOL_FACTORIES) + tuple(UPLOADED_FILE_HOLDERS)}
    | {AGNO_SCHEMA_KEYWORD}
)
WRAPPER_WORDS = WRAPPER_WORDS | _more_words
WRAPPER_ANCHORS = WRAPPER_ANCHORS | {
    q.rsplit(".", 1)[-1] for e in MORE_WRAPPER_ENTRIES if e.model_keyword is None for q in e.qualnames
} | {q.rsplit(".", 1)[-1] for q in tuple(CLOUD_WRAPPERS) + tuple(TOOL_FACTORIES)}
RESOURCE_WORDS = RESOURCE_WORDS | _more_words
# Objects of a wrapper library have that library's API: shape never reads them as the SDK's client.
OTHER_PROVIDER_ROOTS = OTHER_PROVIDER_ROOTS | WRAPPER_MODULES

# The prefilter: a file whose client is made elsewhere and that never writes "anthropic" or "claude"
# still spells the shape (`X.messages.batches`, `X.beta.files`): the shapes' dotted paths are trigger words.
SHAPE_TRIGGER_WORDS = frozenset(".".join(rule.prefix) for rule in SHAPE_PATHS if len(rule.prefix) >= 2)
TRIGGER_WORDS = _trigger_words(SHAPE_TRIGGER_WORDS)
