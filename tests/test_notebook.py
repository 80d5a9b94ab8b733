"""Jupyter notebooks: findings name their cell (counted over all cells, as ruff does), IPython
syntax is masked rather than a parse error, a malformed notebook is one ZDR000, and `# noqa` can be
written into the right cell without disturbing the rest of the JSON."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from zdr_lint import cli
from zdr_lint.config import Settings
from zdr_lint.engine import Linter
from zdr_lint.notebook import add_noqa_to_notebook, line_with_noqa, mask_cell, mask_line

NOTEBOOKS = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"
EXPECT = re.compile(r"#\s*expect:\s*(ZDR\d{3}(?:\s*,\s*ZDR\d{3})*)\s*$")


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(Settings(project_root=NOTEBOOKS))


def expected_markers(path: Path) -> Counter:
    """(cell, line, code) for every `# expect:` marker in the notebook's code cells."""
    expected: Counter = Counter()
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for number, cell in enumerate(cells, start=1):
        if cell["cell_type"] != "code":
            continue
        for line_number, line in enumerate("".join(cell["source"]).splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                for code in match.group(1).split(","):
                    expected[(number, line_number, code.strip())] += 1
    return expected


@pytest.mark.parametrize("name", ["findings.ipynb", "clean.ipynb", "magics.ipynb"])
def test_findings_match_the_markers_in_the_cells(linter, name):
    path = NOTEBOOKS / name
    findings = linter.lint_file(str(path))
    got = Counter((f.cell, f.start.line, f.code) for f in findings)
    assert got == expected_markers(path)


def test_fixture_notebooks_cover_several_cells_and_a_clean_one():
    assert len({cell for cell, _, _ in expected_markers(NOTEBOOKS / "findings.ipynb")}) >= 3
    assert not expected_markers(NOTEBOOKS / "clean.ipynb")


def test_cli_names_the_cell_like_ruff(capsys, monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)
    code = cli.main(["check", "--output-format", "concise", "findings.ipynb"])
    out = capsys.readouterr().out
    assert code == cli.EXIT_FINDINGS
    # cell 3 is the second code cell: the markdown cell before it counts
    assert "findings.ipynb:cell 3:4:56: ZDR002 " in out
    assert "findings.ipynb:cell 5:1:9: ZDR003 " in out
    assert "findings.ipynb:cell 6:2:16: ZDR001 " in out


def test_cli_on_a_clean_notebook_passes(capsys, monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)
    assert cli.main(["check", "clean.ipynb"]) == cli.EXIT_OK
    assert "All checks passed!" in capsys.readouterr().out


def test_cli_finds_notebooks_in_a_directory(capsys, monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)
    cli.main(["check", "--output-format", "concise", "."])
    out = capsys.readouterr().out
    assert "findings.ipynb:cell 3:" in out and "magics.ipynb:cell 5:" in out
    assert "ZDR000" not in out


def test_json_output_has_the_cell_and_cell_relative_rows(capsys, monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)
    cli.main(["check", "--output-format", "json", "findings.ipynb"])
    data = json.loads(capsys.readouterr().out)
    by_code = {item["code"]: item for item in data}
    assert by_code["ZDR002"]["cell"] == 3
    assert by_code["ZDR002"]["location"] == {"row": 4, "column": 56}
    assert by_code["ZDR003"]["cell"] == 5
    assert by_code["ZDR003"]["noqa_row"] == 1


def test_magics_are_masked_not_parse_errors(linter):
    findings = linter.lint_file(str(NOTEBOOKS / "magics.ipynb"))
    assert findings and all(f.code != "ZDR000" for f in findings)


@pytest.mark.parametrize(
    "line, masked",
    [
        ("%pip install anthropic", "pass"),
        ("!ls -la", "pass"),
        ("    !echo done", "    pass"),
        ("?anthropic.Anthropic", "pass"),
        ("anthropic.Anthropic?", "pass"),
        ("files = !ls data/", "files = None"),
        ("t = %timeit -o f()", "t = None"),
        ("a, b = !cat x", "a, b = None"),
        ('print("a=%s" % x)', 'print("a=%s" % x)'),
        ("x %= 3", "x %= 3"),
        ("# %pip in a comment", "# %pip in a comment"),
    ],
)
def test_mask_line(line, masked):
    assert mask_line(line) == masked


def test_cell_magics_mask_the_cell_unless_its_body_is_python():
    assert mask_cell("%%bash\necho hi\nls") == ["", "", ""]
    assert mask_cell("%%time\nx = 1") == ["", "x = 1"]
    assert mask_cell("!pip install \\\n  anthropic\nx = 1") == ["pass", "", "x = 1"]


def _notebook(cells: list) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def test_invalid_json_is_one_zdr000_with_the_reason(linter, tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [\n  {"cell_type": "code", "source": ["import anthropic"]\n', encoding="utf-8")
    findings = linter.lint_file(str(path))
    assert [f.code for f in findings] == ["ZDR000"]
    assert "not valid JSON" in findings[0].message


def test_a_cell_without_source_is_one_zdr000(linter, tmp_path):
    path = tmp_path / "nosource.ipynb"
    path.write_text(_notebook([{"cell_type": "markdown", "source": "# hi"}, {"cell_type": "code", "metadata": {}}]), encoding="utf-8")
    findings = linter.lint_file(str(path))
    assert [f.code for f in findings] == ["ZDR000"]
    assert "cell 2 has no 'source'" in findings[0].message


def test_a_syntax_error_names_its_cell(linter, tmp_path):
    path = tmp_path / "syntax.ipynb"
    cells = [
        {"cell_type": "code", "metadata": {}, "source": ["import anthropic\n", "client = anthropic.Anthropic()"]},
        {"cell_type": "code", "metadata": {}, "source": ["x = 1\n", "client.files.upload(file=(\n"]},
    ]
    path.write_text(_notebook(cells), encoding="utf-8")
    findings = linter.lint_file(str(path))
    assert [f.code for f in findings] == ["ZDR000"]
    assert findings[0].cell == 2


def test_noqa_in_a_cell_suppresses(linter, tmp_path):
    path = tmp_path / "noqa.ipynb"
    cells = [
        {"cell_type": "code", "metadata": {}, "source": ["import anthropic\n", "client = anthropic.Anthropic()"]},
        {"cell_type": "code", "metadata": {}, "source": ["client.messages.batches.create(requests=[])  # noqa: ZDR003\n", "client.messages.batches.list()"]},
    ]
    path.write_text(_notebook(cells), encoding="utf-8")
    findings = linter.lint_file(str(path))
    assert [(f.cell, f.start.line, f.code) for f in findings] == [(2, 2, "ZDR003")]


def test_add_noqa_writes_into_the_right_cells_and_nothing_else(linter, tmp_path):
    original = (NOTEBOOKS / "findings.ipynb").read_text(encoding="utf-8")
    findings = linter.lint_source(original, "findings.ipynb")
    updated = add_noqa_to_notebook(original, findings, linter.known_selectors)
    assert updated is not None
    before, after = original.splitlines(), updated.splitlines()
    assert len(before) == len(after)
    changed = [(b, a) for b, a in zip(before, after) if b != a]
    assert len(changed) == len({(f.cell, f.noqa_line) for f in findings})
    # each changed line is the old one with `  # noqa: CODE` added to the cell's line
    assert all(re.sub(r"  # noqa: ZDR\d{3}(, ZDR\d{3})*", "", a, count=1) == b != a for b, a in changed)
    assert linter.lint_source(updated, "findings.ipynb") == []
    assert updated.endswith("\n") and not updated.endswith("\n\n")


def test_line_with_noqa_extends_an_existing_directive():
    assert line_with_noqa("x = 1", ["ZDR001"]) == "x = 1  # noqa: ZDR001"
    assert line_with_noqa("x = 1  # noqa: ZDR005", ["ZDR001"]) == "x = 1  # noqa: ZDR005, ZDR001"
    assert line_with_noqa("x = 1  # noqa", ["ZDR001"]) == "x = 1  # noqa"
    assert line_with_noqa("x = 1  # noqa: ZDR001", ["ZDR001"]) == "x = 1  # noqa: ZDR001"


def test_a_notebook_of_another_language_is_skipped(linter, tmp_path):
    path = tmp_path / "r.ipynb"
    data = {"cells": [{"cell_type": "code", "metadata": {}, "source": ["library(anthropic)\n", "x <- 1"]}],
            "metadata": {"kernelspec": {"language": "R", "name": "ir"}}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(data), encoding="utf-8")
    assert linter.lint_file(str(path)) == []
