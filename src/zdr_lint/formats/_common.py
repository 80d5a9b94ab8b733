"""Helpers the CI formats share: project-relative paths, source lines, stable fingerprints."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional
from urllib.parse import quote

from zdr_lint.finding import Finding
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


@lru_cache(maxsize=256)
def source_lines(path: str) -> tuple:
    """The file's lines as text (empty when it cannot be read): fingerprints hash the line, not its number."""
    try:
        data = read_file_bytes(path)
    except OSError:
        return ()
    try:
        text = decode_source(data)
    except CannotCheck:
        text = data.decode("utf-8", "replace")
    return tuple(split_source_lines(text))


def line_text(finding: Finding) -> Optional[str]:
    if finding.cell is not None:
        return None  # notebook lines are cell-relative; the message stands in for the line
    lines = source_lines(finding.path)
    if 0 < finding.start.line <= len(lines):
        return lines[finding.start.line - 1]
    return None


def fingerprints(findings: Iterable[Finding], root: Path) -> list:
    """One fingerprint per finding that does not change when lines are added or removed elsewhere
    in the file: a hash of the path, the code, the cell and the finding's line text with its
    whitespace squeezed (the message when the line is unknown), and the occurrence number among
    findings with the same hash."""
    seen: Counter = Counter()
    out = []
    for f in findings:
        text = line_text(f)
        body = " ".join(text.split()) if text is not None else f.message
        key = "\0".join((relative(f.path, root), f.code, str(f.cell or ""), body))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        seen[digest] += 1
        out.append((digest, seen[digest]))
    return out


def level_of(severity: str) -> str:
    return {"error": "error", "warning": "warning"}.get(severity, "note")
