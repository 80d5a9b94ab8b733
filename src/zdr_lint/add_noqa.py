"""`zdr-lint check --add-noqa[=REASON]`: write `# noqa: CODE` where each finding can be suppressed.

- The directive goes on the finding's noqa line (`Finding.noqa_line`: the last line of a multi-line
  string or backslash-continued statement), so the engine's own suppression reads it back.
- An existing `# noqa: CODES` on that line is merged (`# noqa: E501, ZDR001`), its free text kept;
  a blanket `# noqa` already suppresses everything and is left alone.
- Only the lines that get a directive change: the rest of the file keeps its bytes (encoding, BOM,
  line endings, trailing whitespace). The result must parse to the same `ast` as before, or the file
  is left untouched and reported. Files are written by `zdr_lint.writing` (atomically, through a
  symlink to its target, never a read-only file: that one is reported and left as it is).
- A second run finds nothing left to suppress and changes nothing.
- In a notebook (`.ipynb`) the directive goes on the finding's line in its cell; the notebook's
  JSON keeps its key order, indentation and line endings (`zdr_lint.notebook`).
- ZDR000 (a file that cannot be checked) is not suppressed this way.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from zdr_lint.finding import Finding
from zdr_lint.notebook import add_noqa_to_notebook
from zdr_lint.source import CannotCheck, decode_source, read_file_bytes
from zdr_lint.suppression import comment_columns, with_codes
from zdr_lint.writing import WriteError, write_file

_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_NOT_SUPPRESSIBLE = frozenset({"ZDR000"})


@dataclass
class AddNoqaResult:
    added: int = 0  # directives written or extended, one per line
    files: list = field(default_factory=list)  # files changed
    errors: list = field(default_factory=list)  # (path, reason): files left untouched


def _split_lines(data: bytes) -> list:
    """[(content, line ending)], splitting only where Python's tokenizer ends a line."""
    lines, start = [], 0
    for match in _LINE_BREAK.finditer(data):
        lines.append((data[start : match.start()], match.group()))
        start = match.end()
    if start < len(data):
        lines.append((data[start:], b""))
    return lines


def merge_directive(line: str, comment_column: Optional[int], codes: list, reason: str, known: frozenset) -> Optional[str]:
    """`line` (no line ending) with `codes` added to its noqa comment, or None when nothing changes
    (the directive grammar is zdr_lint.suppression's, the one the engine reads)."""
    return with_codes(line, comment_column, codes, reason, known)


def add_noqa_to_file(path: str, findings: Iterable[Finding], reason: str = "", known: frozenset = frozenset()) -> tuple:
    """(directives added, error or None) for one file; writes the file only when it changes."""
    by_line: dict = defaultdict(list)
    for f in findings:
        if f.code in _NOT_SUPPRESSIBLE or f.cell is not None:
            continue
        line = f.noqa_line if f.noqa_line is not None else f.start.line
        if f.code not in by_line[line]:
            by_line[line].append(f.code)
    if not by_line:
        return 0, None
    try:
        data = read_file_bytes(path)
        text = decode_source(data)
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        before = ast.dump(ast.parse(text))
        comments = comment_columns(text)
    except (OSError, CannotCheck, SyntaxError, ValueError, tokenize.TokenError) as exc:
        return 0, f"cannot add noqa: {exc}"
    lines = _split_lines(data)
    bom = data.startswith(b"\xef\xbb\xbf")
    added = 0
    for number, codes in sorted(by_line.items()):
        if not 0 < number <= len(lines):
            continue
        raw, ending = lines[number - 1]
        offset = 3 if bom and number == 1 else 0
        content = raw[offset:].decode(encoding if encoding != "utf-8-sig" else "utf-8")
        if content.rstrip().endswith("\\"):
            continue  # a comment cannot follow a line continuation
        new = merge_directive(content, comments.get(number), sorted(codes), reason, known)
        if new is None:
            continue
        lines[number - 1] = (raw[:offset] + new.encode(encoding if encoding != "utf-8-sig" else "utf-8"), ending)
        added += 1
    if not added:
        return 0, None
    result = b"".join(content + ending for content, ending in lines)
    try:
        if ast.dump(ast.parse(decode_source(result))) != before:
            return 0, "cannot add noqa: the edit would change the code"
    except (CannotCheck, SyntaxError, ValueError) as exc:
        return 0, f"cannot add noqa: the edit would break the file ({exc})"
    try:
        write_file(path, result)
    except WriteError as exc:
        return 0, str(exc).removeprefix(f"{path}: ")
    return added, None


def add_noqa_to_notebook_file(path: str, findings: list, known: frozenset) -> tuple:
    """A notebook: the directive goes on the line of the finding's cell (zdr_lint.notebook)."""
    try:
        data = read_file_bytes(path)
        text = add_noqa_to_notebook(data, findings, known)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return 0, f"cannot add noqa: {exc}"
    if text is None:
        return 0, None
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        write_file(path, bom + text.encode("utf-8"))
    except WriteError as exc:
        return 0, str(exc).removeprefix(f"{path}: ")
    return len({(f.cell, f.noqa_line or f.start.line) for f in findings if f.cell is not None and f.code not in _NOT_SUPPRESSIBLE}), None


def add_noqa(findings: Iterable[Finding], reason: str = "", known: frozenset = frozenset()) -> AddNoqaResult:
    """Add directives for every finding, file by file. Paths naming one file (symlinks to it, the
    file itself) are edited once, in the file the links point to."""
    result = AddNoqaResult()
    by_target: dict = {}
    for f in findings:
        if f.path not in ("-", "stdin"):
            path, items = by_target.setdefault(os.path.realpath(f.path), (f.path, []))
            if f.path == path:
                items.append(f)
    for path, items in by_target.values():
        if path.endswith(".ipynb"):
            added, error = add_noqa_to_notebook_file(path, items, known)
        else:
            added, error = add_noqa_to_file(path, items, reason, known)
        if error:
            result.errors.append((path, error))
        if added:
            result.added += added
            result.files.append(path)
    return result
