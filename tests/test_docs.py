"""Rule docs: ruff's sections plus "Which ZDR exception", within SARIF/GitHub limits, published as files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from zdr_lint.plugins import get_registry

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("## What it does", "## Which ZDR exception", "## Example", "## Use instead", "## References")
RULES = [r for r in get_registry().rules.values() if r.__module__.startswith("zdr_lint.")]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_docs_have_every_section_in_order(rule):
    docs = rule.docs()
    positions = [docs.find(section) for section in SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.code} lacks {[s for s, p in zip(SECTIONS, positions) if p < 0]}"
    assert positions == sorted(positions)
    assert rule.summary and len(rule.summary) <= 1024
    assert rule.url().startswith("https://") and rule.url().endswith(f"{rule.code}-{rule.name}.md")


def test_codes_are_unique_and_stable():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    expected = {
        "ZDR001": "files", "ZDR002": "prompt_caching", "ZDR003": "batch", "ZDR004": "structured_outputs",
        "ZDR005": "beta", "ZDR006": "code_execution", "ZDR007": "web_search", "ZDR008": "web_fetch",
        "ZDR009": "mcp", "ZDR010": "skills_containers", "ZDR011": "third_party_platform", "ZDR012": "telemetry",
        "ZDR013": "managed_agents", "ZDR014": "message_threads", "ZDR015": "covered_models",
    }
    registry = get_registry().rules
    assert {code: registry[code].category for code in expected} == expected


def test_published_rule_pages_are_up_to_date():
    spec = importlib.util.spec_from_file_location("generate_rule_docs", REPO / "scripts" / "generate_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, text in module.rendered().items():
        path = REPO / "docs" / "rules" / name
        assert path.exists(), f"{path} is missing: run python scripts/generate_rule_docs.py"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run python scripts/generate_rule_docs.py"
