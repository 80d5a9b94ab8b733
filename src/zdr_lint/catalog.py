"""The Anthropic API knowledge zdr-lint relies on, kept as data.

Every fact here comes from `zdr-reference.md` (the project's reference) and the `anthropic` SDK 2.x.
Rules and the prefilter read this module; nothing else spells an API name. When the API moves, this
is the one file to change (tests/test_catalog.py walks the installed SDK and fails on anything new
that is neither classified here nor listed as neutral).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional, Union


@dataclass(frozen=True)
class Neutral:
    """An SDK name with no ZDR effect of its own, and why (the catalog test accepts it as known)."""

    reason: str


# --- The exceptions, per code ----------------------------------------------------------------------
@dataclass(frozen=True)
class CodeText:
    """What a code's findings say after the use: the ZDR exception, then what to do instead. A trigger
    with an exception of its own (cache diagnostics, telemetry content export, ...) overrides both."""

    exception: str
    advice: str


EXCEPTIONS = {
    "ZDR001": CodeText("uploaded files are kept until deleted, outside ZDR", "send the content inline (base64) or delete the file right after use"),
    "ZDR002": CodeText(
        "hashed representations of the prompt are kept for the cache TTL (5 min or 1 h), outside ZDR",
        "drop cache_control unless your ZDR agreement covers prompt caching",
    ),
    "ZDR003": CodeText("batch requests and results are stored (results for 29 days), outside ZDR", "send the requests individually with messages.create"),
    "ZDR004": CodeText(
        "the JSON schema is cached for up to 24 h after last use (ZDR qualified)",
        "validate free-form JSON yourself, or keep sensitive values out of the schema",
    ),
    "ZDR005": CodeText("beta products are outside ZDR unless your agreement covers them", "use the generally available API, or confirm the beta is covered"),
    "ZDR006": CodeText("container inputs, files and outputs are kept up to 30 days, outside ZDR", "run code client-side; pin server tools with allowed_callers=['direct']"),
    "ZDR007": CodeText(
        "queries reach third-party sites; ZDR may not cover them and the HIPAA BAA does not apply",
        "search from your own code and pass results in the prompt",
    ),
    "ZDR008": CodeText(
        "pages are fetched from third parties, who may keep what they receive; not HIPAA eligible",
        "fetch the page yourself and pass its text in the prompt",
    ),
    "ZDR009": CodeText(
        "MCP connector data is kept under the standard policy and remote servers are third parties",
        "call the MCP server from your own process and pass results as client-side tools",
    ),
    "ZDR010": CodeText(
        "skill files and container state are kept after the request, outside ZDR",
        "put the skill's instructions in the prompt and run its scripts client-side",
    ),
    "ZDR011": CodeText(
        "the cloud provider is the data processor, so Anthropic's ZDR arrangement does not apply",
        "use the Anthropic API under your ZDR agreement, or check the cloud's own terms",
    ),
    "ZDR012": CodeText(
        "usage data leaves to your telemetry collector, outside the request path ZDR governs (this is not Anthropic keeping request content)",
        "leave telemetry off in code, or send it only to a collector under the same controls",
    ),
    "ZDR013": CodeText(
        "agents, sessions, environments, memory stores and vaults are stateful: transcripts and state persist until deleted (ZDR No, HIPAA No)",
        "run the agent loop yourself with messages.create and keep its state on your side",
    ),
    "ZDR014": CodeText(
        "the server holds the conversation (messages, system prompt, tools) between turns until it expires, outside ZDR",
        "send the full history with each messages.create request instead of a thread",
    ),
    "ZDR015": CodeText(
        "Covered Models require 30-day retention and review: ZDR is not available for them unless Anthropic expressly "
        "authorises it, and under ZDR the API refuses them (HTTP 400) unless the workspace enables data retention",
        "use a model outside the Covered Models list, or get Anthropic's written authorisation first",
    ),
    # Only under the HIPAA profile (see "Profiles and policy positions" below): features the docs mark
    # ZDR eligible (or that run client side) but a HIPAA BAA does not cover.
    "ZDR016": CodeText(
        "the docs mark it HIPAA \"No\", though it keeps nothing outside ZDR",
        "keep protected health information away from it, or use a HIPAA-eligible alternative",
    ),
}
# Codes whose feature the "API and data retention" page marks ZDR "No" (Covered Models: "No" unless
# authorised). A beta finding never invites a suppression of these: their own code fires too.
DOCS_ZDR_NO = frozenset({"ZDR001", "ZDR003", "ZDR006", "ZDR009", "ZDR010", "ZDR013", "ZDR014", "ZDR015"})
# What each such code is called in a sentence ("this beta call is also Claude Managed Agents (ZDR013)").
FEATURE_NAMES = {
    "ZDR001": "the Files API", "ZDR002": "prompt caching", "ZDR003": "the Message Batches API",
    "ZDR004": "structured outputs", "ZDR006": "code execution", "ZDR007": "web search", "ZDR008": "web fetch",
    "ZDR009": "the MCP connector / MCP tunnels", "ZDR010": "Agent Skills / container reuse",
    "ZDR012": "telemetry export", "ZDR013": "Claude Managed Agents", "ZDR014": "message threads",
    "ZDR015": "a Covered Model", "ZDR016": "a feature outside the HIPAA BAA",
}

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

_CONNECTION = Neutral("how the client connects or authenticates: no request content")
# Keyword arguments of the client constructors (every client class; the catalog test reads them
# from the SDK): a code where the option can step outside ZDR, else why it cannot.
CLIENT_KEYWORDS: dict = {
    "open_telemetry": "ZDR012",  # {"traces": {"content_mode": "content"}} exports prompt content
    "default_headers": "ZDR005",  # an `anthropic-beta` default header makes every request a beta one
    "middleware": Neutral("runs in your process; BetaRefusalFallbackMiddleware adds a beta header the guard sees"),
    "default_query": Neutral("query parameters of every request: no ZDR feature is a query parameter"),
    "http_client": Neutral("the HTTP transport: where requests go is judged by base_url and the platform"),
    "base_url": Neutral("where the client sends requests; raw endpoints are judged by path"),
    "max_retries": _CONNECTION, "timeout": _CONNECTION, "api_key": _CONNECTION, "auth_token": _CONNECTION,
    "credentials": _CONNECTION, "config": _CONNECTION, "profile": _CONNECTION, "webhook_key": _CONNECTION,
    "_strict_response_validation": _CONNECTION, "_token_cache": _CONNECTION,
    "azure_ad_token_provider": _CONNECTION, "resource": _CONNECTION,
    "aws_access_key": _CONNECTION, "aws_profile": _CONNECTION, "aws_region": _CONNECTION,
    "aws_secret_key": _CONNECTION, "aws_session_token": _CONNECTION, "skip_auth": _CONNECTION,
    "workspace_id": _CONNECTION, "access_token": _CONNECTION, "project_id": _CONNECTION, "region": _CONNECTION,
    "project": _CONNECTION, "location": _CONNECTION, "token_provider": _CONNECTION,
}


# --- Resources ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResourceRule:
    """A resource path prefix (below the client) and the code every method call under it triggers."""

    prefix: tuple[str, ...]
    code: str
    label: str
    method: bool = False  # the prefix ends in a method (`messages.parse`), not a resource


# Claude Managed Agents: stateful resources, at any depth below these (sessions.events,
# environments.work, memory_stores.memories, ...).
MANAGED_AGENTS_RESOURCES = ("agents", "sessions", "environments", "deployments", "deployment_runs", "memory_stores", "vaults", "dreams")

RESOURCE_RULES: tuple[ResourceRule, ...] = (
    ResourceRule(("files",), "ZDR001", "Files API"),
    ResourceRule(("beta", "files"), "ZDR001", "Files API"),
    ResourceRule(("messages", "batches"), "ZDR003", "Message Batches API"),
    ResourceRule(("beta", "messages", "batches"), "ZDR003", "Message Batches API"),
    ResourceRule(("messages", "parse"), "ZDR004", "structured outputs (messages.parse)", method=True),
    ResourceRule(("beta", "messages", "parse"), "ZDR004", "structured outputs (messages.parse)", method=True),
    ResourceRule(("skills",), "ZDR010", "Skills API"),
    ResourceRule(("beta", "skills"), "ZDR010", "Skills API"),
    ResourceRule(("beta", "tunnels"), "ZDR009", "MCP tunnels"),
    ResourceRule(("beta", "messages", "thread"), "ZDR014", "message threads (beta.messages.thread)", method=True),
    *(ResourceRule(("beta", name), "ZDR013", "Claude Managed Agents") for name in MANAGED_AGENTS_RESOURCES),
    ResourceRule(("beta",), "ZDR005", "beta API"),
)


def resource_rules_of(path: tuple) -> list:
    """The rules a method call at `path` (below a client) falls under, nearest first."""
    found = [
        rule for rule in RESOURCE_RULES
        if path[: len(rule.prefix)] == rule.prefix and (len(path) > len(rule.prefix) or (rule.method and len(path) == len(rule.prefix)))
    ]
    return sorted(found, key=lambda rule: -len(rule.prefix))


_ADMIN = Neutral("Admin API: organisation settings and reports, no prompt or response content")
# Resources with no ZDR effect of their own, by path prefix (a beta one is still ZDR005).
NEUTRAL_RESOURCES: dict = {
    ("messages",): Neutral("the Messages API itself: its request keywords and content decide"),
    ("models",): Neutral("lists and describes models"),
    ("user_profiles",): Neutral("user profiles are an admin setting; profile ids on requests change nothing kept"),
    ("organization",): _ADMIN,
    ("beta", "messages"): Neutral("the beta Messages API: its request keywords and content decide"),
    ("beta", "models"): Neutral("lists and describes models"),
    ("beta", "user_profiles"): Neutral("user profiles are an admin setting"),
    ("beta", "organization"): _ADMIN,  # telemetry_destinations: judged by traces.content_mode (ZDR012)
    ("beta", "compliance"): Neutral("Compliance API: reads your organisation's activity (kept 6 years, informational)"),
    ("beta", "webhooks"): Neutral("verifies and parses webhook payloads locally; sends nothing"),
}
# Every resource of the SDK (2.15.0), sync and async alike, at any depth. tests/test_catalog.py fails
# on a resource not listed here, so a new one is read and classified before it is trusted (a new
# resource under a neutral one can be a new way out of ZDR: `beta.organization.telemetry_destinations`).
KNOWN_RESOURCES = frozenset(
    tuple(path.split("."))
    for path in """
    files messages messages.batches models skills skills.versions user_profiles user_profiles.action_urls
    organization organization.analytics organization.analytics.apps organization.analytics.apps.chat
    organization.analytics.apps.chat.projects organization.analytics.artifacts organization.analytics.connectors
    organization.analytics.plugins organization.analytics.skills organization.analytics.summaries
    organization.analytics.users organization.api_keys organization.compliance_settings organization.external_keys
    organization.federation organization.federation.issuers organization.federation.rules
    organization.federation.rules.workspaces organization.invites organization.rate_limits organization.rbac_groups
    organization.rbac_groups.members organization.rbac_roles organization.rbac_roles.permissions
    organization.service_accounts organization.service_accounts.workspaces organization.spend_limits
    organization.spend_limits.effective organization.spend_limits.increase_requests organization.users
    organization.workspaces organization.workspaces.members organization.workspaces.rate_limits
    organization.workspaces.service_accounts
    beta beta.files beta.models beta.messages beta.messages.batches beta.skills beta.skills.versions beta.webhooks
    beta.tunnels beta.tunnels.certificates
    beta.agents beta.agents.versions beta.deployment_runs beta.deployments beta.dreams beta.environments
    beta.environments.work beta.memory_stores beta.memory_stores.memories beta.memory_stores.memory_versions
    beta.sessions beta.sessions.events beta.sessions.resources beta.sessions.threads beta.sessions.threads.events
    beta.vaults beta.vaults.credentials
    beta.compliance beta.compliance.review beta.compliance.review.cases beta.compliance.review.items
    beta.compliance.review.notices
    beta.user_profiles beta.user_profiles.action_urls beta.user_profiles.providers beta.user_profiles.providers.google
    beta.user_profiles.providers.google.data_controls
    beta.organization beta.organization.analytics beta.organization.analytics.apps beta.organization.analytics.apps.chat
    beta.organization.analytics.apps.chat.projects beta.organization.analytics.artifacts
    beta.organization.analytics.connectors beta.organization.analytics.cost beta.organization.analytics.cost_report
    beta.organization.analytics.plugins beta.organization.analytics.skills beta.organization.analytics.summaries
    beta.organization.analytics.usage beta.organization.analytics.usage_report
    beta.organization.analytics.user_cost_report beta.organization.analytics.user_usage_report
    beta.organization.analytics.users beta.organization.api_keys beta.organization.claude_code
    beta.organization.claude_code.managed_settings beta.organization.claude_code.managed_settings.configuration
    beta.organization.claude_code.managed_settings.rbac_group_default
    beta.organization.claude_code.managed_settings.rbac_groups beta.organization.claude_tag
    beta.organization.claude_tag.bundles beta.organization.claude_tag.bundles.targets
    beta.organization.claude_tag.slack_channels beta.organization.claude_tag.slack_workspaces
    beta.organization.compliance_settings beta.organization.external_keys beta.organization.external_storage
    beta.organization.federation beta.organization.federation.issuers beta.organization.federation.rules
    beta.organization.federation.rules.workspaces beta.organization.invites beta.organization.plugin_marketplaces
    beta.organization.plugins beta.organization.plugins.installation_settings beta.organization.plugins.shares
    beta.organization.plugins.versions beta.organization.providers beta.organization.providers.google
    beta.organization.providers.google.projects beta.organization.providers.google.projects.data_controls
    beta.organization.rate_limits beta.organization.rbac_groups beta.organization.rbac_groups.members
    beta.organization.rbac_roles beta.organization.rbac_roles.permissions beta.organization.service_accounts
    beta.organization.service_accounts.workspaces beta.organization.spend_limits beta.organization.spend_limits.effective
    beta.organization.spend_limits.increase_requests beta.organization.telemetry_destinations
    beta.organization.telemetry_destinations.workspaces beta.organization.users beta.organization.webhooks
    beta.organization.workspaces beta.organization.workspaces.members beta.organization.workspaces.rate_limits
    beta.organization.workspaces.service_accounts
    """.split()
)
# Methods that send nothing (a signature checked locally): no finding, not even ZDR005.
LOCAL_METHODS = {
    ("beta", "webhooks", "unwrap"): Neutral("checks the webhook signature locally and sends nothing"),
    ("beta", "webhooks", "parse_unverified"): Neutral("parses a webhook payload locally and sends nothing"),
}

# Methods that send a Messages request: their keyword arguments are request parameters.
REQUEST_RESOURCES = frozenset({("messages",), ("beta", "messages")})
# `beta.messages.thread(...)` takes the create keywords too (`**params: Unpack[ThreadCreateParams]`).
REQUEST_METHODS = frozenset({"create", "stream", "count_tokens", "parse", "tool_runner", "thread"})
# Beta-only methods of `beta.messages` (GA `messages` has none of these).
BETA_MESSAGES_METHODS = frozenset({"thread", "tool_runner"})
# `messages.batches.create(requests=[{"params": {...}}])`: each params dict is a request too.
BATCH_CREATE_RESOURCES = frozenset({("messages", "batches"), ("beta", "messages", "batches")})

# The SDK's session-runner and worker helpers outside the client's resources (Managed Agents).
MANAGED_AGENTS_HELPERS = frozenset(
    f"{SDK_ROOT}.lib.environments.{name}"
    for name in ("EnvironmentWorker", "EnvironmentWorkerTools", "SessionToolRunner", "iter_work", "aiter_work", "download_session_skills")
)
# Message threads made directly rather than through `beta.messages.thread()`.
THREAD_HELPERS = frozenset(f"{SDK_ROOT}.lib.threads.{name}" for name in ("BetaMessageThread", "BetaAsyncMessageThread"))

# `Anthropic(middleware=[BetaRefusalFallbackMiddleware(...)])` sends the fallback-credit beta on beta
# message requests: beta at most (the docs say fallback credit stores no message content).
FALLBACK_MIDDLEWARE = frozenset(f"{SDK_ROOT}.lib.middleware.{name}" for name in ("BetaRefusalFallbackMiddleware",))
FALLBACK_TEXT = CodeText(
    "it sends the fallback-credit beta header on beta message requests; beta products are outside ZDR unless your "
    "agreement covers them, though the docs say fallback credit stores no message content",
    "confirm your agreement covers the beta, or drop the middleware",
)

# The API's server-side OpenTelemetry export (since 2026-10-14): a destination whose traces carry
# content sends prompts and responses to your collector.
TELEMETRY_DESTINATIONS = ("beta", "organization", "telemetry_destinations")
TELEMETRY_DESTINATION_METHODS = frozenset({"create", "update"})
TELEMETRY_DESTINATIONS_PATH = "/v1/organizations/telemetry_destinations"
TRACES_KEYWORD = "traces"


# --- Request parameters ------------------------------------------------------------------------
@dataclass(frozen=True)
class RequestKeyword:
    code: str
    label: str


# A Managed Agent's definition (`client.beta.agents.create|update`, POST /v1/agents[/{id}]) names the
# remote MCP servers and the Agent Skills its sessions use: the agent is ZDR013, and these are also the
# MCP connector (ZDR009) and Agent Skills (ZDR010), each ZDR "No" on its own.
AGENT_DEFINITIONS = ("beta", "agents")
AGENT_DEFINITION_METHODS = frozenset({"create", "update"})
AGENT_DEFINITIONS_PATH = "/v1/agents"
AGENT_DEFINITION_KEYWORDS = {
    "mcp_servers": RequestKeyword("ZDR009", "MCP connector on a Managed Agent (mcp_servers=)"),
    "skills": RequestKeyword("ZDR010", "Agent Skills on a Managed Agent (skills=)"),
}


# Request keywords that by their presence (any value but None) take a request outside ZDR.
REQUEST_KEYWORDS = {
    "cache_control": RequestKeyword("ZDR002", "prompt caching (cache_control=)"),
    "diagnostics": RequestKeyword("ZDR002", "cache diagnostics (diagnostics=)"),
    "output_format": RequestKeyword("ZDR004", "structured outputs (output_format=)"),
    "betas": RequestKeyword("ZDR005", "beta features (betas=)"),
    "mcp_servers": RequestKeyword("ZDR009", "MCP connector (mcp_servers=)"),
    "container": RequestKeyword("ZDR010", "container reuse (container=)"),
    "thread": RequestKeyword("ZDR014", "message threads (thread=)"),
}
# Keywords whose value off (None, [], {}) is not a use: a list of servers or betas.
EMPTY_IS_OFF = frozenset({"betas", "mcp_servers"})
# Cache diagnostics keep something other than the cache: their own exception and remedy.
DIAGNOSTICS_TEXT = CodeText(
    "a fingerprint of cryptographic hashes and token-count estimates is retained briefly (the docs: ZDR qualified, HIPAA No)",
    "drop diagnostics= (it is not prompt caching: keeping or dropping cache_control does not change this)",
)
# `output_config` is structured outputs only when it carries a `format` (effort alone is not).
OUTPUT_CONFIG_KEYWORD = "output_config"
OUTPUT_CONFIG_FORMAT_KEY = "format"
# Keywords whose values hold content blocks, tools or more parameters that reach the request.
REQUEST_CONTENT_KEYWORDS = frozenset({"messages", "system", "tools", "extra_body"})
HEADER_KEYWORDS = frozenset({"extra_headers", "default_headers"})
BETA_HEADER = "anthropic-beta"
MODEL_KEYWORD = "model"

_NO_EFFECT = Neutral("a request setting with no ZDR effect")
_CONTENT = Neutral("carries content blocks and tools, which are judged one by one")
# Every keyword of the GA request methods (messages.create / stream / parse / count_tokens and
# messages.batches.create): a code, or why it has none. The catalog test fails on a keyword of a GA
# method not listed here, even one known on the beta surface: a beta keyword reaching GA is news.
GA_REQUEST_KEYWORDS: dict = {
    **{name: keyword.code for name, keyword in REQUEST_KEYWORDS.items() if name not in ("betas", "mcp_servers", "thread")},
    "output_config": "ZDR004",  # with a `format`
    "model": "ZDR015",  # a Covered Model
    "messages": _CONTENT, "system": _CONTENT, "tools": _CONTENT, "extra_body": _CONTENT,
    "extra_headers": "ZDR005",  # an `anthropic-beta` header
    "requests": Neutral("batch items: the batch itself is ZDR003, each item's params are judged as a request"),
    "max_tokens": _NO_EFFECT, "inference_geo": _NO_EFFECT, "metadata": _NO_EFFECT, "service_tier": _NO_EFFECT,
    "speed": _NO_EFFECT, "stop_sequences": _NO_EFFECT, "stream": _NO_EFFECT, "temperature": _NO_EFFECT,
    "thinking": _NO_EFFECT, "tool_choice": _NO_EFFECT, "top_k": _NO_EFFECT, "top_p": _NO_EFFECT,
    "user_profile_id": _NO_EFFECT, "workspace_id": _NO_EFFECT, "extra_query": _NO_EFFECT, "timeout": _NO_EFFECT,
}
_BETA_ONLY = Neutral("beta only (ZDR005 through the beta call) with no ZDR effect of its own")
# Keywords only the beta request methods take (beta.messages.create / stream / parse / count_tokens /
# tool_runner / thread, beta.messages.batches.create).
BETA_REQUEST_KEYWORDS: dict = {
    **GA_REQUEST_KEYWORDS,
    "betas": "ZDR005", "mcp_servers": "ZDR009", "thread": "ZDR014",
    "compaction": Neutral("beta only: the docs mark compaction ZDR eligible (HIPAA No)"),
    "context_management": Neutral("beta only: the docs mark context editing ZDR eligible (HIPAA No)"),
    "fallbacks": _BETA_ONLY, "fallback_credit_token": _BETA_ONLY, "billing_policy": _BETA_ONLY,
    "max_iterations": Neutral("tool runner loop setting, local"), "run_tools_eagerly": Neutral("tool runner loop setting, local"),
    "unsupported_request_behavior": Neutral("message thread helper setting, local"),
}

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


# --- Tools: families of dated types, matched by pattern so a new date is caught without a release ---
@dataclass(frozen=True)
class ToolFamily:
    """`{family}_YYYYMMDD` tool types. `versions` are the dates the SDK has shipped: the catalog test
    fails on a new one until it is listed here (a new version can change eligibility, as the 2026
    web tools did), while the linter already matches any date of a family that has a code."""

    code: Union[str, Neutral]
    label: str
    versions: tuple
    # Dated versions from this date on let code execution call the tool unless allowed_callers is ["direct"].
    dynamic_filtering_from: Optional[int] = None


_CLIENT_SIDE = "client-side tool: it runs in your process, the API only sees its calls and results"
TOOL_FAMILIES = {
    "code_execution": ToolFamily("ZDR006", "code execution tool", (20250522, 20250825, 20260120, 20260521)),
    "web_search": ToolFamily("ZDR007", "web search tool", (20250305, 20260209, 20260318), dynamic_filtering_from=20260101),
    "web_fetch": ToolFamily("ZDR008", "web fetch tool", (20250910, 20260209, 20260309, 20260318), dynamic_filtering_from=20260101),
    "agent_toolset": ToolFamily("ZDR013", "Managed Agents agent toolset", (20260401,)),
    "multiagent": ToolFamily("ZDR013", "Managed Agents multiagent tool", (20261001,)),
    "bash": ToolFamily(Neutral(_CLIENT_SIDE), "bash tool", (20241022, 20250124)),
    "text_editor": ToolFamily(Neutral(_CLIENT_SIDE), "text editor tool", (20241022, 20250124, 20250429, 20250728)),
    "computer": ToolFamily(Neutral(_CLIENT_SIDE), "computer use tool", (20241022, 20250124, 20251124)),
    "computer_toolset": ToolFamily(Neutral(_CLIENT_SIDE), "computer toolset", (20260801,)),
    "browser_toolset": ToolFamily(Neutral(_CLIENT_SIDE + " (HIPAA: browser use is not covered, and not blocked)"), "browser toolset", (20260801,)),
    "memory": ToolFamily(Neutral(_CLIENT_SIDE + ": the memory files are yours"), "memory tool", (20250818,)),
    "tool_search_tool_bm25": ToolFamily(Neutral("tool search over the request's own tools (HIPAA No)"), "tool search tool", (20251119,)),
    "tool_search_tool_regex": ToolFamily(Neutral("tool search over the request's own tools (HIPAA No)"), "tool search tool", (20251119,)),
    "advisor": ToolFamily(Neutral("the docs mark the advisor tool ZDR eligible (HIPAA No)"), "advisor tool", (20260301,)),
    # context-management edits (`context_management={"edits": [...]}`), dated like tools
    "clear_tool_uses": ToolFamily(Neutral("a context-editing edit, not a tool: the docs mark context editing ZDR eligible"), "context edit", (20250919,)),
    "clear_thinking": ToolFamily(Neutral("a context-editing edit, not a tool: the docs mark context editing ZDR eligible"), "context edit", (20251015,)),
    "compact": ToolFamily(Neutral("a compaction edit, not a tool: the docs mark compaction ZDR eligible"), "compaction edit", (20260112,)),
}
# Tool types without a date.
UNDATED_TOOL_TYPES = {
    "mcp_toolset": "ZDR009",
    "custom": Neutral("your own tool: it runs in your process"),
    "tool_search_tool_bm25": Neutral("tool search over the request's own tools (HIPAA No)"),
    "tool_search_tool_regex": Neutral("tool search over the request's own tools (HIPAA No)"),
}
DATED_TYPE = re.compile(r"([a-z][a-z0-9_]*?)_(\d{8})")


@dataclass(frozen=True)
class ToolPattern:
    pattern: re.Pattern
    code: str
    label: str
    dynamic_filtering_from: Optional[int] = None


# The tool types that trigger a code, as patterns: any date of a family, and the undated ones.
TOOL_PATTERNS: tuple[ToolPattern, ...] = tuple(
    ToolPattern(re.compile(rf"{name}_(\d{{8}})"), family.code, family.label, family.dynamic_filtering_from)
    for name, family in TOOL_FAMILIES.items()
    if isinstance(family.code, str)
) + (ToolPattern(re.compile(r"mcp_toolset()"), "ZDR009", "MCP toolset (MCP connector)"),)
CODE_EXECUTION_CALLER = re.compile(r"code_execution_\d{8}")
# Neutral tool types, as one pattern (any date of a neutral family, or an undated neutral type).
NEUTRAL_TOOL_TYPES = re.compile(
    "|".join(
        [rf"{name}(_\d{{8}})?" for name, family in TOOL_FAMILIES.items() if isinstance(family.code, Neutral)]
        + [re.escape(name) for name, code in UNDATED_TOOL_TYPES.items() if isinstance(code, Neutral)]
    )
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
    family: Optional[str] = None  # a tool param: the tool family its class name dates (`WebSearchTool20260209Param`)


TYPED_PARAMS: tuple[TypedParam, ...] = (
    TypedParam(re.compile(r"(Beta)?CacheControlEphemeralParam"), "ZDR002", "prompt caching (CacheControlEphemeralParam)"),
    TypedParam(re.compile(r"(Beta)?JSONOutputFormatParam"), "ZDR004", "structured outputs (JSONOutputFormatParam)"),
    TypedParam(re.compile(r"(Beta)?CodeExecutionTool\d{8}Param"), "ZDR006", "code execution tool", "code_execution"),
    TypedParam(re.compile(r"(Beta)?WebSearchTool\d{8}Param"), "ZDR007", "web search tool", "web_search"),
    TypedParam(re.compile(r"(Beta)?WebFetchTool\d{8}Param"), "ZDR008", "web fetch tool", "web_fetch"),
    TypedParam(re.compile(r"Beta(ManagedAgents)?MCPToolsetParams?"), "ZDR009", "MCP toolset (MCP connector)", "mcp_toolset"),
    TypedParam(re.compile(r"BetaManagedAgentsAgentToolset\d{8}Params"), "ZDR013", "Managed Agents agent toolset", "agent_toolset"),
    TypedParam(re.compile(r"BetaManagedAgentsMultiagent\d{8}Params"), "ZDR013", "Managed Agents multiagent tool", "multiagent"),
)
# `OutputConfigParam(format=...)`: structured outputs only with a format.
OUTPUT_CONFIG_PARAM = re.compile(r"(Beta)?OutputConfigParam")


def match_typed_param(class_name: str) -> Optional[TypedParam]:
    for param in TYPED_PARAMS:
        if param.pattern.fullmatch(class_name):
            return param
    return None


def typed_param_tool_type(param: TypedParam, class_name: str) -> Optional[str]:
    """The tool `type` a typed tool param stands for: `WebSearchTool20260209Param` -> `web_search_20260209`."""
    if param.family is None:
        return None
    date = re.search(r"(\d{8})", class_name)
    return f"{param.family}_{date.group(1)}" if date else param.family


# --- Telemetry (ZDR012) ------------------------------------------------------------------------
@dataclass(frozen=True)
class TelemetrySwitch:
    """An environment variable that sends data to a telemetry collector when set to a value it accepts."""

    label: str
    text: CodeText
    # "switch": any true value ("1", "true"); "file": a true value or `file:<dir>`; "content": the value "content"
    accepts: str = "switch"


_EVENTS_LEAVE = CodeText(
    "usage metrics and events leave to your OpenTelemetry collector, kept under its retention, not Anthropic's ZDR "
    "(this is not Anthropic keeping request content)",
    "leave telemetry off in code, or send it only to a collector under the same controls",
)
_CONTENT_LEAVES = CodeText(
    "prompt, response or tool content leaves to your telemetry collector and is kept under that backend's retention, "
    "outside the request path ZDR governs",
    "never export content unless the collector is covered by the same controls",
)
TELEMETRY_ENV_VARS = {
    "CLAUDE_CODE_ENABLE_TELEMETRY": TelemetrySwitch("Claude Code telemetry", _EVENTS_LEAVE),
    "OTEL_LOG_USER_PROMPTS": TelemetrySwitch("OpenTelemetry logging of user prompts", _CONTENT_LEAVES),
    "OTEL_LOG_ASSISTANT_RESPONSES": TelemetrySwitch("OpenTelemetry logging of assistant responses", _CONTENT_LEAVES),
    "OTEL_LOG_TOOL_DETAILS": TelemetrySwitch("OpenTelemetry logging of tool details", _CONTENT_LEAVES),
    "OTEL_LOG_TOOL_CONTENT": TelemetrySwitch("OpenTelemetry logging of tool content", _CONTENT_LEAVES),
    "OTEL_LOG_RAW_API_BODIES": TelemetrySwitch(
        "OpenTelemetry logging of raw API bodies",
        CodeText(
            "the full request and response bodies leave to your telemetry collector, or with `file:<dir>` are written "
            "to files there, kept until you delete them, outside ZDR",
            "drop OTEL_LOG_RAW_API_BODIES, or keep its destination under the same controls",
        ),
        accepts="file",
    ),
    "ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE": TelemetrySwitch(
        "the SDK's OpenTelemetry traces with prompt and response content",
        CodeText(
            "the SDK puts prompts and responses in its OpenTelemetry traces, which leave to your collector and are kept "
            "under its retention, outside the request path ZDR governs",
            "use content_mode \"metadata_only\" (the default)",
        ),
        accepts="content",
    ),
}
TRUE_STRINGS = frozenset({"1", "true", "yes", "on"})
FILE_MODE_PREFIX = "file:"
# Reading the environment (`os.environ[...]`, `os.environ.get`, `os.getenv`): passing a value through is not a switch.
ENV_READERS = frozenset({"os.environ", "os.getenv"})
OPEN_TELEMETRY_KEYWORD = "open_telemetry"
CONTENT_MODE_PATH = ("traces", "content_mode")
CONTENT_MODE_ON = "content"
SDK_CONTENT_MODE_TEXT = TELEMETRY_ENV_VARS["ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE"].text
SERVER_EXPORT_TEXT = CodeText(
    "the API itself exports prompts and responses to your collector (server-side export), kept under that backend's "
    "retention; HIPAA organisations cannot choose content mode",
    "use content_mode \"metadata_only\" for the destination",
)

# Every `ANTHROPIC_*` environment variable the SDK reads: a code, or why it has none.
_CLIENT_SETTING = Neutral("client connection or credential setting")
SDK_ENV_VARS: dict = {
    "ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE": "ZDR012",
    "ANTHROPIC_OPEN_TELEMETRY": Neutral("turns the SDK's tracing off; content export is judged by the content mode"),
    "ANTHROPIC_OPEN_TELEMETRY_PROPAGATION": Neutral("trace-context propagation headers: no content"),
    "ANTHROPIC_OPEN_TELEMETRY_TRACES_MAX_CONTENT_BYTES": Neutral("caps exported content; content export is judged by the content mode"),
    "ANTHROPIC_CUSTOM_HEADERS": Neutral("extra headers; an anthropic-beta one is seen by the runtime guard on each request"),
    "ANTHROPIC_LOG": Neutral("the SDK's own log level (debug logs request options locally)"),
    "ANTHROPIC_BEDROCK_BASE_URL": Neutral("base URL of a Bedrock client, whose construction is ZDR011"),
    "ANTHROPIC_BEDROCK_MANTLE_BASE_URL": Neutral("base URL of a Bedrock Mantle client, whose construction is ZDR011"),
    "ANTHROPIC_VERTEX_BASE_URL": Neutral("base URL of a Vertex client, whose construction is ZDR011"),
    "ANTHROPIC_VERTEX_PROJECT_ID": Neutral("project of a Vertex client, whose construction is ZDR011"),
    "ANTHROPIC_ENVIRONMENT_ID": Neutral("a Managed Agents environment worker's id (the worker itself is ZDR013)"),
    "ANTHROPIC_ENVIRONMENT_KEY": Neutral("a Managed Agents environment worker's key (the worker itself is ZDR013)"),
    "ANTHROPIC_WORK_ID": Neutral("a Managed Agents work item id (the worker itself is ZDR013)"),
    "ANTHROPIC_WORK_SECRET": Neutral("a Managed Agents work item secret (the worker itself is ZDR013)"),
    "ANTHROPIC_SESSION_ID": Neutral("a Managed Agents session id (the session itself is ZDR013)"),
    **{
        name: _CLIENT_SETTING
        for name in (
            "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_AWS_API_KEY",
            "ANTHROPIC_AWS_BASE_URL", "ANTHROPIC_AWS_WORKSPACE_ID", "ANTHROPIC_CONFIG_DIR", "ANTHROPIC_FEDERATION_RULE_ID",
            "ANTHROPIC_FOUNDRY_API_KEY", "ANTHROPIC_FOUNDRY_BASE_URL", "ANTHROPIC_FOUNDRY_RESOURCE",
            "ANTHROPIC_GOOGLE_CLOUD_BASE_URL", "ANTHROPIC_GOOGLE_CLOUD_LOCATION", "ANTHROPIC_GOOGLE_CLOUD_PROJECT",
            "ANTHROPIC_GOOGLE_CLOUD_WORKSPACE_ID", "ANTHROPIC_IDENTITY_TOKEN", "ANTHROPIC_IDENTITY_TOKEN_FILE",
            "ANTHROPIC_ORGANIZATION_ID", "ANTHROPIC_PROFILE", "ANTHROPIC_SCOPE", "ANTHROPIC_SERVICE_ACCOUNT_ID",
            "ANTHROPIC_WEBHOOK_SIGNING_KEY", "ANTHROPIC_WORKSPACE_ID",
        )
    },
}

# --- Beta names (the `anthropic-beta` header, `betas=[...]`) ---------------------------------------
@dataclass(frozen=True)
class Beta:
    """Beta names starting with `prefix` (a name then a date: `managed-agents-2026-04-01`)."""

    prefix: str
    classification: Union[str, Neutral]  # the feature's code, or why the name has none beyond ZDR005
    label: str
    # The name alone is a use of that code (the reference lists it as a trigger): it fires where written.
    fires: bool = False
    docs_zdr_eligible: bool = False  # the docs' table marks the feature ZDR "Yes"


_PLAIN_BETA = Neutral("a beta with no ZDR effect of its own (ZDR005 only)")
BETAS: tuple = (
    Beta("managed-agents-", "ZDR013", "Claude Managed Agents", fires=True),
    Beta("dreaming-", "ZDR013", "Claude Managed Agents dreams", fires=True),
    Beta("agent-memory-", "ZDR013", "Claude Managed Agents memory", fires=True),
    Beta("message-threads-", "ZDR014", "message threads", fires=True),
    Beta("mcp-tunnels-", "ZDR009", "MCP tunnels", fires=True),
    Beta("mcp-client-", "ZDR009", "MCP connector"),
    Beta("files-api-", "ZDR001", "Files API"),
    Beta("skills-", "ZDR010", "Agent Skills"),
    Beta("code-execution-", "ZDR006", "code execution"),
    Beta("message-batches-", "ZDR003", "Message Batches"),
    Beta("prompt-caching-", "ZDR002", "prompt caching"),
    Beta("extended-cache-ttl-", "ZDR002", "prompt caching (1 h TTL)"),
    Beta("cache-diagnosis-", "ZDR002", "cache diagnostics"),
    Beta("structured-outputs-", "ZDR004", "structured outputs"),
    Beta("compact-", Neutral("compaction: the docs mark it ZDR eligible (HIPAA No)"), "compaction", docs_zdr_eligible=True),
    Beta("context-management-", Neutral("context editing: the docs mark it ZDR eligible (HIPAA No)"), "context editing", docs_zdr_eligible=True),
    Beta("advisor-tool-", Neutral("the advisor tool: the docs mark it ZDR eligible (HIPAA No)"), "advisor tool", docs_zdr_eligible=True),
    Beta("telemetry-destinations-", Neutral("the server-side export API: a destination with content mode is ZDR012"), "telemetry destinations"),
    Beta("fallback-credit-", Neutral("fallback credit: the docs say it stores no message content"), "fallback credit"),
    Beta("server-side-fallback-", _PLAIN_BETA, "server-side fallback"),
    Beta("computer-use-", Neutral(_CLIENT_SIDE), "computer use"),
    Beta("token-counting-", _PLAIN_BETA, "token counting"),
    Beta("pdfs-", Neutral("inline PDF documents: nothing is kept"), "PDF support"),
    *(
        Beta(prefix, _PLAIN_BETA, prefix.rstrip("-"))
        for prefix in (
            "output-128k-", "output-300k-", "dev-full-thinking-", "interleaved-thinking-", "context-1m-",
            "model-context-window-exceeded-", "fast-mode-", "thinking-token-count-", "mid-conversation-tool-changes-",
            "mid-conversation-output-config-", "mid-conversation-system-clear-at-", "task-budgets-",
            "thinking-display-updates-", "thinking-binding-controls-", "inline-tools-", "token-efficient-tools-",
            "fine-grained-tool-streaming-",
        )
    ),
    *(
        Beta(prefix, _ADMIN, prefix.rstrip("-"))
        for prefix in (
            "user-profiles-", "user-profiles-billing-", "ce-plugins-", "ce-user-management-", "ce-claude-code-managed-settings-",
            "spend-limit-reads-", "webhooks-", "admin-user-sign-out-", "analytics-usage-cost-", "experimental-claude-tag-",
            "efs-", "google-managed-data-controls-", "oauth-", "oidc-federation-",
        )
    ),
)
# The beta names the SDK 2.15.0 spells, each matched by a prefix above (the catalog test fails on a
# name outside this list: a new date of a known beta is read before it is trusted).
KNOWN_BETA_NAMES = frozenset(
    """
    admin-user-sign-out-2026-10-08 advisor-tool-2026-03-01 agent-memory-2026-07-22 analytics-usage-cost-2026-08-24
    cache-diagnosis-2026-04-07 ce-claude-code-managed-settings-2026-10-06 ce-plugins-2026-09-01
    ce-user-management-2026-07-13 code-execution-2025-05-22 compact-2026-01-12 compact-2026-09-04
    computer-use-2024-10-22 computer-use-2025-01-24 computer-use-2025-11-24 context-1m-2025-08-07
    context-management-2025-06-27 dev-full-thinking-2025-05-14 dreaming-2026-04-21 efs-2026-10-01
    experimental-claude-tag-2026-10-21 extended-cache-ttl-2025-04-11 fallback-credit-2026-06-01
    fallback-credit-2026-07-01 fast-mode-2026-02-01 files-api-2025-04-14 fine-grained-tool-streaming-2025-05-14
    google-managed-data-controls-2026-09-01 inline-tools-2026-09-15 interleaved-thinking-2025-05-14
    managed-agents-2026-04-01 mcp-client-2025-04-04 mcp-client-2025-11-20 mcp-client-2026-09-15
    mcp-tunnels-2026-06-22 message-batches-2024-09-24 message-threads-2026-08-12
    mid-conversation-output-config-2026-07-01 mid-conversation-system-clear-at-2026-08-21
    mid-conversation-tool-changes-2026-07-01 model-context-window-exceeded-2025-08-26 oauth-2025-04-20
    oidc-federation-2026-04-01 output-128k-2025-02-19 output-300k-2026-03-24 pdfs-2024-09-25
    prompt-caching-2024-07-31 server-side-fallback-2026-06-01 server-side-fallback-2026-07-01 skills-2025-10-02
    spend-limit-reads-2026-09-26 structured-outputs-2025-11-13 task-budgets-2026-03-13
    telemetry-destinations-2026-08-11 thinking-binding-controls-2026-08-01 thinking-display-updates-2026-08-18
    thinking-token-count-2026-05-13 token-counting-2024-11-01 token-efficient-tools-2025-02-19
    user-profiles-2026-03-24 user-profiles-2026-08-18 user-profiles-2026-09-04 user-profiles-billing-2026-10-01
    webhooks-2026-10-07
    """.split()
)


def match_beta(name: str) -> Optional[Beta]:
    """The catalog entry of a beta name: the longest prefix that matches, with a date after it."""
    name = name.strip().lower()
    best = None
    for beta in BETAS:
        if name.startswith(beta.prefix) and re.fullmatch(r"\d{4}-\d\d-\d\d", name[len(beta.prefix):]):
            if best is None or len(beta.prefix) > len(best.prefix):
                best = beta
    return best


DOCS_ZDR_ELIGIBLE_BETAS = tuple(beta.label for beta in BETAS if beta.docs_zdr_eligible)

# --- Covered Models (ZDR015) -----------------------------------------------------------------------
# Anthropic designates these "Covered Models" (support.claude.com article 15425695; the "API and data
# retention" page): 30-day retention and review, ZDR only if Anthropic expressly authorises it, on every
# platform (Claude Platform, Bedrock, Vertex, Foundry).
DESIGNATED_COVERED_MODELS = ("claude-fable-5", "claude-fable-5-1", "claude-mythos-5", "claude-mythos-5-1")
# The whole families are flagged: the SDK also lists `-5-2` versions, not yet seen designated on 2026-12-01.
COVERED_MODEL_FAMILIES = ("claude-fable-5", "claude-mythos-5")
COVERED_MODELS_SOURCE = "support.claude.com/en/articles/15425695"
# A Covered Model as any platform spells it: `claude-fable-5`, `claude-mythos-5-1-20261101`,
# Bedrock `us.anthropic.claude-fable-5-v1:0`, Vertex `claude-fable-5@20261101`, LiteLLM `anthropic/claude-fable-5`.
COVERED_MODEL_ID = re.compile(
    r"(?:^|[/.:])(?P<family>" + "|".join(re.escape(f) for f in COVERED_MODEL_FAMILIES) + r")(?P<rest>(?:[-@:.][\w.:@-]*)?)$"
)
# Every model id the SDK lists (types/model.py), covered or not: the catalog test fails on a new one.
KNOWN_MODEL_IDS = {
    **{m: True for m in ("claude-fable-5", "claude-fable-5-1", "claude-fable-5-2", "claude-mythos-5", "claude-mythos-5-1", "claude-mythos-5-2")},
    **{
        m: False
        for m in (
            "claude-haiku-4-5", "claude-haiku-4-5-20251001", "claude-haiku-5-5", "claude-opus-4-5", "claude-opus-4-5-20251101",
            "claude-opus-4-6", "claude-opus-4-7", "claude-opus-4-8", "claude-opus-5", "claude-opus-5-5", "claude-sonnet-4-6",
            "claude-sonnet-5", "claude-sonnet-5-5",
        )
    },
    # Mythos Preview is a research preview, not on the Covered Models list
    "claude-mythos-preview": False,
}
# Keywords and dict keys that name the model a request goes to (SDK, wrappers, boto3, raw bodies).
MODEL_KEYS = frozenset({"model", "model_id", "modelId", "model_name"})
# Wrapper entry points that take the model as their first positional argument, or under another name.
MODEL_POSITIONAL = frozenset(
    {
        "pydantic_ai.Agent", "pydantic_ai.agent.Agent", "langchain.chat_models.init_chat_model",
        "langchain.chat_models.base.init_chat_model", "instructor.from_provider", "litellm.completion",
        "litellm.acompletion", "litellm.main.completion", "litellm.main.acompletion",
    }
)
MODEL_ID_KEYWORD = "id"  # agno `Claude(id=...)`, Managed Agents `model={"id": ...}`
MODEL_ID_CALLS = frozenset(
    {"agno.models.anthropic.Claude", "agno.models.anthropic.claude.Claude", "agno.models.aws.Claude", "agno.models.aws.claude.Claude",
     "agno.models.vertexai.Claude", "agno.models.vertexai.claude.Claude"}
)


def covered_model(model_id: str) -> Optional[str]:
    """The Covered Model family a model id belongs to, on any platform's spelling, else None."""
    lowered = model_id.lower()
    if not any(family in lowered for family in COVERED_MODEL_FAMILIES):
        return None  # the common case, without the regex
    m = COVERED_MODEL_ID.search(lowered.strip())
    return m.group("family") if m else None


def covered_model_name(model_id: str) -> Optional[str]:
    """The Covered Model a model id names, as the designation list spells it: Bedrock's
    `us.anthropic.claude-fable-5-1-v1:0` and `claude-fable-5-1-20261101` are `claude-fable-5-1`."""
    m = COVERED_MODEL_ID.search(model_id.strip().lower())
    if m is None:
        return None
    minor = re.match(r"-(\d{1,2})(?!\d)", m.group("rest"))
    return f"{m.group('family')}-{minor.group(1)}" if minor else m.group("family")


# --- Raw HTTP ----------------------------------------------------------------------------------
API_HOST = "api.anthropic.com"
# Hosts where Anthropic processes the request, so the same endpoint exceptions apply: the API, Claude
# on Google Cloud (Anthropic managed), Microsoft Foundry (`{resource}.services.ai.azure.com/anthropic/`)
# and Claude Platform on AWS (`aws-external-anthropic.{region}.api.aws`). A regex over the URL text,
# where an unknown f-string field reads as `{}`; `path` is what follows the host's own prefix.
ANTHROPIC_API_HOSTS = re.compile(
    r"(?:^|//|[^\w.-])(?:api\.anthropic\.com|claude\.googleapis\.com|[\w{}.-]+\.services\.ai\.azure\.com/anthropic"
    r"|aws-external-anthropic\.[\w{}-]+\.api\.aws)(?::\d+)?(?P<path>/[^?#]*)?",
    re.IGNORECASE,
)
# Substrings of the URL text of those hosts, for the stages that look for a spelling before resolving.
API_HOST_MARKERS = (API_HOST, "claude.googleapis.com", ".services.ai.azure.com/anthropic", "aws-external-anthropic.")
RAW_ENDPOINTS = (
    ("/v1/messages/batches", "ZDR003", "Message Batches API"),
    ("/v1/files", "ZDR001", "Files API"),
    ("/v1/skills", "ZDR010", "Skills API"),
    ("/v1/tunnels", "ZDR009", "MCP tunnels"),
    *((f"/v1/{name}", "ZDR013", "Claude Managed Agents") for name in MANAGED_AGENTS_RESOURCES),
)
RAW_ENDPOINT_PATHS = tuple(path for path, _, _ in RAW_ENDPOINTS)


# The raw endpoints by their first segment below /v1/ (`files`, `messages`): one dict lookup per request.
_ENDPOINTS_BY_SEGMENT: dict = {}
for _prefix, _code, _label in RAW_ENDPOINTS:
    _ENDPOINTS_BY_SEGMENT.setdefault(_prefix.split("/")[2], []).append((_prefix, _code, _label))


def match_endpoint_path(path: str) -> Optional[tuple]:
    """(code, label) for a request path (`/v1/files/abc`, `/v1/sessions?beta=true`) of a raw endpoint."""
    parts = path.split("/", 3)
    candidates = _ENDPOINTS_BY_SEGMENT.get(parts[2].split("?", 1)[0].split("{", 1)[0]) if len(parts) > 2 and parts[1] == "v1" else None
    for prefix, code, label in candidates or ():
        if path.startswith(prefix) and path[len(prefix):len(prefix) + 1] in ("", "/", "?", "{", "#"):
            return code, label
    return None


def match_raw_endpoint(url: str) -> Optional[tuple]:
    """(code, label) for a URL of an Anthropic-processed host whose path is a raw endpoint, else None."""
    for m in ANTHROPIC_API_HOSTS.finditer(url):
        matched = match_endpoint_path(m.group("path") or "")
        if matched is not None:
            return matched
    return None


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
    `source`, a strict tool's `strict`. Groups of two or more words, all of which must be present,
    each as a string or a keyword argument (`"file_id"`, `file_id=`), as the ast stage needs them."""
    groups = set()
    for key, partner_sets in PAIRED_STRINGS.items():
        for partners in partner_sets:
            # the key first: it is the rare word, so most files are settled by looking for it once
            groups.add((key.encode(), *sorted(w.encode() for w in partners - {key})))
    return frozenset(groups)


TRIGGER_PAIRS: frozenset = _trigger_pairs()  # string pairs: see prefilter.spelled_as_string
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
    | {q.rsplit(".", 1)[-1] for q in MANAGED_AGENTS_HELPERS | THREAD_HELPERS | FALLBACK_MIDDLEWARE}
    | {TRACES_KEYWORD}
)
# A Covered Model id written whole, on any platform's spelling (a string constant, ignoring case).
_COVERED_MODEL_STRING = r"(?:[\w.:/-]*[/.:])?(?:" + "|".join(re.escape(f) for f in COVERED_MODEL_FAMILIES) + r")(?:[-@:.][\w.:@-]*)?"
# String constants that are Anthropic spellings wherever they appear (matched whole, ignoring case),
# and substrings that are (the API host, the beta header).
UNIQUE_STRING = re.compile(
    "|".join(
        [tool.pattern.pattern for tool in TOOL_PATTERNS]
        + [re.escape(name) for name in TELEMETRY_ENV_VARS]
        + [re.escape(BETA_HEADER), _COVERED_MODEL_STRING]
    ),
    re.IGNORECASE,
)
# Keyword-argument names that are Anthropic spellings (`dict(os.environ, CLAUDE_CODE_ENABLE_TELEMETRY="1")`).
UNIQUE_KEYWORDS = frozenset(TELEMETRY_ENV_VARS)
UNIQUE_SUBSTRINGS = (*API_HOST_MARKERS, BETA_HEADER, BEDROCK_MODEL_MARKER, VERTEX_PUBLISHER_PATH)
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

# --- Profiles and policy positions: what each trigger keeps, and what each source says of it ---------
# Every verdict names its trigger (`classify.Verdict.trigger`, else the code's default below); the
# trigger's Standing says what the "API and data retention" page's table answers for it in its ZDR
# and HIPAA columns ([docs]), what the scope article answers where the two disagree ([scope], the
# text the agreements in force cite), and what is kept, by whom, for how long (the exposure report).
# `classify.judge` turns that into the finding a profile and a policy give (or none).
PROFILES = ("zdr", "hipaa")
DEFAULT_PROFILE = "zdr"
POSITIONS = ("scope", "docs")
# The topics where [scope] and [docs] disagree ("Where sources disagree" in the reference), each with
# the position zdr-lint takes by default: the scope article's, except on platforms, where the
# reference's default already follows the docs (Bedrock and Vertex only: Foundry, Claude Platform on
# AWS and Claude on Google Cloud are Anthropic-processed). `platforms = "scope"` is the strict
# reading: the scope article names only "the Anthropic API".
POLICY_TOPICS = {
    "beta": "beta features: [scope] excludes beta products unless agreed; [docs] decides per feature",
    "caching": "prompt caching: [scope] says hashed prompts are kept for the TTL; [docs] marks caching ZDR and HIPAA eligible (cache diagnostics: ZDR qualified, HIPAA No)",
    "structured-outputs": "structured outputs: [scope] says they may override ZDR; [docs] marks them ZDR qualified (24 h schema cache), HIPAA eligible without PHI in schemas",
    "web-search": "web search: [scope] says third-party processing may not be covered and the BAA does not apply; [docs] marks web search ZDR and HIPAA eligible (dynamic filtering: No)",
    "web-fetch": "web fetch: [scope] treats fetched pages as web search (publishers may keep data); [docs] marks web fetch ZDR eligible, HIPAA No",
    "platforms": "platforms: [docs] names Anthropic the processor on Foundry, Claude Platform on AWS and Claude on Google Cloud; [scope] names only the Anthropic API",
}
DEFAULT_POLICY = (
    ("beta", "scope"), ("caching", "scope"), ("platforms", "docs"),
    ("structured-outputs", "scope"), ("web-fetch", "scope"), ("web-search", "scope"),
)
# What a source answers for a trigger: "yes" (eligible: no finding), "qualified" (eligible with a
# condition: a warning), "unlisted" (the docs decide per feature and do not list this one: a warning),
# "elsewhere" (another code's finding carries it: info), "unnamed" (the scope article does not name
# it: a warning), "not-blocked" (not eligible, and the API accepts it anyway), "no".
ANSWER_SEVERITY = {"qualified": "warning", "unlisted": "warning", "unnamed": "warning", "elsewhere": "info"}
SOURCES = {
    "scope": "Anthropic's article on the scope of zero data retention (the version the agreements in force cite)",
    "docs": "Anthropic's \"API and data retention\" page (platform.claude.com/docs/en/manage-claude/api-and-data-retention), Nov-Dec 2026",
    "tools": "Anthropic's server tools page (platform.claude.com/docs/en/agents-and-tools/tool-use/server-tools)",
    "covered": f"Anthropic's Covered Models article ({COVERED_MODELS_SOURCE})",
}
# Under a HIPAA BAA, what happens to a request that uses the trigger (the clause findings add).
BAA_OUTCOMES = {
    "refused": "a HIPAA BAA does not cover it, and the API refuses most such features under a BAA (HTTP 400: a failed request rather than a silent exit)",
    "beta": "a HIPAA BAA generally excludes beta features, and the API refuses most of them (HTTP 400)",
    "not-blocked": "under a HIPAA BAA the API accepts it and it is not covered: a silent exit from the BAA",
    "client": "Claude Code is not covered under HIPAA readiness, and nothing refuses it",
    "collector": "protected health information would leave to your collector, which the BAA does not cover",
    "content-mode": "HIPAA organisations cannot choose content mode: the API refuses it",
    "cloud": "the cloud provider's own terms (and BAA, if any) apply there, not Anthropic's",
    "eligible": "the docs mark it HIPAA eligible and the API accepts it under a BAA; this finding follows the scope article",
}


@dataclass(frozen=True)
class Standing:
    """One trigger: its code and label, the docs' ZDR and HIPAA answers, the scope article's answer on
    a disputed topic, the BAA outcome, and what is kept (for the report), with the sources of each."""

    code: str
    label: str
    zdr: str  # the docs' ZDR column for this trigger
    hipaa: str  # the docs' HIPAA column
    kept: str  # what is kept or where it goes
    holder: str  # who keeps it
    retention: str  # for how long
    sources: tuple
    topic: Optional[str] = None  # a POLICY_TOPICS key where [scope] and [docs] disagree
    scope: str = "no"  # the scope article's answer, used when the topic's position is "scope"
    baa: Optional[str] = None  # a BAA_OUTCOMES key, said under the HIPAA profile
    hipaa_text: Optional[CodeText] = None  # exception and advice of its own under the HIPAA profile
    docs_text: Optional[CodeText] = None  # exception and advice of its own under the docs position
    severity: Optional[str] = None  # lower than the code's own (its verdicts carry it too)


_CONTAINER = ("container data: inputs, created files, outputs", "Anthropic", "up to 30 days", ("docs",))
TRIGGERS = {
    # ZDR001
    "files": Standing(
        "ZDR001", "Files API, file_id references, /v1/files", "no", "no",
        "uploaded files", "Anthropic", "until deleted, or until their expiry (expires_in_seconds: 1 h to 90 days)", ("scope", "docs"),
        baa="refused",
        hipaa_text=CodeText("uploaded files are kept until deleted, outside ZDR; a HIPAA BAA covers PDFs only sent inline", "send the document inline (base64), not as an uploaded file"),
    ),
    # ZDR002
    "prompt_caching": Standing(
        "ZDR002", "prompt caching (cache_control)", "yes", "yes",
        "limited metadata and hashed, non-text representations of the prompt prefix", "Anthropic", "the cache TTL: 5 min, or 1 h", ("scope", "docs"),
        topic="caching", baa="eligible",
    ),
    "cache_diagnostics": Standing(
        "ZDR002", "cache diagnostics (diagnostics=)", "qualified", "no",
        "a fingerprint of cryptographic hashes and token-count estimates", "Anthropic", "briefly", ("docs",),
        topic="caching", baa="refused",
    ),
    # ZDR003
    "batch": Standing(
        "ZDR003", "Message Batches API, /v1/messages/batches", "no", "no",
        "batch requests and their results", "Anthropic", "until processed; results retrievable for 29 days", ("scope", "docs"), baa="refused",
    ),
    # ZDR004
    "structured_outputs": Standing(
        "ZDR004", "structured outputs, strict tool schemas", "qualified", "qualified",
        "the JSON schema, tool definitions included (not prompts or outputs)", "Anthropic", "up to 24 h after last use", ("scope", "docs"),
        topic="structured-outputs",
        hipaa_text=CodeText(
            "the JSON schema is cached for up to 24 h after last use; under a HIPAA BAA structured outputs are eligible only with no "
            "protected health information in schema property names, `enum`, `const` or `pattern`",
            "keep protected health information out of property names, enum, const and pattern values",
        ),
    ),
    # ZDR005
    "beta": Standing(
        "ZDR005", "beta API calls, betas=, anthropic-beta headers", "unlisted", "no",
        "whatever the beta feature keeps (not stated for beta products)", "Anthropic", "not stated", ("scope", "docs"),
        topic="beta", baa="beta",
        docs_text=CodeText("the docs decide beta features one by one and do not mark this one ZDR eligible", "confirm your agreement covers it, or use the generally available API"),
    ),
    "beta_eligible": Standing(
        "ZDR005", "betas the docs mark ZDR eligible (compaction, context editing, the advisor tool)", "yes", "no",
        "nothing outside ZDR, per the docs", "Anthropic", "not stated", ("scope", "docs"), topic="beta", baa="beta",
    ),
    "beta_also": Standing(
        "ZDR005", "beta calls that are also a ZDR \"No\" feature (its own code fires)", "elsewhere", "no",
        "what the feature's own code says", "Anthropic", "as the feature's own code says", ("scope", "docs"), topic="beta", baa="beta",
        docs_text=CodeText("the docs decide beta features one by one", "act on that code's finding"),
    ),
    "fallback_credit": Standing(
        "ZDR005", "refusal fallback middleware (fallback-credit beta header)", "yes", "no",
        "no message content (the docs say fallback credit stores none)", "Anthropic", "not stated", ("scope", "docs"), topic="beta", baa="beta",
        severity="warning",
    ),
    # ZDR006
    "code_execution": Standing("ZDR006", "code execution tool", "no", "no", *_CONTAINER, baa="refused"),
    "programmatic_tool_calling": Standing("ZDR006", "programmatic tool calling (allowed_callers)", "no", "no", *_CONTAINER, baa="refused"),
    "dynamic_filtering": Standing(
        "ZDR006", "dynamic filtering of the 2026 web search / web fetch tools", "no", "no",
        *_CONTAINER[:3], ("docs", "tools"), baa="refused",
    ),
    # ZDR007, ZDR008
    "web_search": Standing(
        "ZDR007", "web search tool (any dated version)", "yes", "yes",
        "search queries", "third-party sites and search providers", "their own terms", ("scope", "docs"), topic="web-search", baa="eligible",
    ),
    "web_fetch": Standing(
        "ZDR008", "web fetch tool (any dated version)", "yes", "no",
        "the URLs requested and what is fetched", "third-party publishers", "their own terms", ("scope", "docs"), topic="web-fetch", baa="refused",
    ),
    # ZDR009
    "mcp": Standing(
        "ZDR009", "MCP connector (mcp_servers=, mcp_toolset)", "no", "no",
        "MCP connector data", "Anthropic (standard policy) and the remote MCP server (a third party)", "Anthropic's standard retention; the server's own terms", ("docs",),
        baa="refused",
    ),
    "mcp_tunnels": Standing(
        "ZDR009", "MCP tunnels (beta.tunnels, /v1/tunnels, the tunnels beta)", "no", "no",
        "tunnel configuration and the MCP traffic through it", "Anthropic", "the standard policy", ("docs",), baa="refused",
    ),
    # ZDR010
    "skills_containers": Standing(
        "ZDR010", "Skills API, container reuse (container=)", "no", "no",
        "uploaded skill files and container state", "Anthropic", "until deleted", ("docs",), baa="refused",
    ),
    # ZDR011
    "cloud_platform": Standing(
        "ZDR011", "Amazon Bedrock and Google-managed Vertex AI clients and endpoints", "no", "no",
        "prompts and outputs", "the cloud provider (AWS or Google)", "the cloud's own terms", ("docs", "scope"), topic="platforms", baa="cloud",
    ),
    "anthropic_platform": Standing(
        "ZDR011", "Microsoft Foundry, Claude Platform on AWS and Claude on Google Cloud clients (only with platforms = \"scope\")", "yes", "yes",
        "prompts and outputs, processed by Anthropic on the cloud's infrastructure", "Anthropic", "as on the Anthropic API", ("scope", "docs"),
        topic="platforms", scope="unnamed",
    ),
    # ZDR012
    "claude_code_telemetry": Standing(
        "ZDR012", "Claude Code telemetry (CLAUDE_CODE_ENABLE_TELEMETRY)", "no", "no",
        "usage metrics and events", "your telemetry collector", "the collector's retention", ("scope", "docs"), baa="client",
    ),
    "telemetry_content": Standing(
        "ZDR012", "OpenTelemetry content logging (OTEL_LOG_*)", "no", "no",
        "prompt, response and tool content, or whole request and response bodies", "your telemetry collector (or files)", "the collector's retention, or until you delete the files",
        ("docs",), baa="client",
    ),
    "sdk_trace_content": Standing(
        "ZDR012", "the SDK's OpenTelemetry traces with content (content_mode)", "no", "no",
        "prompts and responses in traces", "your telemetry collector", "the collector's retention", ("docs",), baa="collector",
    ),
    "server_export": Standing(
        "ZDR012", "the API's server-side telemetry export with content", "no", "no",
        "prompts and responses", "your telemetry collector (the API exports them)", "the collector's retention", ("docs",), baa="content-mode",
    ),
    # ZDR013 - ZDR015
    "managed_agents": Standing(
        "ZDR013", "Claude Managed Agents", "no", "no",
        "agents, sessions and their transcripts, environments, memory stores, vaults, dreams", "Anthropic", "until deleted", ("docs",), baa="refused",
    ),
    "message_threads": Standing(
        "ZDR014", "message threads", "no", "no",
        "the conversation: messages, system prompt, tools", "Anthropic",
        "in memory, encrypted, at most 1 h after last use (the English page: 5 min after the last request)", ("docs",), baa="beta",
    ),
    "covered_models": Standing(
        "ZDR015", "Covered Models", "no", "no",
        "prompts and outputs (30-day retention and review)", "Anthropic", "30 days", ("docs", "covered"),
    ),
    # ZDR016: the HIPAA profile only (the docs mark each ZDR eligible, or it runs client side)
    "tool_search": Standing(
        "ZDR016", "tool search tool (tool_search_tool_bm25 / _regex)", "yes", "no",
        "nothing outside ZDR; the BAA does not cover the feature", "Anthropic", "as any ZDR request", ("docs",), baa="refused",
    ),
    "advisor": Standing(
        "ZDR016", "advisor tool (advisor_*)", "yes", "no",
        "nothing outside ZDR; the BAA does not cover the feature", "Anthropic", "as any ZDR request", ("docs",), baa="refused",
    ),
    "browser_use": Standing(
        "ZDR016", "browser use (browser_toolset_*)", "yes", "not-blocked",
        "the browser tool's calls and results (the tool runs client side)", "Anthropic, and the sites your browser visits", "as any ZDR request; the sites' own terms",
        ("docs",), baa="not-blocked",
    ),
    "context_editing": Standing(
        "ZDR016", "context editing (context_management=)", "yes", "no",
        "nothing outside ZDR; the BAA does not cover the feature", "Anthropic", "as any ZDR request", ("docs",), baa="refused",
    ),
    "compaction": Standing(
        "ZDR016", "compaction (compaction=)", "yes", "no",
        "nothing outside ZDR; the BAA does not cover the feature", "Anthropic", "as any ZDR request", ("docs",), baa="refused",
    ),
    "agent_sdk": Standing(
        "ZDR016", "Claude Agent SDK sessions (query, ClaudeSDKClient): Claude Code", "yes", "no",
        "what Claude Code sends and keeps locally", "Anthropic, and your machine", "as Claude Code's own settings", ("docs",), baa="client",
    ),
    "hipaa_platform": Standing(
        "ZDR016", "Claude Platform on AWS and Microsoft Foundry clients (AnthropicAWS, AnthropicFoundry)", "yes", "no",
        "prompts and outputs, on a platform without HIPAA", "Anthropic", "as on the Anthropic API", ("docs",),
    ),
}
# The trigger of a verdict that names none: each code's main use.
DEFAULT_TRIGGERS = {
    "ZDR001": "files", "ZDR002": "prompt_caching", "ZDR003": "batch", "ZDR004": "structured_outputs", "ZDR005": "beta",
    "ZDR006": "code_execution", "ZDR007": "web_search", "ZDR008": "web_fetch", "ZDR009": "mcp", "ZDR010": "skills_containers",
    "ZDR011": "cloud_platform", "ZDR012": "claude_code_telemetry", "ZDR013": "managed_agents", "ZDR014": "message_threads",
    "ZDR015": "covered_models",
}
# Triggers that are not their code's default, by the (code, label) the resource rules, raw endpoints
# and beta names above give them.
FEATURE_TRIGGERS = {("ZDR009", "MCP tunnels"): "mcp_tunnels"}
TELEMETRY_TRIGGERS = {
    "CLAUDE_CODE_ENABLE_TELEMETRY": "claude_code_telemetry",
    "ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE": "sdk_trace_content",
    **{name: "telemetry_content" for name in TELEMETRY_ENV_VARS if name.startswith("OTEL_LOG_")},
}
# Clients Anthropic processes but the scope article does not name, and those without HIPAA.
UNNAMED_PLATFORM_CLIENTS = {
    "AnthropicFoundry": "Microsoft Foundry", "AsyncAnthropicFoundry": "Microsoft Foundry",
    "AnthropicAWS": "Claude Platform on AWS", "AsyncAnthropicAWS": "Claude Platform on AWS",
    "AnthropicGoogleCloud": "Claude on Google Cloud", "AsyncAnthropicGoogleCloud": "Claude on Google Cloud",
}
NO_HIPAA_CLIENTS = {name: platform for name, platform in UNNAMED_PLATFORM_CLIENTS.items() if "Google" not in platform}
# (clients, trigger, the exception and advice, `{platform}` filled in) of constructing such a client.
PLATFORM_CLIENT_TRIGGERS = (
    (UNNAMED_PLATFORM_CLIENTS, "anthropic_platform", CodeText(
        'the scope article covers "the Anthropic API" and does not name {platform}, though the docs name Anthropic the data processor there',
        'confirm your agreement covers this platform (or take the docs\' position: platforms = "docs")',
    )),
    (NO_HIPAA_CLIENTS, "hipaa_platform", CodeText(
        "HIPAA is not available on {platform}: a BAA does not cover requests made there",
        "send protected health information through the Anthropic API (anthropic.Anthropic) under your BAA",
    )),
)
# Request keywords that are uses under the HIPAA profile only (beta-only keywords; ZDR005 fires too).
HIPAA_REQUEST_KEYWORDS = {"compaction": "compaction", "context_management": "context_editing"}
# Tool types the HIPAA profile flags (ZDR016): dated families and the undated tool search types.
HIPAA_TOOL_FAMILIES = {
    "tool_search_tool_bm25": "tool_search", "tool_search_tool_regex": "tool_search",
    "advisor": "advisor", "browser_toolset": "browser_use",
}
HIPAA_TOOL_TYPE = re.compile(r"(?P<family>" + "|".join(sorted(HIPAA_TOOL_FAMILIES, key=len, reverse=True)) + r")(?:_(?P<date>\d{8}))?")
HIPAA_TYPED_PARAMS = (
    (re.compile(r"(Beta)?ToolSearchToolBm25_\d{8}Param"), "tool_search_tool_bm25"),
    (re.compile(r"(Beta)?ToolSearchToolRegex\d{8}Param"), "tool_search_tool_regex"),
    (re.compile(r"(Beta)?AdvisorTool\d{8}Param"), "advisor"),
    (re.compile(r"(Beta)?BrowserToolset\d{8}Param"), "browser_toolset"),
)
# The Claude Agent SDK's entry points that start a Claude Code session (its options alone start nothing).
AGENT_SDK_ENTRY_POINTS = frozenset({"claude_agent_sdk.query", "claude_agent_sdk.ClaudeSDKClient", "claude_agent_sdk.client.ClaudeSDKClient"})


def match_hipaa_tool_type(value: str) -> Optional[tuple]:
    """(family, date) of a tool `type` the HIPAA profile flags (`tool_search_tool_bm25_20251119`), else None."""
    m = HIPAA_TOOL_TYPE.fullmatch(value)
    if m is None or (m.group("date") is None and m.group("family") not in UNDATED_TOOL_TYPES):
        return None
    return m.group("family"), int(m.group("date")) if m.group("date") else None


def hipaa_typed_param_tool_type(class_name: str) -> Optional[str]:
    """The tool `type` a typed param of a HIPAA-flagged tool stands for (`BetaAdvisorTool20260301Param`)."""
    for pattern, family in HIPAA_TYPED_PARAMS:
        if pattern.fullmatch(class_name):
            date = re.search(r"(\d{8})", class_name)
            return f"{family}_{date.group(1)}" if date else family
    return None


def can_fire(code: str, profile: str) -> bool:
    """Can a finding of `code` be raised under `profile`? A code the catalog judges needs a trigger the
    profile raises; the meta codes and a plugin's codes fire in every profile."""
    return code not in _JUDGED_CODES or code in codes_in_profile(profile)


@functools.lru_cache(maxsize=None)
def codes_in_profile(profile: str) -> frozenset:
    """The codes whose triggers can fire under `profile` (with some policy)."""
    column = "zdr" if profile == "zdr" else "hipaa"
    return frozenset(
        t.code for t in TRIGGERS.values() if getattr(t, column) != "yes" or (t.topic is not None and t.scope != "yes")
    )


_JUDGED_CODES = frozenset(t.code for t in TRIGGERS.values())

# The prefilter's and the ast stage's extra words under the HIPAA profile (lowercase bytes): the
# tool types and keywords only that profile flags. The zdr profile never pays for them.
HIPAA_TRIGGER_WORDS = (b"tool_search_tool_", b"advisor_20", b"browser_toolset_20", b"compaction", b"context_management", b"claude_agent_sdk")
UNIQUE_STRING = re.compile(UNIQUE_STRING.pattern + "|" + HIPAA_TOOL_TYPE.pattern, re.IGNORECASE)
# A file that imports the Agent SDK refers to Claude Code under the HIPAA profile (the engine adds the
# module to the ast stage's SDK modules then); its entry points are the words that make it a candidate.
AGENT_SDK_MODULE = "claude_agent_sdk"
# (The Anthropic-processed clients on other clouds are words too: the platforms policy and the HIPAA
# profile judge their construction.)
RESOURCE_WORDS = RESOURCE_WORDS | set(HIPAA_REQUEST_KEYWORDS) | {q.rsplit(".", 1)[-1] for q in AGENT_SDK_ENTRY_POINTS} | set(UNNAMED_PLATFORM_CLIENTS)


# --- Fixes: the ZDR-safe spelling of a trigger, where one exists -------------------------------------
@dataclass(frozen=True)
class Remedy:
    """How a finding of a trigger can be fixed in place (zdr_lint.fixes writes the edit)."""

    action: str  # "pin-direct": add `"allowed_callers": ["direct"]` to the tool dict; "drop": remove the keyword or key
    applicability: str  # ruff's: "safe" keeps what the code means; "unsafe" may change what it does
    title: str


REMEDIES = {
    # the docs make a 2026 web tool eligible again once code execution cannot call it
    "dynamic_filtering": Remedy("pin-direct", "safe", 'Pin the tool to direct calls (`"allowed_callers": ["direct"]`)'),
    "cache_diagnostics": Remedy("drop", "unsafe", "Remove `diagnostics=` (no cache diagnostics)"),
    "prompt_caching": Remedy("drop", "unsafe", "Remove `cache_control` (no prompt caching: requests cost more)"),
    "message_threads": Remedy("drop", "unsafe", "Remove `thread=` (send the full history with each request instead)"),
}
