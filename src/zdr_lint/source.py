"""Stage 0 of the path of one file: bytes to text, lines as the tokenizer counts them, CPython's ast.

Everything below the engine that needs to read source (the project index, suppressions, add-noqa,
the output formats) uses these, so a file is decoded and numbered the same way everywhere.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import io
import os
import stat
import sys
import threading
import tokenize
import warnings

# libcst visitors recurse once per nesting level; deeply nested generated code needs headroom.
RECURSION_LIMIT = 12000
# CPython's ast refuses nesting deeper than about 2,500 levels under the default limit; libcst's
# native parser crashes the process (not an exception) somewhere past 5,000. So `ast.parse` runs
# under the default limit and is the gate: what it refuses never reaches libcst.
AST_RECURSION_LIMIT = 1000


class NotRegularFile(OSError):
    """A path that names a FIFO, a device, a socket or a folder where a file was expected."""


def file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def read_file_bytes(path: str) -> bytes:
    """A regular file's bytes. Opening never blocks: a FIFO (which `open()` would wait on forever
    for a writer), a device or a socket raises NotRegularFile instead of being read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"is {file_kind(mode)}, not a regular file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


class CannotCheck(Exception):
    """A file that cannot be checked: the reason and where, for one ZDR000 finding."""

    def __init__(self, reason: str, line: int = 1, column: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


@contextlib.contextmanager
def recursion_limit(limit: int):
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


# The cyclic garbage collector, paused while one file's trees are built and read. A tree is
# hundreds of thousands of objects that all stay alive until the file is done: each collection the
# allocations set off walks all of them and frees nothing (on LiteLLM's largest modules, 45% of the
# libcst stage and ~15% of `ast.parse`). Reference counting still frees everything as usual; the
# cycles a file leaves, if any, wait for the next collection after the pause. Nested and threaded
# pauses share one count: the collector comes back when the last ends, if it was on before the first.
_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def gc_paused():
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def parse_ast(text: str, path: str) -> ast.Module:
    """CPython's ast of `text`; a file it refuses is a CannotCheck with the reason and position."""
    try:
        with recursion_limit(AST_RECURSION_LIMIT), warnings.catch_warnings(), gc_paused():
            warnings.simplefilter("ignore")  # the checked code's SyntaxWarnings are not ours to print
            return ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise CannotCheck(f"syntax error: {exc.msg}", exc.lineno or 1, max((exc.offset or 1) - 1, 0)) from None
    except ValueError as exc:  # e.g. NUL bytes
        raise CannotCheck(f"syntax error: {exc}") from None
    except (RecursionError, MemoryError):
        raise CannotCheck("too deeply nested to check (Python's parser gives up)") from None


def source_lines(text: str, keepends: bool = False) -> list:
    """The lines of Python source as the tokenizer and `ast` number them: split at \n, \r\n and
    \r only (`str.splitlines` also splits at form feeds and other separators, which old modules
    hold, and would shift every line number after them)."""
    return io.StringIO(text, newline="").readlines() if keepends else [line.rstrip("\r\n") for line in io.StringIO(text, newline="")]


def decode_source(data: bytes) -> str:
    """Bytes to text, honouring a BOM and a PEP 263 coding cookie (UTF-8 otherwise)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise CannotCheck(f"cannot decode: {exc}") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        raise CannotCheck(
            f"cannot decode as {encoding}: {exc.reason} (byte 0x{data[exc.start]:02x}); declare the encoding with a PEP 263 coding comment",
            line,
            column,
        ) from None
    except LookupError:
        raise CannotCheck(f"unknown encoding {encoding!r} in the coding comment") from None

