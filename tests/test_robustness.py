"""The engine never crashes: every file of the test environment's site-packages, and generated Python."""

from __future__ import annotations

import json
import sysconfig

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import run_zdr
from zdr_lint.config import Settings
from zdr_lint.engine import Linter

hypothesmith = pytest.importorskip("hypothesmith")


def test_site_packages_give_no_internal_error(tmp_path):
    site = sysconfig.get_paths()["purelib"]
    result = run_zdr(
        "check", "--isolated", "--exclude", "", "--no-respect-gitignore", "--exit-zero",
        "--output-format", "json", site, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert b"Traceback" not in result.stderr
    findings = json.loads(result.stdout)
    assert findings, "the anthropic SDK in site-packages must at least show beta uses"
    problems = [f for f in findings if f["code"] == "ZDR000" and not f["message"].startswith(("syntax error", "cannot decode", "too deeply nested"))]
    assert not problems, problems[:5]


LINTER = Linter(Settings())
# Derandomized: the same few hundred examples on every run, so CI time does not depend on luck (a
# random draw of huge generated modules once took minutes).
# Generated code rarely mentions Anthropic, so each example is prefixed with a client and calls it:
# the file then passes the prefilter and the ast stage and reaches libcst and every rule.
PREFIX = "import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(**{})\n"


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(hypothesmith.from_grammar())
def test_generated_python_never_crashes_the_engine(source):
    findings = LINTER.lint_source(PREFIX + source, "generated.py")
    internal = [f for f in findings if f.code == "ZDR000" and "internal error" in f.message]
    assert not internal, internal


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(hypothesmith.from_node())
def test_generated_statements_never_crash_the_engine(source):
    findings = LINTER.lint_source(PREFIX + source, "generated.py")
    assert not [f for f in findings if f.code == "ZDR000" and "internal error" in f.message]
