"""One answer wherever it runs: a project whose client is made in one module and used in others,
checked from every folder, under every spelling of a path, through the CLI and flake8, with and
without the cache. (The pre-commit hook and the language server are checked on the same project in
test_precommit.py and test_lsp.py.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from conftest import run_zdr

BIN = Path(sys.executable).parent
FLAKE8 = str(BIN / "flake8")

PROJECT = {
    "pyproject.toml": "[project]\nname = 'shop'\n\n[tool.zdr-lint]\nextend-exclude = ['generated']\n",
    "src/shop/__init__.py": "",
    "src/shop/llm.py": (
        "import anthropic\n\n"
        "client = anthropic.Anthropic()\n\n\n"
        "def get_client() -> anthropic.Anthropic:\n    return client\n\n\n"
        "class Assistant:\n    def __init__(self):\n        self.api = anthropic.Anthropic()\n"
    ),
    "src/shop/service.py": (
        "from shop.llm import Assistant, client, get_client\n"
        "from . import llm\n\n\n"
        "def nightly(requests):\n"
        "    client.messages.batches.create(requests=requests)\n"
        "    get_client().files.upload(file=open('a.pdf', 'rb'))\n"
        "    llm.client.beta.models.list()\n"
        "    Assistant().api.skills.list()\n"
        "    return client.messages.create(model='m', max_tokens=8, messages=[], container='c_1')\n"
    ),
    "src/shop/clean.py": "from shop.llm import client\n\n\ndef ask(q):\n    return client.messages.create(model='m', max_tokens=8, messages=q)\n",
    # a PEP 420 namespace package: no __init__.py
    "tools/helpers.py": "import anthropic\nclient = anthropic.Anthropic()\n",
    "tools/report.py": "from tools.helpers import client\nclient.messages.batches.list()\n",
    # a sub-project with its own settings: its files follow them, from wherever they are checked
    "sub/pyproject.toml": "[tool.zdr-lint]\nignore = ['ZDR001']\n",
    "sub/batch.py": "import anthropic\nc = anthropic.Anthropic()\nc.files.list()\nc.messages.batches.list()\n",
    "generated/out.py": "import anthropic\nanthropic.Anthropic().files.list()\n",
}
SERVICE = {(6, "ZDR003"), (7, "ZDR001"), (8, "ZDR005"), (9, "ZDR010"), (10, "ZDR010")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in PROJECT.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path


def findings(result) -> Counter:
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return Counter((os.path.realpath(f["filename"]), f["location"]["row"], f["code"]) for f in json.loads(result.stdout))


def check(cwd: Path, *args: str) -> Counter:
    return findings(run_zdr("check", "--output-format", "json", *args, cwd=cwd))


def of(found: Counter, project: Path, name: str) -> set:
    path = os.path.realpath(project / name)
    return {(line, code) for (p, line, code) in found if p == path}


def test_every_spelling_and_folder_gives_the_same_findings(project: Path) -> None:
    whole = check(project, ".")
    assert of(whole, project, "src/shop/service.py") == SERVICE
    assert of(whole, project, "tools/report.py") == {(2, "ZDR003")}
    assert of(whole, project, "sub/batch.py") == {(4, "ZDR003")}  # sub's own ignore applies from the root
    assert not of(whole, project, "src/shop/clean.py") and not of(whole, project, "generated/out.py")
    for cwd, spelling in [
        (project, "src/shop/service.py"),
        (project, str(project / "src/shop/service.py")),
        (project, "./src/shop/../shop/service.py"),
        (project / "src" / "shop", "."),
        (project / "src" / "shop", "service.py"),
        (project / "sub", "../src/shop/service.py"),
    ]:
        assert of(check(cwd, spelling), project, "src/shop/service.py") == SERVICE, (cwd, spelling)
    assert of(check(project / "tools", "report.py"), project, "tools/report.py") == {(2, "ZDR003")}
    assert of(check(project / "sub", "."), project, "sub/batch.py") == {(4, "ZDR003")}
    assert of(check(project, "sub/batch.py"), project, "sub/batch.py") == {(4, "ZDR003")}


def test_stdin_with_a_file_name_uses_the_project(project: Path) -> None:
    source = (project / "src/shop/service.py").read_bytes()
    result = run_zdr("check", "--output-format", "json", "-", "--stdin-filename", "src/shop/service.py", cwd=project, stdin=source)
    assert {(f["location"]["row"], f["code"]) for f in json.loads(result.stdout)} == SERVICE


@pytest.mark.skipif(not Path(FLAKE8).exists(), reason="flake8 is not installed next to the interpreter")
def test_flake8_on_one_file_reports_what_the_cli_reports(project: Path) -> None:
    for cwd, target in [(project, "src/shop/service.py"), (project / "sub", "batch.py")]:
        result = subprocess.run([FLAKE8, "--select", "ZDR", target], cwd=cwd, capture_output=True, text=True, timeout=300)
        assert "Traceback" not in result.stderr, result.stderr
        got = {(int(line.split(":")[1]), line.split(" ")[1]) for line in result.stdout.splitlines()}
        expected = SERVICE if target.endswith("service.py") else {(4, "ZDR003")}
        assert got == expected, result.stdout


def test_the_cache_is_made_where_ruff_makes_its_own(project: Path) -> None:
    check(project, ".")
    cache = project / ".zdr_lint_cache"
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    assert (cache / "CACHEDIR.TAG").read_bytes().startswith(b"Signature: 8a477f597d28d172789f06886806bc55")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project, capture_output=True, text=True).stdout
    assert ".zdr_lint_cache" not in status
    shutil.rmtree(cache)
    check(project, "--no-cache", ".")
    assert not cache.exists()
    elsewhere = project.parent / f"{project.name}-cache"
    result = run_zdr("check", ".", cwd=project, env={"ZDR_LINT_CACHE_DIR": str(elsewhere)})
    assert result.returncode == 1 and not cache.exists() and any(elsewhere.rglob("findings-*/*.json"))


# --- the cache, in process: what a run reads and parses -------------------------------------------------
class Counting:
    """Counts the reads of file contents, module summaries and lint passes of one run."""

    def __init__(self, monkeypatch) -> None:
        from zdr_lint import engine, project, runner

        self.reads: Counter = Counter()
        self.summaries: Counter = Counter()
        self.linted: Counter = Counter()
        self.resolved = 0  # rounds of the index's resolution
        real_read, real_summarize, real_lint = runner.read_file_bytes, project.summarize_source, engine.Linter.lint_file
        real_resolve = project.resolve
        counts = self

        def resolve(*args, **kwargs):
            counts.resolved += 1
            return real_resolve(*args, **kwargs)

        def read(path):
            counts.reads[os.path.basename(path)] += 1
            return real_read(path)

        def summarize(data, path, module, is_package):
            counts.summaries[os.path.basename(path)] += 1
            return real_summarize(data, path, module, is_package)

        def lint_file(self, path, **options):
            counts.linted[os.path.basename(path)] += 1
            return real_lint(self, path, **options)

        monkeypatch.setattr(runner, "read_file_bytes", read)
        monkeypatch.setattr(runner, "summarize_source", summarize)
        monkeypatch.setattr(engine.Linter, "lint_file", lint_file)
        monkeypatch.setattr(project, "resolve", resolve)

    def reset(self) -> None:
        self.reads.clear()
        self.summaries.clear()
        self.linted.clear()
        self.resolved = 0


def run_in_process(project: Path) -> Counter:
    from zdr_lint import cache
    from zdr_lint.config import SettingsResolver
    from zdr_lint.discovery import discover
    from zdr_lint.runner import RunOptions, check_files

    resolver = SettingsResolver(cwd=project)
    files = [d.path for d in discover([str(project)], resolver) if d.error is None]
    cache.RACY_NS = 0  # the test edits files within the same second as the runs
    return Counter((os.path.realpath(f.path), f.start.line, f.code) for f in check_files(files, resolver, RunOptions(jobs=1)))


def test_a_second_run_reads_nothing_unchanged_and_an_edit_rechecks_only_importers(project: Path, monkeypatch) -> None:
    counting = Counting(monkeypatch)
    cold = run_in_process(project)
    assert of(cold, project, "src/shop/service.py") == SERVICE and counting.linted
    counting.reset()
    warm = run_in_process(project)
    assert warm == cold
    assert not counting.reads and not counting.summaries and not counting.linted, (counting.reads, counting.summaries, counting.linted)
    assert counting.resolved == 0  # the index is the last run's: nothing it was made from changed

    # the client module changes what it exports: its importers are checked again, nothing else
    llm = project / "src/shop/llm.py"
    llm.write_text(llm.read_text().replace("client = anthropic.Anthropic()", "client = make_offline_stub()"))
    counting.reset()
    edited = run_in_process(project)
    assert set(counting.linted) <= {"llm.py", "service.py", "clean.py"} and "service.py" in counting.linted
    assert "report.py" not in counting.linted and "batch.py" not in counting.linted
    # `client` is no longer a client: `llm.client.beta.models.list()` is nothing now (line 6's
    # `messages.batches` path is still Anthropic's by its shape alone, at medium confidence)
    assert (8, "ZDR005") not in of(edited, project, "src/shop/service.py")
    assert (7, "ZDR001") in of(edited, project, "src/shop/service.py")  # get_client() is annotated: still one


def test_a_comment_edit_in_the_client_module_rechecks_only_that_module(project: Path, monkeypatch) -> None:
    counting = Counting(monkeypatch)
    run_in_process(project)
    service = project / "src/shop/service.py"
    service.write_text("# the shop's nightly jobs\n" + service.read_text())
    counting.reset()
    found = run_in_process(project)
    assert set(counting.reads) == {"service.py"} and set(counting.linted) == {"service.py"}
    assert counting.resolved == 0  # its facts (imports, module) are unchanged: the index is reused
    assert of(found, project, "src/shop/service.py") == {(line + 1, code) for line, code in SERVICE}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong shape", "folder unwritable"])
def test_a_damaged_cache_is_a_warning_and_a_cold_run(project: Path, damage: str) -> None:
    right = check(project, "--no-cache", ".")
    check(project, ".")
    files = sorted((project / ".zdr_lint_cache").rglob("*.json"))
    assert files
    for path in files:
        text = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"\x00\xff not json")
        elif damage == "truncated":
            path.write_bytes(text[: len(text) // 2])
        elif damage == "wrong shape":
            path.write_text('{"format": 1, "version": "0.1.0", "entries": [1, 2]}')
    if damage == "folder unwritable":
        for path in files:
            path.unlink()
        os.chmod(files[0].parent, 0o555)
    try:
        result = run_zdr("check", "--output-format", "json", ".", cwd=project)
    finally:
        os.chmod(files[0].parent, 0o755)
    assert findings(result) == right
    if damage != "folder unwritable" or os.geteuid() != 0:  # root writes into a read-only folder anyway
        assert b"zdr-lint: warning:" in result.stderr and b"cache" in result.stderr
    assert findings(run_zdr("check", "--output-format", "json", ".", cwd=project)) == right


def test_two_concurrent_runs_both_give_the_right_answer(project: Path) -> None:
    right = check(project, "--no-cache", ".")
    results: list = []

    def one() -> None:
        results.append(run_zdr("check", "--output-format", "json", ".", cwd=project))

    threads = [threading.Thread(target=one) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert len(results) == 3 and all(findings(r) == right for r in results)
    assert findings(run_zdr("check", "--output-format", "json", ".", cwd=project)) == right


def test_module_names_come_from_resolved_paths(project: Path) -> None:
    from zdr_lint.project import module_aliases, module_name_of

    assert module_name_of(str(project / "src/shop/service.py"), str(project)) == ("shop.service", False)
    assert module_name_of(str(project / "src/shop/__init__.py"), str(project)) == ("shop", True)
    assert module_name_of(str(project / "src/./shop/../shop/llm.py"), str(project)) == ("shop.llm", False)
    os.symlink(project / "src", project / "link")
    assert module_name_of(str(project / "link/shop/llm.py"), str(project)) == ("shop.llm", False)
    assert module_aliases(["fixtures.app.llm", "fixtures.other.llm", "fixtures.app.chat"]) == {
        "app.llm": "fixtures.app.llm", "other.llm": "fixtures.other.llm", "app.chat": "fixtures.app.chat", "chat": "fixtures.app.chat",
    }
