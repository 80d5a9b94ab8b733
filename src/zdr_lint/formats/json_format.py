"""ruff's JSON schema (a list of objects, with ruff's `name` key: the rule's name), plus `category`,
`confidence` and `cell`."""

from __future__ import annotations

import json
import os

from zdr_lint.finding import Finding
from zdr_lint.formats._common import text_path


def finding_to_json(f: Finding, rules: dict) -> dict:
    rule = rules.get(f.code)
    return {
        "code": f.code,
        "message": f.message,
        "name": rule.name if rule is not None else None,
        "filename": text_path(os.path.abspath(f.path)) if f.path != "-" else f.path,
        "location": {"row": f.start.line, "column": f.start.column + 1},
        "end_location": {"row": f.end.line, "column": f.end.column + 1},
        "fix": None,
        "noqa_row": f.noqa_line if f.noqa_line is not None else f.start.line,
        "url": f.url or None,
        "category": f.category,
        "confidence": f.confidence,
        "severity": f.severity,
        "cell": f.cell,
    }


def format_json(findings: list, context) -> str:
    return json.dumps([finding_to_json(f, context.rules) for f in findings], indent=2) + "\n"
