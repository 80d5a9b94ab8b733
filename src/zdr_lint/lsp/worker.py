"""A large document's check, in a process of its own (see `zdr_lint.lsp.jobs`).

libcst's native parser holds the GIL for the whole parse (about 50 s for a 5 MB module on a busy
machine): in a thread, every other document's check waits for it. In a process it runs beside the
server, and a newer version of the document, closing it, or `exit` kills it.

The processes are forked from multiprocessing's fork server, which has this module (and so the
engine and libcst) loaded once: a check starts in milliseconds.
"""

from __future__ import annotations

import os
import threading
import time

import libcst  # noqa: F401 - loaded here, in the fork server, so each forked check starts warm

from zdr_lint.engine import Linter


def lint_in_process(connection, settings, index, text: str, path: str) -> None:
    """Check `text` (the document as the editor holds it) and send back its findings."""
    os.dup2(2, 1)  # stdout is the editor's message stream: nothing of ours may write there
    _exit_with_the_server()
    try:
        os.nice(10)  # background work: the checks of the file being edited come first
    except (AttributeError, OSError):  # pragma: no cover - Windows, or not permitted
        pass
    try:
        findings = Linter(settings, project=index).lint_source(text, path)
        connection.send(findings)
    finally:
        connection.close()


def _exit_with_the_server() -> None:
    """If the server dies without killing us (SIGKILL), the fork server exits and we are re-parented:
    stop then, rather than finish a check nobody will read."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="zdr-lint-watchdog", daemon=True).start()
