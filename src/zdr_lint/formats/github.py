"""`github`: GitHub Actions workflow commands, so findings show as annotations on the pull request.

`file=` is relative to the repository root whatever the working folder (`$GITHUB_WORKSPACE` in a
workflow, else the git work tree, else the project root): GitHub places an annotation by its path
in the repository, so `cd app && zdr-lint check .` must still write `file=app/service.py`. A
notebook finding's `line=` / `col=` point where its cell's line is written in the `.ipynb` file;
the message names the cell.
"""

from __future__ import annotations

from zdr_lint.formats._common import file_span, relative, repository_root, text_path


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: list, context) -> str:
    root = repository_root(context.project_root)
    out = []
    for f in findings:
        command = {"error": "error", "warning": "warning"}.get(f.severity, "notice")
        path = text_path(relative(f.path, root))
        span = file_span(f)
        where = [("title", f"zdr-lint ({f.code})"), ("file", path)]
        if span is not None:
            where += [
                ("line", span.start_line),
                ("col", span.start_column + 1),
                ("endLine", span.end_line),
                ("endColumn", span.end_column + 1),
            ]
        props = ",".join(f"{key}={_property(str(value))}" for key, value in where)
        cell = f"cell {f.cell}:" if f.cell is not None else ""
        out.append(f"::{command} {props}::{_data(f'{path}:{cell}{f.start.line}:{f.start.column + 1}: {f.code} {f.message}')}\n")
    return "".join(out)
