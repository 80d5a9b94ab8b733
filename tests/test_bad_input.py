"""Bad input: a clear one-line error naming the file and the problem, the right exit code, and the
rest of the run goes on. Never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ZDR_LINT, run_zdr

USE = b"import anthropic\nanthropic.Anthropic().files.list()\n"


def findings(result) -> list:
    return [(Path(d["filename"]).name, d["code"], d["location"]["row"], d["message"]) for d in json.loads(result.stdout)]


def check(tmp_path, *paths, extra=()):
    result = run_zdr("check", "--isolated", "--output-format", "json", *extra, *paths, cwd=tmp_path)
    assert b"Traceback" not in result.stderr and b"Traceback" not in result.stdout
    return result


@pytest.fixture
def good(tmp_path):
    (tmp_path / "good.py").write_bytes(USE)
    return tmp_path


def test_missing_path_is_reported_and_the_rest_is_checked(good):
    result = check(good, "nope.py", "good.py")
    assert result.returncode == 2
    assert result.stderr.decode() == "zdr-lint: error: nope.py: no such file or directory\n"
    assert [f[:2] for f in findings(result)] == [("good.py", "ZDR001")]


def test_directory_where_a_file_is_expected(good):
    (good / "cfgdir").mkdir()
    result = run_zdr("check", "--config", "cfgdir", "good.py", cwd=good)
    assert result.returncode == 2
    assert result.stderr.decode() == "zdr-lint: error: cfgdir: cannot read settings: is a directory, not a regular file\n"


def test_file_where_a_directory_is_expected(good):
    result = check(good, "good.py", extra=("--output-file", "good.py/report.json"))
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "good.py/report.json: cannot write" in err and err.count("\n") == 1
    assert (good / "good.py").read_bytes() == USE  # nothing lost


def test_directory_named_like_a_source_file_is_walked(good):
    (good / "pkg.py").mkdir()
    (good / "pkg.py" / "inner.py").write_bytes(USE)
    result = check(good, "pkg.py")
    assert [f[:2] for f in findings(result)] == [("inner.py", "ZDR001")]


def test_invalid_utf8_without_cookie(good):
    (good / "bad.py").write_bytes(b"import anthropic\nname = '\xff'\n" + USE)
    result = check(good, ".")
    got = findings(result)
    assert ("bad.py", "ZDR000", 2) == got[0][:3]
    assert "cannot decode as utf-8" in got[0][3] and "coding" in got[0][3]
    assert ("good.py", "ZDR001") in [g[:2] for g in got]
    assert result.returncode == 1


def test_latin1_with_cookie_is_checked(tmp_path):
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n" + USE)
    got = findings(check(tmp_path, "latin.py"))
    assert got[0][:3] == ("latin.py", "ZDR001", 4)


def test_utf8_bom(tmp_path):
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + USE)
    got = findings(check(tmp_path, "bom.py"))
    assert got[0][:3] == ("bom.py", "ZDR001", 2)


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"], ids=["crlf", "cr"])
def test_crlf_and_cr_line_endings(tmp_path, newline):
    (tmp_path / "nl.py").write_bytes(USE.replace(b"\n", newline) + b"x = 1" + newline + b"anthropic.Anthropic().skills.list()" + newline)
    got = findings(check(tmp_path, "nl.py"))
    assert [g[1:3] for g in got] == [("ZDR001", 2), ("ZDR010", 4)]


def test_nul_bytes(good):
    (good / "nul.py").write_bytes(b"import anthropic\n\x00\n")
    got = findings(check(good, "."))
    assert got[0][:2] == ("good.py", "ZDR001")
    assert got[1][:2] == ("nul.py", "ZDR000") and "null bytes" in got[1][3]


def test_empty_file(tmp_path):
    (tmp_path / "empty.py").write_bytes(b"")
    result = check(tmp_path, "empty.py")
    assert result.returncode == 0 and findings(result) == []


def test_python2_syntax(good):
    (good / "py2.py").write_bytes(b"import anthropic\nprint 'hello'\n")
    got = findings(check(good, "."))
    assert got[1][:3] == ("py2.py", "ZDR000", 2) and "syntax error" in got[1][3]


def test_ten_megabyte_generated_file(tmp_path):
    rows = [f'ROW_{i} = {{"id": {i}, "name": "item {i}", "tags": ["a", "b"], "weight": {i * 0.5}}}' for i in range(120_000)]
    text = "import anthropic\nclient = anthropic.Anthropic()\n" + "\n".join(rows) + "\nclient.files.list()\n"
    assert len(text) > 10_000_000
    (tmp_path / "big.py").write_text(text)
    got = findings(check(tmp_path, "big.py"))
    assert got == [("big.py", "ZDR001", 120_003, got[0][3])]


def test_deeply_nested_brackets(good):
    (good / "deep.py").write_text("import anthropic\nx = " + "[" * 500 + "]" * 500 + "\n")
    got = findings(check(good, "."))
    assert [g[:2] for g in got] == [("deep.py", "ZDR000"), ("good.py", "ZDR001")]
    assert "too many nested parentheses" in got[0][3]


def test_symlink_loop_terminates(good):
    os.symlink(".", good / "loop")
    os.symlink("missing-target.py", good / "dangling.py")
    result = check(good, ".")
    assert [f[:2] for f in findings(result)] == [("good.py", "ZDR001")]


def test_unreadable_file(tmp_path):
    work = Path(tmp_path) / "unreadable"
    work.mkdir()
    (work / "good.py").write_bytes(USE)
    secret = work / "secret.py"
    secret.write_bytes(USE)
    secret.chmod(0)
    command = [ZDR_LINT, "check", "--isolated", "--output-format", "json", "."]
    if os.geteuid() == 0:
        # root reads anything: run without the capabilities that let it ignore file modes
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        drop = "-dac_override,-dac_read_search"
        command = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", *command]
    result = subprocess.run(command, cwd=work, capture_output=True, timeout=120)
    assert b"Traceback" not in result.stderr
    got = findings(result)
    assert ("good.py", "ZDR001") in [g[:2] for g in got]
    unreadable = [g for g in got if g[0] == "secret.py"]
    assert unreadable and unreadable[0][1] == "ZDR000" and "cannot read" in unreadable[0][3]


def test_internal_error_in_one_rule_is_a_zdr000_and_other_rules_still_report(tmp_path):
    from zdr_lint.config import Settings
    from zdr_lint.engine import Linter
    from zdr_lint.plugins import get_registry
    from zdr_lint.rules.base import Rule

    class Exploding(Rule):
        code, name, category, summary = "ZDR900", "exploding", "test", "raises"
        exception, advice = "x", "y"

        def visit_Call(self, node):
            raise ValueError("boom")

    registry = get_registry()
    patched = type(registry)(rules={**registry.rules, "ZDR900": Exploding}, formats=registry.formats)
    linter = Linter(Settings(project_root=tmp_path, extend_select=("ZDR900",)), patched)
    got = linter.lint_source(USE, "x.py")
    assert [f.code for f in got] == ["ZDR000", "ZDR001"]
    assert got[0].message == "internal error in ZDR900: ValueError: boom"


def test_very_long_operator_chain_never_crashes_the_process(good):
    # libcst's native parser would crash the process on this; CPython's ast refuses it first.
    (good / "chain.py").write_text("import anthropic\nanthropic.Anthropic().files.list()\nx = " + "+".join(["c"] * 10_000) + "\n")
    result = check(good, ".")
    got = findings(result)
    assert [g[:2] for g in got] == [("chain.py", "ZDR000"), ("good.py", "ZDR001")]
    assert "too deeply nested" in got[0][3]
