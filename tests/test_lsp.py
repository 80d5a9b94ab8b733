"""The language server, end to end: `zdr-lint server` runs as a subprocess and a real LSP client
(pytest-lsp, from the pygls authors) talks to it over its pipes, as an editor does.

No test sleeps: each waits for the notification it expects (with a generous timeout as a safety
net only).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import run_zdr
from test_one_answer import SERVICE, project  # noqa: F401 - `project` is the fixture: one project for every front end
from lsp_helpers import (
    CONFIG, SERVER, apply_edits, by_code, change_doc, close_doc, files_changed, hover_at, lines_and_codes,
    next_publish, open_doc, published, publishes_for, start,
)
from zdr_lint.lsp import from_client_column, to_client_column

NOTEBOOKS = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"

WITH_FINDINGS = '''import anthropic

client = anthropic.Anthropic()
client.messages.batches.create(requests=[])
label = "café 🎉"; client.files.upload(file=open("a.pdf", "rb"))
'''
CLEAN = '''import anthropic

client = anthropic.Anthropic()
client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[])
'''


@pytest_lsp.fixture(config=CONFIG)
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

    hover = await hover_at(client, uri, 3, 10)
    assert hover is not None and hover.contents.kind == types.MarkupKind.Markdown
    assert "ZDR003" in hover.contents.value and "29 days" in hover.contents.value
    nothing = await hover_at(client, uri, 0, 3)
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

    diagnostics = await published(client, uri, change_doc(client, uri, WITH_FINDINGS, 4))
    assert diagnostics
    assert await published(client, uri, close_doc(client, uri)) == []


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


async def suppressed_by_action(client: LanguageClient, tmp_path, name: str, text: str, title: str) -> str:
    """Open `text` as `name`, apply the ZDR003 quick fix called `title`, check the server no longer
    reports ZDR003, and return the edited text."""
    await start(client, tmp_path)
    uri = (tmp_path / name).as_uri()
    batch = by_code(await published(client, uri, open_doc(client, uri, text)))["ZDR003"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri=uri), range=batch.range, context=types.CodeActionContext(diagnostics=[batch]))
    )
    (action,) = [a for a in actions if a.title == title]
    edited = apply_edits(text, action.edit.changes[uri])
    assert "ZDR003" not in by_code(await published(client, uri, change_doc(client, uri, edited, 2)))
    return edited


@pytest.mark.asyncio
async def test_the_line_action_extends_a_noqa_after_a_multi_line_string(client: LanguageClient, tmp_path):
    text = 'import anthropic\n\nclient = anthropic.Anthropic()\nclient.messages.batches.create(requests=[], note="""a\nb""")  # noqa: ZDR005\n'
    edited = await suppressed_by_action(client, tmp_path, "multiline.py", text, "Suppress ZDR003 on this line")
    assert edited.splitlines()[4] == 'b""")  # noqa: ZDR005, ZDR003'


@pytest.mark.asyncio
async def test_the_file_action_extends_the_files_directive_and_keeps_its_reason(client: LanguageClient, tmp_path):
    text = "# zdr-lint: noqa: ZDR001 -- approved by legal\n" + WITH_FINDINGS
    edited = await suppressed_by_action(client, tmp_path, "filewide.py", text, "Suppress ZDR003 in this file")
    assert edited.splitlines()[0] == "# zdr-lint: noqa: ZDR001, ZDR003 -- approved by legal"


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
    assert sorted(by_code(await published(client, uri, files_changed(client, pyproject)))) == ["ZDR003"]


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
    blocker = tmp_path / "pygls.py"
    blocker.write_text("raise ImportError('blocked for the test', name='pygls')\n", encoding="utf-8")
    env = {"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    result = subprocess.run(SERVER, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert "pip install '.[lsp]'" in result.stderr and "pygls" in result.stderr
    assert re.fullmatch(r"zdr-lint: error: [^\n]+\n", result.stderr)


# --- One answer: the CLI's findings, the project's index, changes on disk --------------------------------
def cli_answer(root: Path, name: str) -> set:
    result = run_zdr("check", "--output-format", "json", name, cwd=root)
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return {(f["location"]["row"], f["code"]) for f in json.loads(result.stdout)}


def did_save(client: LanguageClient, path: Path):
    return lambda: client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri())))


@pytest.mark.asyncio
async def test_an_open_file_gets_the_cli_answer_and_follows_the_modules_it_imports(client, project):  # noqa: F811 - the fixture
    """test_one_answer.py's project (a client made in llm.py, used in service.py; a sub-project with
    its own settings), the same answer as its CLI test gives."""
    await start(client, project)
    service, report, batch, llm = (project / n for n in ("src/shop/service.py", "tools/report.py", "sub/batch.py", "src/shop/llm.py"))
    opened = {}
    for path in (service, report, batch):
        opened[path] = lines_and_codes(await published(client, path.as_uri(), open_doc(client, path.as_uri(), path.read_text())))
    assert opened[service] == cli_answer(project, "src/shop/service.py") == SERVICE  # 5 findings, 2 without the index
    assert opened[report] == cli_answer(project, "tools/report.py") == {(2, "ZDR003")}
    assert opened[batch] == cli_answer(project, "sub/batch.py") == {(4, "ZDR003")}  # sub's own settings

    # llm.py changes on disk (another tool, a git checkout): the module-level client is no longer Anthropic's
    original = llm.read_text()
    llm.write_text(original.replace("client = anthropic.Anthropic()", "client = make_other_client()"))
    changed = lines_and_codes((await next_publish(client, service.as_uri(), files_changed(client, llm))).diagnostics)
    assert changed == cli_answer(project, "src/shop/service.py") and changed != SERVICE
    rechecked = [m.message for m in client.log_messages if "re-checking the open documents" in m.message]
    assert rechecked and rechecked[-1].endswith(": service.py"), rechecked
    # report.py imports nothing that changed: its next publish is that of its own next edit
    await next_publish(client, report.as_uri(), change_doc(client, report.as_uri(), report.read_text() + "\n", 2))
    assert [p.version for p in publishes_for(client, report.as_uri())] == [1, 2]
    assert len(publishes_for(client, batch.as_uri())) == 1

    # the editor saves llm.py back: the save alone brings service.py's findings back
    await published(client, llm.as_uri(), open_doc(client, llm.as_uri(), llm.read_text()))
    llm.write_text(original)
    restored = lines_and_codes((await next_publish(client, service.as_uri(), did_save(client, llm))).diagnostics)
    assert restored == SERVICE


@pytest.mark.asyncio
async def test_percent_encoded_uris_get_diagnostics_hover_and_fixes(client, tmp_path):
    folder = tmp_path / "my project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text('[tool.zdr-lint]\nignore = ["ZDR003"]\n', encoding="utf-8")
    await start(client, tmp_path)
    for name in ("my file.py", "café 🎉.py"):
        uri = (folder / name).as_uri()
        assert "%20" in uri
        diagnostics = await published(client, uri, open_doc(client, uri, WITH_FINDINGS))
        assert sorted(by_code(diagnostics)) == ["ZDR001"], name  # the folder's settings: the path was decoded
        upload = by_code(diagnostics)["ZDR001"]
        hover = await hover_at(client, uri, upload.range.start.line, upload.range.start.character)
        assert hover is not None and "ZDR001" in hover.contents.value
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri=uri), range=upload.range, context=types.CodeActionContext(diagnostics=[upload]))
        )
        assert [a.title for a in actions] == ["Suppress ZDR001 on this line", "Suppress ZDR001 in this file"]
        assert list(actions[0].edit.changes) == [uri]
    # VS Code on Windows spells a drive letter `c%3A`: not a path here, checked as a file of the workspace
    drive = "file:///c%3A/Users/dev/app.py"
    assert sorted(by_code(await published(client, drive, open_doc(client, drive, WITH_FINDINGS)))) == ["ZDR001", "ZDR003"]
    assert await published(client, drive, change_doc(client, drive, CLEAN, 2)) == []
    assert await published(client, drive, change_doc(client, drive, WITH_FINDINGS, 3)) != []
    assert await published(client, drive, close_doc(client, drive)) == []


# Every broken settings file of test_hostile.py, each in its own folder of one workspace.
BROKEN_SETTINGS = [
    (b'[tool.zdr-lint]\nignore = ["ZDR099"]\n', "pyproject.toml: [tool.zdr-lint] ignore: unknown rule selector 'ZDR099' (did you mean 'ZDR009'?)"),
    (b'[tool.zdr-lint]\nper-file-ignores = { "tests/*" = ["ZDR099"] }\n', "pyproject.toml: [tool.zdr-lint] per-file-ignores 'tests/*': unknown rule selector 'ZDR099'"),
    (b'[tool.zdr-lint]\noutput-format = "jsno"\n', "pyproject.toml: [tool.zdr-lint] output-format: unknown output format 'jsno' (did you mean 'json'?)"),
    (b'[tool.zdr-lint]\nselect = ["ZDR001"\nignore = []\n', "pyproject.toml:3:1: invalid TOML: Unclosed array"),
    (b'[tool]\n"zdr-lint" = 5\n', "pyproject.toml: [tool.zdr-lint] must be a table"),
    (b"tool = 5\n", "pyproject.toml: [tool] must be a table"),
    (b'[tool.zdr-lint]\nextend-exclude = ["!"]\n', "pyproject.toml: [tool.zdr-lint] extend-exclude: invalid pattern '!'"),
    (b'[tool.zdr-lint]\nselect = "ZDR001"\n', "pyproject.toml: [tool.zdr-lint] select: must be a list of strings"),
    (b'[tool.zdr-lint]\nignore = ["ZDR002", ""]\n', "pyproject.toml: [tool.zdr-lint] ignore: empty rule selector"),
    (b"[tool.zdr-lint]\nselect = ['\xff']\n", "pyproject.toml: cannot read settings: not valid UTF-8"),
    (b"[tool.zdr-lint]\nx = " + b"[" * 2000 + b"]" * 2000 + b"\n", "pyproject.toml: cannot read settings: values nested too deeply"),
    (b'[tool.zdr-lint]\nunknown-key = 1\n', "pyproject.toml: [tool.zdr-lint] unknown-key: unknown setting"),
]


@pytest.mark.asyncio
async def test_each_broken_settings_file_is_shown_once_and_its_folder_checked_with_the_defaults(client, tmp_path):
    for number, (toml, _) in enumerate(BROKEN_SETTINGS):
        (tmp_path / f"case{number}").mkdir()
        (tmp_path / f"case{number}" / "pyproject.toml").write_bytes(toml)
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "pyproject.toml").write_text('[tool.zdr-lint]\nignore = ["ZDR003"]\n', encoding="utf-8")
    await start(client, tmp_path)
    for number in range(len(BROKEN_SETTINGS)):
        for name in ("app.py", "other.py"):
            uri = (tmp_path / f"case{number}" / name).as_uri()
            assert sorted(by_code(await published(client, uri, open_doc(client, uri, WITH_FINDINGS)))) == ["ZDR001", "ZDR003"], (number, name)
    good = (tmp_path / "good" / "app.py").as_uri()
    assert sorted(by_code(await published(client, good, open_doc(client, good, WITH_FINDINGS)))) == ["ZDR001"]
    shown = [m.message for m in client.messages if m.type == types.MessageType.Error]
    for number, (_, message) in enumerate(BROKEN_SETTINGS):
        mine = [m for m in shown if f"case{number}{os.sep}pyproject.toml" in m]
        assert len(mine) == 1, (number, shown)
        assert message in mine[0] and mine[0].endswith("with the default settings"), mine[0]
        assert "\n" not in mine[0]
