"""Write docs/rules/<CODE>-<name>.md and docs/rules/README.md from the rules' own docs.

The rule classes are the single source: `zdr-lint rule CODE` prints the same text, and
tests/test_docs.py fails when these files are out of date. Run: python scripts/generate_rule_docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def rendered() -> dict:
    from zdr_lint.cli import explain
    from zdr_lint.plugins import get_registry

    pages = {}
    rows = ["# zdr-lint rules\n", "| code | name | category | summary |", "|---|---|---|---|"]
    for rule in get_registry().rules.values():
        if not rule.__module__.startswith("zdr_lint."):
            continue  # third-party plugins document themselves
        filename = f"{rule.code}-{rule.name}.md"
        pages[filename] = explain(rule)
        rows.append(f"| [{rule.code}]({filename}) | {rule.name} | {rule.category} | {rule.summary} |")
    pages["README.md"] = "\n".join(rows) + "\n"
    return pages


def main() -> int:
    DOCS.mkdir(parents=True, exist_ok=True)
    for name, text in rendered().items():
        (DOCS / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
