"""The catalog cannot drift from the SDK unnoticed: walk the installed `anthropic` package and fail on
any client class, resource, request keyword or tool type the catalog neither classifies nor lists as
neutral. (`anthropic` is a test dependency only; zdr-lint never imports it at run time.)"""

from __future__ import annotations

import inspect
import typing

import pytest

from zdr_lint import catalog

anthropic = pytest.importorskip("anthropic")
from anthropic._base_client import BaseClient  # noqa: E402
from anthropic._resource import SyncAPIResource  # noqa: E402


def _sdk_client_classes() -> set:
    import anthropic.lib.bedrock as bedrock
    import anthropic.lib.vertex as vertex

    names = set()
    for module in (anthropic, bedrock, vertex):
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseClient) and not name.startswith("_"):
                if name not in {"SyncAPIClient", "AsyncAPIClient", "BaseClient"}:
                    names.add(name)
    return names


def _resources(obj) -> dict:
    out = {}
    for name in dir(type(obj)):
        if name.startswith("_") or name.startswith("with_"):
            continue
        attr = inspect.getattr_static(type(obj), name)
        if isinstance(attr, property) or type(attr).__name__ == "cached_property":
            value = getattr(obj, name)
            if isinstance(value, SyncAPIResource):
                out[name] = value
    return out


@pytest.fixture(scope="module")
def client():
    return anthropic.Anthropic(api_key="test-key-not-used")


def test_every_sdk_client_class_is_classified():
    found = _sdk_client_classes()
    assert found, "no client classes found in the SDK: the walk itself is broken"
    unknown = found - catalog.CLIENT_CLASSES
    assert not unknown, f"client classes the catalog does not know: {sorted(unknown)}"
    assert {"AnthropicBedrock", "AnthropicVertex", "AnthropicFoundry"} <= found


def test_cloud_processed_clients_are_exactly_bedrock_and_vertex():
    assert all(("Bedrock" in n) or ("Vertex" in n) for n in catalog.CLOUD_PROCESSED_CLIENTS)
    assert not catalog.ANTHROPIC_PROCESSED_CLIENTS & set(catalog.CLOUD_PROCESSED_CLIENTS)


def _classified(path: tuple) -> bool:
    return any(path[: len(rule.prefix)] == rule.prefix for rule in catalog.RESOURCE_RULES)


def test_every_top_level_resource_is_classified_or_neutral(client):
    resources = _resources(client)
    assert "messages" in resources and "files" in resources
    unknown = [name for name in resources if not _classified((name,)) and name not in catalog.NEUTRAL_RESOURCES]
    assert not unknown, f"resources neither classified nor neutral: {unknown}"


def test_every_beta_resource_is_known(client):
    unknown = set(_resources(client.beta)) - catalog.KNOWN_BETA_RESOURCES
    assert not unknown, f"beta resources the catalog does not list: {sorted(unknown)}"


def test_messages_sub_resources_and_methods_are_known(client):
    for messages, known in ((client.messages, catalog.REQUEST_METHODS), (client.beta.messages, catalog.REQUEST_METHODS | catalog.BETA_MESSAGES_METHODS)):
        for name in _resources(messages):
            assert _classified(("messages", name)), f"messages.{name} is not classified"
        methods = {m for m in dir(messages) if not m.startswith("_") and callable(getattr(messages, m))}
        methods -= {"with_raw_response", "with_streaming_response"}
        assert methods <= known, f"unknown messages methods: {sorted(methods - known)}"


@pytest.mark.parametrize("beta", [False, True], ids=["messages.create", "beta.messages.create"])
def test_every_request_keyword_is_classified_or_neutral(client, beta):
    messages = client.beta.messages if beta else client.messages
    params = set(inspect.signature(messages.create).parameters) - {"self"}
    known = set(catalog.REQUEST_KEYWORDS) | catalog.NEUTRAL_REQUEST_KEYWORDS | {catalog.OUTPUT_CONFIG_KEYWORD}
    unknown = params - known
    assert not unknown, f"request keywords neither classified nor neutral: {sorted(unknown)}"


def _tool_types(union) -> set:
    types = set()
    for member in typing.get_args(union):
        hint = typing.get_type_hints(member, include_extras=True)["type"]
        while typing.get_origin(hint) in (typing.Required, typing.Optional, typing.Union, typing.NotRequired) or (
            hasattr(typing, "Required") and typing.get_origin(hint) is getattr(typing, "Required")
        ):
            hint = [a for a in typing.get_args(hint) if a is not type(None)][0]
        types |= {t for t in typing.get_args(hint) if isinstance(t, str)}
    return types


def test_every_tool_type_is_classified_or_neutral():
    from anthropic.types import ToolUnionParam
    from anthropic.types.beta import BetaToolUnionParam

    types = _tool_types(ToolUnionParam) | _tool_types(BetaToolUnionParam)
    assert "web_search_20250305" in types and "code_execution_20250825" in types
    unknown = {t for t in types if catalog.match_tool_type(t) is None and not catalog.NEUTRAL_TOOL_TYPES.fullmatch(t)}
    assert not unknown, f"tool types neither classified nor neutral: {sorted(unknown)}"


def test_typed_tool_params_match_the_catalog():
    import anthropic.types as types
    import anthropic.types.beta as beta_types

    names = [n for module in (types, beta_types) for n in dir(module) if n.endswith("Param") and "Tool" in n and n[-12:-5].isdigit()]
    server = [n for n in names if any(k in n for k in ("WebSearchTool", "WebFetchTool", "CodeExecutionTool"))]
    assert server, "no dated server tool params found"
    missing = [n for n in server if catalog.match_typed_param(n) is None]
    assert not missing, f"typed server-tool params the catalog does not match: {missing}"
    assert catalog.match_typed_param("CacheControlEphemeralParam").code == "ZDR002"
    assert hasattr(types, "CacheControlEphemeralParam") and hasattr(types, "JSONOutputFormatParam")


def test_prefilter_words_come_from_the_catalog():
    words = set(catalog.TRIGGER_WORDS)
    for expected in (b"anthropic", b"cache_control", b"web_search_20", b"web_fetch_20", b"code_execution_20", b"mcp_toolset"):
        assert expected in words
    assert all(w == w.lower() for w in words)
    assert (b"file_id", b"document", b"source") in catalog.TRIGGER_PAIRS and (b"input_schema", b"strict") in catalog.TRIGGER_PAIRS


def test_prefilter_lets_through_what_a_rule_needs_and_not_openai_look_alikes():
    from zdr_lint.config import Settings
    from zdr_lint.engine import Linter

    linter = Linter(Settings())
    assert linter.passes_prefilter(b"tools = [{'type': 'web_search_20250305'}]")
    assert linter.passes_prefilter(b"b = {'type': 'document', 'source': {'type': 'file', 'file_id': f}}")
    assert linter.passes_prefilter(b"t = {'name': 'x', 'input_schema': {}, 'strict': True}")
    assert not linter.passes_prefilter(b"tools = [{'type': 'web_search_preview'}]; r.output[0].file_id")
    assert not linter.passes_prefilter(b"c = {'type': 'input_image', 'file_id': f}")  # OpenAI's image by file id
