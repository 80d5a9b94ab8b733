"""The command line as ruff users type it, checked against what ruff 0.17.6 does: -V, --help, a
mistyped flag, --color and NO_COLOR, stdin, --show-settings, --show-files, --watch."""

from __future__ import annotations

import os
import pty
import queue
import re
import select
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import ZDR_LINT, run_zdr

APP = "import anthropic\n\nclient = anthropic.Anthropic()\nclient.files.upload(file=open('a.pdf', 'rb'))\n"
ESC = b"\x1b["


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.zdr-lint]\nextend-exclude = ["generated"]\n')
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "client.py").write_text(APP)
    return tmp_path


def test_version_short_and_long() -> None:
    short, long = run_zdr("-V"), run_zdr("--version")
    assert short.returncode == 0 and short.stdout == long.stdout and short.stdout.startswith(b"zdr-lint ")


def test_help_lists_the_formats_and_explains_every_flag() -> None:
    from zdr_lint.cli import build_parser
    from zdr_lint.formats import BUILTIN_FORMATS

    out = run_zdr("check", "--help").stdout.decode()
    flat = " ".join(out.split())
    for name in BUILTIN_FORMATS:
        assert re.search(rf"\b{re.escape(name)}\b", flat), name
    check = build_parser().commands["check"]
    for action in check._actions:
        assert action.help and len(action.help) > 10, action.option_strings
        for flag in action.option_strings:
            assert flag in out


@pytest.mark.parametrize("typo, meant", [("--selct", "--select"), ("--extend-selct", "--extend-select"), ("--output-fromat=json", "--output-format"), ("--exit-zeor", "--exit-zero")])
def test_a_mistyped_flag_names_the_closest_one(project: Path, typo: str, meant: str) -> None:
    result = run_zdr("check", typo, "ZDR001", ".", cwd=project)
    err = result.stderr.decode()
    assert result.returncode == 2 and result.stdout == b""
    assert f"unknown flag '{typo.split('=')[0]}' (did you mean '{meant}'?)" in err
    assert len(err.splitlines()) == 2 and "Traceback" not in err


def test_flags_are_not_abbreviated(project: Path) -> None:
    """argparse would read `--sel` as `--select`; ruff does not, and neither does zdr-lint."""
    result = run_zdr("check", "--sel", "ZDR001", ".", cwd=project)
    assert result.returncode == 2 and b"unknown flag '--sel'" in result.stderr


# --- colour ---------------------------------------------------------------------------------------
def _on_a_terminal(*args: str, cwd: Path, env: dict | None = None) -> bytes:
    """stdout of zdr-lint run with a pseudo-terminal as stdout, as in an interactive shell."""
    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    environ.update(env or {})
    process = subprocess.Popen([ZDR_LINT, *args], cwd=cwd, stdout=follower, stderr=subprocess.PIPE, env=environ)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks)


def test_colour_on_a_terminal_unless_no_color(project: Path) -> None:
    coloured = _on_a_terminal("check", "--output-format", "concise", "app.py", cwd=project)
    assert ESC + b"1mapp.py" + ESC + b"0m" in coloured and ESC + b"1m" + ESC + b"31mZDR001" in coloured
    assert ESC not in _on_a_terminal("check", "app.py", cwd=project, env={"NO_COLOR": "1"})
    assert ESC not in _on_a_terminal("check", "--color", "never", "app.py", cwd=project)


def test_colour_in_a_pipe_only_when_asked(project: Path) -> None:
    assert ESC not in run_zdr("check", "app.py", cwd=project).stdout
    forced = run_zdr("check", "--color", "always", "--output-format", "grouped", "app.py", cwd=project, env={"NO_COLOR": "1"})
    assert ESC + b"4mapp.py" in forced.stdout and ESC + b"31mZDR001" in forced.stdout  # the flag wins over NO_COLOR
    sarif = run_zdr("check", "--color", "always", "--output-format", "sarif", "app.py", cwd=project)
    assert ESC not in sarif.stdout  # machine formats never
    assert run_zdr("check", "--color", "sometimes", "app.py", cwd=project).returncode == 2


# --- stdin, as ruff reads it --------------------------------------------------------------------------
def test_stdin_filename_without_dash_reads_stdin(project: Path) -> None:
    result = run_zdr("check", "--output-format", "concise", "--stdin-filename", "svc/upload.py", stdin=APP.encode(), cwd=project)
    assert result.returncode == 1 and b"svc/upload.py:4:1: ZDR001" in result.stdout
    other = run_zdr("check", "--output-format", "concise", "--stdin-filename", "svc/upload.py", "app.py", stdin=b"x = 1\n", cwd=project)
    assert other.returncode == 0 and b"ignoring app.py in favour of standard input" in other.stderr


def test_force_exclude_applies_to_stdin_filename(project: Path) -> None:
    excluded = run_zdr("check", "--force-exclude", "--stdin-filename", "generated/client.py", "-", stdin=APP.encode(), cwd=project)
    assert excluded.returncode == 0 and b"All checks passed!" in excluded.stdout
    kept = run_zdr("check", "--stdin-filename", "generated/client.py", "-", stdin=APP.encode(), cwd=project)
    assert kept.returncode == 1  # without --force-exclude a name given explicitly is checked, as ruff does


# --- --show-files / --show-settings ------------------------------------------------------------------
def test_show_files_prints_what_would_be_checked(project: Path) -> None:
    (project / "notes.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    result = run_zdr("check", "--show-files", cwd=project)
    assert result.returncode == 0
    assert result.stdout.decode().splitlines() == [str(project / "app.py"), str(project / "notes.ipynb")]
    assert run_zdr("check", "--show-files", "generated", cwd=project).stdout.decode().splitlines() == [str(project / "generated" / "client.py")]


def test_show_settings_names_the_file_and_the_resolved_values(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.zdr-lint]\nextend-exclude = ["generated"]\nper-file-ignores = { "tests/*" = ["ZDR001"] }\n')
    (project / "tests").mkdir()
    (project / "tests" / "test_app.py").write_text(APP)
    result = run_zdr("check", "--show-settings", "--ignore", "ZDR005", "tests/test_app.py", cwd=project)
    out = result.stdout.decode()
    assert result.returncode == 0
    lines = out.splitlines()
    assert lines[0] == f'Resolved settings for: "{project / "tests" / "test_app.py"}"'
    assert lines[1] == f'Settings path: "{project / "pyproject.toml"}"'
    assert 'extend-exclude = ["generated"]' in lines and 'ignore = ["ZDR005"]' in lines
    assert 'per-file-ignores = { "tests/*" = ["ZDR001"] }' in lines
    enabled = next(line for line in lines if line.startswith("enabled = "))
    assert '"ZDR002"' in enabled and '"ZDR001"' not in enabled and '"ZDR005"' not in enabled
    isolated = run_zdr("check", "--show-settings", "--isolated", "app.py", cwd=project).stdout.decode()
    assert "Settings path: none" in isolated and '"ZDR001"' in isolated
    nothing = run_zdr("check", "--show-settings", "generated", "--force-exclude", cwd=project)
    assert nothing.returncode == 2 and b"no files to check" in nothing.stderr


# --- --watch ----------------------------------------------------------------------------------------------
class Watched:
    """`zdr-lint check --watch` in a subprocess, its output read as it comes."""

    def __init__(self, cwd: Path, *args: str, stdout=subprocess.PIPE) -> None:
        environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        self.process = subprocess.Popen([ZDR_LINT, "check", "--watch", *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, env=environ)
        self.lines: queue.Queue = queue.Queue()
        streams = [("err", self.process.stderr)] + ([("out", self.process.stdout)] if self.process.stdout else [])
        for name, stream in streams:
            threading.Thread(target=self._pump, args=(name, stream), daemon=True).start()

    def _pump(self, name: str, stream) -> None:
        for line in iter(stream.readline, b""):
            self.lines.put((name, line.decode()))

    def wait_for(self, pattern: str, timeout: float = 60) -> list:
        """Every line up to (and including) the first that matches."""
        seen, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                name, line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(line)
            if re.search(pattern, line):
                return seen
        raise AssertionError(f"no line matching {pattern!r} in {seen!r}")

    def wait_for_run(self, timeout: float = 60) -> list:
        """The lines of one check: stdout's summary line and stderr's status line come through
        different pipes, in either order."""
        seen, markers, deadline = [], {"summary": r"Found \d+ findings? in|All checks passed", "status": r"Watching for file changes"}, time.monotonic() + timeout
        while markers and time.monotonic() < deadline:
            try:
                _, line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(line)
            markers = {k: p for k, p in markers.items() if not re.search(p, line)}
        assert not markers, f"no {sorted(markers)} line in {seen!r}"
        return seen

    def wait_until(self, predicate, runs: int = 5) -> list:
        """The lines of the checks up to the first whose lines satisfy `predicate` (a poll may land
        between two writes of one edit, so one edit can give two checks)."""
        seen = []
        for _ in range(runs):
            lines = self.wait_for_run()
            seen += lines
            if predicate(lines):
                return seen
        raise AssertionError(f"no check satisfied the test in {seen!r}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)


def test_watch_checks_again_on_change_and_ctrl_c_exits_0(project: Path) -> None:
    watched = Watched(project, "--output-format", "concise")
    try:
        first = watched.wait_for_run()
        assert any("app.py:4:1: ZDR001" in line for line in first)
        assert any("Found 1 finding in 1 file." in line for line in first)
        time.sleep(0.1)
        (project / "app.py").write_text(APP + "client.messages.batches.create(requests=[])\n")
        again = watched.wait_until(lambda lines: any("app.py:5:1: ZDR003" in line for line in lines))
        assert any("File change detected: app.py" in line for line in again)
        # a new file is seen (its folder changed), and one the settings exclude is not
        (project / "generated" / "more.py").write_text(APP)
        (project / "jobs.py").write_text(APP)
        added = watched.wait_until(lambda lines: any("jobs.py:4:1: ZDR001" in line for line in lines))
        assert not any("generated" in line and "ZDR" in line for line in added)
        # the settings file is watched too: ignoring ZDR001 takes effect
        (project / "pyproject.toml").write_text('[tool.zdr-lint]\nextend-exclude = ["generated"]\nignore = ["ZDR001"]\n')

        def only_zdr003(lines: list) -> bool:
            findings = [line for line in lines if re.search(r": ZDR\d+ ", line)]
            return bool(findings) and all(" ZDR003 " in line for line in findings)

        watched.wait_until(only_zdr003)
    finally:
        code = watched.stop()
    assert code == 0


def test_watch_follows_each_sub_projects_own_settings(project: Path) -> None:
    """`--watch` watches what `check` checks: a sub-project's files under its own settings (its
    excludes), and its settings file: an edit there takes effect without a restart."""
    sub = project / "service"
    (sub / "vendor").mkdir(parents=True)
    (sub / "pyproject.toml").write_text('[tool.zdr-lint]\nextend-exclude = ["vendor"]\n')
    (sub / "api.py").write_text(APP)
    (sub / "vendor" / "lib.py").write_text(APP)  # excluded by the sub-project: no finding, ever
    watched = Watched(project, "--no-cache", "--output-format", "concise")  # no cache folder appearing: one change, one check
    try:
        first = watched.wait_for_run()
        assert any("service/api.py:4:1: ZDR001" in line for line in first)
        assert not any("vendor" in line and "ZDR" in line for line in first)
        time.sleep(0.1)
        (sub / "pyproject.toml").write_text('[tool.zdr-lint]\nextend-exclude = ["vendor"]\nignore = ["ZDR001"]\n')
        def root_only(lines: list) -> bool:
            findings = [line for line in lines if re.search(r": ZDR\d+ ", line)]
            return any(line.startswith("app.py:4:1: ZDR001") for line in findings) and not any("service/" in line for line in findings)

        later = watched.wait_until(root_only)
        assert any("File change detected:" in line and "pyproject.toml" in line for line in later)
        assert not any("vendor" in line and "ZDR" in line for line in later)
    finally:
        code = watched.stop()
    assert code == 0


def test_watch_of_a_file_ignores_what_happens_around_its_folder(tmp_path: Path) -> None:
    """Watching `proj/app.py` watches that file and its folder, not the folders above it (their
    times change whenever anything is created beside them)."""
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "app.py").write_text(APP)
    watched = Watched(tmp_path, "--isolated", "--output-format", "concise", "proj/app.py")
    try:
        watched.wait_for_run()
        (tmp_path / "notes.txt").write_text("unrelated\n")
        (tmp_path / "other").mkdir()
        time.sleep(2)
        assert watched.lines.empty(), list(watched.lines.queue)
        (tmp_path / "proj" / "app.py").write_text(APP + "client.messages.batches.create(requests=[])\n")
        watched.wait_until(lambda lines: any("proj/app.py:5:1: ZDR003" in line for line in lines))
    finally:
        code = watched.stop()
    assert code == 0


def test_watch_clears_the_screen_on_a_terminal(project: Path) -> None:
    leader, follower = pty.openpty()
    watched = Watched(project, stdout=follower)
    os.close(follower)
    try:
        watched.wait_for(r"Watching for file changes")
        data = b""
        while select.select([leader], [], [], 1)[0]:
            data += os.read(leader, 65536)
        assert data.startswith(b"\x1b[H\x1b[2J\x1b[3J") and b"ZDR001" in data
    finally:
        code = watched.stop()
        os.close(leader)
    assert code == 0


def test_watch_refuses_stdin(project: Path) -> None:
    result = run_zdr("check", "--watch", "-", stdin=b"", cwd=project)
    assert result.returncode == 2 and b"--watch" in result.stderr
