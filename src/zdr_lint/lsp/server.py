"""The server proper: pygls features over the engine, the runner's project indexes and the jobs.

Loaded by `zdr_lint.lsp.main` in a thread while `initialize` is answered; `run` then serves the
rest of the session with our own reading loop (`serve`), which survives badly framed input.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import re
import sys
import threading
import tokenize
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import unquote

from cattrs import transform_error
from cattrs.errors import ClassValidationError
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from zdr_lint import __version__
from zdr_lint.config import CONFIG_FILES
from zdr_lint.engine import CANNOT_CHECK, Linter
from zdr_lint.fixes import SAFE
from zdr_lint.incremental import StatementCache
from zdr_lint.lsp.framing import Framer
from zdr_lint.lsp.jobs import LARGE_DOCUMENT, Job, Jobs
from zdr_lint.lsp.projects import Projects, dependencies, digest
from zdr_lint.lsp.startup import NOTEBOOK_DOCUMENT_SYNC, SERVER_NAME, EarlyAnswer
from zdr_lint.lsp.text import NotebookText, Placed, from_client_column, place_in_text, split_lines, to_client_column
from zdr_lint.lsp.worker import lint_in_process
from zdr_lint.notebook import Cell, NotebookError, lint_cells
from zdr_lint.plugins import get_registry
from zdr_lint.suppression import comment_column, comment_columns, file_directive_with, with_codes

logger = logging.getLogger(__name__)

SOURCE = "zdr-lint"
DEFAULT_DEBOUNCE_MS = 200
CONFIG_NAMES = CONFIG_FILES  # a change to any of them re-reads the settings
PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
INDEXED_SUFFIXES = (".py", ".pyi")
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_HEADER_LINE = re.compile(r"^#!|^#.*coding[:=]")
# libcst recurses once per nesting level: threads get a main-thread-sized stack (virtual memory only).
THREAD_STACK = 64 * 1024 * 1024


def key_of(uri: str) -> str:
    """The one spelling of a document's URI the server keys its state by: pygls's own (its workspace
    stores documents under the percent-decoded URI). `file:///c%3A/a%20b.py` and
    `file:///c:/a b.py` are one document; what is published keeps the client's spelling."""
    return unquote(uri)


@dataclass
class DocState:
    version: Optional[int]
    text: str
    placed: list
    notebook: Optional[NotebookText] = None  # a .ipynb file opened as JSON text
    uri: str = ""  # as the client spells it
    root: Optional[str] = None  # the project whose index the findings used
    keys: frozenset = frozenset()  # the text's import keys and module: what the digest reads
    module: str = ""
    digest: Optional[str] = None  # what of the index the findings depended on


# --- Protocol: the early `initialize` answer -------------------------------------------------------------
class ZdrProtocol(LanguageServerProtocol):
    early: Optional[EarlyAnswer] = None

    def _send_response(self, msg_id, result=None, error=None):
        early = self.early
        if early is not None and msg_id == early.id:
            # `initialize` was answered before pygls was loaded: check that answer, send nothing.
            self.early = None
            if error is not None:
                logger.error("initialize failed after it was answered: %s", error)
            elif self._json(result) != early.result:
                logger.warning("the initialize answer sent early differs from pygls's: %s", json.dumps(self._json(result)))
                self._server.log("the initialize answer sent early differs from pygls's", types.MessageType.Warning)
            return
        super()._send_response(msg_id, result=result, error=error)

    def _json(self, value):
        return json.loads(json.dumps(value, default=self._serialize_message))


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


def _comment_columns(text: str) -> Optional[dict]:
    """Where each line's comment starts, or None for text that does not tokenize (mid-edit)."""
    try:
        return comment_columns(text)
    except (tokenize.TokenError, SyntaxError):
        return None


class ZdrLanguageServer(LanguageServer):
    protocol: ZdrProtocol

    def __init__(self) -> None:
        super().__init__(
            SERVER_NAME,
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(
                        notebook=selector["notebook"], cells=[types.NotebookCellLanguage(language=c["language"]) for c in selector["cells"]]
                    )
                    for selector in NOTEBOOK_DOCUMENT_SYNC["notebookSelector"]
                ],
                save=NOTEBOOK_DOCUMENT_SYNC["save"],
            ),
            protocol_cls=ZdrProtocol,
        )
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self.docs: dict = {}  # key -> DocState (a notebook cell's key for notebook documents)
        self.pending: dict = {}  # key -> asyncio.Task (the debounce before a check)
        self.statement_caches: dict = {}  # key -> StatementCache: an edit re-parses only what it touched
        self.registry = get_registry()
        self.known_selectors = frozenset(self.registry.rules) | frozenset(r.name for r in self.registry.rules.values())
        self._reported: set = set()
        self._projects: Optional[Projects] = None
        self._changed: set = set()  # files changed on disk, for the next index refresh
        self._added: set = set()
        self._refreshing: Optional[asyncio.Task] = None
        self.jobs = Jobs(self._job_done)
        self.index_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zdr-lint-index")
        self.loop: Optional[asyncio.AbstractEventLoop] = None

    # --- plumbing
    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=f"zdr-lint: {message}"))
        except Exception:  # pragma: no cover - no client to tell
            logger.error(message)

    def show_once(self, message: str) -> None:
        """A settings problem, shown once as a message (lint threads call this: sent from the loop)."""
        if message in self._reported:
            return
        self._reported.add(message)
        params = types.ShowMessageParams(type=types.MessageType.Error, message=f"zdr-lint: {message}")
        self._call_in_loop(self.window_show_message, params)

    def _call_in_loop(self, function, *args) -> None:
        loop = self.loop
        if loop is not None and threading.current_thread() is not threading.main_thread():
            loop.call_soon_threadsafe(function, *args)
        else:
            function(*args)

    @property
    def encoding(self) -> str:
        try:
            return self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        except Exception:
            return types.PositionEncodingKind.Utf16

    # --- documents
    def document(self, uri: str):
        """The open text document `uri` (any spelling), or None."""
        return self.workspace.text_documents.get(key_of(uri))

    def workspace_root(self) -> str:
        roots = []
        try:
            roots = [to_fs_path(folder.uri) for folder in self.workspace.folders.values()]
            roots.append(self.workspace.root_path)
        except Exception:
            pass
        roots = [r for r in roots if r and os.path.isdir(r)]
        return roots[0] if roots else os.getcwd()

    def path_of(self, uri: str) -> str:
        """The file a document is checked as. A document that is not a file here (an untitled
        buffer, another scheme, a Windows path on another system) is checked as a file of that name
        in the workspace folder: that folder's settings and project."""
        path = to_fs_path(uri)
        if path and os.path.isabs(path) and os.path.isdir(os.path.dirname(path)):
            return path
        name = os.path.basename((path or uri).replace("\\", "/").rstrip("/")) or "untitled.py"
        return os.path.join(self.workspace_root(), name)

    @staticmethod
    def wants(uri: str, language_id: Optional[str] = None) -> bool:
        path = key_of(uri).split("?", 1)[0].lower()
        return language_id == "python" or path.endswith(PYTHON_SUFFIXES)

    def _open_keys(self) -> list:
        keys = []
        notebook_cells = set()
        for key, notebook in list(self.workspace.notebook_documents.items()):
            keys.append(key)
            notebook_cells.update(key_of(cell.document) for cell in notebook.cells)
        for key, document in list(self.workspace.text_documents.items()):
            if key not in notebook_cells and self.wants(key, document.language_id):
                keys.append(key)
        return keys

    # --- settings and projects
    @property
    def projects(self) -> Projects:
        if self._projects is None:
            warn = lambda message: self._call_in_loop(self.log, message, types.MessageType.Warning)  # noqa: E731
            self._projects = Projects(self.registry, self.show_once, warn, Path(self.workspace_root()))
        return self._projects

    def reload_settings(self) -> None:
        # A new Projects, not a reset of the old one: a check building an index holds its lock, and
        # the event loop must not wait for it. Checks in flight on the old one are superseded.
        self._projects = None
        self._reported.clear()
        self.log("settings changed: settings and project indexes read again", types.MessageType.Info)
        for key in self._open_keys():
            self.schedule(key, 0)

    def files_changed(self, changed=(), added=()) -> None:
        """Files changed on disk (saved, or reported by the client's watcher): refresh the index of
        their projects, then re-check the open documents whose findings depend on what changed."""
        self._changed.update(changed)
        self._added.update(added)
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.get_running_loop().create_task(self._refresh())

    async def _refresh(self) -> None:
        loop = asyncio.get_running_loop()
        while self._changed or self._added:
            changed, added = sorted(self._changed), sorted(self._added)
            self._changed, self._added = set(), set()
            states = [(key, s.root, s.keys, s.module, s.digest) for key, s in self.docs.items()]
            try:
                roots, stale = await loop.run_in_executor(self.index_thread, _refresh_index, self.projects, changed, added, states)
            except Exception as exc:
                self.log(f"cannot refresh the project index: {type(exc).__name__}: {exc}", types.MessageType.Error)
                logger.exception("index refresh failed")
                continue
            if not roots:
                continue
            targets = sorted({self._owner(key) for key in stale})
            names = ", ".join(os.path.basename(to_fs_path(k) or k) for k in targets) or "none"
            self.log(f"{len(changed) + len(added)} file(s) changed on disk; re-checking the open documents that depend on them: {names}", types.MessageType.Info)
            for key in targets:
                self.schedule(key, 0)

    def _owner(self, key: str) -> str:
        """The document a state belongs to: its notebook for a cell, else itself."""
        notebook = self.workspace.get_notebook_document(cell_uri=key)
        return key_of(notebook.uri) if notebook is not None else key

    # --- checking
    def schedule(self, key: str, delay: float) -> None:
        previous = self.pending.pop(key, None)
        if previous is not None:
            previous.cancel()
        self.pending[key] = asyncio.get_running_loop().create_task(self._check_later(key, delay))

    async def _check_later(self, key: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            self.jobs.submit(key, lambda: self._job(key))
        finally:
            if self.pending.get(key) is asyncio.current_task():
                del self.pending[key]

    def _job(self, key: str) -> Optional[Job]:
        """A job checking document `key` as it is now (None: it is closed)."""
        notebook = self.workspace.get_notebook_document(notebook_uri=key)
        if notebook is not None:
            cells = []
            for number, cell in enumerate(notebook.cells, start=1):
                document = self.document(cell.document)
                text = document.source if document is not None else ""
                kind = "code" if cell.kind == types.NotebookCellKind.Code else "markdown"
                cells.append((cell.document, Cell(number, kind, text), document.version if document else None))
            snapshot = _NotebookCheck(key, notebook.version, self.path_of(notebook.uri), cells, self.projects)
            return Job(key, snapshot.run, large=False)
        document = self.document(key)
        if document is None:
            return None
        cache = self.statement_caches.get(key)
        if cache is None:
            cache = self.statement_caches[key] = StatementCache()
        text = document.source
        snapshot = _TextCheck(key, document.uri, document.version, self.path_of(document.uri), text, self.projects, cache)
        large = len(text) > LARGE_DOCUMENT
        if large:
            name = os.path.basename(snapshot.path)
            self.log(f"{name} ({len(text) / 1e6:.1f} MB) is checked in a process of its own (version {document.version})")
        return Job(key, snapshot.run, large=large)

    def _job_done(self, job: Job, future: Future) -> None:
        """In the loop: publish a finished check, unless a newer version of the document exists."""
        try:
            results = future.result()
        except Exception as exc:
            self.log(f"cannot check {job.key}: {type(exc).__name__}: {exc}", types.MessageType.Error)
            logger.error("check of %s failed", job.key, exc_info=exc)
            return
        if results is None:
            return
        check, states = results
        if not check.is_current(self) or job.key in self.jobs.wanted or job.key in self.pending:
            return  # a newer check of this document is on its way
        for target, state in states:
            self.docs[target] = state
            self.publish(state)

    def publish(self, state: DocState) -> None:
        lines = split_lines(state.text)
        diagnostics = [self.diagnostic(p, lines) for p in state.placed]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=state.uri, version=state.version, diagnostics=diagnostics))

    def clear(self, uri: str) -> None:
        """Forget a closed document; clear its diagnostics if any were published."""
        key = key_of(uri)
        self.statement_caches.pop(key, None)
        if self.docs.pop(key, None) is not None:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def close(self, key: str) -> None:
        task = self.pending.pop(key, None)
        if task is not None:
            task.cancel()
        self.jobs.cancel(key)

    # --- ranges, diagnostics, hover, code actions
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

    def findings_at(self, uri: str, range_: types.Range) -> tuple:
        state = self.docs.get(key_of(uri))
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
        rules = self.registry.rules
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
        known = self.known_selectors
        columns = _comment_columns(state.text)
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
                # the comment as the whole module tokenizes it (a string's closing line does not alone)
                column = columns.get(row + 1) if columns is not None else comment_column(lines[row])
                new = with_codes(lines[row], column, [code], known=known) or lines[row]
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

    def fix_actions(self, uri: str, state: DocState, hits: list, lines: list) -> list:
        """A quick fix per finding with a fix (issue 15: the edit `zdr-lint check --fix` writes). A safe
        one is preferred; an unsafe one says so in its title and is never preferred (it may change
        what the code does). The engine gives no fix in a notebook (its edits would be the joined
        cells'), and a `.ipynb` file's JSON text gets none either."""
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
            unsafe = fix.applicability != SAFE
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
        elif key_of(uri).split("?", 1)[0].lower().endswith(".ipynb"):
            return None  # the JSON text: suppress per line
        document = self.document(uri)
        if document is None:
            return None
        lines = split_lines(document.source)
        for row, line in enumerate(lines):
            new = file_directive_with(line, [code], known)
            if new is not None:  # the file's directive, as the engine reads it
                if new == line:
                    return None
                return uri, types.TextEdit(range=self.to_range((row, 0), (row, len(line)), lines), new_text=new)
        row = 0
        while row < min(len(lines), 2) and _HEADER_LINE.match(lines[row]):
            row += 1
        position = types.Position(line=row, character=0)
        return uri, types.TextEdit(range=types.Range(start=position, end=position), new_text=f"# zdr-lint: noqa: {code}\n")

    # --- the session
    def start_io(self, stdin=None, stdout=None) -> int:
        """pygls's `start_io`, with our reading loop (`serve`): the exit code."""
        return self.serve_io(Framer(), [], (stdin or sys.stdin.buffer).fileno(), stdout)

    def serve_io(self, framer: Framer, pending: list, stdin_fd: int = 0, stdout=None) -> int:
        """Serve until `exit` or the end of the input: 0 after `shutdown` then `exit`, 1 otherwise."""
        threading.stack_size(THREAD_STACK)
        self.protocol.set_writer(_StdoutWriter(stdout or sys.stdout.buffer))
        try:
            return asyncio.run(serve(self, framer, pending, stdin_fd))
        except BrokenPipeError:
            logger.error("the connection to the editor is lost")
            return 1
        finally:
            self.jobs.stop()


# --- Checks: what a job runs, in a worker thread ------------------------------------------------------
@dataclass
class _TextCheck:
    key: str
    uri: str
    version: Optional[int]
    path: str
    text: str
    projects: Projects
    cache: Optional[StatementCache] = None

    def run(self, job: Job):
        linter, root = self.projects.linter_for(self.path)
        if job.large:
            findings = job.in_process(lint_in_process, linter.settings, linter.project, self.text, self.path)
            if findings is None:
                if job.cancelled:
                    return None
                findings = [linter.cannot_check(self.path, "internal error: the check of this large document stopped unexpectedly")]
        else:
            findings = _lint(linter, self.text, self.path, self.cache)
        state = self._place(findings)
        _note_dependencies([state], linter, root, self.text, self.path)
        return self, [(self.key, state)]

    def _place(self, findings: list) -> DocState:
        if self.path.lower().endswith(".ipynb"):
            try:
                notebook = NotebookText(self.text)
                return DocState(self.version, self.text, notebook.place(findings), notebook, uri=self.uri)
            except (ValueError, IndexError, NotebookError):  # not a notebook we can map: the finding's own line
                findings = [f.with_changes(cell=None) for f in findings]
        return DocState(self.version, self.text, place_in_text(findings, split_lines(self.text)), uri=self.uri)

    def is_current(self, server: ZdrLanguageServer) -> bool:
        document = server.document(self.key)
        return document is not None and document.version == self.version and document.source == self.text


@dataclass
class _NotebookCheck:
    key: str
    version: Optional[int]
    path: str
    cells: list  # (cell uri, Cell, cell version)
    projects: Projects

    def run(self, job: Job):
        linter, root = self.projects.linter_for(self.path)
        codes = linter.codes_for(self.path)
        findings = lint_cells(linter, [cell for _, cell, _ in self.cells], self.path, codes) if codes else []
        by_cell: dict = {}
        for f in findings:
            by_cell.setdefault(f.cell or 1, []).append(f)
        joined = "\n".join(cell.source for _, cell, _ in self.cells if cell.kind == "code")
        results = []
        for uri, cell, version in self.cells:
            if cell.kind != "code":
                continue
            lines = split_lines(cell.source)
            state = DocState(version, cell.source, place_in_text(by_cell.get(cell.number, []), lines), uri=uri)
            results.append((key_of(uri), state))
        _note_dependencies([state for _, state in results], linter, root, joined, self.path)  # the notebook's imports, read once
        return self, results

    def is_current(self, server: ZdrLanguageServer) -> bool:
        notebook = server.workspace.get_notebook_document(notebook_uri=self.key)
        if notebook is None or notebook.version != self.version:
            return False
        return [c.document for c in notebook.cells] == [uri for uri, _, _ in self.cells]


def _refresh_index(projects: Projects, changed: list, added: list, states: list) -> tuple:
    """In the index thread: refresh the projects the files belong to; (roots refreshed, keys of the
    documents whose dependency digest changed)."""
    roots = projects.refresh(changed, added)
    stale = [key for key, root, keys, module, old in states if root in roots and old != digest(projects.index_of(root), keys, module)]
    return roots, stale


def _lint(linter: Linter, text: str, path: str, cache: Optional[StatementCache]) -> list:
    try:
        return linter.lint_source(text, path, cache)
    except Exception as exc:  # lint_source should not raise; a ZDR000 if it ever does
        return [linter.cannot_check(path, f"internal error: {type(exc).__name__}: {exc}")]


def _note_dependencies(states: list, linter: Linter, root: str, text: str, path: str) -> None:
    """Record what of the project's index these findings depended on (see `_refresh`): the same for
    every cell of a notebook, whose imports are the joined cells'."""
    keys, module = dependencies(linter.project, text, path)
    depends = digest(linter.project, keys, module)
    for state in states:
        state.root, state.keys, state.module, state.digest = root, keys, module, depends


# --- The features --------------------------------------------------------------------------------------
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
            patterns = ["**/*.py", "**/*.pyi"] + [f"**/{name}" for name in CONFIG_NAMES]
            ls.client_register_capability(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="zdr-lint-files",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in patterns]
                            ),
                        )
                    ]
                )
            )

    @server.feature(types.SHUTDOWN)
    @guarded
    def shutdown(ls: ZdrLanguageServer, params: None) -> None:
        ls.jobs.stop()  # no check is wanted any more: stop the large ones now

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded
    def did_open(ls: ZdrLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if ls.workspace.get_notebook_document(cell_uri=document.uri) is None and ls.wants(document.uri, document.language_id):
            ls.schedule(key_of(document.uri), 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded
    def did_change(ls: ZdrLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        document = ls.document(params.text_document.uri)
        if document is not None and ls.wants(document.uri, document.language_id):
            ls.schedule(key_of(document.uri), ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded
    def did_save(ls: ZdrLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = to_fs_path(uri)
        if key_of(uri).rsplit("/", 1)[-1] in CONFIG_NAMES:
            ls.reload_settings()
            return
        if path and path.endswith(INDEXED_SUFFIXES):
            ls.files_changed(added=[path])
        document = ls.document(uri)
        if document is not None and ls.wants(uri, document.language_id):
            ls.schedule(key_of(uri), 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded
    def did_close(ls: ZdrLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.close(key_of(params.text_document.uri))
        ls.clear(params.text_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    @guarded
    def notebook_open(ls: ZdrLanguageServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.schedule(key_of(params.notebook_document.uri), 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    @guarded
    def notebook_change(ls: ZdrLanguageServer, params: types.DidChangeNotebookDocumentParams) -> None:
        structure = params.change.cells.structure if params.change.cells else None
        for closed in (structure.did_close or []) if structure else []:
            ls.clear(closed.uri)
        ls.schedule(key_of(params.notebook_document.uri), ls.debounce)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    @guarded
    def notebook_save(ls: ZdrLanguageServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.schedule(key_of(params.notebook_document.uri), 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    @guarded
    def notebook_close(ls: ZdrLanguageServer, params: types.DidCloseNotebookDocumentParams) -> None:
        ls.close(key_of(params.notebook_document.uri))
        ls.clear(params.notebook_document.uri)
        for cell in params.cell_text_documents:
            ls.clear(cell.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded
    def watched_files(ls: ZdrLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(key_of(change.uri).rsplit("/", 1)[-1] in CONFIG_NAMES for change in params.changes):
            ls.reload_settings()
            return
        changed, added = [], []
        for change in params.changes:
            path = to_fs_path(change.uri)
            if path and path.endswith(INDEXED_SUFFIXES):
                (changed if change.type == types.FileChangeType.Changed else added).append(path)
        if changed or added:
            ls.files_changed(changed, added)

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


# --- The session: our reading loop over pygls's protocol ------------------------------------------------
class _StdoutWriter:
    """pygls's writer interface over stdout; `close` (pygls calls it on `exit`) only flushes, so
    nothing writes to a closed stream afterwards."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


def run(framer: Framer, pending: list, early: Optional[EarlyAnswer]) -> int:
    """Serve the session whose first messages (`pending`, of which `early` was answered) were read
    into `framer`; the exit code."""
    server = create_server()
    server.protocol.early = early
    return server.serve_io(framer, pending)


async def serve(server: ZdrLanguageServer, framer: Framer, pending: list, stdin_fd: int) -> int:
    loop = asyncio.get_running_loop()
    server.loop = loop
    chunks: asyncio.Queue = asyncio.Queue()

    def pump() -> None:  # a daemon thread: blocking reads, and the exit never waits for it
        while True:
            try:
                data = os.read(stdin_fd, 1 << 16)
            except OSError:
                data = b""
            try:
                loop.call_soon_threadsafe(chunks.put_nowait, data)
            except RuntimeError:  # the loop has ended: the session is over
                return
            if not data:
                return

    threading.Thread(target=pump, name="zdr-lint-stdin", daemon=True).start()
    try:
        for message in pending:
            dispatch(server, message)
        while True:
            while (message := framer.next()) is not None:
                _report_framing(server, framer)
                dispatch(server, message)
            _report_framing(server, framer)
            data = await chunks.get()
            if not data:
                break  # the editor closed our input
            framer.feed(data)
    except SystemExit as stop:  # pygls's `exit`: 0 after `shutdown`, 1 without
        return stop.code if isinstance(stop.code, int) else 1
    return 0 if server.protocol._shutdown else 1


def _report_framing(server: ZdrLanguageServer, framer: Framer) -> None:
    for problem in framer.take_problems():
        logger.warning("input: %s", problem)
        server.log(f"input: {problem}", types.MessageType.Warning)


def dispatch(server: ZdrLanguageServer, raw) -> None:
    """One parsed message to pygls. A request whose params do not validate gets an InvalidParams
    error (pygls would only log it, and the editor would wait forever)."""
    protocol = server.protocol
    if not isinstance(raw, dict):
        server.log(f"input: ignored a message that is not a JSON object ({type(raw).__name__})", types.MessageType.Warning)
        return
    try:
        message = protocol.structure_message(raw)
    except Exception as exc:
        reason = _why(exc)
        method = raw.get("method", "?")
        logger.warning("invalid %s message: %s", method, reason)
        if "id" in raw and "method" in raw:
            error = types.ResponseError(code=types.ErrorCodes.InvalidParams, message=f"invalid params for {method}: {reason}")
            protocol._send_response(raw["id"], error=error)
        else:
            server.log(f"ignored an invalid {method} notification: {reason}", types.MessageType.Warning)
        return
    try:
        protocol.handle_message(message)  # pygls's `exit` raises SystemExit: it goes through to `serve`
    except Exception as exc:
        logger.exception("cannot handle a %s message", raw.get("method", "?"))
        server.log(f"cannot handle a {raw.get('method', '?')} message: {type(exc).__name__}: {exc}", types.MessageType.Error)


def _why(exc: BaseException) -> str:
    cause = exc.__cause__
    if isinstance(cause, ClassValidationError):
        return "; ".join(transform_error(cause)) or str(cause)
    if isinstance(exc, JsonRpcInvalidParams) and cause is not None:
        return f"{type(cause).__name__}: {cause}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(cause or exc).__name__
