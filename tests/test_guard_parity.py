"""The linter and the runtime guard give the same codes for the same request, because both ask
`zdr_lint.classify`. Each request shape below (one per kind of trigger the positive fixtures hold)
is rendered twice: as an SDK call in Python source, checked by the real `zdr-lint` command, and as
the same call sent by a real `anthropic` client with the guard in record mode to a local server.
The two sets of codes must be equal, and equal to the codes written next to the shape, under each
profile and policy (VARIANTS: the command's flags, the guard's arguments): a shape names the codes
of a variant where they differ from the default's."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import run_zdr
from fake_api import FakeAPI
from test_fixtures import FIXTURES, expected_findings

anthropic = pytest.importorskip("anthropic")
pydantic = pytest.importorskip("pydantic")
from zdr_lint.guard import ZdrGuard, install  # noqa: E402


class Invoice(pydantic.BaseModel):
    total: int


@dataclass(frozen=True)
class Source:
    """A value written one way in the source (`Invoice`) and passed as another to the SDK."""

    text: str
    value: object

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Shape:
    call: str  # the resource path below the client: "beta.messages.create"
    kwargs: dict
    codes: frozenset
    client: str = "Anthropic"
    args: tuple = ()
    client_kwargs: dict = field(default_factory=dict)
    variants: dict = field(default_factory=dict)  # variant -> its codes, where they are not `codes`

    def expected(self, variant: str) -> frozenset:
        return self.variants.get(variant, self.codes)


# The profile and policy each variant checks under: the command's flags, the guard's arguments.
VARIANTS = {
    "default": ((), {}),
    "hipaa": (("--profile", "hipaa"), {"profile": "hipaa"}),
    "docs": (("--policy", "docs"), {"policy": "docs"}),
    "scope": (("--policy", "scope"), {"policy": "scope"}),
}


M = "claude-sonnet-5-5"
MSGS = [{"role": "user", "content": "hello"}]
BASE = {"model": M, "max_tokens": 16, "messages": MSGS}


def _codes(text: str) -> frozenset:
    return frozenset(text.split()) if text else frozenset()


def shape(call: str, codes: str, *args, client: str = "Anthropic", hipaa=None, docs=None, scope=None, **kwargs) -> Shape:
    variants = {name: _codes(value) for name, value in (("hipaa", hipaa), ("docs", docs), ("scope", scope)) if value is not None}
    return Shape(call, kwargs, _codes(codes), client, args, variants=variants)


SHAPES = {
    # ZDR001
    "files_upload": shape("files.upload", "ZDR001", file=("a.txt", b"hi", "text/plain")),
    "files_list": shape("files.list", "ZDR001"),
    "beta_files": shape("beta.files.list", "ZDR001 ZDR005"),
    "document_block": shape("messages.create", "ZDR001", **dict(BASE, messages=[{"role": "user", "content": [{"type": "document", "source": {"type": "file", "file_id": "file_1"}}]}])),
    "container_upload": shape("messages.create", "ZDR001", **dict(BASE, messages=[{"role": "user", "content": [{"type": "container_upload", "file_id": "file_1"}]}])),
    # ZDR002
    "cache_keyword": shape("messages.create", "ZDR002", docs="", **BASE, cache_control={"type": "ephemeral"}),
    "cache_system": shape("messages.create", "ZDR002", docs="", **BASE, system=[{"type": "text", "text": "s", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]),
    "cache_tool": shape("messages.create", "ZDR002", docs="", **BASE, tools=[{"name": "t", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}}]),
    "cache_message_block": shape("messages.create", "ZDR002", docs="", **dict(BASE, messages=[{"role": "user", "content": [{"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}]}])),
    "diagnostics": shape("messages.create", "ZDR002", **BASE, diagnostics={"cache": True}),
    "count_tokens_cache": shape("messages.count_tokens", "ZDR002", docs="", model=M, messages=MSGS, cache_control={"type": "ephemeral"}),
    # ZDR003
    "batch_create": shape("messages.batches.create", "ZDR003 ZDR002", docs="ZDR003", requests=[{"custom_id": "a", "params": dict(BASE, cache_control={"type": "ephemeral"})}]),
    "batch_list": shape("messages.batches.list", "ZDR003"),
    "beta_batches": shape("beta.messages.batches.list", "ZDR003 ZDR005"),
    # ZDR004
    "output_config_format": shape("messages.create", "ZDR004", **BASE, output_config={"format": {"type": "json_schema", "schema": {"type": "object"}}}),
    "parse": shape("messages.parse", "ZDR004", **BASE, output_format=Source("Invoice", Invoice)),
    "strict_tool": shape("messages.create", "ZDR004", **BASE, tools=[{"name": "t", "input_schema": {"type": "object"}, "strict": True}]),
    # ZDR005
    "beta_create": shape("beta.messages.create", "ZDR005", **BASE),
    "beta_betas": shape("beta.messages.create", "ZDR005", docs="", **BASE, betas=["context-management-2025-06-27"]),
    "header_on_ga": shape("messages.create", "ZDR005", docs="", **BASE, extra_headers={"anthropic-beta": "compact-2026-01-12"}),
    "beta_models": shape("beta.models.list", "ZDR005"),
    # ZDR006 .. ZDR008
    "code_execution": shape("messages.create", "ZDR006", **BASE, tools=[{"type": "code_execution_20250825", "name": "code_execution"}]),
    "programmatic": shape("messages.create", "ZDR006", **BASE, tools=[{"name": "t", "input_schema": {"type": "object"}, "allowed_callers": ["code_execution_20260120"]}]),
    "dynamic_filtering": shape("messages.create", "ZDR006 ZDR007", docs="ZDR006", **BASE, tools=[{"type": "web_search_20260209", "name": "web_search"}]),
    "web_search": shape("messages.create", "ZDR007", docs="", **BASE, tools=[{"type": "web_search_20250305", "name": "web_search"}]),
    "web_fetch": shape("messages.create", "ZDR008", docs="", **BASE, tools=[{"type": "web_fetch_20250910", "name": "web_fetch"}]),
    # ZDR009, ZDR010
    "mcp_servers": shape("beta.messages.create", "ZDR005 ZDR009", **BASE, mcp_servers=[{"type": "url", "url": "https://mcp.example.com", "name": "crm"}]),
    "mcp_toolset": shape("beta.messages.create", "ZDR005 ZDR009", **BASE, tools=[{"type": "mcp_toolset", "mcp_server_name": "crm"}]),
    "tunnels": shape("beta.tunnels.list", "ZDR005 ZDR009"),
    "skills": shape("skills.list", "ZDR010"),
    "container": shape("messages.create", "ZDR010", **BASE, container="cntr_1"),
    # ZDR011
    "bedrock": shape("messages.create", "ZDR011", **BASE, client="AnthropicBedrock"),
    "vertex": shape("messages.create", "ZDR011", **BASE, client="AnthropicVertex"),
    # ZDR012
    "server_export": shape("beta.organization.telemetry_destinations.create", "ZDR005 ZDR012", endpoint_url="https://otel.example.com", workspaces=["w"], traces={"content_mode": "content"}),
    # ZDR013
    "agents": shape("beta.agents.create", "ZDR005 ZDR013", name="a", model=M, tools=[{"type": "agent_toolset_20260401"}]),
    "agent_servers_skills": shape("beta.agents.create", "ZDR005 ZDR009 ZDR010 ZDR013", name="a", model=M, mcp_servers=[{"type": "url", "name": "crm", "url": "https://mcp.example.com/mcp"}], skills=[{"type": "custom", "skill_id": "skill_1"}]),
    "agent_update_servers": shape("beta.agents.update", "ZDR005 ZDR009 ZDR013", "agent_1", version=1, mcp_servers=[{"type": "url", "name": "crm", "url": "https://mcp.example.com/mcp"}], skills=None),
    "session_events": shape("beta.sessions.events.send", "ZDR005 ZDR013", "sess_1", events=[]),
    "memories": shape("beta.memory_stores.memories.list", "ZDR005 ZDR013", "ms_1"),
    # ZDR014
    "thread": shape("beta.messages.create", "ZDR005 ZDR014", **BASE, thread={"type": "create"}),
    "threads_beta": shape("beta.messages.create", "ZDR005 ZDR014", **BASE, betas=["message-threads-2026-08-12"]),
    # ZDR015
    "covered": shape("messages.create", "ZDR015", **dict(BASE, model="claude-fable-5-1")),
    "covered_batch": shape("messages.batches.create", "ZDR003 ZDR015", requests=[{"custom_id": "a", "params": dict(BASE, model="claude-mythos-5")}]),
    "covered_bedrock": shape("messages.create", "ZDR011 ZDR015", **dict(BASE, model="us.anthropic.claude-fable-5-v1:0"), client="AnthropicBedrock"),
    # ZDR016: the HIPAA profile only; ZDR011 for Anthropic-processed clouds under platforms = "scope"
    "tool_search": shape("messages.create", "", hipaa="ZDR016", **BASE, tools=[{"type": "tool_search_tool_bm25_20251119", "name": "tool_search"}]),
    "tool_search_undated": shape("messages.create", "", hipaa="ZDR016", **BASE, tools=[{"type": "tool_search_tool_regex", "name": "tool_search"}]),
    "browser": shape("messages.create", "", hipaa="ZDR016", **BASE, tools=[{"type": "browser_toolset_20260801", "name": "browser"}]),
    "advisor": shape("beta.messages.create", "ZDR005", hipaa="ZDR005 ZDR016", docs="", **BASE, betas=["advisor-tool-2026-03-01"],
                     tools=[{"type": "advisor_20260301", "name": "advisor", "model": "claude-opus-5-5"}]),
    "compaction": shape("beta.messages.create", "ZDR005", hipaa="ZDR005 ZDR016", **BASE, compaction={"trigger": {"type": "input_tokens", "value": 100000}}),
    "context_editing": shape("beta.messages.create", "ZDR005", hipaa="ZDR005 ZDR016", docs="", **BASE, betas=["context-management-2025-06-27"],
                             context_management={"edits": [{"type": "clear_tool_uses_20250919"}]}),
    "aws": shape("messages.create", "", client="AnthropicAWS", hipaa="ZDR016", scope="ZDR011", **BASE),
    "foundry": shape("messages.create", "", client="AnthropicFoundry", hipaa="ZDR016", scope="ZDR011", **BASE),
    "google_cloud": shape("messages.create", "", client="AnthropicGoogleCloud", scope="ZDR011", **BASE),
    # silent on both sides
    "plain": shape("messages.create", "", **BASE),
    "effort_only": shape("messages.create", "", **BASE, output_config={"effort": "high"}),
    "strict_false": shape("messages.create", "", **BASE, tools=[{"name": "t", "input_schema": {"type": "object"}, "strict": False}]),
    "direct_callers": shape("messages.create", "ZDR007", docs="", **BASE, tools=[{"type": "web_search_20260209", "name": "web_search", "allowed_callers": ["direct"]}]),
    "neutral_tools": shape("messages.create", "", **BASE, tools=[{"type": "bash_20250124", "name": "bash"}, {"type": "memory_20250818", "name": "memory"}]),
    "plain_count_tokens": shape("messages.count_tokens", "", model=M, messages=MSGS),
    "models": shape("models.list", ""),
}
CLIENT_ARGS = {
    "Anthropic": "",
    "AnthropicAWS": "aws_region='us-east-1'",
    "AnthropicFoundry": "resource='contoso'",
    "AnthropicGoogleCloud": "project='p', location='us-east5'",
    "AnthropicBedrock": "aws_region='us-east-1'",
    "AnthropicVertex": "region='us-east5', project_id='p'",
}


def render(item: Shape) -> str:
    arguments = [repr(a) for a in item.args] + [f"{k}={v!r}" for k, v in item.kwargs.items()]
    return f"import anthropic\n\nclient = anthropic.{item.client}({CLIENT_ARGS[item.client]})\nclient.{item.call}({', '.join(arguments)})\n"


def _plain(value):
    if isinstance(value, Source):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _client(item: Shape, url: str):
    extra = {
        "AnthropicBedrock": {"aws_region": "us-east-1", "api_key": "k"}, "AnthropicVertex": {"region": "us-east5", "project_id": "p", "access_token": "k"},
        "AnthropicAWS": {"api_key": "k", "aws_region": "us-east-1", "workspace_id": "w"},
        "AnthropicGoogleCloud": {"project": "p", "location": "us-east5", "skip_auth": True},
    }
    return getattr(anthropic, item.client)(base_url=url, max_retries=0, **extra.get(item.client, {"api_key": "k"}))


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("shapes")
    for name, item in SHAPES.items():
        (root / f"{name}.py").write_text(render(item), encoding="utf-8")
    codes: dict = {}
    for variant, (flags, _) in VARIANTS.items():
        result = run_zdr("check", "--isolated", "--output-format", "json", "--exit-zero", *flags, ".", cwd=root)
        codes[variant] = {name: set() for name in SHAPES}
        for finding in json.loads(result.stdout):
            codes[variant][Path(finding["filename"]).stem].add(finding["code"])
    return codes


@pytest.fixture(scope="module")
def guarded() -> dict:
    codes: dict = {}
    with FakeAPI() as api:
        for name, item in SHAPES.items():
            client = _client(item, api.url)
            guards = {}
            for variant, (_, arguments) in VARIANTS.items():  # one guard per variant, each sees the same request
                guards[variant] = ZdrGuard(mode="record", **arguments)
                client = install(client, guard=guards[variant])
            target = client
            for part in item.call.split("."):
                target = getattr(target, part)
            sent = len(api.log)
            try:
                result = target(*item.args, **_plain(item.kwargs))
                if hasattr(result, "__enter__"):  # a stream manager sends on entering
                    with result:
                        pass
            except (anthropic.APIError, pydantic.ValidationError):
                pass  # the fake server's answer need not fit every response model: the request was sent
            assert len(api.log) > sent, f"{name}: the request was not sent"
            for variant in VARIANTS:
                codes.setdefault(variant, {})[name] = set(guards[variant].counts)
    return codes


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_linter_and_the_guard_agree(name: str, variant: str, linted: dict, guarded: dict) -> None:
    expected = set(SHAPES[name].expected(variant))
    found, guard = linted[variant][name], guarded[variant][name]
    assert found == guard == expected, f"{variant}: linter {sorted(found)}, guard {sorted(guard)}, expected {sorted(expected)}\n{render(SHAPES[name])}"


def test_the_shapes_cover_every_code_the_positive_fixtures_expect() -> None:
    in_fixtures = {code for path in FIXTURES.glob("*/positive_*.py") for _, code in expected_findings(path)}
    in_shapes = {code for item in SHAPES.values() for variant in VARIANTS for code in item.expected(variant)}
    assert in_fixtures - in_shapes == set(), "request shapes to add for these codes"
    assert in_fixtures >= {f"ZDR{n:03d}" for n in range(1, 17)}
