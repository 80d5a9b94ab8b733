"""The language server (`zdr-lint server`): ZDR findings while you type, over stdio.

A thin layer over the engine and the runner the CLI uses, so an editor shows what `zdr-lint check`
prints for the same file:

- each document gets the settings of its nearest settings file and the index of its whole project
  (`projects`), kept in memory and refreshed when a file of the project is saved or changes on disk;
  the open documents whose findings depend on a changed module are checked again, the others not;
- diagnostics are published on open and save, and on change (of the unsaved text) after a short
  debounce (`initializationOptions.debounceMs`, default 200); they are cleared on close. Columns
  are converted from the engine's code points to the negotiated position encoding;
- each document has its own job, the newest version wins, and a large document is checked in a
  process of its own so the others never wait for it (`jobs`);
- hover over a flagged range shows the rule's docs; code actions apply a finding's fix (the edit
  `zdr-lint check --fix` writes: preferred when safe, labelled "(unsafe)" otherwise), add
  `# noqa: CODE` to the line or `# zdr-lint: noqa: CODE` to the file; notebooks get diagnostics
  per cell;
- the input stream survives badly framed messages (`framing`), a request with invalid params gets
  an InvalidParams error, and `exit` without `shutdown` exits with code 1.

Start-up: `initialize` is answered (`startup`) while pygls, lsprotocol and the engine load in a
thread; the server proper (`server`) takes over once they are loaded. This module and `startup`
import only the standard library.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

# Cheap (their packages' __init__ only); a missing one is reported by `zdr-lint server` in one line.
import lsprotocol  # noqa: F401
import pygls  # noqa: F401

from zdr_lint import __version__
from zdr_lint.lsp.framing import Framer
from zdr_lint.lsp.startup import answer_initialize, first_message

__all__ = ["main", "to_client_column", "from_client_column", "NotebookText", "create_server"]


class _Loading(threading.Thread):
    """Imports the server proper (pygls, lsprotocol.types, the engine) while `initialize` is answered."""

    def __init__(self) -> None:
        super().__init__(name="zdr-lint-load", daemon=True)
        self.module = None
        self.error: "BaseException | None" = None

    def run(self) -> None:
        try:
            from zdr_lint.lsp import server  # noqa: PLC0415 - loaded in this thread on purpose

            self.module = server
        except BaseException as exc:  # reported by main, in the main thread
            self.error = exc


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="zdr-lint server: %(levelname)s: %(message)s")
    loading = _Loading()
    loading.start()
    framer = Framer()
    message = first_message(framer, sys.stdin.fileno())
    early = answer_initialize(message, __version__, sys.stdout.buffer) if message is not None else None
    loading.join()
    if loading.error is not None:
        print(f"zdr-lint: error: cannot start the language server: {type(loading.error).__name__}: {loading.error}", file=sys.stderr)
        _leave(2)
    code = loading.module.run(framer, [message] if message is not None else [], early)
    _leave(code)
    return code  # pragma: no cover - _leave does not return


def _leave(code: int) -> None:
    """End the process now. A check may still be running in a thread (a large one in a process,
    which `run` has killed): the LSP `exit` must not wait for it, and interpreter shutdown would
    join every worker thread. Streams are flushed first; nothing else needs cleaning up."""
    for stream in (sys.stderr, sys.stdout):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def __getattr__(name: str):
    # The document helpers and the server are loaded on first use, never at start-up.
    if name in ("to_client_column", "from_client_column", "NotebookText"):
        from zdr_lint.lsp import text

        return getattr(text, name)
    if name == "create_server":
        from zdr_lint.lsp import server

        return server.create_server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
