"""The catalog cannot drift from the SDK unnoticed: walk the installed `anthropic` package (every
resource at any depth, sync and async; the keywords of every request method and client constructor,
GA and beta kept apart; every tool param type under `types/`; every beta name, model id and
`ANTHROPIC_*` variable) and fail on anything the catalog neither classifies nor lists as neutral.

`anthropic` is a test dependency only; zdr-lint never imports it. tests/test_catalog_drift.py plants
new SDK surface in a copy of the package and checks that this module fails on each;
benchmarks/sdk_drift.py runs it against the newest SDK on the package index.
"""

from __future__ import annotations

import pytest

import sdk_surface
from zdr_lint import catalog, classify

anthropic = pytest.importorskip("anthropic")


@pytest.fixture(scope="module", params=["Anthropic", "AsyncAnthropic"])
def client(request):
    return getattr(anthropic, request.param)(api_key="test-key-not-used")


@pytest.fixture(scope="module")
def sync_client():
    return anthropic.Anthropic(api_key="test-key-not-used")


def _listing(items) -> str:
    return "\n  " + "\n  ".join(sorted(str(i) for i in items))


# --- clients ------------------------------------------------------------------------------------
def test_every_sdk_client_class_is_classified():
    found = set(sdk_surface.client_classes(anthropic))
    assert {"AnthropicBedrock", "AnthropicVertex", "AnthropicFoundry"} <= found, "the walk itself is broken"
    unknown = found - catalog.CLIENT_CLASSES
    assert not unknown, f"client classes the catalog does not know:{_listing(unknown)}"


def test_cloud_processed_clients_are_exactly_bedrock_and_vertex():
    assert all(("Bedrock" in n) or ("Vertex" in n) for n in catalog.CLOUD_PROCESSED_CLIENTS)
    assert not catalog.ANTHROPIC_PROCESSED_CLIENTS & set(catalog.CLOUD_PROCESSED_CLIENTS)


def test_every_client_constructor_keyword_is_classified():
    keywords = sdk_surface.constructor_keywords(anthropic)
    assert "open_telemetry" in keywords["Anthropic"] and "aws_region" in keywords["AnthropicBedrock"]
    unknown = {f"{cls}({name}=)" for cls, names in keywords.items() for name in names if name not in catalog.CLIENT_KEYWORDS}
    assert not unknown, f"client constructor keywords neither classified nor neutral:{_listing(unknown)}"


# --- resources ----------------------------------------------------------------------------------
def _classified(path: tuple) -> bool:
    """A code of its own (not only the ZDR005 every beta path has), or a neutral prefix with a reason."""
    if path == ("beta",):
        return True  # the namespace: every call below it is ZDR005
    if any(rule.code != "ZDR005" and path[: len(rule.prefix)] == rule.prefix for rule in catalog.RESOURCE_RULES):
        return True
    return any(path[: len(prefix)] == prefix for prefix in catalog.NEUTRAL_RESOURCES)


def test_every_resource_at_any_depth_is_known_and_classified(client):
    tree = sdk_surface.resource_tree(client)
    assert ("beta", "memory_stores", "memories") in tree and ("organization", "workspaces", "members") in tree, "the walk is broken"
    unknown = {".".join(path) for path in tree if path not in catalog.KNOWN_RESOURCES}
    assert not unknown, f"resources the catalog does not list (read them, then add them to KNOWN_RESOURCES):{_listing(unknown)}"
    unclassified = {".".join(path) for path in tree if not _classified(path)}
    assert not unclassified, f"resources neither classified nor under a neutral prefix:{_listing(unclassified)}"


def test_message_methods_are_known(sync_client):
    tree = sdk_surface.resource_tree(sync_client)
    ga, beta = tree[("messages",)], tree[("beta", "messages")]
    assert ga <= catalog.REQUEST_METHODS, f"unknown messages methods:{_listing(ga - catalog.REQUEST_METHODS)}"
    assert beta <= catalog.REQUEST_METHODS, f"unknown beta.messages methods:{_listing(beta - catalog.REQUEST_METHODS)}"
    assert not (ga & catalog.BETA_MESSAGES_METHODS), f"beta-only methods reached GA messages:{_listing(ga & catalog.BETA_MESSAGES_METHODS)}"


def test_local_methods_still_exist_and_nothing_else_is_silent(sync_client):
    tree = sdk_surface.resource_tree(sync_client)
    for path in catalog.LOCAL_METHODS:
        assert path[-1] in tree[path[:-1]], f"{'.'.join(path)} is listed as local but the SDK no longer has it"
    # every other beta method is at least ZDR005
    for path, methods in tree.items():
        if path[0] == "beta":
            for method in methods:
                if path + (method,) not in catalog.LOCAL_METHODS:
                    assert any(v.code == "ZDR005" for v in classify.resource_call(path + (method,))), path + (method,)


# --- request keywords: GA and beta apart ---------------------------------------------------------
def _method_keywords():
    client = anthropic.Anthropic(api_key="test-key-not-used")
    return sorted(sdk_surface.request_method_keywords(client).items())


@pytest.mark.parametrize(("method", "keywords"), _method_keywords(), ids=[m for m, _ in _method_keywords()])
def test_every_request_keyword_is_classified(method, keywords):
    known = catalog.BETA_REQUEST_KEYWORDS if method.startswith("beta.") else catalog.GA_REQUEST_KEYWORDS
    unknown = keywords - set(known)
    surface = "beta" if method.startswith("beta.") else "GA"
    assert not unknown, f"{method} takes keywords the catalog does not list for the {surface} surface:{_listing(unknown)}"


def test_the_walk_sees_every_request_method():
    methods = dict(_method_keywords())
    for name in ("messages.create", "messages.stream", "messages.count_tokens", "messages.parse", "messages.batches.create",
                 "beta.messages.create", "beta.messages.stream", "beta.messages.tool_runner", "beta.messages.thread"):
        assert name in methods, name
    assert "thread" in methods["beta.messages.create"] and "thread" not in methods["messages.create"]
    assert "cache_control" in methods["beta.messages.thread"], "**params: Unpack[...] was not opened"


# --- tools ---------------------------------------------------------------------------------------
def test_every_tool_type_is_classified_with_its_version():
    found = sdk_surface.tool_types(anthropic)
    assert {"web_search_20250305", "code_execution_20250825", "agent_toolset_20260401", "mcp_toolset", "custom"} <= set(found)
    problems = set()
    for value, classes in found.items():
        dated = catalog.DATED_TYPE.fullmatch(value)
        if dated and dated.group(1) in catalog.TOOL_FAMILIES:
            family = catalog.TOOL_FAMILIES[dated.group(1)]
            if int(dated.group(2)) not in family.versions:
                problems.add(f"{value}: a new version of {dated.group(1)} ({family.code}), in {sorted(classes)}")
        elif value not in catalog.UNDATED_TOOL_TYPES:
            problems.add(f"{value}: an unknown tool type, in {sorted(classes)}")
    assert not problems, f"tool types the catalog does not list (a new version can change eligibility):{_listing(problems)}"


def test_tool_classification_agrees_with_the_linter_patterns():
    for name, family in catalog.TOOL_FAMILIES.items():
        for date in family.versions:
            matched = catalog.match_tool_type(f"{name}_{date}")
            if isinstance(family.code, str):
                assert matched is not None and matched[0].code == family.code, name
            else:
                assert matched is None and catalog.NEUTRAL_TOOL_TYPES.fullmatch(f"{name}_{date}"), name


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
    for name in ("BetaManagedAgentsAgentToolset20260401Params", "BetaManagedAgentsMultiagent20261001Params", "BetaMCPToolsetParam"):
        assert hasattr(beta_types, name) and catalog.match_typed_param(name) is not None, name


# --- beta names, models, environment ----------------------------------------------------------------
def test_every_beta_name_is_known_and_classified():
    names = sdk_surface.beta_names(anthropic)
    assert {"managed-agents-2026-04-01", "message-threads-2026-08-12", "mcp-tunnels-2026-06-22"} <= names
    unknown = names - catalog.KNOWN_BETA_NAMES
    assert not unknown, f"beta names the catalog does not list:{_listing(unknown)}"
    unmatched = {n for n in catalog.KNOWN_BETA_NAMES if catalog.match_beta(n) is None}
    assert not unmatched, f"listed beta names no catalog entry classifies:{_listing(unmatched)}"


def test_the_new_exceptions_betas_fire_their_codes():
    assert classify.beta_name("managed-agents-2026-04-01").code == "ZDR013"
    assert classify.beta_name("dreaming-2026-04-21").code == "ZDR013"
    assert classify.beta_name("agent-memory-2026-07-22").code == "ZDR013"
    assert classify.beta_name("message-threads-2026-08-12").code == "ZDR014"
    assert classify.beta_name("mcp-tunnels-2026-06-22").code == "ZDR009"
    assert classify.beta_name("compact-2026-01-12") is None


def test_every_model_id_is_classified_covered_or_not():
    ids = sdk_surface.model_ids(anthropic)
    assert "claude-fable-5" in ids and "claude-sonnet-5-5" in ids
    unknown = ids - set(catalog.KNOWN_MODEL_IDS)
    assert not unknown, f"model ids the catalog does not list:{_listing(unknown)}"
    wrong = {m for m in ids if (catalog.covered_model(m) is not None) != catalog.KNOWN_MODEL_IDS[m]}
    assert not wrong, f"model ids the covered-model pattern classifies against the catalog's listing:{_listing(wrong)}"
    assert set(catalog.DESIGNATED_COVERED_MODELS) <= {m for m, covered in catalog.KNOWN_MODEL_IDS.items() if covered}


def test_every_anthropic_environment_variable_is_classified():
    names = sdk_surface.env_vars(anthropic)
    assert "ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE" in names and "ANTHROPIC_API_KEY" in names
    unknown = names - set(catalog.SDK_ENV_VARS)
    assert not unknown, f"ANTHROPIC_* variables the catalog does not classify:{_listing(unknown)}"
    assert catalog.SDK_ENV_VARS["ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE"] == "ZDR012"
    assert "ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE" in catalog.TELEMETRY_ENV_VARS


def _neutrals():
    tables = {
        "CLIENT_KEYWORDS": catalog.CLIENT_KEYWORDS, "NEUTRAL_RESOURCES": catalog.NEUTRAL_RESOURCES,
        "LOCAL_METHODS": catalog.LOCAL_METHODS, "BETA_REQUEST_KEYWORDS": catalog.BETA_REQUEST_KEYWORDS,
        "UNDATED_TOOL_TYPES": catalog.UNDATED_TOOL_TYPES, "SDK_ENV_VARS": catalog.SDK_ENV_VARS,
        "TOOL_FAMILIES": {n: f.code for n, f in catalog.TOOL_FAMILIES.items()},
        "BETAS": {b.prefix: b.classification for b in catalog.BETAS},
    }
    return [(f"{table}[{key}]", value) for table, entries in tables.items() for key, value in entries.items()]


def test_every_classification_is_a_code_or_a_reason():
    rules = {code for code in catalog.EXCEPTIONS}
    for where, value in _neutrals():
        if isinstance(value, catalog.Neutral):
            assert value.reason and len(value.reason) > 10, f"{where}: a neutral classification needs its reason"
        else:
            assert value in rules, f"{where}: {value!r} is neither a code nor Neutral(reason)"


# --- the prefilter -------------------------------------------------------------------------------------
def test_prefilter_words_come_from_the_catalog():
    words = set(catalog.TRIGGER_WORDS)
    for expected in (b"anthropic", b"cache_control", b"web_search_20", b"web_fetch_20", b"code_execution_20", b"mcp_toolset", b"agent_toolset_20"):
        assert expected in words
    assert all(w == w.lower() for w in words)
    assert (b"file_id", b"document", b"file", b"source") in catalog.TRIGGER_PAIRS and (b"input_schema", b"strict") in catalog.TRIGGER_PAIRS


def test_prefilter_lets_through_what_a_rule_needs_and_not_openai_look_alikes():
    from zdr_lint.config import Settings
    from zdr_lint.engine import Linter

    linter = Linter(Settings())
    assert linter.passes_prefilter(b"tools = [{'type': 'web_search_20250305'}]")
    assert linter.passes_prefilter(b"b = {'type': 'document', 'source': {'type': 'file', 'file_id': f}}")
    assert linter.passes_prefilter(b"t = {'name': 'x', 'input_schema': {}, 'strict': True}")
    assert linter.passes_prefilter(b"body = {'model': 'claude-fable-5'}")
    assert linter.passes_prefilter(b"url = 'https://x.services.ai.azure.com/anthropic/v1/files'")
    assert not linter.passes_prefilter(b"tools = [{'type': 'web_search_preview'}]; r.output[0].file_id")
    assert not linter.passes_prefilter(b"c = {'type': 'input_image', 'file_id': f}")  # OpenAI's image by file id
    # the paired words count only as strings or keyword arguments, as the ast stage needs them
    assert linter.passes_prefilter(b"b = dict(type='image', source=dict(type='file', file_id=f))")
    assert linter.passes_prefilter(b"ToolParam(name='x', input_schema=s, strict=True)")
    assert not linter.passes_prefilter(b"def load(source, image, file_id):\n    return read(file_id, source.file, image)")
    assert not linter.passes_prefilter(b"schema = model.input_schema\nif strict:\n    check(schema)")


# --- profiles and policy positions ------------------------------------------------------------------
def test_every_trigger_standing_is_complete_and_consistent():
    """Each trigger names a known code, source, topic, BAA outcome and answers from the vocabulary
    `classify.judge` knows; every judged code has a default trigger (ZDR016's verdicts name theirs);
    every remedy belongs to a trigger."""
    answers = {"yes", "qualified", "no", "unlisted", "elsewhere", "not-blocked"}
    codes = {code for code in catalog.EXCEPTIONS}
    for key, standing in catalog.TRIGGERS.items():
        assert standing.code in codes, key
        assert standing.zdr in answers and standing.hipaa in answers, key
        assert set(standing.sources) <= set(catalog.SOURCES) and standing.sources, key
        assert standing.topic is None or standing.topic in catalog.POLICY_TOPICS, key
        assert standing.scope in answers | {"unnamed"}, key
        assert standing.baa is None or standing.baa in catalog.BAA_OUTCOMES, key
        assert standing.kept and standing.holder and standing.retention, key
    judged = {t.code for t in catalog.TRIGGERS.values()}
    assert judged - set(catalog.DEFAULT_TRIGGERS) == {"ZDR016"}
    assert all(catalog.TRIGGERS[t].code == code for code, t in catalog.DEFAULT_TRIGGERS.items())
    assert set(catalog.REMEDIES) <= set(catalog.TRIGGERS)
    assert dict(catalog.DEFAULT_POLICY).keys() == catalog.POLICY_TOPICS.keys()
    # the zdr profile never raises ZDR016; the hipaa profile raises every code the zdr profile does
    assert "ZDR016" not in catalog.codes_in_profile("zdr")
    assert catalog.codes_in_profile("hipaa") == catalog.codes_in_profile("zdr") | {"ZDR016"}


def test_hipaa_typed_params_and_tool_types_match_the_sdk():
    import anthropic.types as types
    import anthropic.types.beta as beta_types

    names = [n for module in (types, beta_types) for n in dir(module) if any(k in n for k in ("ToolSearchTool", "AdvisorTool", "BrowserToolset")) and n[-12:-5].isdigit()]
    assert names, "no tool search, advisor or browser tool params found"
    for name in names:
        tool_type = catalog.hipaa_typed_param_tool_type(name)
        assert tool_type is not None and catalog.match_hipaa_tool_type(tool_type) is not None, name
    for family in catalog.HIPAA_TOOL_FAMILIES:
        for date in catalog.TOOL_FAMILIES[family].versions:
            assert catalog.match_hipaa_tool_type(f"{family}_{date}") == (family, date)
        assert catalog.match_tool_type(f"{family}_{catalog.TOOL_FAMILIES[family].versions[0]}") is None  # no ZDR code of its own
