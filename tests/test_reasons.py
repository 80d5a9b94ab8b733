"""Suppressions that carry a reason, end to end through the `zdr-lint` command: `require-reason`
makes a suppression without one a finding (ZDR101), and `zdr-lint suppressions` lists every
suppression with its codes, reason, file and line, and whether it suppresses anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_zdr

APP = '''\
# zdr-lint: noqa: ZDR003 -- nightly batches hold synthetic data only
import anthropic

client = anthropic.Anthropic()
client.files.list()  # noqa: ZDR001 -- file ids only, deleted the same day
client.files.upload(file=open("a.pdf", "rb"))  # noqa: ZDR001
client.messages.batches.list()
client.skills.list()  # noqa
x = 1  # noqa: E501
y = 2  # noqa: ZDR002 -- was a cached prompt  # type: ignore
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    return tmp_path


def test_require_reason_reports_each_suppression_without_one(project):
    (project / "pyproject.toml").write_text("[tool.zdr-lint]\nrequire-reason = true\n", encoding="utf-8")
    result = run_zdr("check", "--no-cache", "--output-format", "json", ".", cwd=project)
    found = [(f["code"], f["location"]["row"], f["message"]) for f in json.loads(result.stdout)]
    assert [(code, row) for code, row, _ in found] == [("ZDR101", 6), ("ZDR101", 8)]
    assert "`# noqa: ZDR001` gives no reason: write why after the codes" in found[0][2]
    assert found[1][2].startswith("`# noqa` gives no reason")  # a blanket noqa that hides a zdr-lint finding
    assert result.returncode == 1
    # the flag does the same without the setting; without either, nothing
    (project / "pyproject.toml").unlink()
    flagged = run_zdr("check", "--no-cache", "--output-format", "json", "--require-reason", ".", cwd=project)
    assert [f["code"] for f in json.loads(flagged.stdout)] == ["ZDR101", "ZDR101"]
    assert run_zdr("check", "--no-cache", ".", cwd=project).returncode == 0


def test_a_file_level_directive_needs_a_reason_too(tmp_path):
    (tmp_path / "gen.py").write_text("# zdr-lint: noqa\nimport anthropic\nanthropic.Anthropic().files.list()\n", encoding="utf-8")
    result = run_zdr("check", "--isolated", "--no-cache", "--require-reason", "--output-format", "concise", ".", cwd=tmp_path)
    assert result.stdout.decode().startswith("gen.py:1:1: ZDR101 `# zdr-lint: noqa` gives no reason")


def test_suppressions_lists_every_directive(project):
    result = run_zdr("suppressions", "--no-cache", ".", cwd=project)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == (
        "app.py:1: # zdr-lint: noqa: ZDR003 -- nightly batches hold synthetic data only  [suppresses ZDR003]\n"
        "app.py:5: # noqa: ZDR001 -- file ids only, deleted the same day  [suppresses ZDR001]\n"
        "app.py:6: # noqa: ZDR001  (no reason)  [suppresses ZDR001]\n"
        "app.py:8: # noqa  (no reason)  [suppresses ZDR010]\n"
        "app.py:10: # noqa: ZDR002 -- was a cached prompt  [suppresses nothing]\n"
        "5 suppressions: 2 without a reason, 1 suppressing nothing.\n"
    )


def test_suppressions_as_json_and_markdown(project):
    data = json.loads(run_zdr("suppressions", "--no-cache", "--output-format", "json", ".", cwd=project).stdout)
    assert [(d["line"], d["scope"], d["codes"], d["reason"], d["suppressed"], d["suppresses_nothing"]) for d in data] == [
        (1, "file", ["ZDR003"], "nightly batches hold synthetic data only", {"ZDR003": 1}, False),
        (5, "line", ["ZDR001"], "file ids only, deleted the same day", {"ZDR001": 1}, False),
        (6, "line", ["ZDR001"], None, {"ZDR001": 1}, False),
        (8, "line", None, None, {"ZDR010": 1}, False),
        (10, "line", ["ZDR002"], "was a cached prompt", {}, True),
    ]
    assert data[0]["filename"] == str(project / "app.py") and data[4]["unused"] == ["ZDR002"]
    markdown = run_zdr("suppressions", "--no-cache", "--output-format", "markdown", ".", cwd=project).stdout.decode()
    assert "| `app.py` | 6 | `# noqa: ZDR001` | **none** | ZDR001 ×1 |" in markdown
    assert "| `app.py` | 10 | `# noqa: ZDR002` | was a cached prompt | nothing |" in markdown


def test_suppressions_in_a_notebook_name_the_cell(tmp_path):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Notes"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": ["import anthropic\n", "client = anthropic.Anthropic()"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": ["client.files.list()  # noqa: ZDR001 -- scratch notebook"]},
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "explore.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    out = run_zdr("suppressions", "--isolated", "--no-cache", ".", cwd=tmp_path).stdout.decode()
    assert out.splitlines()[0] == "explore.ipynb:cell 3:1: # noqa: ZDR001 -- scratch notebook  [suppresses ZDR001]"
    report = run_zdr("report", "--isolated", "--no-cache", "--format", "markdown", ".", cwd=tmp_path).stdout.decode()
    assert "| `explore.ipynb` | cell 3:1 | `# noqa: ZDR001` | scratch notebook | ZDR001 ×1 |" in report


def test_ignore_noqa_reports_what_the_directives_hide(project):
    found = json.loads(run_zdr("check", "--no-cache", "--ignore-noqa", "--output-format", "json", "--exit-zero", ".", cwd=project).stdout)
    assert sorted((f["code"], f["location"]["row"]) for f in found) == [("ZDR001", 5), ("ZDR001", 6), ("ZDR003", 7), ("ZDR010", 8)]


def test_a_line_directive_a_file_directive_covers_suppresses_nothing_as_zdr100_says(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(
        "# zdr-lint: noqa: ZDR001 -- file ids only\nimport anthropic\n\nanthropic.Anthropic().files.list()  # noqa: ZDR001\n",
        encoding="utf-8",
    )
    listed = run_zdr("suppressions", "--no-cache", ".", cwd=tmp_path).stdout.decode()
    assert "app.py:1: # zdr-lint: noqa: ZDR001 -- file ids only  [suppresses ZDR001]\n" in listed
    assert "app.py:4: # noqa: ZDR001  (no reason)  [suppresses nothing]\n" in listed
    checked = run_zdr("check", "--no-cache", "--extend-select", "ZDR100", "--output-format", "concise", ".", cwd=tmp_path).stdout.decode()
    assert "app.py:4:" in checked and "ZDR100" in checked
