"""`azure`: Azure Pipelines logging commands (`##vso[task.logissue ...]`), one a finding, so each
shows as an error or warning on the pipeline run. Paths are absolute, as Azure's documentation asks
of logging commands; a notebook finding's line points where its cell's line is written in the
`.ipynb` file, and the message names the cell."""

from __future__ import annotations

import os

from zdr_lint.formats._common import file_span


def _property(text: str) -> str:
    # the agent's escapes for property values (it splits the properties at ';' and ends them at ']')
    return text.replace(";", "%3B").replace("\r", "%0D").replace("\n", "%0A").replace("]", "%5D")


def _message(text: str) -> str:
    return text.replace("\r", "%0D").replace("\n", "%0A")


def format_azure(findings: list, context) -> str:
    out = []
    for f in findings:
        kind = "error" if f.severity == "error" else "warning"  # logissue knows only these two
        props = [("type", kind), ("sourcepath", os.path.abspath(f.path) if f.path != "-" else f.path)]
        span = file_span(f)
        if span is not None:
            props += [("linenumber", str(span.start_line)), ("columnnumber", str(span.start_column + 1))]
        props.append(("code", f.code))
        cell = f" (cell {f.cell}, line {f.start.line})" if f.cell is not None else ""
        head = "".join(f"{key}={_property(value)};" for key, value in props)
        out.append(f"##vso[task.logissue {head}]{_message(f.message + cell)}\n")
    return "".join(out)
