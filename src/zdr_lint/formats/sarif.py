"""`sarif`: SARIF 2.1.0 as GitHub code scanning reads it.

- `tool.driver.rules` lists every registered rule: id, name, short and full descriptions (within
  GitHub's 1,024-character limit), the rule's docs in `help.markdown`, an absolute https `helpUri`
  and the default level.
- Each result names its rule, its message, a physical location whose URI is relative to the
  repository root (`uriBaseId` SRCROOT: `$GITHUB_WORKSPACE` in a workflow, else the git work tree,
  else the project root; GitHub code scanning needs paths from the repository root) and a 1-based
  region; columns count Unicode code points.
- A notebook's region means what SARIF says a region is: lines and columns of the artifact, the
  `.ipynb` file's own text, i.e. where the cell's line is written in its JSON. The cell is named by a
  logical location (`cell 3`, kind `cell`: none of SARIF's suggested kinds describes a notebook
  cell) and by the result's properties `cell`, `cellLine` and `cellColumn` (1-based, inside the cell).
- `partialFingerprints.primaryLocationLineHash` hashes the finding's line text, not its number, so
  it survives edits above the finding (the `:n` suffix numbers repeats of the same line).
"""

from __future__ import annotations

import json
from pathlib import Path

from zdr_lint.formats._common import file_span, level_of, line_hashes, relative, repository_root, uri_of

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


def _result(f, rule_index: int, root: Path, line_hash: str) -> dict:
    rel = relative(f.path, root)
    artifact = {"uri": uri_of(rel)}
    if not Path(rel).is_absolute() and rel not in ("-", "stdin"):
        artifact["uriBaseId"] = "SRCROOT"
    physical: dict = {"artifactLocation": artifact}
    span = file_span(f)
    if span is not None:  # else (a notebook whose JSON cannot be mapped) the result is on the file
        physical["region"] = {
            "startLine": span.start_line,
            "startColumn": span.start_column + 1,
            "endLine": span.end_line,
            "endColumn": span.end_column + 1,
        }
    location: dict = {"physicalLocation": physical}
    properties = {"confidence": f.confidence, "category": f.category}
    if f.basis:  # on what basis it was raised: the profile, and the disputed topic's position
        properties["profile"] = f.basis[0]
        if f.basis[1]:
            properties.update(policyTopic=f.basis[1], policyPosition=f.basis[2])
    message = f.message
    if f.cell is not None:
        location["logicalLocations"] = [{"name": f"cell {f.cell}", "fullyQualifiedName": f"cell {f.cell}", "kind": "cell"}]
        properties.update(cell=f.cell, cellLine=f.start.line, cellColumn=f.start.column + 1)
        message = f"{f.message} (cell {f.cell}, line {f.start.line})"
    return {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": level_of(f.severity),
        "message": {"text": message},
        "locations": [location],
        "partialFingerprints": {"primaryLocationLineHash": line_hash},
        "properties": properties,
    }


def _run_properties(context) -> dict:
    from zdr_lint.classify import policy_table  # the catalog and plain functions: cheap

    properties = {"profile": getattr(context, "profile", "zdr"), "policy": dict(policy_table(getattr(context, "policy", None) or None))}
    baseline = (getattr(context, "extra", None) or {}).get("baseline")
    if baseline:
        properties["baseline"] = str(baseline)
    return properties


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
    root = repository_root(context.project_root)
    results = [_result(f, index[f.code], root, line_hash) for f, line_hash in zip(findings, line_hashes(findings, root))]
    root_uri = Path(root).resolve().as_uri().rstrip("/") + "/"
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
                "originalUriBaseIds": {"SRCROOT": {"uri": root_uri}},
                "columnKind": "unicodeCodePoints",
                "results": results,
                # the profile and the position on every disputed topic in force, so an auditor can see
                # on what basis a finding was (or was not) raised
                "properties": _run_properties(context),
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
