"""`sarif`: SARIF 2.1.0 as GitHub code scanning reads it.

- `tool.driver.rules` lists every registered rule: id, name, short and full descriptions (within
  GitHub's 1,024-character limit), the rule's docs in `help.markdown`, an absolute https `helpUri`
  and the default level.
- Each result names its rule, its message, a physical location whose URI is relative to the project
  root (`uriBaseId` PROJECTROOT) and a 1-based region; columns count Unicode code points.
- `partialFingerprints.primaryLocationLineHash` hashes the finding's line text, not its number, so
  it survives edits above the finding (the `:n` suffix numbers repeats of the same line).
"""

from __future__ import annotations

import json
from pathlib import Path

from zdr_lint.formats._common import fingerprints, level_of, relative, uri_of

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/zdr-lint/zdr-lint"
MAX_DESCRIPTION = 1024  # GitHub truncates longer short/full descriptions


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def rule_descriptor(rule) -> dict:
    summary = getattr(rule, "summary", "") or rule.code
    exception = getattr(rule, "exception", "")
    advice = getattr(rule, "advice", "")
    full = summary.rstrip(".") + "." + (f" Why: {exception}." if exception else "") + (f" Instead: {advice}." if advice else "")
    docs = rule.docs() if hasattr(rule, "docs") else ""
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _clip(summary)},
        "fullDescription": {"text": _clip(full)},
        "help": {"text": docs or full, "markdown": docs or full},
        "defaultConfiguration": {"level": level_of(getattr(rule, "severity", "error")), "enabled": bool(getattr(rule, "default_enabled", True))},
        "properties": {"tags": [t for t in ("zdr", getattr(rule, "category", "")) if t]},
    }
    url = rule.url() if hasattr(rule, "url") else ""
    if url.startswith("https://"):
        descriptor["helpUri"] = url
    return descriptor


def format_sarif(findings: list, context) -> str:
    rules = dict(context.rules)
    codes = list(rules)
    for f in findings:  # a finding of a rule no longer registered still needs a descriptor
        if f.code not in rules:
            codes.append(f.code)
    index = {code: i for i, code in enumerate(codes)}
    descriptors = []
    for code in codes:
        if code in rules:
            descriptors.append(rule_descriptor(rules[code]))
        else:
            descriptors.append({"id": code, "shortDescription": {"text": code}})
    results = []
    for f, (digest, occurrence) in zip(findings, fingerprints(findings, context.project_root)):
        rel = relative(f.path, context.project_root)
        artifact = {"uri": uri_of(rel)}
        if not Path(rel).is_absolute() and rel not in ("-", "stdin"):
            artifact["uriBaseId"] = "PROJECTROOT"
        region = {
            "startLine": f.start.line,
            "startColumn": f.start.column + 1,
            "endLine": max(f.end.line, f.start.line),
            "endColumn": f.end.column + 1,
        }
        message = f.message if f.cell is None else f"{f.message} (cell {f.cell})"
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": level_of(f.severity),
                "message": {"text": message},
                "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
                "partialFingerprints": {"primaryLocationLineHash": f"{digest[:16]}:{occurrence}"},
                "properties": {"confidence": f.confidence, "category": f.category},
            }
        )
    root_uri = Path(context.project_root).resolve().as_uri().rstrip("/") + "/"
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "zdr-lint",
                        "version": context.version,
                        "semanticVersion": context.version,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"PROJECTROOT": {"uri": root_uri}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
