"""`pylint`: `path:line: [CODE] message`, the shape pylint's parseable output and ruff use."""

from __future__ import annotations


def format_pylint(findings: list, context) -> str:
    return "".join(f"{f.path}:{f.start.line}: [{f.code}] {f.message}\n" for f in findings)
