"""`json-lines`: one JSON object a line, the objects of the `json` format."""

from __future__ import annotations

import json

from zdr_lint.formats.json_format import finding_to_json


def format_json_lines(findings: list, context) -> str:
    return "".join(json.dumps(finding_to_json(f, context.rules)) + "\n" for f in findings)
