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
REQUEST_METHODS = frozenset({"create", "stream", "count_tokens", "parse"})
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

# --- The prefilter ----------------------------------------------------------------------------
# Lowercase byte strings; a file that holds none of them cannot hold a finding and is never parsed.
# Derived from the data above so it cannot drift from the rules.


def _trigger_words() -> tuple[bytes, ...]:
    words = {
        SDK_ROOT,
        "claude",  # model ids, CLAUDE_CODE_* variables, wrapper classes
        CACHE_CONTROL_KEY,
        TOOL_SCHEMA_KEY,
        FILE_ID_KEY,
        OPEN_TELEMETRY_KEYWORD,
        *(name.lower() for name in TELEMETRY_ENV_VARS),
        *(tool.pattern.pattern.split("(")[0].rstrip("_") for tool in TOOL_PATTERNS),
        *(kw for kw in REQUEST_KEYWORDS if kw in {"mcp_servers"}),
    }
    return tuple(sorted(w.lower().encode() for w in words))


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
        + [re.escape(CACHE_CONTROL_KEY), re.escape(FILE_ID_KEY), re.escape(TOOL_SCHEMA_KEY)]
        + [re.escape(name) for name in TELEMETRY_ENV_VARS]
        + [re.escape(BETA_HEADER)]
    ),
    re.IGNORECASE,
)
UNIQUE_SUBSTRINGS = (API_HOST, BETA_HEADER)
# Top-level packages whose import makes a file worth a closer look.
SDK_MODULES = frozenset({SDK_ROOT})
