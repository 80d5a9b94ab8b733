"""ruff's JSON schema (a list of objects, with ruff's `name` key: the rule's name, and ruff's `fix`:
applicability, message and edits), plus `category`, `confidence`, `severity`, `cell`, and the basis
of each finding: `profile` and `policy` (the disputed topic and the position that raised it, or null)."""

from __future__ import annotations

import json
import os
from typing import Optional

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
        "fix": fix_to_json(f),
        "noqa_row": f.noqa_line if f.noqa_line is not None else f.start.line,
        "url": f.url or None,
        "category": f.category,
        "confidence": f.confidence,
        "severity": f.severity,
        "cell": f.cell,
        "profile": f.basis[0] if f.basis else None,
        "policy": {"topic": f.basis[1], "position": f.basis[2]} if f.basis and f.basis[1] else None,
    }


def fix_to_json(f: Finding) -> Optional[dict]:
    """ruff's shape: 1-based columns, the edits in file order."""
    if f.fix is None:
        return None
    return {
        "applicability": f.fix.applicability,
        "edits": [
            {
                "content": e.content,
                "location": {"row": e.start.line, "column": e.start.column + 1},
                "end_location": {"row": e.end.line, "column": e.end.column + 1},
            }
            for e in f.fix.edits
        ],
        "message": f.fix.message,
    }


def format_json(findings: list, context) -> str:
    return json.dumps([finding_to_json(f, context.rules) for f in findings], indent=2) + "\n"
