"""The pre-commit hook, run by the real `pre-commit try-repo` against this working tree.

try-repo reads a repository's commits (uncommitted changes to tracked files go in through a
temporary commit, untracked files do not), so the test first copies the working tree as it is
(every file git does not ignore) into a scratch repository and commits it there. try-repo builds
the hook's own virtualenv and `pip install`s zdr-lint into it, as a user's pre-commit does. Tests
never touch the network, so pip runs with no index: the project builds with the setuptools that
virtualenv seeds, and its runtime dependencies come from this interpreter's site-packages, offered
through PYTHONPATH (a folder holding only those distributions, so nothing else leaks in).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import dependency_site

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"

pytestmark = pytest.mark.skipif(
    not PRE_COMMIT.exists() or shutil.which("git") is None, reason="pre-commit and git are needed"
)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict:
    pytest.importorskip("packaging")
    base = tmp_path_factory.mktemp("precommit")
    # the hooks' environments hold zdr-lint and what a test installs, nothing else: no plugin switch
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PRE_COMMIT", "GIT_", "VIRTUALENV_", "ZDR_LINT_"))}
    environ.update(
        PRE_COMMIT_HOME=str(base / "cache"),
        PYTHONPATH=str(dependency_site(base / "deps")),
        PIP_NO_INDEX="1",
        PIP_NO_BUILD_ISOLATION="0",  # pip reads this as --no-build-isolation
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid",
        GIT_CONFIG_NOSYSTEM="1", HOME=str(base),
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    return environ


def git(repo: Path, *args: str, env: dict) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)


def working_tree_copy(dest: Path, env: dict) -> Path:
    """This working tree, committed as it is into a scratch repository."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True, timeout=60,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    git(dest, "init", "-q", env=env)
    git(dest, "add", "-A", env=env)
    git(dest, "commit", "-q", "-m", "working tree", env=env)
    return dest


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, env: dict) -> Path:
    if not (ROOT / ".git").exists():
        pytest.skip("needs this repository's git checkout to list its files")
    return working_tree_copy(tmp_path_factory.mktemp("zdr-lint-tree"), env)


def try_repo(repo: Path, env: dict, hook_repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(hook_repo), "zdr-lint", "--verbose", *args],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600,
    )


def test_hook_fails_on_a_staged_finding_and_passes_clean_files(tmp_path: Path, env: dict, hook_repo: Path) -> None:
    repo = tmp_path / "user-project"
    repo.mkdir()
    git(repo, "init", "-q", env=env)
    (repo / "pyproject.toml").write_text('[tool.zdr-lint]\nextend-exclude = ["vendor"]\n')
    (repo / "clean.py").write_text("import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='claude-sonnet-4-5', max_tokens=8, messages=[])\n")
    (repo / "vendor").mkdir()
    (repo / "vendor" / "third_party.py").write_text("import anthropic\nanthropic.Anthropic().files.list()\n")
    (repo / "README.md").write_text("files.list() is not Python\n")
    git(repo, "add", "pyproject.toml", "clean.py", "vendor/third_party.py", "README.md", env=env)

    # staged: a clean file and an excluded one (pre-commit passes it explicitly; --force-exclude drops it)
    passed = try_repo(repo, env, hook_repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "zdr-lint" in passed.stdout and "Passed" in passed.stdout

    (repo / "uploads.py").write_text("import anthropic\nclient = anthropic.Anthropic()\nclient.files.upload(file=open('a.pdf', 'rb'))\n")
    git(repo, "add", "uploads.py", env=env)
    failed = try_repo(repo, env, hook_repo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "uploads.py:3:1: ZDR001" in failed.stdout
    assert "third_party.py" not in failed.stdout and "clean.py:" not in failed.stdout


def readme_yaml_blocks() -> list:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, re.S)


def test_the_readme_local_hook_works_as_written(tmp_path: Path, env: dict) -> None:
    """The snippet a new user copies from the README, run as written by the real pre-commit."""
    local = [block for block in readme_yaml_blocks() if "repo: local" in block]
    assert len(local) == 1, "the README must hold one `repo: local` pre-commit snippet"
    repo = tmp_path / "user-project"
    repo.mkdir()
    git(repo, "init", "-q", env=env)
    (repo / ".pre-commit-config.yaml").write_text(local[0])
    (repo / "clean.py").write_text("import anthropic\nanthropic.Anthropic().messages.create(model='m', max_tokens=8, messages=[])\n")
    git(repo, "add", ".pre-commit-config.yaml", "clean.py", env=env)
    run = [str(PRE_COMMIT), "run", "--verbose"]
    passed = subprocess.run(run, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert passed.returncode == 0 and "Passed" in passed.stdout, passed.stdout + passed.stderr
    (repo / "batch.py").write_text("import anthropic\nanthropic.Anthropic().messages.batches.list()\n")
    git(repo, "add", "batch.py", env=env)
    failed = subprocess.run(run, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert failed.returncode == 1 and "batch.py:2:1: ZDR003" in failed.stdout, failed.stdout + failed.stderr


def test_the_readme_pinned_hook_works_with_a_clone_and_a_commit(tmp_path: Path, env: dict, hook_repo: Path) -> None:
    """The README's second snippet, with its two placeholders filled as it says: the path of a
    clone and a commit of it."""
    pinned = [block for block in readme_yaml_blocks() if "rev:" in block and "repo: local" not in block]
    assert len(pinned) == 1
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, env=env, capture_output=True, text=True, check=True).stdout.strip()
    config = re.sub(r"repo: \S+", f"repo: {hook_repo}", pinned[0], count=1)
    config = re.sub(r"rev: [0-9a-f]{40}", f"rev: {commit}", config, count=1)
    assert str(hook_repo) in config and commit in config
    repo = tmp_path / "user-project"
    repo.mkdir()
    git(repo, "init", "-q", env=env)
    (repo / ".pre-commit-config.yaml").write_text(config)
    (repo / "batch.py").write_text("import anthropic\nanthropic.Anthropic().messages.batches.list()\n")
    git(repo, "add", ".pre-commit-config.yaml", "batch.py", env=env)
    failed = subprocess.run([str(PRE_COMMIT), "run"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert failed.returncode == 1 and "batch.py:2:1: ZDR003" in failed.stdout, failed.stdout + failed.stderr


def test_hook_sees_the_whole_project_when_one_file_is_staged(tmp_path: Path, env: dict, hook_repo: Path) -> None:
    """pre-commit passes only the staged file; its client is made in a module that is not staged."""
    repo = tmp_path / "user-project"
    (repo / "app").mkdir(parents=True)
    git(repo, "init", "-q", env=env)
    (repo / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "llm.py").write_text("import anthropic\nclient = anthropic.Anthropic()\n")
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", "client", env=env)
    (repo / "app" / "service.py").write_text(
        "from app.llm import client\n\n"
        "def nightly(requests):\n"
        "    client.messages.batches.create(requests=requests)\n"
        "    client.files.upload(file=open('a.pdf', 'rb'))\n"
    )
    git(repo, "add", "app/service.py", env=env)
    failed = try_repo(repo, env, hook_repo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "app/service.py:4:5: ZDR003" in failed.stdout and "app/service.py:5:5: ZDR001" in failed.stdout


@pytest.mark.plugins
def test_plugins_come_in_through_additional_dependencies(tmp_path: Path, env: dict, hook_repo: Path) -> None:
    """A user's .pre-commit-config.yaml naming a plugin in `additional_dependencies` (as
    docs/plugins.md shows): pre-commit installs it into the hook's environment beside zdr-lint, and
    its rule fires. The plugin is a local folder here (offline); a user names it by its package name."""
    plugin = Path(shutil.copytree(ROOT / "tests" / "example_plugin", tmp_path / "acme-plugin", ignore=shutil.ignore_patterns("broken", "build", "*.egg-info")))
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, env=env, capture_output=True, text=True, check=True).stdout.strip()
    repo = tmp_path / "user-project"
    repo.mkdir()
    git(repo, "init", "-q", env=env)
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_repo}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: zdr-lint\n"
        f"        additional_dependencies: [{str(plugin)!r}]\n"
    )
    (repo / "app.py").write_text("import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='claude-sonnet-4-5', max_tokens=8, messages=[])\n")
    git(repo, "add", ".pre-commit-config.yaml", "app.py", env=env)
    result = subprocess.run([str(PRE_COMMIT), "run", "--all-files", "--verbose"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "app.py:3:24: ACME001 model alias 'claude-sonnet-4-5'" in result.stdout
