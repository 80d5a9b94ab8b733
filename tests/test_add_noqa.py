"""`zdr-lint check --add-noqa[=REASON]`, run as a user runs it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
ZDR_LINT = str(BIN / "zdr-lint")


def zdr(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([ZDR_LINT, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def changed_lines(before: bytes, after: bytes) -> list:
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(a) == len(b)
    return [i + 1 for i, (x, y) in enumerate(zip(a, b)) if x != y]


def test_adds_merges_and_keeps_every_other_byte(tmp_path: Path) -> None:
    source = (
        b"\xef\xbb\xbfimport anthropic\r\n"
        b"client = anthropic.Anthropic()   \r\n"  # trailing spaces stay
        b"client.files.list()  # noqa: E501 a long line\r\n"
        b"client.beta.files.list()\r\n"
        b"x = client.messages.batches.create(requests=[])  # type: ignore\r\n"
        b"\r\n"
        b"print('fin')"  # no final newline
    )
    path = tmp_path / "app.py"
    path.write_bytes(source)
    mode = 0o640
    os.chmod(path, mode)
    result = zdr("check", "--add-noqa", "app.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Added 3 noqa directives in 1 file." in result.stdout
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert changed_lines(source, after) == [3, 4, 5]
    lines = after.split(b"\r\n")
    assert lines[2] == b"client.files.list()  # noqa: E501, ZDR001 a long line"
    assert lines[3] == b"client.beta.files.list()  # noqa: ZDR001, ZDR005"
    assert lines[4] == b"x = client.messages.batches.create(requests=[])  # type: ignore  # noqa: ZDR003"
    assert after.count(b"\r\n") == source.count(b"\r\n") and after.endswith(b"print('fin')")
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]  # no temporary file left behind
    # the directives suppress the findings, and a second run changes nothing
    assert zdr("check", "app.py", cwd=tmp_path).returncode == 0
    again = zdr("check", "--add-noqa", "app.py", cwd=tmp_path)
    assert again.returncode == 0 and "Added 0 noqa directives" in again.stdout
    assert path.read_bytes() == after


def test_reason_and_encoding_cookie(tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\nimport anthropic\n# café\nanthropic.Anthropic().files.list()\n".encode("latin-1")
    path = tmp_path / "legacy.py"
    path.write_bytes(source)
    result = zdr("check", "--add-noqa=kept for the legal hold", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    after = path.read_bytes()
    assert changed_lines(source, after) == [4]
    assert after.splitlines()[2] == "# café".encode("latin-1")
    assert after.splitlines()[3] == b"anthropic.Anthropic().files.list()  # noqa: ZDR001 -- kept for the legal hold"
    assert zdr("check", ".", cwd=tmp_path).returncode == 0


def test_multi_line_string_and_continued_statement(tmp_path: Path) -> None:
    source = (
        "import anthropic\n"
        "client = anthropic.Anthropic()\n"
        'client.files.upload(file=open("x", "rb"), purpose="""first\n'
        'second""")\n'
        "client.files \\\n"
        "    .list()\n"
    )
    path = tmp_path / "multi.py"
    path.write_text(source)
    before = zdr("check", "--output-format", "concise", ".", cwd=tmp_path).stdout
    assert "multi.py:3:1: ZDR001" in before and "multi.py:5:1: ZDR001" in before
    assert zdr("check", "--add-noqa", cwd=tmp_path).returncode == 0
    lines = path.read_text().splitlines()
    assert lines[2] == 'client.files.upload(file=open("x", "rb"), purpose="""first'  # inside the string: untouched
    assert lines[3] == 'second""")  # noqa: ZDR001'
    assert lines[4] == "client.files \\"
    assert lines[5] == "    .list()  # noqa: ZDR001"
    assert zdr("check", ".", cwd=tmp_path).returncode == 0


def test_blanket_noqa_and_unparsable_files_are_left_alone(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import anthropic\nanthropic.Anthropic(\n")
    blanket = tmp_path / "blanket.py"
    blanket.write_text("import anthropic\nanthropic.Anthropic().files.list()  # noqa\n")
    before = {p.name: p.read_bytes() for p in (broken, blanket)}
    result = zdr("check", "--add-noqa", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {p.name: p.read_bytes() for p in (broken, blanket)} == before


def test_notebook_cells_get_their_directive(tmp_path: Path) -> None:
    import json

    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Notes\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["import anthropic\n", "client = anthropic.Anthropic()\n", "client.files.list()"]},
    ]
    text = json.dumps({"cells": cells, "metadata": {"kernelspec": {"language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"
    path = tmp_path / "explore.ipynb"
    path.write_text(text)
    assert "explore.ipynb:cell 2:3:1: ZDR001" in zdr("check", "--output-format", "concise", ".", cwd=tmp_path).stdout
    assert zdr("check", "--add-noqa", ".", cwd=tmp_path).returncode == 0
    data = json.loads(path.read_text())
    assert data["cells"][1]["source"][2] == "client.files.list()  # noqa: ZDR001"
    assert data["cells"][0] == cells[0]
    assert zdr("check", ".", cwd=tmp_path).returncode == 0


# --- ZDR100 unused-noqa, and rules known by name -----------------------------------------------
USES = (
    "import anthropic\n"
    "client = anthropic.Anthropic()\n"
    "client.files.list()  # noqa: ZDR001, ZDR003\n"
    "client.models.list()  # noqa: files-api, E501\n"
    "client.files.list()  # noqa: files-api\n"
)


def concise(result: subprocess.CompletedProcess) -> list:
    return [line.split(" ")[0:2] for line in result.stdout.splitlines() if ": ZDR" in line]


def test_unused_noqa_is_opt_in(tmp_path: Path) -> None:
    (tmp_path / "uses.py").write_text(USES)
    (tmp_path / "plain.py").write_text("x = 1  # noqa: ZDR002\ny = 2  # noqa\nz = 3  # noqa: E501\n")
    (tmp_path / "quiet.py").write_text("x = 1\n")
    default = zdr("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert default.returncode == 0 and concise(default) == []
    result = zdr("check", "--output-format", "concise", "--extend-select", "ZDR100", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert concise(result) == [
        ["plain.py:1:8:", "ZDR100"],
        ["uses.py:3:22:", "ZDR100"],
        ["uses.py:4:23:", "ZDR100"],
    ]
    assert "(unused: ZDR003)" in result.stdout and "(unused: files-api)" in result.stdout and "E501" not in result.stdout
    by_name = zdr("check", "--output-format", "concise", "--select", "ALL,unused-noqa", ".", cwd=tmp_path)
    assert concise(by_name) == concise(result)
    # as RUF100: codes of rules not enabled for the file are reported as such
    narrow = zdr("check", "--output-format", "concise", "--select", "unused-noqa,ZDR001", ".", cwd=tmp_path)
    assert concise(narrow) == concise(result)
    assert "(non-enabled: ZDR002)" in narrow.stdout and "(non-enabled: ZDR003)" in narrow.stdout and "(unused: files-api)" in narrow.stdout


def test_rules_are_known_by_name_everywhere(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import anthropic\n"
        "client = anthropic.Anthropic()\n"
        "client.files.list()\n"
        "client.messages.batches.list()\n"
        "client.files.delete('f')  # noqa: files-api\n"
        "client.beta.files.list()  # noqa: files-api\n"
    )
    selected = zdr("check", "--output-format", "concise", "--select", "files-api", ".", cwd=tmp_path)
    assert concise(selected) == [["app.py:3:1:", "ZDR001"]]
    ignored = zdr("check", "--output-format", "concise", "--ignore", "files-api,message-batches", ".", cwd=tmp_path)
    assert concise(ignored) == [["app.py:6:1:", "ZDR005"]]
    explained = zdr("rule", "files-api", cwd=tmp_path)
    assert explained.returncode == 0 and explained.stdout.startswith("# files-api (ZDR001)")
    assert zdr("rule", "ZDR001", cwd=tmp_path).stdout == explained.stdout
    unknown = zdr("rule", "file-api", cwd=tmp_path)
    assert unknown.returncode == 2 and "files-api" in unknown.stderr
