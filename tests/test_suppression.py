"""`# noqa` parity with ruff, through the CLI.

FORMS is ruff's behaviour as observed with ruff 0.17.6 (`ruff check --isolated --select F401`, one
unused import per line, F401 standing for ZDR001 and F841 for a code that does not fire, here
ZDR003): whether the finding on the line is suppressed, and whether ruff warns about the directive
(naming the file and line). zdr-lint must do the same with its codes. When ruff is installed (the
`benchmark` extra), `test_the_table_is_what_ruff_does` re-observes ruff, so the table cannot drift
from ruff's real behaviour.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_zdr

RUFF_VERSION = "0.17.6"

# (ruff's spelling, zdr-lint's spelling, suppressed, warns)
LINE_FORMS = [
    ("# noqa", "# noqa", True, False),
    ("# noqa: F401", "# noqa: ZDR001", True, False),
    ("# noqa:F401", "# noqa:ZDR001", True, False),
    ("# NOQA: F401", "# NOQA: ZDR001", True, False),
    ("#noqa", "#noqa", True, False),
    ("# noqa : F401", "# noqa : ZDR001", True, False),
    ("# noqa: F401, F841", "# noqa: ZDR001, ZDR003", True, False),
    ("# noqa: F401 F841", "# noqa: ZDR001 ZDR003", True, False),
    ("# noqa: F401,", "# noqa: ZDR001,", True, False),
    ("# noqa: F401 approved in review", "# noqa: ZDR001 approved in review", True, False),
    ("# note # noqa: F401", "# note # noqa: ZDR001", True, False),
    ("# noqa - reason", "# noqa - reason", True, False),
    ("# noqa F401", "# noqa ZDR001", True, False),  # no colon: a blanket noqa and a comment
    ("# noqa: F401 # pylint: disable=x", "# noqa: ZDR001 # pylint: disable=x", True, False),
    ("# noqa: F841", "# noqa: ZDR003", False, False),
    ("# noqa: F40", "# noqa: ZDR00", False, False),  # codes are exact, never prefixes
    ("# noqa:", "# noqa:", False, True),
    ("# noqaF401", "# noqaZDR001", False, True),
    ("# noqa: f401", "# noqa: zdr001", False, True),
    ("# noqa: F401abc", "# noqa: ZDR001abc", False, True),
    ("# noqa: F401;F841", "# noqa: ZDR001;ZDR003", False, True),
    ("# noqa: F401F841", "# noqa: ZDR001ZDR003", True, True),
    ("# noqa:,F401", "# noqa:,ZDR001", True, True),
]
# File-level forms: (ruff's spelling, zdr-lint's, on a line of its own?, suppressed, warns)
FILE_FORMS = [
    ("# ruff: noqa", "# zdr-lint: noqa", True, True, False),
    ("# ruff: noqa: F401", "# zdr-lint: noqa: ZDR001", True, True, False),
    ("# ruff: noqa: F841", "# zdr-lint: noqa: ZDR003", True, False, False),
    ("    # ruff: noqa", "    # zdr-lint: noqa", True, True, False),
    ("# flake8: noqa", "# flake8: noqa", True, True, False),
    ("# flake8: noqa: F401", "# flake8: noqa: ZDR001", True, True, False),
    ("# ruff: noqa:", "# zdr-lint: noqa:", True, False, True),
    ("# ruff: noqa", "# zdr-lint: noqa", False, False, True),  # after code: neither file nor line
]
# zdr-lint's decisions where ruff has nothing to compare (see zdr_lint.suppression's docstring).
ZDR_ONLY = [
    ("# noqa: files-api", True),  # a rule name is a code
    ("# noqa: files-api, prompt-caching", True),
]
ZDR_ONLY_FILE = [
    ("# ruff: noqa", False),  # ruff's blanket exemption does not hide ZDR findings
    ("# ruff: noqa: ZDR001", True),  # but naming a ZDR code does
    ("# FLAKE8: NOQA", True),  # flake8 skips such a file, so the flake8 front end never reports it
    ("# flake8=noqa", True),
]

HEADER = "import anthropic\nc = anthropic.Anthropic()\n"
CALL = "c.files.list()"


def concise(result: subprocess.CompletedProcess) -> list:
    return [line for line in result.stdout.decode().splitlines() if re.match(r".+:\d+:\d+: ZDR", line)]


def test_line_forms_behave_as_in_ruff(tmp_path: Path) -> None:
    lines = [f"{CALL}  {zdr}" for _, zdr, _, _ in LINE_FORMS] + [f"{CALL}  {zdr}" for zdr, _ in ZDR_ONLY]
    (tmp_path / "app.py").write_text(HEADER + "\n".join(lines) + "\n")
    result = run_zdr("check", "--isolated", "--output-format", "concise", "app.py", cwd=tmp_path)
    reported = {int(line.split(":")[1]) for line in concise(result) if " ZDR001 " in line}
    warned = {int(m.group(1)) for m in re.finditer(r"warning: app\.py:(\d+): ", result.stderr.decode())}
    expected = [(suppressed, warns) for _, _, suppressed, warns in LINE_FORMS] + [(s, False) for _, s in ZDR_ONLY]
    rows = (LINE_FORMS + [(None, z, s, False) for z, s in ZDR_ONLY])
    for number, ((suppressed, warns), row) in enumerate(zip(expected, rows), start=3):
        assert (number not in reported) == suppressed, f"{row[1]!r}: suppressed should be {suppressed}"
        assert (number in warned) == warns, f"{row[1]!r}: warning should be {warns}\n{result.stderr.decode()}"
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("ruff_form, zdr_form, own_line, suppressed, warns", FILE_FORMS)
def test_file_forms_behave_as_in_ruff(tmp_path: Path, ruff_form, zdr_form, own_line, suppressed, warns) -> None:
    body = f"{HEADER}{zdr_form}\n{CALL}\n" if own_line else f"{HEADER}{CALL}  {zdr_form}\n"
    (tmp_path / "app.py").write_text(body)
    result = run_zdr("check", "--isolated", "--output-format", "concise", "app.py", cwd=tmp_path)
    assert (not concise(result)) == suppressed, result.stdout.decode()
    assert (b"warning: app.py:3: " in result.stderr) == warns, result.stderr.decode()


@pytest.mark.parametrize("form, suppressed", ZDR_ONLY_FILE)
def test_file_forms_zdr_lint_decides(tmp_path: Path, form, suppressed) -> None:
    (tmp_path / "app.py").write_text(f"{form}\n{HEADER}{CALL}\n")
    result = run_zdr("check", "--isolated", "--output-format", "concise", "app.py", cwd=tmp_path)
    assert (not concise(result)) == suppressed, result.stdout.decode()


def test_a_warning_names_the_notebook_cell(tmp_path: Path) -> None:
    import json

    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# notes\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": [HEADER, f"{CALL}  # noqa:\n"]},
    ]
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    result = run_zdr("check", "--isolated", "--output-format", "concise", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1 and "nb.ipynb:cell 2:3:1: ZDR001" in result.stdout.decode()
    assert "warning: nb.ipynb:cell 2:3: invalid `# noqa` directive" in result.stderr.decode()


# --- ZDR100 as RUF100 ------------------------------------------------------------------------------
def test_unused_noqa_reports_non_enabled_and_duplicated_codes_as_ruf100(tmp_path: Path) -> None:
    """RUF100 (ruff 0.17.6) prints `Unused noqa directive (unused: F401; non-enabled: F841, E501;
    duplicated: F401)` and leaves codes it does not know alone; zdr-lint's ZDR100 the same with its
    codes (E501 is another tool's, so it is not judged)."""
    (tmp_path / "pyproject.toml").write_text('[tool.zdr-lint]\nper-file-ignores = { "legacy.py" = ["ZDR001"] }\n')
    (tmp_path / "app.py").write_text(
        HEADER
        + "x = 1  # noqa: ZDR001, ZDR001, E501\n"
        + f"{CALL}  # noqa: ZDR001, ZDR003, files-api\n"
    )
    (tmp_path / "legacy.py").write_text(HEADER + f"{CALL}  # noqa: ZDR001\n")
    result = run_zdr("check", "--select", "ZDR001,ZDR002,ZDR100", "--output-format", "concise", ".", cwd=tmp_path)
    lines = concise(result)
    assert "app.py:3:8: ZDR100 unused noqa directive (unused: ZDR001; duplicated: ZDR001)" in "\n".join(lines)
    assert any(line.startswith("app.py:4:17: ZDR100 unused noqa directive (non-enabled: ZDR003; duplicated: files-api)") for line in lines), lines
    # the per-file-ignored code is not enabled there, as RUF100 says of per-file-ignores
    assert any(line.startswith("legacy.py:3:17: ZDR100 unused noqa directive (non-enabled: ZDR001)") for line in lines), lines


# --- --add-noqa writes what the reader reads ----------------------------------------------------------
def test_add_noqa_repairs_a_directive_that_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(HEADER + f"{CALL}  # noqa:\n{CALL}  # noqa: zdr001 legacy\n")
    assert run_zdr("check", "--isolated", "--add-noqa", "app.py", cwd=tmp_path).returncode == 0
    text = (tmp_path / "app.py").read_text()
    assert f"{CALL}  # noqa: ZDR001 # noqa:\n" in text and f"{CALL}  # noqa: ZDR001 # noqa: zdr001 legacy\n" in text
    again = run_zdr("check", "--isolated", "app.py", cwd=tmp_path)
    assert again.returncode == 0 and b"warning" not in again.stderr


# --- the table is ruff's -------------------------------------------------------------------------------
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed (pip install '.[benchmark]')")
def test_the_table_is_what_ruff_does(tmp_path: Path) -> None:
    version = subprocess.run([RUFF, "--version"], capture_output=True, text=True).stdout.split()[-1]
    lines = [f"import m{i}  {ruff}" for i, (ruff, _, _, _) in enumerate(LINE_FORMS)]
    (tmp_path / "lines.py").write_text("\n".join(lines) + "\n")
    result = subprocess.run([RUFF, "check", "--isolated", "--no-cache", "--select", "F401", "--output-format", "concise", "lines.py"],
                            cwd=tmp_path, capture_output=True, text=True)
    reported = {int(line.split(":")[1]) for line in result.stdout.splitlines() if " F401 " in line}
    warned = {int(n) for n in re.findall(r"lines\.py:(\d+)", result.stderr)}
    observed = [(n not in reported, n in warned) for n in range(1, len(LINE_FORMS) + 1)]
    assert observed == [(s, w) for _, _, s, w in LINE_FORMS], f"ruff {version} differs from the table (recorded with {RUFF_VERSION})"
    for ruff_form, _, own_line, suppressed, warns in FILE_FORMS:
        body = f"{ruff_form}\nimport m1\n" if own_line else f"import m1  {ruff_form}\n"
        (tmp_path / "file.py").write_text(body)
        result = subprocess.run([RUFF, "check", "--isolated", "--no-cache", "--select", "F401", "--output-format", "concise", "file.py"],
                                cwd=tmp_path, capture_output=True, text=True)
        assert (" F401 " not in result.stdout) == suppressed, (ruff_form, own_line, version)
        assert ("warning" in result.stderr) == warns, (ruff_form, own_line, version, result.stderr)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_malformed_directive_warns_once_per_file_in_one_process_or_many(tmp_path: Path, jobs: str) -> None:
    """Ten files with a finding and an unreadable `# noqa:` each (enough for the worker pool)."""
    for i in range(10):
        (tmp_path / f"app{i}.py").write_text(f"{HEADER}{CALL}  # noqa:\n")
    (tmp_path / "quiet.py").write_text("x = 1  # noqa:\n")  # no finding: no warning, as ruff
    result = run_zdr("check", "--isolated", "--no-cache", "-j", jobs, "--output-format", "concise", ".", cwd=tmp_path)
    warned = re.findall(r"warning: (\S+?):3: ", result.stderr.decode())
    assert sorted(warned) == sorted(f"app{i}.py" for i in range(10)), result.stderr.decode()
    assert len(concise(result)) == 10
