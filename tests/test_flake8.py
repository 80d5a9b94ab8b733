"""The flake8 plugin, tested by running the real `flake8` in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
BIN = Path(sys.executable).parent
FLAKE8 = str(BIN / "flake8")
ZDR_LINT = str(BIN / "zdr-lint")
# `zdr-lint check` marks a finding `--fix` would fix with ruff's ` [*]` (flake8 has no fixes)
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?:\[\*\] )?(?P<message>.*)$")

pytestmark = pytest.mark.skipif(not Path(FLAKE8).exists(), reason="flake8 is not installed next to the interpreter")


def parse(output: str) -> set:
    found = set()
    for line in output.splitlines():
        match = LINE.match(line)
        if match:
            found.add((os.path.normpath(match["path"]), int(match["line"]), int(match["col"]), match["code"], match["message"]))
    return found


def run(args: list, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)


def python_fixtures() -> list:
    # flake8 checks Python source files; notebooks are zdr-lint's own business.
    return sorted(str(p.relative_to(ROOT)) for p in FIXTURES.rglob("*.py*") if p.suffix in (".py", ".pyi"))


def test_flake8_reports_what_zdr_lint_check_reports_on_every_fixture() -> None:
    files = python_fixtures()
    if not files:
        pytest.skip("no fixtures yet")
    flake8 = run([FLAKE8, "--isolated", "--select", "ZDR", *files], ROOT)
    assert "Traceback" not in flake8.stderr, flake8.stderr
    check = run([ZDR_LINT, "check", "--output-format", "concise", "--quiet", "--no-respect-gitignore", *files], ROOT)
    assert check.returncode in (0, 1), check.stderr
    from_flake8 = parse(flake8.stdout)
    from_cli = parse(check.stdout)
    assert from_cli, "the fixtures hold positive cases, so the CLI must find something"
    assert from_flake8 == from_cli


def test_hostile_files_do_not_stop_flake8(tmp_path: Path) -> None:
    (tmp_path / "a_syntax_error.py").write_text("import anthropic\nclient = anthropic.Anthropic(\nprint 'x'\n")
    (tmp_path / "b_nul_bytes.py").write_bytes(b"import anthropic\nx = 1\x00\nanthropic.Anthropic().files.list()\n")
    nested = "[" * 150 + "client.files.list()" + "]" * 150
    (tmp_path / "c_deeply_nested.py").write_text(f"import anthropic\nclient = anthropic.Anthropic()\nx = {nested}\n")
    (tmp_path / "d_bad_encoding.py").write_bytes(b"import anthropic\n# caf\xe9\nanthropic.Anthropic().files.list()\n")
    (tmp_path / "e_empty.py").write_bytes(b"")
    (tmp_path / "z_good.py").write_text("import anthropic\nclient = anthropic.Anthropic()\nclient.files.list()\n")
    result = run([FLAKE8, "--isolated", "--select", "ZDR,E9", "-j", "1", "."], tmp_path)
    assert "Traceback" not in result.stderr and "failed" not in result.stderr.lower(), result.stderr
    assert result.returncode == 1
    found = {(Path(p).name, line, code) for p, line, _, code, _ in parse(result.stdout)}
    assert ("a_syntax_error.py", 2, "E999") in found  # flake8's own parse fails first
    assert ("b_nul_bytes.py", 1, "E999") in found
    assert ("c_deeply_nested.py", 3, "ZDR001") in found
    assert ("d_bad_encoding.py", 3, "ZDR001") in found  # flake8 falls back to latin-1
    assert ("z_good.py", 3, "ZDR001") in found
    assert not any(name == "e_empty.py" for name, _, _ in found)


def test_settings_problem_is_one_finding_and_flake8_goes_on(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pyproject.toml").write_text('[tool.zdr-lint]\nselectt = ["ZDR001"]\n')
    (bad / "uses.py").write_text("import anthropic\nanthropic.Anthropic().files.list()\n")
    good = tmp_path / "good"
    good.mkdir()
    (good / "pyproject.toml").write_text('[tool.zdr-lint]\nselect = ["ZDR001"]\n')
    (good / "uses.py").write_text("import anthropic\nanthropic.Anthropic().files.list()\n")
    result = run([FLAKE8, "--isolated", "--select", "ZDR", "-j", "1", "bad", "good"], tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    found = parse(result.stdout)
    bad_findings = [f for f in found if f[0].startswith("bad")]
    assert len(bad_findings) == 1
    assert bad_findings[0][3] == "ZDR000" and "selectt" in bad_findings[0][4]
    assert {(f[0], f[3]) for f in found if f[0].startswith("good")} == {(os.path.join("good", "uses.py"), "ZDR001")}


def test_project_settings_and_flake8_options_both_apply(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.zdr-lint]\nclient-factories = ["myapp.llm.make_client"]\n'
        'per-file-ignores = { "tests/*" = ["ZDR001"] }\n'
    )
    code = (
        "from myapp.llm import make_client\n"
        "client = make_client()\n"
        "client.files.list()\n"
        "client.messages.batches.list()\n"
        "client.files.list()  # noqa: ZDR001\n"
    )
    (tmp_path / "app.py").write_text(code)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text(code)
    result = run([FLAKE8, "--isolated", "--select", "ZDR", "--extend-ignore", "ZDR003", "-j", "1", "."], tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    found = sorted((Path(p).as_posix(), line, code) for p, line, _, code, _ in parse(result.stdout))
    # client factory from [tool.zdr-lint]; ZDR003 dropped by flake8's ignore; line 5 by noqa;
    # tests/ loses ZDR001 through the project's per-file-ignores.
    assert found == [("app.py", 3, "ZDR001")]


def test_plugin_never_raises_in_process(monkeypatch) -> None:
    from zdr_lint import flake8_plugin

    def boom(directory):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(flake8_plugin, "_linter_for", boom)
    results = list(flake8_plugin.ZdrChecker(None, ["x = 1\n"], "x.py").run())
    assert len(results) == 1
    line, col, text, _ = results[0]
    assert (line, col) == (1, 0) and text.startswith("ZDR000 ") and "RuntimeError: kaboom" in text


def test_plugin_reports_cannot_parse_as_one_finding(tmp_path: Path) -> None:
    from zdr_lint import flake8_plugin

    lines = ["import anthropic\n", "client = anthropic.Anthropic(\n"]
    results = list(flake8_plugin.ZdrChecker(None, lines, str(tmp_path / "x.py")).run())
    assert [r[2].split()[0] for r in results] == ["ZDR000"]
