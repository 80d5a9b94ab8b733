"""Helpers the CI formats share: the repository root paths are relative to, source lines, where a
notebook finding sits in the file's text, stable fingerprints."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple, Optional, Sequence
from urllib.parse import quote

from zdr_lint.finding import Finding
from zdr_lint.notebook import NotebookSourceMap
from zdr_lint.source import CannotCheck, decode_source, read_file_bytes
from zdr_lint.source import source_lines as split_source_lines


def relative(path: str, root: Path) -> str:
    """`path` relative to the project root, with forward slashes (as-is when outside the root)."""
    if path in ("-", "stdin"):
        return path
    try:
        return Path(os.path.abspath(path)).relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        try:
            return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(root))).as_posix()
        except ValueError:
            return Path(path).as_posix()


def uri_of(rel: str) -> str:
    """A URI reference for a relative path (an absolute one becomes a file: URI). The path's bytes
    are percent-encoded, so a name that is not valid UTF-8 (`caf\xe9.py`) keeps its exact bytes."""
    if os.path.isabs(rel):
        return Path(rel).as_uri()
    return quote(rel.encode("utf-8", "surrogateescape"), safe="/")


def text_path(path: str) -> str:
    """A path as valid Unicode text, for machine-readable reports (JSON, XML): a byte that is not
    UTF-8 in a file name reads as `\xe9`. (Terminal formats print the name's own bytes.)"""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def repository_root(project_root: Path, env: Sequence[str] = ("GITHUB_WORKSPACE",)) -> Path:
    """The folder CI paths are relative to, whatever the working folder: the first of the `env`
    variables that is set (the checkout, in a CI job), else the git work tree holding the project
    root (or the working folder), else the project root."""
    for name in env:
        value = os.environ.get(name)
        if value:
            return Path(value)
    for start in (Path(project_root), Path.cwd()):
        found = _work_tree_root(os.path.abspath(start))
        if found is not None:
            return Path(found)
    return Path(project_root)


@lru_cache(maxsize=64)
def _work_tree_root(directory: str) -> Optional[str]:
    """The nearest folder at or above `directory` holding `.git` (a folder, or the file a linked
    worktree or submodule has)."""
    current = directory
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def text_of(path: str) -> Optional[str]:
    """The file's text (None when it cannot be read)."""
    try:
        data = read_file_bytes(path)
    except OSError:
        return None
    try:
        return decode_source(data)
    except CannotCheck:
        return data.decode("utf-8", "replace")


@lru_cache(maxsize=256)
def source_lines(path: str) -> tuple:
    """The file's lines as the tokenizer counts them (empty when it cannot be read): fingerprints
    hash the line, not its number."""
    text = text_of(path)
    return tuple(split_source_lines(text)) if text is not None else ()


class Span(NamedTuple):
    """Where a finding sits in its file's text: 1-based lines, 0-based code-point columns."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


def file_span(finding: Finding) -> Optional[Span]:
    """The finding's place in the file's own text. For a notebook (whose finding lines count from
    its cell) that is where the cell's line is written in the `.ipynb` JSON, so a consumer that
    knows only files (SARIF, annotations, Code Quality) points at the right place; None when the
    notebook's JSON cannot be mapped."""
    if finding.cell is None:
        return Span(finding.start.line, finding.start.column, max(finding.end.line, finding.start.line), finding.end.column)
    notebook = _notebook_map(finding.path)
    if notebook is None:
        return None
    start = notebook.locate(finding.cell, finding.start.line, finding.start.column)
    end = notebook.locate(finding.cell, finding.end.line, finding.end.column)
    if start is None:
        return None
    if end is None or end < start:
        end = start
    return Span(start[0] + 1, start[1], end[0] + 1, end[1])


@lru_cache(maxsize=16)
def _notebook_map(path: str):
    text = text_of(path)
    if text is None:
        return None
    try:
        return NotebookSourceMap(text)
    except (ValueError, IndexError):
        return None


def utf8_column(path: str, line: int, column: int) -> int:
    """The 1-based column counted in UTF-8 bytes (reviewdog's unit) of a 0-based code-point column."""
    lines = source_lines(path)
    if 0 < line <= len(lines):
        text = lines[line - 1]
        return len(text[:column].encode("utf-8", "surrogatepass")) + max(column - len(text), 0) + 1
    return column + 1


def line_text(finding: Finding) -> Optional[str]:
    if finding.cell is not None:
        return None  # notebook lines are cell-relative; the message stands in for the line
    lines = source_lines(finding.path)
    if 0 < finding.start.line <= len(lines):
        return lines[finding.start.line - 1]
    return None


def line_body(f: Finding) -> str:
    """What a fingerprint hashes of a finding's place: its line's text with the whitespace squeezed
    (the message when the line is unknown, as for a notebook cell's)."""
    text = line_text(f)
    return " ".join(text.split()) if text is not None else f.message


def fingerprints(findings: Iterable[Finding], root: Path) -> list:
    """One fingerprint per finding that does not change when lines are added or removed elsewhere
    in the file: a hash of the path, the code, the cell and the finding's line text with its
    whitespace squeezed (the message when the line is unknown), and the occurrence number among
    findings with the same hash."""
    seen: Counter = Counter()
    out = []
    for f in findings:
        key = "\0".join((relative(f.path, root), f.code, str(f.cell or ""), line_body(f)))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        seen[digest] += 1
        out.append((digest, seen[digest]))
    return out


def line_hashes(findings: list, root: Path) -> list:
    """SARIF's `partialFingerprints.primaryLocationLineHash` of each finding (the baseline's too)."""
    return [f"{digest[:16]}:{occurrence}" for digest, occurrence in fingerprints(findings, root)]


def level_of(severity: str) -> str:
    return {"error": "error", "warning": "warning"}.get(severity, "note")
