"""Each registered rule's own examples: VALID ones are silent for that rule, INVALID ones fire it."""

from __future__ import annotations

import pytest

from zdr_lint.config import Settings
from zdr_lint.engine import Linter
from zdr_lint.plugins import get_registry

RULES = get_registry().rules
# opt-in rules (ZDR100) are enabled too, so their INVALID examples can fire
OPT_IN = tuple(code for code, rule in RULES.items() if not rule.default_enabled)
LINTER = Linter(Settings(extend_select=OPT_IN))
# a rule whose examples need settings of their own (ZDR016: the HIPAA profile) names them
LINTERS = {code: Linter(Settings(extend_select=OPT_IN, **rule.EXAMPLE_SETTINGS)) for code, rule in RULES.items() if rule.EXAMPLE_SETTINGS}


def _examples(kind: str) -> list:
    return [
        pytest.param(code, source, id=f"{code}-{kind}-{i}")
        for code, rule in sorted(RULES.items())
        for i, source in enumerate(getattr(rule, kind))
    ]


def _codes(source: str, code: str = "") -> list:
    return [f.code for f in LINTERS.get(code, LINTER).lint_source(source, "example.py")]


@pytest.mark.parametrize(("code", "source"), _examples("VALID"))
def test_valid_example_is_silent(code: str, source: str) -> None:
    found = LINTERS.get(code, LINTER).lint_source(source, "example.py")
    assert [f for f in found if f.code in (code, "ZDR000")] == [], f"{code} fired on its VALID example:\n{source}"


@pytest.mark.parametrize(("code", "source"), _examples("INVALID"))
def test_invalid_example_fires(code: str, source: str) -> None:
    assert code in _codes(source, code), f"{code} did not fire on its INVALID example:\n{source}"


@pytest.mark.parametrize(("code", "source"), [p for p in _examples("INVALID") if p.values[0] in LINTERS])
def test_an_example_of_another_profile_is_silent_without_its_settings(code: str, source: str) -> None:
    assert code not in _codes(source), f"{code} fired without {RULES[code].EXAMPLE_SETTINGS}:\n{source}"


def test_every_rule_has_examples() -> None:
    for code, rule in RULES.items():
        if code == "ZDR000":
            continue
        assert rule.VALID, f"{code} has no VALID example"
        assert rule.INVALID, f"{code} has no INVALID example"
