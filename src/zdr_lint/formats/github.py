"""`github`: GitHub Actions workflow commands, so findings show as annotations on the pull request.
Paths are relative to the working directory (the checkout, in a workflow), as ruff writes them."""

from __future__ import annotations

import os
from pathlib import Path

from zdr_lint.formats._common import relative, text_path


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: list, context) -> str:
    out = []
    for f in findings:
        command = {"error": "error", "warning": "warning"}.get(f.severity, "notice")
        path = text_path(relative(f.path, Path(os.getcwd())))
        props = ",".join(
            f"{key}={_property(str(value))}"
            for key, value in (
                ("title", f"zdr-lint ({f.code})"),
                ("file", path),
                ("line", f.start.line),
                ("col", f.start.column + 1),
                ("endLine", f.end.line),
                ("endColumn", f.end.column + 1),
            )
        )
        cell = f"cell {f.cell}:" if f.cell is not None else ""
        out.append(f"::{command} {props}::{_data(f'{path}:{cell}{f.start.line}:{f.start.column + 1}: {f.code} {f.message}')}\n")
    return "".join(out)
