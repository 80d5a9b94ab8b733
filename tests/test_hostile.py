"""Hostile input through the installed command: every case is one clear line naming its source, the
right exit code, no traceback, and the other files still checked. Nothing passes vacuously."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import ZDR_LINT, run_zdr

USE = "import anthropic\n\nanthropic.Anthropic().files.list()\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(USE)
    return tmp_path


def zdr(project: Path, *args: str, env=None, stdin=None):
    result = run_zdr(*args, cwd=project, env=env, stdin=stdin)
    assert b"Traceback" not in result.stderr and b"Traceback" not in result.stdout, result.stderr.decode()
    return result


def err(result) -> str:
    return result.stderr.decode()


# --- selections that select nothing -------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, option",
    [(["--select", ""], "--select"), (["--select", ","], "--select"), (["--ignore", ""], "--ignore"),
     (["--select", "ZDR001,"], "--select"), (["--extend-select", ",ZDR100"], "--extend-select")],
)
def test_an_empty_selector_is_refused_naming_the_option(project: Path, args: list, option: str) -> None:
    result = zdr(project, "check", "--isolated", *args, ".")
    assert result.returncode == 2 and result.stdout == b""
    assert err(result) == f"zdr-lint: error: {option}: empty rule selector (a code such as ZDR001, a prefix, a rule name, or ALL)\n"


def test_an_empty_selector_in_settings_names_the_file_and_key(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.zdr-lint]\nignore = ["ZDR002", ""]\n')
    result = zdr(project, "check", ".")
    assert result.returncode == 2
    assert err(result).startswith("zdr-lint: error: pyproject.toml: [tool.zdr-lint] ignore: empty rule selector")


@pytest.mark.parametrize("table", ['select = []', 'ignore = ["ALL"]', 'ignore = ["ZDR0", "ZDR1"]'])
def test_settings_that_enable_no_rule_warn_in_the_log(project: Path, table: str) -> None:
    (project / "pyproject.toml").write_text(f"[tool.zdr-lint]\n{table}\n")
    result = zdr(project, "check", ".")
    assert result.returncode == 0
    assert err(result) == "zdr-lint: warning: no rules are enabled: nothing is checked\n"


# --- errors that name their source ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "toml, message",
    [
        ('[tool.zdr-lint]\nignore = ["ZDR099"]\n',
         "pyproject.toml: [tool.zdr-lint] ignore: unknown rule selector 'ZDR099' (did you mean 'ZDR009'?)"),
        ('[tool.zdr-lint]\nper-file-ignores = { "tests/*" = ["ZDR099"] }\n',
         "pyproject.toml: [tool.zdr-lint] per-file-ignores 'tests/*': unknown rule selector 'ZDR099' (did you mean 'ZDR009'?)"),
        ('[tool.zdr-lint]\noutput-format = "jsno"\n',
         "pyproject.toml: [tool.zdr-lint] output-format: unknown output format 'jsno' (did you mean 'json'?)"),
        ('[tool.zdr-lint]\nselect = ["ZDR001"\nignore = []\n',
         "pyproject.toml:3:1: invalid TOML: Unclosed array"),
        ('[tool]\n"zdr-lint" = 5\n', "pyproject.toml: [tool.zdr-lint] must be a table"),
        ("tool = 5\n", "pyproject.toml: [tool] must be a table"),
        ('[tool.zdr-lint]\nextend-exclude = ["!"]\n', "pyproject.toml: [tool.zdr-lint] extend-exclude: invalid pattern '!'"),
        ('[tool.zdr-lint]\nselect = "ZDR001"\n', "pyproject.toml: [tool.zdr-lint] select: must be a list of strings"),
    ],
)
def test_a_settings_problem_is_one_line_naming_file_and_key(project: Path, toml: str, message: str) -> None:
    (project / "pyproject.toml").write_text(toml)
    result = zdr(project, "check", ".")
    assert result.returncode == 2 and result.stdout == b""
    lines = err(result).splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"zdr-lint: error: {message}"), lines


def test_a_pyproject_that_is_not_utf8_or_nested_too_deep(project: Path) -> None:
    (project / "pyproject.toml").write_bytes(b"[tool.zdr-lint]\nselect = ['\xff']\n")
    result = zdr(project, "check", ".")
    assert result.returncode == 2 and err(result).startswith("zdr-lint: error: pyproject.toml: cannot read settings: not valid UTF-8")
    (project / "pyproject.toml").write_text("[tool.zdr-lint]\nx = " + "[" * 2000 + "]" * 2000 + "\n")
    result = zdr(project, "check", ".")
    assert result.returncode == 2 and err(result) == "zdr-lint: error: pyproject.toml: cannot read settings: values nested too deeply\n"


def test_a_bad_pattern_on_the_command_line_names_the_flag(project: Path) -> None:
    result = zdr(project, "check", "--isolated", "--per-file-ignores", "!:ZDR001", ".")
    assert result.returncode == 2 and err(result).startswith("zdr-lint: error: --per-file-ignores: invalid pattern '!'")


def test_gitignore_lines_git_would_ignore_are_ignored_with_a_warning(project: Path) -> None:
    (project / ".gitignore").write_text("!\n\\\nbuild/\n")
    (project / "build").mkdir()
    (project / "build" / "gen.py").write_text(USE)
    result = zdr(project, "check", "--isolated", "--output-format", "concise", "-q", ".")
    assert result.returncode == 1
    assert err(result).splitlines() == [
        "zdr-lint: warning: .gitignore:1: ignoring pattern '!': Invalid git pattern: '!'",
        "zdr-lint: warning: .gitignore:2: ignoring pattern '\\\\': Invalid git pattern: '\\\\'",
    ]
    assert result.stdout.decode().startswith("app.py:3:1: ZDR001") and b"build" not in result.stdout  # the rest still applies


# --- paths -----------------------------------------------------------------------------------------------
def test_a_missing_path_is_exit_2_without_a_pass_line(project: Path) -> None:
    result = zdr(project, "check", "--isolated", "nope.py")
    assert result.returncode == 2 and result.stdout == b""
    assert err(result) == "zdr-lint: error: nope.py: no such file or directory\n"


def test_a_folder_without_python_files_warns(project: Path) -> None:
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# docs\n")
    result = zdr(project, "check", "--isolated", "docs")
    assert result.returncode == 0
    assert err(result) == "zdr-lint: warning: No Python files found under docs\n"


def test_a_thousand_nested_folders_are_walked(project: Path) -> None:
    folder = project / "deep"
    folder.mkdir()
    os.chdir(folder)  # build it by steps: os.makedirs itself recurses once per level
    try:
        for _ in range(1000):
            os.mkdir("d")
            os.chdir("d")
        Path("x.py").write_text(USE)
    finally:
        os.chdir(project)
    try:
        result = zdr(project, "check", "--isolated", "--output-format", "json", "deep")
    finally:
        _remove_deep(folder)  # pytest's own clean-up of old temporary folders recurses per level
    assert result.returncode == 1
    assert [f["code"] for f in json.loads(result.stdout)] == ["ZDR001"]


def _remove_deep(top: Path) -> None:
    here = os.getcwd()
    try:
        os.chdir(top)
        depth = 0
        while os.path.isdir("d"):
            os.chdir("d")
            depth += 1
        for name in os.listdir("."):
            os.unlink(name)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(here)
    os.rmdir(top)


# --- file names that are not UTF-8 ------------------------------------------------------------------
FORMATS = ["full", "concise", "grouped", "json", "json-lines", "junit", "github", "gitlab", "pylint", "sarif"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_names_that_are_not_utf8_in_every_format(tmp_path: Path, fmt: str) -> None:
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9.py"), "wb") as handle:
        handle.write(USE.encode())
    with open(os.path.join(folder, b"llm\xff.py"), "wb") as handle:  # reaches the project index
        handle.write(b"import anthropic\nclient = anthropic.Anthropic()\n")
    result = zdr(tmp_path, "check", "--isolated", "--output-format", fmt, ".", env={"PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 1, err(result)
    if fmt in ("full", "concise", "grouped", "pylint"):
        assert b"caf\xe9.py" in result.stdout  # a terminal gets the name's own bytes
    else:
        text = result.stdout.decode("utf-8")  # machine formats are valid UTF-8
        if fmt == "sarif":
            uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(text)["runs"][0]["results"]]
            assert uris == ["caf%E9.py"]
        elif fmt in ("json", "json-lines", "gitlab"):
            assert "caf\\\\xe9.py" in text
        else:
            assert "caf\\xe9.py" in text


# --- streams -----------------------------------------------------------------------------------------
def test_stdout_closed(project: Path) -> None:
    result = subprocess.run(f"{ZDR_LINT} check --isolated app.py >&-", shell=True, cwd=project, capture_output=True, timeout=120)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert result.stderr == b"zdr-lint: error: standard output is closed: nothing can be reported\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_stdout_full(project: Path) -> None:
    result = subprocess.run(f"{ZDR_LINT} check --isolated app.py > /dev/full", shell=True, cwd=project, capture_output=True, timeout=120)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert result.stderr == b"zdr-lint: error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("command", ["check", "suppressions", "report"])
def test_stdin_closed_with_dash(project: Path, command: str) -> None:
    result = subprocess.run(f"{ZDR_LINT} {command} --isolated - <&-", shell=True, cwd=project, capture_output=True, timeout=120)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert result.stderr == b"zdr-lint: error: standard input is closed: nothing to check (give files, or pipe the code in)\n"


# --- FIFOs never block -------------------------------------------------------------------------------
def test_config_naming_a_fifo_is_one_line(project: Path) -> None:
    os.mkfifo(project / "settings.toml")
    result = subprocess.run([ZDR_LINT, "check", "--config", "settings.toml", "."], cwd=project, capture_output=True, timeout=60)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert result.stderr == b"zdr-lint: error: settings.toml: cannot read settings: is a named pipe (FIFO), not a regular file\n"


def test_a_file_replaced_by_a_fifo_after_discovery_is_skipped(project: Path) -> None:
    """Discovery saw a file; by the time it is read it is a FIFO: one ZDR000, never a hang."""
    from zdr_lint.config import Settings
    from zdr_lint.engine import Linter
    from zdr_lint.runner import lint_paths

    (project / "other.py").write_text(USE)
    os.mkfifo(project / "swapped.py")
    paths = [str(project / "app.py"), str(project / "swapped.py"), str(project / "other.py")]
    findings = lint_paths(Linter(Settings(project_root=project)), paths, jobs=1)
    got = [(Path(f.path).name, f.code, f.message) for f in findings]
    assert ("swapped.py", "ZDR000", "is a named pipe (FIFO), not a regular file: skipped") in got
    assert {(name, code) for name, code, _ in got} == {("app.py", "ZDR001"), ("other.py", "ZDR001"), ("swapped.py", "ZDR000")}


def test_a_baseline_naming_a_fifo_is_one_line(project: Path) -> None:
    os.mkfifo(project / "baseline.json")
    result = subprocess.run([ZDR_LINT, "check", "--isolated", "--baseline", "baseline.json", "."], cwd=project, capture_output=True, timeout=60)
    assert result.returncode == 2 and b"Traceback" not in result.stderr and result.stderr.count(b"\n") == 1
    assert result.stderr.startswith(b"zdr-lint: error: --baseline: ")
    assert result.stderr.endswith(b"baseline.json: cannot read the baseline: is a named pipe (FIFO), not a regular file\n")


def test_a_gitignore_that_is_a_fifo_is_skipped_with_a_warning(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    os.mkfifo(project / ".gitignore")
    result = subprocess.run([ZDR_LINT, "check", "--isolated", "--output-format", "concise", "."], cwd=project, capture_output=True, timeout=60)
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert b"app.py:3:1: ZDR001" in result.stdout
    assert b"zdr-lint: warning: .gitignore: ignored: is a named pipe (FIFO), not a regular file\n" in result.stderr


def test_a_fifo_planted_in_the_cache_is_a_cold_run_not_a_hang(project: Path) -> None:
    (project / "pyproject.toml").write_text("")  # the project root, where the cache lives
    first = subprocess.run([ZDR_LINT, "check", "--output-format", "concise", "."], cwd=project, capture_output=True, timeout=60)
    shards = sorted(p for p in (project / ".zdr_lint_cache").rglob("*.json"))
    assert shards
    for shard in shards:
        shard.unlink()
        os.mkfifo(shard)
    again = subprocess.run([ZDR_LINT, "check", "--output-format", "concise", "."], cwd=project, capture_output=True, timeout=60)
    assert again.returncode == first.returncode == 1 and again.stdout == first.stdout
    assert b"Traceback" not in again.stderr and b"ignoring the cache" in again.stderr


# --- old Mac line endings ------------------------------------------------------------------------------
def test_cr_only_line_endings_honour_noqa_and_add_noqa_once(project: Path) -> None:
    (project / "mac.py").write_bytes(b"import anthropic\rc = anthropic.Anthropic()\rc.files.list()  # noqa\r")
    assert zdr(project, "check", "--isolated", "mac.py").returncode == 0
    (project / "mac2.py").write_bytes(b"import anthropic\rc = anthropic.Anthropic()\rc.files.list()\r")
    assert zdr(project, "check", "--isolated", "--add-noqa", "mac2.py").returncode == 0
    once = (project / "mac2.py").read_bytes()
    assert once == b"import anthropic\rc = anthropic.Anthropic()\rc.files.list()  # noqa: ZDR001\r"
    assert zdr(project, "check", "--isolated", "--add-noqa", "mac2.py").returncode == 0
    assert (project / "mac2.py").read_bytes() == once
    assert zdr(project, "check", "--isolated", "mac2.py").returncode == 0
