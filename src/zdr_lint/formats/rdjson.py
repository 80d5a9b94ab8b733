"""`rdjson`: reviewdog's Diagnostic Format (a `DiagnosticResult`), for `reviewdog -f=rdjson`.

As reviewdog's format defines them, columns are 1-based and count UTF-8 bytes, and a range's end is
exclusive. Paths are absolute (reviewdog makes them relative to its working folder); a notebook
finding's range points where its cell's line is written in the `.ipynb` file.
"""

from __future__ import annotations

import json
import os

from zdr_lint.formats._common import file_span, utf8_column

SOURCE = {"name": "zdr-lint", "url": "https://github.com/zdr-lint/zdr-lint"}
SEVERITY = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def _diagnostic(f) -> dict:
    path = os.path.abspath(f.path) if f.path != "-" else f.path
    location: dict = {"path": path}
    span = file_span(f)
    if span is not None:
        location["range"] = {
            "start": {"line": span.start_line, "column": utf8_column(f.path, span.start_line, span.start_column)},
            "end": {"line": span.end_line, "column": utf8_column(f.path, span.end_line, span.end_column)},
        }
    message = f.message if f.cell is None else f"{f.message} (cell {f.cell}, line {f.start.line})"
    code = {"value": f.code}
    if f.url:
        code["url"] = f.url
    return {"message": message, "location": location, "severity": SEVERITY.get(f.severity, "INFO"), "code": code}


def format_rdjson(findings: list, context) -> str:
    return json.dumps({"source": SOURCE, "diagnostics": [_diagnostic(f) for f in findings]}, indent=2) + "\n"
