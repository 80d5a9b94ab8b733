"""`gitlab`: a GitLab Code Quality report (a JSON list), with fingerprints that stay the same when
unrelated lines are added or removed, so GitLab tracks a finding across commits. Paths are relative
to `$CI_PROJECT_DIR` (the repository root in a GitLab job), else the git work tree, else the project
root; a notebook finding's positions point into the `.ipynb` file's text."""

from __future__ import annotations

import json

from zdr_lint.formats._common import file_span, fingerprints, relative, repository_root, text_path

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def format_gitlab(findings: list, context) -> str:
    root = repository_root(context.project_root, env=("CI_PROJECT_DIR",))
    items = []
    for f, (digest, occurrence) in zip(findings, fingerprints(findings, root)):
        span = file_span(f)
        location: dict = {"path": text_path(relative(f.path, root))}
        if span is not None:
            location["positions"] = {
                "begin": {"line": span.start_line, "column": span.start_column + 1},
                "end": {"line": span.end_line, "column": span.end_column + 1},
            }
        else:
            location["lines"] = {"begin": 1}
        cell = f" (cell {f.cell}, line {f.start.line})" if f.cell is not None else ""
        items.append(
            {
                "description": f"{f.code} {f.message}{cell}",
                "check_name": f.code,
                "fingerprint": f"{digest[:32]}{occurrence:04x}" if occurrence > 1 else digest[:32],
                "severity": SEVERITY.get(f.severity, "info"),
                "location": location,
            }
        )
    return json.dumps(items, indent=2) + "\n"
