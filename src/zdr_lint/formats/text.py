"""Human output: `full` (with the rule's summary) and `concise` (one line a finding), like ruff's."""

from __future__ import annotations

from zdr_lint.finding import Finding


def location(finding: Finding) -> str:
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{finding.path}:{cell}{finding.start.line}:{finding.start.column + 1}"


def format_concise(findings: list, context) -> str:
    return "".join(f"{location(f)}: {f.code} {f.message}\n" for f in findings)


def format_full(findings: list, context) -> str:
    lines = []
    for f in findings:
        confidence = "" if f.confidence == "high" else f" [{f.confidence} confidence]"
        lines.append(f"{location(f)}: {f.code} {f.message}{confidence}\n")
        if f.url:
            lines.append(f"    docs: {f.url}\n")
    return "".join(lines)
