"""The runtime guard with real parts: real `anthropic` clients (sync and async) and a real `httpx`
client, pointed at a local HTTP server this module starts on 127.0.0.1. The server's log proves
that a blocked request never left the client and that an allowed one arrived."""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fake_api import FakeAPI

anthropic = pytest.importorskip("anthropic")
httpx = pytest.importorskip("httpx")
from zdr_lint.guard import ZdrGuard, ZdrViolation, ZdrWarning, guard_of, install  # noqa: E402

SECRET = "SECRET-PROMPT-7f3a"  # a prompt's text: it must never appear in what the guard says or keeps
MESSAGES = [{"role": "user", "content": SECRET}]
MODEL = "claude-sonnet-5-5"
HERE = str(Path(__file__).resolve())


@pytest.fixture
def api():
    with FakeAPI() as server:
        yield server


def client_for(api, cls=None, **options):
    cls = cls or anthropic.Anthropic
    return install(cls(base_url=api.url, api_key="test-key", max_retries=2), **options)


def create(client, **extra):
    return client.messages.create(model=MODEL, max_tokens=16, messages=MESSAGES, **extra)


# --- block: nothing is sent ------------------------------------------------------------------------
def test_an_allowed_request_reaches_the_server(api):
    client = client_for(api)
    reply = create(client)
    assert reply.content[0].text == "ok"
    assert api.paths() == ["/v1/messages"] and api.log[0]["body"]["messages"][0]["content"] == SECRET
    guard = guard_of(client)
    assert guard.requests == 1 and not guard.counts


BLOCKED = {
    "cache_control": (lambda c: create(c, cache_control={"type": "ephemeral"}), "ZDR002"),
    "cache_block": (lambda c: c.messages.create(model=MODEL, max_tokens=16, system=[{"type": "text", "text": SECRET, "cache_control": {"type": "ephemeral"}}], messages=MESSAGES), "ZDR002"),
    "diagnostics": (lambda c: create(c, diagnostics={"cache": True}), "ZDR002"),
    "output_config": (lambda c: create(c, output_config={"format": {"type": "json_schema", "schema": {"type": "object"}}}), "ZDR004"),
    "strict_tool": (lambda c: create(c, tools=[{"name": "t", "input_schema": {"type": "object"}, "strict": True}]), "ZDR004"),
    "code_execution": (lambda c: create(c, tools=[{"type": "code_execution_20250825", "name": "code_execution"}]), "ZDR006"),
    "web_search_2026": (lambda c: create(c, tools=[{"type": "web_search_20260209", "name": "web_search"}]), "ZDR006"),
    "web_fetch": (lambda c: create(c, tools=[{"type": "web_fetch_20250910", "name": "web_fetch"}]), "ZDR008"),
    "container": (lambda c: create(c, container="cntr_1"), "ZDR010"),
    "file_block": (lambda c: c.messages.create(model=MODEL, max_tokens=16, messages=[{"role": "user", "content": [{"type": "document", "source": {"type": "file", "file_id": "file_1"}}]}]), "ZDR001"),
    "covered_model": (lambda c: c.messages.create(model="claude-fable-5-1", max_tokens=16, messages=MESSAGES), "ZDR015"),
    "count_tokens": (lambda c: c.messages.count_tokens(model=MODEL, messages=MESSAGES, cache_control={"type": "ephemeral"}), "ZDR002"),
    "parse": (lambda c: c.messages.parse(model=MODEL, max_tokens=16, messages=MESSAGES, output_format=dict), "ZDR004"),
    "files_upload": (lambda c: c.files.upload(file=("notes.txt", SECRET.encode(), "text/plain")), "ZDR001"),
    "files_list": (lambda c: c.files.list(), "ZDR001"),
    "batches": (lambda c: c.messages.batches.create(requests=[{"custom_id": "a", "params": {"model": MODEL, "max_tokens": 8, "messages": MESSAGES}}]), "ZDR003"),
    "skills": (lambda c: c.skills.list(), "ZDR010"),
    "beta_messages": (lambda c: c.beta.messages.create(model=MODEL, max_tokens=16, messages=MESSAGES), "ZDR005"),
    "mcp_servers": (lambda c: c.beta.messages.create(model=MODEL, max_tokens=16, messages=MESSAGES, mcp_servers=[{"type": "url", "url": "https://mcp.example.com", "name": "crm"}]), "ZDR009"),
    "thread": (lambda c: c.beta.messages.create(model=MODEL, max_tokens=16, messages=MESSAGES, thread={"type": "create"}), "ZDR014"),
    "sessions": (lambda c: c.beta.sessions.create(agent="agent_1", environment_id="env_1"), "ZDR013"),
    "memories": (lambda c: c.beta.memory_stores.memories.list("ms_1"), "ZDR013"),
    "tunnels": (lambda c: c.beta.tunnels.list(), "ZDR009"),
    "telemetry_export": (lambda c: c.beta.organization.telemetry_destinations.create(endpoint_url="https://otel.example.com", workspaces=["wrkspc_1"], traces={"content_mode": "content"}), "ZDR012"),
    "raw_post_files": (lambda c: c.post("/v1/files", body={}, cast_to=object), "ZDR001"),
    "raw_post_tools": (lambda c: c.post("/v1/messages", body={"model": MODEL, "max_tokens": 8, "messages": MESSAGES, "tools": [{"type": "code_execution_20260521", "name": "ce"}]}, cast_to=object), "ZDR006"),
}


@pytest.mark.parametrize("name", sorted(BLOCKED))
def test_a_blocked_request_never_reaches_the_server(api, name):
    send, code = BLOCKED[name]
    client = client_for(api)
    with pytest.raises(ZdrViolation) as raised:
        send(client)
    assert code in raised.value.codes
    assert api.log == [], "the blocked request reached the server"
    assert guard_of(client).blocked == 1


def test_the_violation_is_an_sdk_error_that_names_codes_and_the_caller_not_content(api):
    client = client_for(api)
    with pytest.raises(anthropic.AnthropicError) as raised:
        create(client, cache_control={"type": "ephemeral"}, tools=[{"type": "web_search_20250305", "name": "web_search"}])
    violation = raised.value
    assert isinstance(violation, ZdrViolation) and violation.codes == ["ZDR002", "ZDR007"]
    text = str(violation)
    assert "POST /v1/messages" in text and "hashed representations of the prompt" in text and "tools[0].type" in text
    assert SECRET not in text
    assert violation.findings[0].caller.startswith(HERE + ":"), violation.findings[0].caller


def test_a_blocked_request_is_not_retried(api):
    client = client_for(api)
    with pytest.raises(ZdrViolation):
        create(client, cache_control={"type": "ephemeral"})
    assert api.log == [] and guard_of(client).requests == 1


# --- streaming ---------------------------------------------------------------------------------------
def test_streaming_is_judged_before_the_stream_opens(api):
    client = client_for(api)
    with pytest.raises(ZdrViolation):
        with client.messages.stream(model=MODEL, max_tokens=16, messages=MESSAGES, cache_control={"type": "ephemeral"}):
            pass
    with pytest.raises(ZdrViolation):
        create(client, stream=True, container="cntr_1")
    assert api.log == []
    with client.messages.stream(model=MODEL, max_tokens=16, messages=MESSAGES) as stream:
        assert "".join(stream.text_stream) == "ok"
    events = list(create(client, stream=True))
    assert [e.type for e in events][-1] == "message_stop"
    assert [entry["body"]["stream"] for entry in api.log] == [True, True]


# --- retries: once per attempt, counted once --------------------------------------------------------------
def test_retries_are_judged_and_counted_once(api):
    client = client_for(api, mode="record")
    api.fail_next(2)
    create(client, cache_control={"type": "ephemeral"})
    assert len(api.log) == 3, "the SDK should have retried twice"
    guard = guard_of(client)
    assert guard.requests == 1 and guard.counts == {"ZDR002": 1}


def test_an_allowed_request_is_retried_as_usual(api):
    client = client_for(api)
    api.fail_next(1)
    create(client)
    assert len(api.log) == 2 and guard_of(client).requests == 1


# --- warn and record ---------------------------------------------------------------------------------------
def test_warn_mode_warns_at_the_callers_line_logs_and_sends(api, caplog):
    client = client_for(api, mode="warn")
    with caplog.at_level(logging.WARNING, logger="zdr_lint.guard"), pytest.warns(ZdrWarning, match="ZDR002") as caught:
        create(client, cache_control={"type": "ephemeral"})
    assert api.paths() == ["/v1/messages"]
    assert caught[0].filename == HERE
    assert any("ZDR002" in record.getMessage() for record in caplog.records)
    assert all(SECRET not in record.getMessage() for record in caplog.records) and SECRET not in str(caught[0].message)


def test_record_mode_counts_and_reports_json_without_content(api):
    client = client_for(api, mode="record")
    create(client)
    create(client, cache_control={"type": "ephemeral"})
    create(client, cache_control={"type": "ephemeral"}, tools=[{"type": "web_fetch_20250910", "name": "web_fetch"}])
    client.files.list()
    guard = guard_of(client)
    report = json.loads(guard.report())
    assert report["requests"] == 4 and report["requests_with_findings"] == 3 and report["blocked"] == 0
    assert report["counts"] == {"ZDR001": 1, "ZDR002": 2, "ZDR008": 1}
    assert report["endpoints"] == {"GET /v1/files": {"ZDR001": 1}, "POST /v1/messages": {"ZDR002": 2, "ZDR008": 1}}
    assert len(api.log) == 4 and SECRET not in guard.report()


def test_allow_lets_what_the_agreement_covers_through(api):
    client = client_for(api, allow=["ZDR002"])
    create(client, cache_control={"type": "ephemeral"})
    assert len(api.log) == 1
    with pytest.raises(ZdrViolation):
        create(client, cache_control={"type": "ephemeral"}, tools=[{"type": "web_search_20250305", "name": "web_search"}])
    assert len(api.log) == 1


def test_batch_items_are_judged_as_requests(api):
    client = client_for(api, mode="record")
    client.messages.batches.create(requests=[{"custom_id": "a", "params": {"model": "claude-mythos-5", "max_tokens": 8, "messages": MESSAGES, "cache_control": {"type": "ephemeral"}}}])
    assert guard_of(client).counts == {"ZDR002": 1, "ZDR003": 1, "ZDR015": 1}


def test_local_webhook_helpers_send_nothing_and_are_not_judged(api):
    client = client_for(api)
    event = client.beta.webhooks.parse_unverified(json.dumps({"type": "event", "id": "evt_1", "data": {}}))
    assert event is not None and api.log == [] and guard_of(client).requests == 0


# --- what the middleware chain alone cannot see --------------------------------------------------------------
def test_the_clients_default_beta_header_and_class_are_seen(api):
    threads = install(anthropic.Anthropic(base_url=api.url, api_key="k", default_headers={"anthropic-beta": "message-threads-2026-08-12"}), mode="record")
    create(threads)
    assert guard_of(threads).counts == {"ZDR005": 1, "ZDR014": 1} and api.log[0]["beta"] == "message-threads-2026-08-12"
    bedrock = install(anthropic.AnthropicBedrock(api_key="k", base_url=api.url, aws_region="us-east-1"), mode="record")
    bedrock.messages.create(model="anthropic.claude-sonnet-5-5-v1:0", max_tokens=8, messages=MESSAGES)
    assert guard_of(bedrock).counts == {"ZDR011": 1}


def test_the_guard_as_plain_middleware_of_a_sync_and_an_async_client(api):
    guard = ZdrGuard(mode="record")
    client = anthropic.Anthropic(base_url=api.url, api_key="k", middleware=[guard])
    create(client, container="cntr_1")
    aclient = anthropic.AsyncAnthropic(base_url=api.url, api_key="k", middleware=[guard])
    asyncio.run(aclient.messages.create(model=MODEL, max_tokens=16, messages=MESSAGES, diagnostics={"cache": True}))
    assert guard.counts == {"ZDR002": 1, "ZDR010": 1} and guard_of(client) is guard and len(api.log) == 2


def test_a_default_beta_header_removed_for_one_request_is_not_seen(api):
    client = install(anthropic.Anthropic(base_url=api.url, api_key="k", default_headers={"anthropic-beta": "files-api-2025-04-14"}))
    with pytest.raises(ZdrViolation, match="ZDR005"):
        create(client)
    create(client, extra_headers={"anthropic-beta": anthropic.omit})
    assert api.log[0]["beta"] is None


def test_the_guard_sees_what_outer_middleware_changed(api):
    class AddCaching(anthropic.Middleware):
        def handle(self, request, call_next):
            return call_next(request.copy(body={**request.json, "cache_control": {"type": "ephemeral"}}))

    client = install(anthropic.Anthropic(base_url=api.url, api_key="k", middleware=[AddCaching()]))
    with pytest.raises(ZdrViolation, match="ZDR002"):
        create(client)
    assert api.log == []


def test_install_in_place_guards_a_client_another_library_holds(api):
    held = anthropic.Anthropic(base_url=api.url, api_key="k")
    library = type("ChatModel", (), {"_client": held})()  # a wrapper keeping its own client
    assert install(library._client, in_place=True, mode="record") is held
    create(library._client, container="cntr_1")
    assert guard_of(held).counts == {"ZDR010": 1}


def test_one_guard_watches_many_clients(api):
    guard = ZdrGuard(mode="record")
    first, second = install(anthropic.Anthropic(base_url=api.url, api_key="k"), guard=guard), install(anthropic.Anthropic(base_url=api.url, api_key="k"), guard=guard)
    create(first, diagnostics={"cache": True})
    second.skills.list()
    assert guard_of(first) is guard_of(second) is guard and guard.counts == {"ZDR002": 1, "ZDR010": 1}


# --- async ----------------------------------------------------------------------------------------------
def test_async_client_blocks_allows_and_streams(api):
    async def scenario():
        client = client_for(api, anthropic.AsyncAnthropic)
        with pytest.raises(ZdrViolation):
            await client.messages.create(model=MODEL, max_tokens=16, messages=MESSAGES, cache_control={"type": "ephemeral"})
        with pytest.raises(ZdrViolation):
            await client.beta.sessions.list()
        assert api.log == []
        reply = await client.messages.create(model=MODEL, max_tokens=16, messages=MESSAGES)
        async with client.messages.stream(model=MODEL, max_tokens=16, messages=MESSAGES) as stream:
            text = "".join([chunk async for chunk in stream.text_stream])
        return reply, text, guard_of(client)

    reply, text, guard = asyncio.run(scenario())
    assert reply.content[0].text == "ok" and text == "ok"
    assert api.paths() == ["/v1/messages", "/v1/messages"] and guard.blocked == 2


# --- httpx, for code that calls the REST API itself ---------------------------------------------------------
def test_httpx_event_hook_blocks_before_sending(api):
    guard = ZdrGuard()
    with httpx.Client(base_url=api.url, event_hooks=guard.httpx_hooks(hosts=["127.0.0.1"])) as http:
        with pytest.raises(ZdrViolation, match="ZDR001"):
            http.post("/v1/files", files={"file": ("a.txt", SECRET.encode())})
        with pytest.raises(ZdrViolation, match="ZDR002"):
            http.post("/v1/messages", json={"model": MODEL, "max_tokens": 8, "messages": MESSAGES, "system": [{"type": "text", "text": "s", "cache_control": {"type": "ephemeral"}}]})
        with pytest.raises(ZdrViolation, match="ZDR005"):
            http.get("/v1/models", headers={"anthropic-beta": "files-api-2025-04-14"})
        assert api.log == []
        assert http.get("/v1/models").status_code == 200
        assert http.post("/v1/messages", json={"model": MODEL, "max_tokens": 8, "messages": MESSAGES}).status_code == 200
    assert api.paths() == ["/v1/models", "/v1/messages"]


def test_httpx_hook_judges_only_anthropic_hosts_unless_told(api):
    guard = ZdrGuard()
    with httpx.Client(base_url=api.url, event_hooks=guard.httpx_hooks()) as http:
        http.post("/v1/files", files={"file": ("a.txt", b"x")})  # 127.0.0.1 is not an Anthropic host
    assert api.paths() == ["/v1/files"] and guard.requests == 0


def test_async_httpx_event_hook(api):
    async def scenario():
        guard = ZdrGuard(mode="record")
        async with httpx.AsyncClient(base_url=api.url, event_hooks=guard.async_httpx_hooks(hosts=["127.0.0.1"])) as http:
            await http.post("/v1/messages/batches", json={"requests": []})
        return guard

    guard = asyncio.run(scenario())
    assert guard.counts == {"ZDR003": 1} and api.paths() == ["/v1/messages/batches"]


# --- settings -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "audit"}, "mode 'audit' is not one of block, warn, record"),
        ({"profile": "baa"}, "unknown profile 'baa': choose 'zdr' or 'hipaa'"),
        ({"policy": "table"}, "unknown policy 'table': choose 'scope' or 'docs'"),
        ({"policy": {"cache": "docs"}}, "unknown policy topic 'cache'"),
        ({"policy": {"caching": "table"}}, "policy topic 'caching': unknown position 'table'"),
        ({"allow": ["ZDR999"]}, "allow names unknown codes: ZDR999"),
    ],
)
def test_bad_settings_are_one_clear_error(options, message):
    with pytest.raises(ValueError, match=message):
        ZdrGuard(**options)


def test_the_defaults_are_accepted():
    guard = ZdrGuard(profile="zdr", policy="scope")
    assert guard.mode == "block" and json.loads(guard.report())["profile"] == "zdr"
    assert json.loads(ZdrGuard().report())["policy"]["platforms"] == "docs"  # the defaults, topic by topic


CACHED = {"model": "claude-sonnet-5-5", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}], "cache_control": {"type": "ephemeral"}}


def test_the_guard_follows_the_profile_and_policy_as_the_linter_does():
    """Prompt caching: blocked under the scope article's position, let through under the docs' (which
    mark it ZDR and HIPAA eligible); tool search only under the HIPAA profile; structured outputs a
    warning under the docs' position."""
    scope, docs = ZdrGuard(mode="record"), ZdrGuard(mode="record", policy={"caching": "docs"})
    assert [f.code for f in scope.check("POST", "/v1/messages", CACHED)] == ["ZDR002"]
    assert docs.check("POST", "/v1/messages", CACHED) == []
    searching = dict(CACHED, cache_control=None, tools=[{"type": "tool_search_tool_bm25_20251119", "name": "tool_search"}])
    assert ZdrGuard().check("POST", "/v1/messages", searching) == []
    found = ZdrGuard(profile="hipaa").check("POST", "/v1/messages", searching)
    assert [(f.code, f.where) for f in found] == [("ZDR016", "tools[0].type")]
    assert "refuses most such features under a BAA (HTTP 400" in found[0].exception
    schema = dict(CACHED, cache_control=None, output_config={"format": {"type": "json_schema", "schema": {"type": "object"}}})
    assert [f.severity for f in ZdrGuard().check("POST", "/v1/messages", schema)] == ["error"]
    assert [f.severity for f in ZdrGuard(policy="docs").check("POST", "/v1/messages", schema)] == ["warning"]


def test_requests_from_many_threads_are_each_counted_once(api):
    """The common request is counted without the lock: concurrent requests, and reads of the count
    while they run, must still add up exactly."""
    client = client_for(api, mode="record")
    guard = guard_of(client)
    seen_midway = []

    def send(i):
        if i % 2:
            create(client)
        else:
            create(client, cache_control={"type": "ephemeral"})  # a finding: counted under the lock
        seen_midway.append(guard.requests)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(send, range(60)))
    assert guard.requests == 60 and guard.requests == 60  # reading does not change it
    assert json.loads(guard.report())["requests"] == 60 and guard.counts == {"ZDR002": 30}
    assert max(seen_midway) == 60 and len(api.log) == 60
    guard.reset()
    create(client)
    assert guard.requests == 1 and json.loads(guard.report())["requests"] == 1
