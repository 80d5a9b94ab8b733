"""The language server (`zdr-lint server`): ZDR findings while you type, over stdio.

A thin layer over the engine and the settings loader the CLI uses, so an editor shows what
`zdr-lint check` prints:

- diagnostics are published on open and save, and on change (of the unsaved text) after a short
  debounce (`initializationOptions.debounceMs`, default 200); they are cleared on close. Columns
  are converted from the engine's code points to the negotiated position encoding (UTF-16 unless
  the client offers UTF-8 or UTF-32).
- hover over a flagged range shows the rule's docs; code actions add `# noqa: CODE` to the line
  or `# zdr-lint: noqa: CODE` to the file.
- settings are the workspace's `[tool.zdr-lint]` (or zdr-lint.toml), reloaded when such a file
  changes (`workspace/didChangeWatchedFiles`, or a save of that file).
- notebooks: an LSP notebook document gets diagnostics on each cell; a `.ipynb` file opened as
  text gets them at the place in the JSON where the cell's line is written.

A handler never takes the server down: an exception becomes a `window/logMessage`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from zdr_lint import __version__
from zdr_lint.config import ConfigError, Settings, load_settings
from zdr_lint.engine import CANNOT_CHECK, Linter
from zdr_lint.finding import Finding
from zdr_lint.incremental import StatementCache
from zdr_lint.notebook import Cell, NotebookError, NotebookSourceMap, line_with_noqa, lint_cells

logger = logging.getLogger(__name__)

SOURCE = "zdr-lint"
DEFAULT_DEBOUNCE_MS = 200
CONFIG_NAMES = ("pyproject.toml", "zdr-lint.toml", ".zdr-lint.toml")
PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_FILE_NOQA_LINE = re.compile(r"^#\s*zdr-lint\s*:\s*noqa\s*:\s*(?P<codes>[\w\-]+(?:[\s,]+[\w\-]+)*)\s*$", re.IGNORECASE)
_HEADER_LINE = re.compile(r"^#!|^#.*coding[:=]")


# --- Columns: code points <-> the client's units ---------------------------------------------------
def to_client_column(line: str, column: int, encoding: str) -> int:
    """A code-point column of `line` in the negotiated encoding's code units."""
    prefix = line[: max(column, 0)]
    if encoding == types.PositionEncodingKind.Utf8:
        return len(prefix.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(prefix)
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2


def from_client_column(line: str, units: int, encoding: str) -> int:
    """The code-point column at `units` code units of the negotiated encoding."""
    if encoding == types.PositionEncodingKind.Utf32:
        return min(units, len(line))
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        if encoding == types.PositionEncodingKind.Utf8:
            count += len(char.encode("utf-8", "surrogatepass"))
        else:
            count += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def split_lines(text: str) -> list:
    """Lines as LSP counts them (\\n, \\r\\n and \\r end a line), without their line ends."""
    return re.split(r"\r\n|\r|\n", text)


# --- Where a finding sits in the document -------------------------------------------------------------
@dataclass(frozen=True)
class Placed:
    """A finding at 0-based (line, code-point column) positions of the document it is shown in."""

    finding: Finding
    start: tuple
    end: tuple
    noqa_line: Optional[int]  # 0-based line of the document for `# noqa`; None: no line action


@dataclass
class DocState:
    version: Optional[int]
    text: str
    placed: list
    notebook: Optional["NotebookText"] = None  # a .ipynb file opened as JSON text


def place_in_text(findings: Sequence[Finding], lines: list) -> list:
    placed = []
    for f in findings:
        start = (max(f.start.line - 1, 0), f.start.column)
        end = (max(f.end.line - 1, 0), f.end.column)
        if f.code == CANNOT_CHECK:
            row = min(start[0], max(len(lines) - 1, 0))
            start, end = (row, min(f.start.column, len(lines[row]) if lines else 0)), (row, len(lines[row]) if lines else 0)
        noqa = (f.noqa_line or f.start.line) - 1 if f.code != CANNOT_CHECK else None
        placed.append(Placed(f, start, end, noqa))
    return placed


# --- A .ipynb file opened as text: findings where each cell's line is written in the JSON ---------
class NotebookText(NotebookSourceMap):
    """A notebook's JSON text, with each finding placed where its cell's line is written."""

    def place(self, findings: Sequence[Finding]) -> list:
        placed = []
        for f in findings:
            if f.cell is None:
                placed.extend(place_in_text([f], split_lines(self.text)))
                continue
            start = self.locate(f.cell, f.start.line, f.start.column)
            end = self.locate(f.cell, f.end.line, f.end.column) if f.end.line == f.start.line else None
            if start is None:
                continue
            if end is None or end < start:
                end = start
            placed.append(Placed(f, start, end, None))
        return placed


# --- The server ------------------------------------------------------------------------------------
def guarded(handler):
    """Log, never raise: one bad document or request must not take the server down."""

    @functools.wraps(handler)
    def wrapper(ls: "ZdrLanguageServer", params):
        try:
            return handler(ls, params)
        except Exception as exc:  # pragma: no cover - the point is that it cannot escape
            ls.log(f"{handler.__name__} failed: {type(exc).__name__}: {exc}", types.MessageType.Error)
            logger.exception("handler %s failed", handler.__name__)
            return None

    return wrapper


class ZdrLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "zdr-lint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(
                        notebook="jupyter-notebook", cells=[types.NotebookCellLanguage(language="python")]
                    )
                ],
                save=True,
            ),
        )
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self.docs: dict = {}  # uri -> DocState (a notebook cell's uri for notebook documents)
        self.pending: dict = {}  # uri -> asyncio.Task
        self._linters: dict = {}  # settings start folder -> Linter
        self.statement_caches: dict = {}  # uri -> StatementCache: an edit re-parses only what it touched
        self._reported_config_errors: set = set()
        self._executor: Optional[ThreadPoolExecutor] = None

    # --- plumbing
    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=f"zdr-lint: {message}"))
        except Exception:  # pragma: no cover - no client to tell
            logger.error(message)

    @property
    def encoding(self) -> str:
        try:
            return self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        except Exception:
            return types.PositionEncodingKind.Utf16

    @property
    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            # libcst recurses once per nesting level: give the lint thread a main-thread-sized stack.
            previous = threading.stack_size()
            try:
                threading.stack_size(64 * 1024 * 1024)
            except (ValueError, RuntimeError):
                previous = None
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zdr-lint")
            self._executor.submit(lambda: None).result()  # start the thread with that stack
            if previous is not None:
                threading.stack_size(previous)
        return self._executor

    # --- settings
    def folder_for(self, path: Optional[str]) -> Path:
        roots = []
        try:
            roots = [to_fs_path(folder.uri) for folder in self.workspace.folders.values()]
            if self.workspace.root_path:
                roots.append(self.workspace.root_path)
        except Exception:
            pass
        roots = [r for r in roots if r]
        if path:
            inside = [r for r in roots if os.path.abspath(path).startswith(os.path.abspath(r) + os.sep)]
            if inside:
                return Path(max(inside, key=len))
            if not roots:
                return Path(path).parent
        return Path(roots[0]) if roots else Path.cwd()

    def linter_for(self, path: Optional[str]) -> Linter:
        start = self.folder_for(path)
        linter = self._linters.get(start)
        if linter is None:
            try:
                settings = load_settings(start=start)
                linter = Linter(settings)
            except ConfigError as exc:
                if str(exc) not in self._reported_config_errors:
                    self._reported_config_errors.add(str(exc))
                    self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"zdr-lint: {exc}; using the default settings"))
                linter = Linter(Settings(project_root=start.resolve()))
            self._linters[start] = linter
        return linter

    def reload_settings(self) -> None:
        self._linters.clear()
        self._reported_config_errors.clear()
        self.log("settings reloaded", types.MessageType.Info)
        for uri in list(self._open_uris()):
            self.schedule(uri, 0)

    def _open_uris(self) -> list:
        uris = []
        notebook_cells = set()
        for notebook in list(self.workspace.notebook_documents.values()):
            uris.append(notebook.uri)
            notebook_cells.update(cell.document for cell in notebook.cells)
        for uri in list(self.workspace.text_documents):
            if uri not in notebook_cells and self.wants(uri):
                uris.append(uri)
        return uris

    @staticmethod
    def wants(uri: str, language_id: Optional[str] = None) -> bool:
        path = uri.split("?", 1)[0].lower()
        return language_id == "python" or path.endswith(PYTHON_SUFFIXES)

    # --- linting
    def schedule(self, uri: str, delay: float) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        task = asyncio.get_running_loop().create_task(self._lint_later(uri, delay))
        self.pending[uri] = task

    async def _lint_later(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            job = self._snapshot(uri)
            if job is None:
                return
            loop = asyncio.get_running_loop()
            results = await loop.run_in_executor(self.executor, job.run)
            if not job.is_current(self):
                return  # a newer edit is on its way
            for target, state in results:
                self.docs[target] = state
                self.publish(target, state)
        except asyncio.CancelledError:
            pass
        except Exception as exc:
            self.log(f"cannot check {uri}: {type(exc).__name__}: {exc}", types.MessageType.Error)
            logger.exception("lint of %s failed", uri)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    def _snapshot(self, uri: str) -> "Optional[_TextJob | _NotebookJob]":
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is not None:
            cells = []
            for number, cell in enumerate(notebook.cells, start=1):
                document = self.workspace.text_documents.get(cell.document)
                text = document.source if document is not None else ""
                kind = "code" if cell.kind == types.NotebookCellKind.Code else "markdown"
                cells.append((cell.document, Cell(number, kind, text), document.version if document else None))
            path = to_fs_path(uri) or uri
            return _NotebookJob(uri, notebook.version, path, cells, self.linter_for(path), self.encoding)
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return None
        path = to_fs_path(uri) or uri
        cache = self.statement_caches.get(uri)
        if cache is None:
            cache = self.statement_caches[uri] = StatementCache()
        return _TextJob(uri, document.version, path, document.source, self.linter_for(path), cache)

    def publish(self, uri: str, state: DocState) -> None:
        lines = split_lines(state.text)
        diagnostics = [self.diagnostic(p, lines) for p in state.placed]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, version=state.version, diagnostics=diagnostics))

    def clear(self, uri: str) -> None:
        self.docs.pop(uri, None)
        self.statement_caches.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def to_range(self, start: tuple, end: tuple, lines: list) -> types.Range:
        def position(row: int, column: int) -> types.Position:
            line = lines[row] if 0 <= row < len(lines) else ""
            return types.Position(line=row, character=to_client_column(line, min(column, len(line)), self.encoding))

        return types.Range(start=position(*start), end=position(*end))

    def diagnostic(self, placed: Placed, lines: list) -> types.Diagnostic:
        f = placed.finding
        message = f.message if f.confidence == "high" else f"{f.message} [{f.confidence} confidence]"
        return types.Diagnostic(
            range=self.to_range(placed.start, placed.end, lines),
            message=message,
            severity=SEVERITY.get(f.severity, types.DiagnosticSeverity.Error),
            code=f.code,
            code_description=types.CodeDescription(href=f.url) if f.url else None,
            source=SOURCE,
            data={"code": f.code, "noqa_line": placed.noqa_line},
        )

    # --- hover and code actions
    def findings_at(self, uri: str, range_: types.Range) -> tuple:
        state = self.docs.get(uri)
        if state is None:
            return None, []
        lines = split_lines(state.text)

        def point(position: types.Position) -> tuple:
            line = lines[position.line] if 0 <= position.line < len(lines) else ""
            return (position.line, from_client_column(line, position.character, self.encoding))

        low, high = point(range_.start), point(range_.end)
        hits = [p for p in state.placed if p.start <= high and low <= p.end]
        return state, hits

    def hover(self, uri: str, position: types.Position) -> Optional[types.Hover]:
        state, hits = self.findings_at(uri, types.Range(start=position, end=position))
        if not hits:
            return None
        lines = split_lines(state.text)
        rules = self.linter_for(None).registry.rules
        parts = []
        for placed in hits:
            f = placed.finding
            rule = rules.get(f.code)
            title = f"**{f.code}** `{rule.name}`" if rule else f"**{f.code}**"
            docs = rule.docs() if rule else ""
            link = f"\n\n[Rule documentation]({f.url})" if f.url else ""
            parts.append(f"{title}: {f.message}\n\n{docs}{link}")
        first = hits[0]
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
            range=self.to_range(first.start, first.end, lines),
        )

    def code_actions(self, params: types.CodeActionParams) -> list:
        uri = params.text_document.uri
        state, hits = self.findings_at(uri, params.range)
        if not hits:
            return []
        lines = split_lines(state.text)
        known = self.linter_for(to_fs_path(uri)).known_selectors
        actions = []
        seen = set()
        for placed in hits:
            code = placed.finding.code
            if code == CANNOT_CHECK:
                continue
            diagnostic = self.diagnostic(placed, lines)
            if state.notebook is not None:  # a .ipynb file as JSON text: write into the cell's string
                f = placed.finding
                key = (code, f.cell, f.noqa_line)
                change = state.notebook.noqa_edit(f.cell, f.noqa_line or f.start.line, code, known) if f.cell else None
                if change is not None and key not in seen:
                    seen.add(key)
                    start, end, new_text = change
                    edit = types.TextEdit(range=self.to_range(start, end, lines), new_text=new_text)
                    actions.append(self._action(f"Suppress {code} on this line", uri, [edit], diagnostic, preferred=True))
                continue
            key = (code, placed.noqa_line)
            if placed.noqa_line is not None and key not in seen and 0 <= placed.noqa_line < len(lines):
                seen.add(key)
                row = placed.noqa_line
                new = line_with_noqa(lines[row], [code], known)
                if new != lines[row]:
                    edit = types.TextEdit(range=self.to_range((row, 0), (row, len(lines[row])), lines), new_text=new)
                    actions.append(self._action(f"Suppress {code} on this line", uri, [edit], diagnostic, preferred=True))
            if code not in seen:
                seen.add(code)
                file_edit = self.file_noqa_edit(uri, code, known)
                if file_edit is not None:
                    target, edit = file_edit
                    actions.append(self._action(f"Suppress {code} in this file", target, [edit], diagnostic))
        return self.fix_actions(uri, state, hits, lines) + actions

    # --- fixes (issue 15): the edit `zdr-lint check --fix` writes, as a quick fix ----------------------
    def fix_actions(self, uri: str, state: DocState, hits: list, lines: list) -> list:
        """A quick fix per finding with a fix (Finding.fix): a safe one is preferred; an unsafe one
        says so in its title and is never preferred (it may change what the code does)."""
        if state.notebook is not None:
            return []
        actions = []
        for placed in hits:
            fix = placed.finding.fix
            if fix is None:
                continue
            edits = [
                types.TextEdit(range=self.to_range((e.start.line - 1, e.start.column), (e.end.line - 1, e.end.column), lines), new_text=e.content)
                for e in fix.edits
            ]
            unsafe = fix.applicability != "safe"
            title = f"Fix {placed.finding.code}: {fix.message}" + (" (unsafe)" if unsafe else "")
            actions.append(self._action(title, uri, edits, self.diagnostic(placed, lines), preferred=not unsafe))
        return actions

    def _action(self, title: str, uri: str, edits: list, diagnostic: types.Diagnostic, preferred: bool = False) -> types.CodeAction:
        return types.CodeAction(
            title=title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            edit=types.WorkspaceEdit(changes={uri: edits}),
            is_preferred=preferred,
        )

    def file_noqa_edit(self, uri: str, code: str, known: frozenset) -> Optional[tuple]:
        """(uri, edit) adding `# zdr-lint: noqa: CODE` at the top of the file (or of the notebook's
        first code cell), extending such a line if there is one."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        if notebook is not None:
            code_cells = [c.document for c in notebook.cells if c.kind == types.NotebookCellKind.Code]
            if not code_cells:
                return None
            uri = code_cells[0]
        elif uri.split("?", 1)[0].lower().endswith(".ipynb"):
            return None  # the JSON text: suppress per line
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return None
        lines = split_lines(document.source)
        for row, line in enumerate(lines):
            match = _FILE_NOQA_LINE.match(line)
            if match:
                codes = [c for c in re.split(r"[\s,]+", match.group("codes")) if c]
                if code in codes:
                    return None
                new = f"{line[: match.start('codes')]}{', '.join(codes + [code])}"
                return uri, types.TextEdit(range=self.to_range((row, 0), (row, len(line)), lines), new_text=new)
        row = 0
        while row < min(len(lines), 2) and _HEADER_LINE.match(lines[row]):
            row += 1
        position = types.Position(line=row, character=0)
        return uri, types.TextEdit(range=types.Range(start=position, end=position), new_text=f"# zdr-lint: noqa: {code}\n")


@dataclass
class _TextJob:
    uri: str
    version: Optional[int]
    path: str
    text: str
    linter: Linter
    cache: Optional[StatementCache] = None

    def run(self) -> list:
        try:
            findings = self.linter.lint_source(self.text, self.path, self.cache)
        except Exception as exc:  # lint_source should not raise; a ZDR000 if it ever does
            findings = [self.linter.cannot_check(self.path, f"internal error: {type(exc).__name__}: {exc}")]
        if self.path.lower().endswith(".ipynb"):
            try:
                notebook = NotebookText(self.text)
                return [(self.uri, DocState(self.version, self.text, notebook.place(findings), notebook))]
            except (ValueError, IndexError, NotebookError):  # not a notebook we can map: the finding's own line
                placed = place_in_text([f.with_changes(cell=None) for f in findings], split_lines(self.text))
        else:
            placed = place_in_text(findings, split_lines(self.text))
        return [(self.uri, DocState(self.version, self.text, placed))]

    def is_current(self, server: ZdrLanguageServer) -> bool:
        document = server.workspace.text_documents.get(self.uri)
        return document is not None and document.version == self.version and document.source == self.text


@dataclass
class _NotebookJob:
    uri: str
    version: Optional[int]
    path: str
    cells: list  # (cell uri, Cell, cell version)
    linter: Linter
    encoding: str

    def run(self) -> list:
        codes = self.linter.codes_for(self.path)
        findings = lint_cells(self.linter, [cell for _, cell, _ in self.cells], self.path, codes) if codes else []
        by_cell: dict = {}
        for f in findings:
            by_cell.setdefault(f.cell or 1, []).append(f)
        results = []
        for uri, cell, version in self.cells:
            if cell.kind != "code":
                continue
            lines = split_lines(cell.source)
            results.append((uri, DocState(version, cell.source, place_in_text(by_cell.get(cell.number, []), lines))))
        return results

    def is_current(self, server: ZdrLanguageServer) -> bool:
        notebook = server.workspace.get_notebook_document(notebook_uri=self.uri)
        if notebook is None or notebook.version != self.version:
            return False
        return [c.document for c in notebook.cells] == [uri for uri, _, _ in self.cells]


def create_server() -> ZdrLanguageServer:
    server = ZdrLanguageServer()

    @server.feature(types.INITIALIZE)
    @guarded
    def initialize(ls: ZdrLanguageServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounceMs"), (int, float)):
            ls.debounce = max(float(options["debounceMs"]), 0.0) / 1000

    @server.feature(types.INITIALIZED)
    @guarded
    def initialized(ls: ZdrLanguageServer, params: types.InitializedParams) -> None:
        capabilities = ls.client_capabilities
        watched = capabilities.workspace.did_change_watched_files if capabilities.workspace else None
        if watched is not None and watched.dynamic_registration:
            watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_NAMES]
            ls.client_register_capability(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="zdr-lint-settings",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                        )
                    ]
                )
            )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded
    def did_open(ls: ZdrLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if ls.workspace.get_notebook_document(cell_uri=document.uri) is None and ls.wants(document.uri, document.language_id):
            ls.schedule(document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded
    def did_change(ls: ZdrLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.workspace.text_documents.get(uri)
        if document is not None and ls.wants(uri, document.language_id):
            ls.schedule(uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded
    def did_save(ls: ZdrLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri.rsplit("/", 1)[-1] in CONFIG_NAMES:
            ls.reload_settings()
        elif uri in ls.workspace.text_documents and ls.wants(uri, ls.workspace.text_documents[uri].language_id):
            ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded
    def did_close(ls: ZdrLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        if uri in ls.docs:
            ls.clear(uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    @guarded
    def notebook_open(ls: ZdrLanguageServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    @guarded
    def notebook_change(ls: ZdrLanguageServer, params: types.DidChangeNotebookDocumentParams) -> None:
        structure = params.change.cells.structure if params.change.cells else None
        for closed in (structure.did_close or []) if structure else []:
            if closed.uri in ls.docs:
                ls.clear(closed.uri)
        ls.schedule(params.notebook_document.uri, ls.debounce)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    @guarded
    def notebook_save(ls: ZdrLanguageServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    @guarded
    def notebook_close(ls: ZdrLanguageServer, params: types.DidCloseNotebookDocumentParams) -> None:
        task = ls.pending.pop(params.notebook_document.uri, None)
        if task is not None:
            task.cancel()
        for cell in params.cell_text_documents:
            if cell.uri in ls.docs:
                ls.clear(cell.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded
    def watched_files(ls: ZdrLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.rsplit("/", 1)[-1] in CONFIG_NAMES for change in params.changes):
            ls.reload_settings()

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded
    def hover(ls: ZdrLanguageServer, params: types.HoverParams) -> Optional[types.Hover]:
        return ls.hover(params.text_document.uri, params.position)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @guarded
    def code_action(ls: ZdrLanguageServer, params: types.CodeActionParams) -> list:
        return ls.code_actions(params)

    return server


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="zdr-lint server: %(levelname)s: %(message)s")
    create_server().start_io()
    return 0


__all__ = ["create_server", "main", "to_client_column", "from_client_column", "NotebookText"]
