"""Cached findings never survive a change of the compliance settings (issue 15): after a run with the
cache, a run under another profile, policy position, `fail-on`, baseline, `require-reason` or
`--ignore-noqa` prints what a run without the cache prints, findings and exit code alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_zdr
from test_profiles import APP

# a suppression without a reason: what `require-reason` and `--ignore-noqa` change
SUPPRESSED = 'client.messages.create(model="claude-sonnet-5-5", max_tokens=64, messages=[], diagnostics={"cache": True})  # noqa: ZDR002\n'
BASELINE = "zdr-baseline.json"

# (settings before, flags before, settings after, flags after): the [tool.zdr-lint] lines of each run
CHANGES = {
    "profile": ("", (), 'profile = "hipaa"', ()),
    "policy flag": ("", (), "", ("--policy", "docs")),
    "policy topic": ("", (), '[tool.zdr-lint.policy]\ncaching = "docs"', ()),
    "policy back": ('policy = "docs"', (), "", ()),
    "fail-on": ('policy = "docs"', (), 'policy = "docs"\nfail-on = "error"', ()),
    "require-reason": ("", (), "require-reason = true", ()),
    "ignore-noqa": ("", (), "", ("--ignore-noqa",)),
    "baseline": ("", (), f'baseline = "{BASELINE}"', ()),
}


def settle(project: Path, settings: str) -> None:
    (project / "pyproject.toml").write_text(f"[tool.zdr-lint]\n{settings}\n", encoding="utf-8")


def outcome(project: Path, *flags: str) -> tuple:
    result = run_zdr("check", "--output-format", "json", *flags, ".", cwd=project)
    assert result.returncode in (0, 1), result.stderr.decode()
    return json.loads(result.stdout), result.returncode


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_settings_change_is_not_answered_from_the_cache(tmp_path: Path, change: str) -> None:
    before, before_flags, after, after_flags = CHANGES[change]
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(APP + SUPPRESSED, encoding="utf-8")
    settle(tmp_path, before)
    first = outcome(tmp_path, *before_flags)
    assert first[0], "the first run has findings to cache"
    assert (tmp_path / ".zdr_lint_cache").is_dir()
    if change == "baseline":
        assert run_zdr("check", "--write-baseline", BASELINE, ".", cwd=tmp_path).returncode == 0
    settle(tmp_path, after)
    cached = outcome(tmp_path, *after_flags)
    assert cached != first, "the change changes what a user sees"
    assert cached == outcome(tmp_path, "--no-cache", *after_flags)
