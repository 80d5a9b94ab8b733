"""The language server offers the fixes `zdr-lint check --fix` writes (issue 15), and its diagnostics
take the severity the workspace's profile and policy give: end to end, a real LSP client talking to
`zdr-lint server` over its pipes (the helpers are tests/lsp_helpers.py's, the client fixture
tests/test_lsp.py's)."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_helpers import apply_edits, by_code, change_doc, open_doc, published, start
from test_lsp import client  # noqa: F401 - the fixture

TOOLS = '''import anthropic

client = anthropic.Anthropic()
note = "café 🎉"; tools = [{"type": "web_search_20260209", "name": "web_search"}]
client.messages.create(model="claude-sonnet-5-5", max_tokens=64, messages=[], tools=tools, diagnostics={"cache": True})
'''


async def actions_for(client: LanguageClient, uri: str, diagnostic: types.Diagnostic) -> list:
    return await client.text_document_code_action_async(
        types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range, context=types.CodeActionContext(diagnostics=[diagnostic]))
    )


@pytest.mark.asyncio
async def test_the_safe_fix_is_the_preferred_quick_fix_and_removes_the_finding(client: LanguageClient, tmp_path):
    await start(client, tmp_path)
    uri = (tmp_path / "tools.py").as_uri()
    diagnostics = await published(client, uri, open_doc(client, uri, TOOLS))
    found = by_code(diagnostics)
    assert sorted(found) == ["ZDR002", "ZDR006", "ZDR007"]
    actions = await actions_for(client, uri, found["ZDR006"])
    fix = actions[0]
    assert fix.title.startswith("Fix ZDR006: Pin the tool to direct calls") and fix.is_preferred
    assert fix.kind == types.CodeActionKind.QuickFix and fix.diagnostics[0].code == "ZDR006"
    edited = apply_edits(TOOLS, fix.edit.changes[uri])  # UTF-16 positions after "café 🎉"
    assert edited.splitlines()[3] == 'note = "café 🎉"; tools = [{"type": "web_search_20260209", "name": "web_search", "allowed_callers": ["direct"]}]'
    diagnostics = await published(client, uri, change_doc(client, uri, edited, 2))
    assert sorted(by_code(diagnostics)) == ["ZDR002", "ZDR007"]


@pytest.mark.asyncio
async def test_an_unsafe_fix_says_so_and_is_not_preferred(client: LanguageClient, tmp_path):
    await start(client, tmp_path)
    uri = (tmp_path / "diagnostics.py").as_uri()
    diagnostics = await published(client, uri, open_doc(client, uri, TOOLS))
    actions = await actions_for(client, uri, by_code(diagnostics)["ZDR002"])
    unsafe = [a for a in actions if a.title.startswith("Fix ZDR002")]
    assert len(unsafe) == 1 and unsafe[0].title.endswith("(unsafe)") and not unsafe[0].is_preferred
    edited = apply_edits(TOOLS, unsafe[0].edit.changes[uri])
    assert edited.splitlines()[4] == 'client.messages.create(model="claude-sonnet-5-5", max_tokens=64, messages=[], tools=tools)'
    assert [a.title for a in actions if a.title.startswith("Suppress")] == ["Suppress ZDR002 on this line", "Suppress ZDR002 in this file"]


@pytest.mark.asyncio
async def test_the_severity_follows_the_workspace_policy(client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.zdr-lint]\npolicy = "docs"\n', encoding="utf-8")
    await start(client, tmp_path)
    uri = (tmp_path / "schema.py").as_uri()
    text = TOOLS.replace("diagnostics={\"cache\": True}", "output_config={\"format\": {\"type\": \"json_schema\", \"schema\": {}}}")
    found = by_code(await published(client, uri, open_doc(client, uri, text)))
    # the docs' table: structured outputs qualified (a warning); web search eligible (no ZDR007)
    assert sorted(found) == ["ZDR004", "ZDR006"]
    assert found["ZDR004"].severity == types.DiagnosticSeverity.Warning
    assert found["ZDR006"].severity == types.DiagnosticSeverity.Error
