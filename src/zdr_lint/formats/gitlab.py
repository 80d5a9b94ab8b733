"""`gitlab`: a GitLab Code Quality report (a JSON list), with fingerprints that stay the same when
unrelated lines are added or removed, so GitLab tracks a finding across commits. Paths are relative
to `$CI_PROJECT_DIR` (the repository root in a GitLab job) or else the working directory."""

from __future__ import annotations

import json
import os
from pathlib import Path

from zdr_lint.formats._common import fingerprints, relative, text_path

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def format_gitlab(findings: list, context) -> str:
    root = Path(os.environ.get("CI_PROJECT_DIR") or os.getcwd())
    items = []
    for f, (digest, occurrence) in zip(findings, fingerprints(findings, root)):
        items.append(
            {
                "description": f"{f.code} {f.message}",
                "check_name": f.code,
                "fingerprint": f"{digest[:32]}{occurrence:04x}" if occurrence > 1 else digest[:32],
                "severity": SEVERITY.get(f.severity, "info"),
                "location": {
                    "path": text_path(relative(f.path, root)),
                    "positions": {
                        "begin": {"line": f.start.line, "column": f.start.column + 1},
                        "end": {"line": f.end.line, "column": f.end.column + 1},
                    },
                },
            }
        )
    return json.dumps(items, indent=2) + "\n"
