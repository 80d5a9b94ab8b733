"""Profiles, policy positions and severities, end to end through the `zdr-lint` command: what each
profile and policy raise, the severity they give (and the exit code `--fail-on` makes of it), the
settings file and the flags, and the basis every output records (JSON, SARIF run properties)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_zdr

APP = '''\
import anthropic

client = anthropic.Anthropic()
client.messages.create(
    model="claude-sonnet-5-5",
    max_tokens=64,
    messages=[{"role": "user", "content": "hi"}],
    system=[{"type": "text", "text": "s", "cache_control": {"type": "ephemeral"}}],
    diagnostics={"cache": True},
    output_config={"format": {"type": "json_schema", "schema": {"type": "object"}}},
    tools=[
        {"type": "web_search_20250305", "name": "web_search"},
        {"type": "tool_search_tool_bm25_20251119", "name": "tool_search"},
    ],
)
aws = anthropic.AnthropicAWS(aws_region="us-east-1")
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    return tmp_path


def findings(project: Path, *flags: str) -> list:
    result = run_zdr("check", "--no-cache", "--output-format", "json", "--exit-zero", *flags, ".", cwd=project)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def by_line(items: list) -> dict:
    return {(f["location"]["row"], f["code"]): f for f in items}


def test_the_default_follows_the_scope_article(project):
    found = by_line(findings(project))
    assert sorted(found) == [(8, "ZDR002"), (9, "ZDR002"), (10, "ZDR004"), (12, "ZDR007")]
    assert {f["severity"] for f in found.values()} == {"error"}
    assert found[(8, "ZDR002")]["profile"] == "zdr"
    assert found[(8, "ZDR002")]["policy"] == {"topic": "caching", "position": "scope"}


def test_policy_docs_follows_the_table(project):
    found = by_line(findings(project, "--policy", "docs"))
    # plain prompt caching and web search are eligible; diagnostics stay, structured outputs stay, as warnings
    assert sorted(found) == [(9, "ZDR002"), (10, "ZDR004")]
    assert found[(9, "ZDR002")]["severity"] == found[(10, "ZDR004")]["severity"] == "warning"
    assert "24 h" in found[(10, "ZDR004")]["message"]
    assert found[(10, "ZDR004")]["policy"] == {"topic": "structured-outputs", "position": "docs"}


def test_one_topic_at_a_time_from_the_settings_file(project):
    (project / "pyproject.toml").write_text('[tool.zdr-lint.policy]\ncaching = "docs"\n', encoding="utf-8")
    found = by_line(findings(project))
    assert sorted(found) == [(9, "ZDR002"), (10, "ZDR004"), (12, "ZDR007")]
    assert found[(10, "ZDR004")]["severity"] == "error"  # structured outputs keep the scope position
    # a flag's topic goes over the file's, the others stay
    found = by_line(findings(project, "--policy", "web-search=docs"))
    assert sorted(found) == [(9, "ZDR002"), (10, "ZDR004")]


def test_the_hipaa_profile(project):
    found = by_line(findings(project, "--profile", "hipaa"))
    assert sorted(found) == [(8, "ZDR002"), (9, "ZDR002"), (10, "ZDR004"), (12, "ZDR007"), (13, "ZDR016"), (16, "ZDR016")]
    assert "no protected health information in schema property names, `enum`, `const` or `pattern`" in found[(10, "ZDR004")]["message"]
    assert "HTTP 400" in found[(13, "ZDR016")]["message"]
    assert "HIPAA is not available on Claude Platform on AWS" in found[(16, "ZDR016")]["message"]
    assert found[(13, "ZDR016")]["profile"] == "hipaa"
    # under the docs' table a HIPAA BAA still excludes cache diagnostics and tool search
    found = by_line(findings(project, "--profile", "hipaa", "--policy", "docs"))
    assert sorted(found) == [(9, "ZDR002"), (10, "ZDR004"), (13, "ZDR016"), (16, "ZDR016")]
    assert found[(9, "ZDR002")]["severity"] == "error" and found[(10, "ZDR004")]["severity"] == "warning"


def test_the_strict_scope_reading_of_platforms(project):
    found = by_line(findings(project, "--policy", "platforms=scope"))
    assert found[(16, "ZDR011")]["severity"] == "warning"
    assert "does not name Claude Platform on AWS" in found[(16, "ZDR011")]["message"]
    assert (16, "ZDR011") not in by_line(findings(project))


@pytest.mark.parametrize(
    ("flags", "code"),
    [((), 1), (("--fail-on", "error"), 0), (("--fail-on", "warning"), 1), (("--fail-on", "info"), 1)],
)
def test_fail_on_sets_the_exit_code(tmp_path, flags, code):
    # under the docs' position only warnings remain (structured outputs, cache diagnostics)
    (tmp_path / "app.py").write_text(APP.replace('aws = anthropic.AnthropicAWS(aws_region="us-east-1")\n', ""), encoding="utf-8")
    result = run_zdr("check", "--isolated", "--no-cache", "--policy", "docs", "--policy", "web-search=docs", *flags, "app.py", cwd=tmp_path)
    assert result.returncode == code, result.stdout.decode()


def test_fail_on_in_the_settings_file(project):
    (project / "zdr-lint.toml").write_text('policy = "docs"\nfail-on = "error"\n', encoding="utf-8")
    (project / "app.py").write_text(APP.replace('aws = anthropic.AnthropicAWS(aws_region="us-east-1")\n', ""), encoding="utf-8")
    assert run_zdr("check", "--no-cache", ".", cwd=project).returncode == 0
    assert run_zdr("check", "--no-cache", "--fail-on", "warning", ".", cwd=project).returncode == 1


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('profile = "hippa"', "profile: unknown profile 'hippa' (did you mean 'hipaa'?)"),
        ('policy = "doc"', "policy: unknown policy 'doc'"),
        ('policy = { cache = "docs" }', "policy: unknown topic 'cache' (did you mean 'caching'?)"),
        ('policy = { caching = "table" }', "policy.caching: must be 'scope' or 'docs', not 'table'"),
        ('fail-on = "warn"', "fail-on: unknown severity 'warn' (did you mean 'warning'?)"),
        ("require-reason = 1", "require-reason: must be a boolean"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_file_and_key(project, setting, message):
    (project / "pyproject.toml").write_text(f"[tool.zdr-lint]\n{setting}\n", encoding="utf-8")
    result = run_zdr("check", ".", cwd=project)
    err = result.stderr.decode()
    assert result.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("zdr-lint: error: pyproject.toml: [tool.zdr-lint] ") and message in err


def test_sarif_records_the_profile_and_policy(project):
    result = run_zdr("check", "--no-cache", "--output-format", "sarif", "--profile", "hipaa", "--policy", "caching=docs", ".", cwd=project)
    run = json.loads(result.stdout)["runs"][0]
    assert run["properties"]["profile"] == "hipaa"
    assert run["properties"]["policy"] == {"beta": "scope", "caching": "docs", "platforms": "docs", "structured-outputs": "scope", "web-fetch": "scope", "web-search": "scope"}
    levels = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r["level"] for r in run["results"]}
    assert levels[("ZDR016", 13)] == "error" and levels[("ZDR002", 9)] == "error"
    cached = [r for r in run["results"] if r["ruleId"] == "ZDR007"][0]
    assert cached["properties"]["policyTopic"] == "web-search" and cached["properties"]["policyPosition"] == "scope"
    docs = run_zdr("check", "--no-cache", "--output-format", "sarif", "--policy", "docs", ".", cwd=project)
    assert {r["level"] for r in json.loads(docs.stdout)["runs"][0]["results"]} == {"warning"}


def test_rules_lists_the_profile_set(project):
    hipaa = run_zdr("rules", "--profile", "hipaa", "--output-format", "json", cwd=project)
    zdr = run_zdr("rules", "--profile", "zdr", "--output-format", "json", cwd=project)
    every = run_zdr("rules", "--output-format", "json", cwd=project)
    codes = {name: {r["code"] for r in json.loads(out.stdout)} for name, out in (("hipaa", hipaa), ("zdr", zdr), ("all", every))}
    assert "ZDR016" in codes["hipaa"] and "ZDR016" not in codes["zdr"]
    assert codes["all"] == codes["hipaa"] and codes["hipaa"] - codes["zdr"] == {"ZDR016"}
    assert {"ZDR000", "ZDR100", "ZDR101"} <= codes["zdr"]
    text = run_zdr("rules", "--profile", "zdr", cwd=project).stdout.decode()
    assert "ZDR016" not in text and "ZDR015  covered-models" in text


def test_rule_docs_state_the_behaviour_per_profile(project):
    docs = run_zdr("rule", "ZDR002", cwd=project).stdout.decode()
    assert "## Profiles and policies" in docs and "| cache diagnostics (diagnostics=) | error | warning | error | error |" in docs
    assert "## Fix safety" in docs
    hipaa = run_zdr("rule", "hipaa-ineligible", cwd=project).stdout.decode()
    assert "| browser use (browser_toolset_*) | - | - | error | error |" in hipaa
    assert "Why one code of its own" in hipaa


def test_the_hipaa_profile_never_runs_for_zdr_files(tmp_path):
    """A folder's own settings file gives its files their profile: one project, two arrangements."""
    (tmp_path / ".git").mkdir()
    for folder, profile in (("clinic", "hipaa"), ("marketing", "zdr")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "zdr-lint.toml").write_text(f'profile = "{profile}"\n', encoding="utf-8")
        (tmp_path / folder / "agent.py").write_text("tools = [{'type': 'advisor_20260301', 'name': 'advisor'}]\n", encoding="utf-8")
    found = findings(tmp_path)
    assert [(Path(f["filename"]).parent.name, f["code"]) for f in found] == [("clinic", "ZDR016")]
