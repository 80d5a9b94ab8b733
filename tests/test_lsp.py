"""The language server, end to end: `zdr-lint server` runs as a subprocess and a real LSP client
(pytest-lsp, from the pygls authors) talks to it over its pipes, as an editor does.

No test sleeps: each waits for the notification it expects (with a generous timeout as a safety
net only).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from zdr_lint.lsp import from_client_column, to_client_column

SERVER = [str(Path(sys.executable).parent / "zdr-lint"), "server"]
NOTEBOOKS = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"
TIMEOUT = 60

WITH_FINDINGS = '''import anthropic

client = anthropic.Anthropic()
client.messages.batches.create(requests=[])
label = "café 🎉"; client.files.upload(file=open("a.pdf", "rb"))
'''
CLEAN = '''import anthropic

client = anthropic.Anthropic()
client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[])
'''


def capabilities(encodings=None) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
            code_action=types.CodeActionClientCapabilities(),
        ),
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=False),
        ),
    )


async def start(client: LanguageClient, root: Path, encodings=None) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options={"debounceMs": 10},
        )
    )


async def published(client: LanguageClient, uri: str, send) -> list:
    """Send a notification and return the diagnostics the server then publishes for `uri`.

    The client stores each publishDiagnostics it receives (a new list each time); we wake on every
    one and look whether `uri`'s entry changed, so a notification for another document (a notebook's
    other cells) arriving first, or several arriving at once, cannot be missed."""
    before = client.diagnostics.get(uri)
    waiting = client.protocol.wait_for_notification_async(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    send()
    while True:
        await asyncio.wait_for(waiting, TIMEOUT)
        waiting = client.protocol.wait_for_notification_async(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        current = client.diagnostics.get(uri, before)
        if current is not before:
            return list(current)


def open_doc(client: LanguageClient, uri: str, text: str, language: str = "python", version: int = 1):
    return lambda: client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text))
    )


def change_doc(client: LanguageClient, uri: str, text: str, version: int):
    return lambda: client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def apply_edits(text: str, edits: list) -> str:
    """Apply LSP TextEdits (UTF-16 positions) to `text`, as an editor does."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        return before + from_client_column(line, position.character, types.PositionEncodingKind.Utf16)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def by_code(diagnostics: list) -> dict:
    return {d.code: d for d in diagnostics}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_diagnostics_ranges_hover_code_action_and_clean_text(client: LanguageClient, tmp_path):
    result = await start(client, tmp_path)
    assert result.capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)
    uri = (tmp_path / "app.py").as_uri()

    diagnostics = await published(client, uri, open_doc(client, uri, WITH_FINDINGS))
    found = by_code(diagnostics)
    assert sorted(found) == ["ZDR001", "ZDR003"]
    batch = found["ZDR003"]
    assert batch.source == "zdr-lint"
    assert batch.severity == types.DiagnosticSeverity.Error
    assert "Message Batches" in batch.message
    assert batch.code_description.href.endswith("ZDR003-message-batches.md")
    assert (batch.range.start.line, batch.range.start.character) == (3, 0)
    assert (batch.range.end.line, batch.range.end.character) == (3, len("client.messages.batches.create(requests=[])"))

    # "café 🎉" before the finding: 🎉 is two UTF-16 code units, é one.
    upload = found["ZDR001"]
    line = WITH_FINDINGS.splitlines()[4]
    code_points = line.index("client.files")
    assert upload.range.start.line == 4
    assert upload.range.start.character == code_points + 1
    assert line.encode("utf-16-le")[: upload.range.start.character * 2].decode("utf-16-le").endswith("; ")

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=10))
    )
    assert hover is not None and hover.contents.kind == types.MarkupKind.Markdown
    assert "ZDR003" in hover.contents.value and "29 days" in hover.contents.value
    nothing = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=3))
    )
    assert nothing is None

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=batch.range,
            context=types.CodeActionContext(diagnostics=[batch]),
        )
    )
    titles = [a.title for a in actions]
    assert titles == ["Suppress ZDR003 on this line", "Suppress ZDR003 in this file"]
    line_fix = actions[0]
    edited = apply_edits(WITH_FINDINGS, line_fix.edit.changes[uri])
    assert edited.splitlines()[3] == "client.messages.batches.create(requests=[])  # noqa: ZDR003"
    diagnostics = await published(client, uri, change_doc(client, uri, edited, 2))
    assert sorted(by_code(diagnostics)) == ["ZDR001"]

    file_fix = actions[1]
    with_file_noqa = apply_edits(WITH_FINDINGS, file_fix.edit.changes[uri])
    assert with_file_noqa.startswith("# zdr-lint: noqa: ZDR003\nimport anthropic\n")

    diagnostics = await published(client, uri, change_doc(client, uri, CLEAN, 3))
    assert diagnostics == []

    closing = lambda: client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    diagnostics = await published(client, uri, change_doc(client, uri, WITH_FINDINGS, 4))
    assert diagnostics
    assert await published(client, uri, closing) == []


@pytest.mark.asyncio
async def test_the_line_action_extends_an_existing_noqa(client: LanguageClient, tmp_path):
    await start(client, tmp_path)
    uri = (tmp_path / "noqa.py").as_uri()
    text = WITH_FINDINGS.replace("requests=[])\n", "requests=[])  # noqa: ZDR005\n")
    diagnostics = await published(client, uri, open_doc(client, uri, text))
    batch = by_code(diagnostics)["ZDR003"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri=uri), range=batch.range, context=types.CodeActionContext(diagnostics=[batch]))
    )
    edited = apply_edits(text, actions[0].edit.changes[uri])
    assert edited.splitlines()[3].endswith("  # noqa: ZDR005, ZDR003")


@pytest.mark.asyncio
async def test_utf8_position_encoding_when_the_client_prefers_it(client: LanguageClient, tmp_path):
    result = await start(client, tmp_path, encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16])
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    uri = (tmp_path / "app.py").as_uri()
    upload = by_code(await published(client, uri, open_doc(client, uri, WITH_FINDINGS)))["ZDR001"]
    line = WITH_FINDINGS.splitlines()[4]
    assert upload.range.start.character == len(line[: line.index("client.files")].encode("utf-8"))


@pytest.mark.asyncio
async def test_edits_move_the_diagnostics_with_the_code(client: LanguageClient, tmp_path):
    """The server re-parses only the statements an edit touched: the ranges after each edit must be
    those of the edited text, above and below the edit, and a removed use must disappear."""
    await start(client, tmp_path)
    uri = (tmp_path / "app.py").as_uri()
    first = {d.code: d.range.start.line for d in await published(client, uri, open_doc(client, uri, WITH_FINDINGS))}
    lines = WITH_FINDINGS.splitlines(keepends=True)
    grown = "".join(lines[:3] + ["# a line typed above the uses\n", "\n"] + lines[3:])
    moved = {d.code: d.range.start.line for d in await published(client, uri, change_doc(client, uri, grown, 2))}
    assert moved == {code: line + 2 for code, line in first.items()}
    without_upload = "".join(line for line in grown.splitlines(keepends=True) if "client.files" not in line and "typed above" not in line)
    left = {d.code: d.range.start.line for d in await published(client, uri, change_doc(client, uri, without_upload, 3))}
    assert "ZDR001" not in left and left["ZDR003"] == moved["ZDR003"] - 1


@pytest.mark.asyncio
async def test_a_document_that_does_not_parse_is_one_zdr000_and_the_server_lives_on(client: LanguageClient, tmp_path):
    await start(client, tmp_path)
    uri = (tmp_path / "broken.py").as_uri()
    broken = "import anthropic\nclient = anthropic.Anthropic(\nclient.files.upload(file=x\n"
    diagnostics = await published(client, uri, open_doc(client, uri, broken))
    assert [d.code for d in diagnostics] == ["ZDR000"]
    assert "syntax error" in diagnostics[0].message
    diagnostics = await published(client, uri, change_doc(client, uri, WITH_FINDINGS, 2))
    assert sorted(by_code(diagnostics)) == ["ZDR001", "ZDR003"]


@pytest.mark.asyncio
async def test_settings_come_from_the_workspace_and_reload_when_pyproject_changes(client: LanguageClient, tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.zdr-lint]\nignore = ["ZDR003"]\n', encoding="utf-8")
    await start(client, tmp_path)
    uri = (tmp_path / "app.py").as_uri()
    assert sorted(by_code(await published(client, uri, open_doc(client, uri, WITH_FINDINGS)))) == ["ZDR001"]

    pyproject.write_text('[tool.zdr-lint]\nignore = ["ZDR001"]\n', encoding="utf-8")
    notify = lambda: client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)])
    )
    assert sorted(by_code(await published(client, uri, notify))) == ["ZDR003"]


@pytest.mark.asyncio
async def test_broken_settings_are_shown_and_the_defaults_used(client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.zdr-lint]\nignor = ["ZDR003"]\n', encoding="utf-8")
    await start(client, tmp_path)
    uri = (tmp_path / "app.py").as_uri()
    assert sorted(by_code(await published(client, uri, open_doc(client, uri, WITH_FINDINGS)))) == ["ZDR001", "ZDR003"]
    assert any("ignor: unknown setting" in m.message and m.type == types.MessageType.Error for m in client.messages)


@pytest.mark.asyncio
async def test_ipynb_text_gets_diagnostics_where_the_cell_line_is_written(client: LanguageClient, tmp_path):
    await start(client, tmp_path)
    path = NOTEBOOKS / "findings.ipynb"
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    diagnostics = await published(client, uri, open_doc(client, uri, text, language="json"))
    found = by_code(diagnostics)
    assert sorted(found) == ["ZDR001", "ZDR002", "ZDR003"]
    lines = text.split("\n")
    at = lambda d: lines[d.range.start.line][from_client_column(lines[d.range.start.line], d.range.start.character, "utf-16"):]
    assert at(found["ZDR002"]).startswith('\\"cache_control\\"')
    assert at(found["ZDR003"]).startswith("client.messages.batches.create(")
    assert at(found["ZDR001"]).startswith("client.files.upload(")

    # the line quick fix writes `# noqa` into the cell's JSON string; the notebook stays valid JSON
    batch = found["ZDR003"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri=uri), range=batch.range, context=types.CodeActionContext(diagnostics=[batch]))
    )
    assert [a.title for a in actions] == ["Suppress ZDR003 on this line"]
    edited = apply_edits(text, actions[0].edit.changes[uri])
    cell = json.loads(edited)["cells"][4]
    assert cell["source"][0] == "batch = client.messages.batches.create(requests=[])  # expect: ZDR003  # noqa: ZDR003\n"
    diagnostics = await published(client, uri, change_doc(client, uri, edited, 2))
    assert sorted(by_code(diagnostics)) == ["ZDR001", "ZDR002"]


@pytest.mark.asyncio
async def test_notebook_documents_get_diagnostics_per_cell(client: LanguageClient, tmp_path):
    await start(client, tmp_path)
    nb_uri = (tmp_path / "nb.ipynb").as_uri()
    cells = json.loads((NOTEBOOKS / "findings.ipynb").read_text(encoding="utf-8"))["cells"]
    cell_docs, nb_cells = [], []
    for index, cell in enumerate(cells):
        cell_uri = f"vscode-notebook-cell:{tmp_path / 'nb.ipynb'}#cell{index}"
        code = cell["cell_type"] == "code"
        nb_cells.append(types.NotebookCell(kind=types.NotebookCellKind.Code if code else types.NotebookCellKind.Markup, document=cell_uri))
        cell_docs.append(types.TextDocumentItem(uri=cell_uri, language_id="python" if code else "markdown", version=1, text="".join(cell["source"])))
    send = lambda: client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(uri=nb_uri, notebook_type="jupyter-notebook", version=1, cells=nb_cells),
            cell_text_documents=cell_docs,
        )
    )
    # cell 3 (index 2) holds the cache_control block on its 4th line
    diagnostics = await published(client, cell_docs[2].uri, send)
    assert [(d.code, d.range.start.line) for d in diagnostics] == [("ZDR002", 3)]


def test_column_conversion_round_trips():
    line = "x = '🎉é'; y"
    for encoding in ("utf-8", "utf-16", "utf-32"):
        for column in range(len(line) + 1):
            assert from_client_column(line, to_client_column(line, column, encoding), encoding) == column
    assert to_client_column(line, line.index("y"), "utf-16") == line.index("y") + 1
    assert to_client_column(line, line.index("y"), "utf-8") == len(line[: line.index("y")].encode())


def test_server_without_pygls_says_how_to_install(tmp_path):
    import subprocess

    blocker = tmp_path / "pygls.py"
    blocker.write_text("raise ImportError('blocked for the test', name='pygls')\n", encoding="utf-8")
    env = {"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    result = subprocess.run(SERVER, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert "pip install '.[lsp]'" in result.stderr
    assert re.fullmatch(r"zdr-lint: error: [^\n]+\n", result.stderr)
