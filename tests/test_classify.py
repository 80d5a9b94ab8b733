"""zdr_lint.classify on its own: the guard's fast path never hides a finding, key paths point at the
use, and a schema property or tool input named `cache_control` is data, not prompt caching."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zdr_lint import classify

TEXT = st.sampled_from(["hello", "", "cache_control", "file"])
BLOCK_TYPES = st.sampled_from(["text", "image", "document", "container_upload", "tool_result", "tool_use", "search_result", "thinking"])
CACHE = st.sampled_from([None, {"type": "ephemeral"}, {"type": "ephemeral", "ttl": "1h"}])


@st.composite
def blocks(draw, depth: int = 2):
    block = {"type": draw(BLOCK_TYPES)}
    if draw(st.booleans()):
        block["text"] = draw(TEXT)
    if draw(st.booleans()):
        block["cache_control"] = draw(CACHE)
    if draw(st.booleans()):
        block["source"] = draw(st.sampled_from([{"type": "file", "file_id": "f"}, {"type": "base64", "data": "x"}, {"type": "url", "url": "u"}, {"type": "content", "content": [{"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}]}]))
    if draw(st.booleans()):
        block["file_id"] = "file_1"
    if depth and draw(st.booleans()):
        block["content"] = draw(st.lists(blocks(depth - 1), max_size=3))
    if draw(st.booleans()):
        block["input"] = {"cache_control": {"type": "ephemeral"}}  # a tool's input: data
    return block


@st.composite
def bodies(draw):
    messages = []
    for _ in range(draw(st.integers(0, 4))):
        message = {"role": draw(st.sampled_from(["user", "assistant"]))}
        message["content"] = draw(st.one_of(TEXT, st.lists(blocks(), max_size=3)))
        if draw(st.integers(0, 9)) == 0:
            message["cache_control"] = {"type": "ephemeral"}
        messages.append(message)
    body = {"model": draw(st.sampled_from(["claude-sonnet-5-5", "claude-fable-5-1", "us.anthropic.claude-mythos-5-v1:0"])), "max_tokens": 8, "messages": messages}
    if draw(st.booleans()):
        body["system"] = draw(st.one_of(TEXT, st.lists(blocks(0), max_size=2)))
    if draw(st.booleans()):
        tool = {"name": "t", "input_schema": {"type": "object", "properties": {"cache_control": {"type": "string"}}}}
        for key, value in draw(st.dictionaries(st.sampled_from(["type", "strict", "allowed_callers", "cache_control"]), st.sampled_from([True, False, None, "custom", "web_search_20260209", ["direct"], ["code_execution_20260120"], {"type": "ephemeral"}]), max_size=2)).items():
            tool[key] = value
        body["tools"] = [tool]
    for key in draw(st.lists(st.sampled_from(["cache_control", "diagnostics", "container", "thread", "output_config", "metadata", "temperature"]), max_size=2)):
        body[key] = {"format": {"type": "json_schema"}} if key == "output_config" else {"type": "ephemeral"}
    return body


@settings(max_examples=400, derandomize=True, deadline=None)
@given(bodies())
def test_the_fast_path_never_hides_a_finding(body):
    if classify.plain_request("/v1/messages", body):
        assert classify.messages_body(body) == [], body


def test_the_fast_path_takes_the_common_request():
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": [{"type": "text", "text": "hello"}]}]
    tools = [{"name": "lookup", "description": "d", "input_schema": {"type": "object"}}]
    assert classify.plain_request("/v1/messages", {"model": "claude-sonnet-5-5", "max_tokens": 8, "messages": history, "tools": tools, "system": "s"})
    assert not classify.plain_request("/v1/messages", {"model": "claude-fable-5", "messages": history})


def test_key_paths_point_at_the_use():
    body = {
        "model": "claude-sonnet-5-5",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "x"}, {"type": "tool_result", "tool_use_id": "t", "content": [{"type": "document", "source": {"type": "file", "file_id": "f"}}]}]}],
        "tools": [{"name": "a", "input_schema": {}}, {"type": "web_fetch_20260209", "name": "web_fetch"}],
    }
    found = {(v.code, v.at) for v in classify.request("POST", "/v1/messages", body)}
    assert ("ZDR001", ("messages", 0, "content", 1, "content", 0, "source", "file_id")) in found
    assert ("ZDR008", ("tools", 1, "type")) in found and ("ZDR006", ("tools", 1, "type")) in found
    nested = {"messages": [{"role": "user", "content": [{"type": "document", "source": {"type": "content", "content": [{"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}]}}]}]}
    assert [(v.code, v.at) for v in classify.request("POST", "/v1/messages", nested)] == [("ZDR002", ("messages", 0, "content", 0, "source", "content", 0, "cache_control"))]


def test_cache_control_as_data_is_not_prompt_caching():
    body = {
        "model": "claude-sonnet-5-5",
        "messages": [{"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "set", "input": {"cache_control": {"type": "ephemeral"}}}]}],
        "tools": [{"name": "set", "input_schema": {"type": "object", "properties": {"cache_control": {"type": "string"}}}}],
        "metadata": {"user_id": "u"},
    }
    assert classify.request("POST", "/v1/messages", body) == []


def test_the_linter_never_loads_the_sdk_or_httpx():
    """The guard imports the SDK; the linter's path (classify included) must not."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from zdr_lint.engine import Linter\nfrom zdr_lint.config import Settings\n"
        "src = 'import anthropic\\nc = anthropic.Anthropic()\\nc.beta.sessions.create(agent=a, model=\"claude-fable-5\")\\n'\n"
        "codes = sorted({f.code for f in Linter(Settings()).lint_source(src, 'x.py')})\n"
        "print(codes, [m for m in ('anthropic', 'httpx', 'httpx2', 'zdr_lint.guard') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "['ZDR005', 'ZDR013', 'ZDR015'] []", out
