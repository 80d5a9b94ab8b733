"""Third-party plugins through the `zdr_lint` entry-point group, installed for real.

The example plugin (tests/example_plugin) is pip-installed into a temporary virtual environment
that also sees this interpreter's packages (zdr-lint included) through a `.pth` file; nothing is
installed into the interpreter running the tests, and pip never reaches an index.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE / "example_plugin"
BROKEN = EXAMPLE / "broken"

HAS_VIRTUALENV = importlib.util.find_spec("virtualenv") is not None  # pre-commit's dependency
pytestmark = [
    pytest.mark.skipif(
        not HAS_VIRTUALENV and importlib.util.find_spec("wheel") is None,
        reason="building the example offline needs virtualenv (it seeds a recent setuptools) or wheel",
    ),
    pytest.mark.plugins,
]

APP = """\
import anthropic
from acme_llm import make_client

client = anthropic.Anthropic()
client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[])
client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=64, messages=[])
make_client().files.list()
"""


def make_venv(root: Path, *packages: Path) -> Path:
    if HAS_VIRTUALENV:  # seeds pip and setuptools from its own wheels, offline
        create = [sys.executable, "-m", "virtualenv", "--no-download", "--no-periodic-update", "-q", str(root)]
    else:
        create = [sys.executable, "-m", "venv", str(root)]
    subprocess.run(create, check=True, capture_output=True, timeout=300)
    python = root / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    # addsitedir also runs the .pth files there (the editable install of zdr-lint among them)
    lines = "".join(f"import site; site.addsitedir({path!r})\n" for path in sorted(ours))
    (Path(purelib) / "_outer_site.pth").write_text(lines)
    for package in packages:
        # build from a copy, so setuptools leaves no build/ or egg-info in the source tree
        package = Path(shutil.copytree(package, root.parent / f"src-{package.name}", ignore=shutil.ignore_patterns("broken")))
        result = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
             "--disable-pip-version-check", str(package)],
            capture_output=True, text=True, timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return python


def zdr(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-m", "zdr_lint", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "app.py").write_text(APP)
    return root


@pytest.fixture(scope="module")
def with_example(tmp_path_factory) -> Path:
    return make_venv(tmp_path_factory.mktemp("venv") / "example", EXAMPLE)


@pytest.fixture(scope="module")
def with_broken(tmp_path_factory) -> Path:
    return make_venv(tmp_path_factory.mktemp("venv") / "broken", EXAMPLE, BROKEN)


def test_plugin_rule_is_listed_and_explained(with_example: Path, project: Path) -> None:
    rules = zdr(with_example, "rules", cwd=project)
    assert rules.returncode == 0 and rules.stderr == ""
    assert any(line.startswith("ACME001  unpinned-model") for line in rules.stdout.splitlines())
    assert "ZDR001" in rules.stdout  # the built-ins are still there
    assert zdr(with_example, "rule", "unpinned-model", cwd=project).stdout.startswith("# unpinned-model (ACME001)")


def test_plugin_rule_format_and_client_factory_work_in_check(with_example: Path, project: Path) -> None:
    check = zdr(with_example, "check", "--output-format", "concise", "-q", cwd=project)
    assert check.returncode == 1, check.stderr
    assert check.stderr == ""
    lines = check.stdout.splitlines()
    assert [line.split(" ")[:2] for line in lines] == [
        ["app.py:5:24:", "ACME001"],  # the alias; the dated snapshot on line 6 passes
        ["app.py:7:1:", "ZDR001"],  # through the plugin's client factory
    ]
    counted = zdr(with_example, "check", "--output-format", "acme-count", cwd=project)
    assert counted.stdout == "ACME001 1\nZDR001 1\n"
    selected = zdr(with_example, "check", "--output-format", "json", "--select", "unpinned-model", cwd=project)
    assert [f["code"] for f in json.loads(selected.stdout)] == ["ACME001"]
    sarif = json.loads(zdr(with_example, "check", "--output-format", "sarif", cwd=project).stdout)
    assert "ACME001" in [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]


def test_plugins_can_be_switched_off(with_example: Path, project: Path, monkeypatch) -> None:
    """`ZDR_LINT_NO_PLUGINS=1` and `--isolated` run with the built-in rules only."""
    monkeypatch.setenv("ZDR_LINT_NO_PLUGINS", "1")
    off = zdr(with_example, "check", "--output-format", "concise", "-q", cwd=project)
    assert "ACME001" not in off.stdout and off.stderr == ""
    assert "ACME001" not in zdr(with_example, "rules", cwd=project).stdout
    monkeypatch.delenv("ZDR_LINT_NO_PLUGINS")
    isolated = zdr(with_example, "check", "--isolated", "--output-format", "concise", "-q", cwd=project)
    assert "ACME001" not in isolated.stdout and "ZDR001" not in isolated.stdout  # nor its client factory
    assert "ACME001" in zdr(with_example, "check", "--output-format", "concise", "-q", cwd=project).stdout


def test_without_the_plugin_its_rule_is_unknown(project: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "zdr_lint", "rules"], cwd=project, capture_output=True, text=True)
    assert "ACME001" not in result.stdout


def test_broken_plugins_are_named_in_one_line_and_the_run_goes_on(with_broken: Path, project: Path) -> None:
    check = zdr(with_broken, "check", "--output-format", "concise", "-q", cwd=project)
    errors = check.stderr.splitlines()
    assert len(errors) == 1, check.stderr
    assert "broken_import" in errors[0] and "zdr_lint_broken.fails_on_import" in errors[0]
    assert "RuntimeError: this plugin is broken on purpose" in errors[0]
    assert check.returncode == 2  # a plugin failed: not a clean run, yet everything was checked
    codes = [line.split(" ")[:2] for line in check.stdout.splitlines()]
    assert ["app.py:5:24:", "ACME001"] in codes and ["app.py:7:1:", "ZDR001"] in codes
    crashed = [line for line in check.stdout.splitlines() if "BRK001" in line]
    assert len(crashed) == 1 and " ZDR000 " in crashed[0] and "ValueError: boom while checking" in crashed[0]
    rules = zdr(with_broken, "rules", cwd=project)
    assert "BRK001" in rules.stdout and "ACME001" in rules.stdout


@pytest.mark.parametrize("command", [("rules",), ("rules", "--output-format", "json"), ("rule", "ACME001"), ("rule", "--all")])
def test_rules_and_rule_report_a_plugin_that_fails_to_import(with_broken: Path, project: Path, command: tuple) -> None:
    """As `check`: one line on stderr naming the plugin, the listing still printed, exit code 2."""
    result = zdr(with_broken, *command, cwd=project)
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and "broken_import" in errors[0] and "failed to load" in errors[0], result.stderr
    assert result.returncode == 2
    assert "ACME001" in result.stdout and "Traceback" not in result.stderr


def test_a_plugin_rule_links_to_its_own_docs(with_example: Path, with_broken: Path, project: Path) -> None:
    found = json.loads(zdr(with_example, "check", "--output-format", "json", cwd=project).stdout)
    acme = next(f for f in found if f["code"] == "ACME001")
    assert acme["url"] == "https://lint.acme.example/rules/ACME001.html"
    sarif = json.loads(zdr(with_example, "check", "--output-format", "sarif", cwd=project).stdout)
    descriptor = next(r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "ACME001")
    assert descriptor["helpUri"] == acme["url"]
    assert "docs: https://lint.acme.example/rules/ACME001.html" in zdr(with_example, "check", cwd=project).stdout
    # a plugin rule without `docs_url` has no link, rather than one to a page of zdr-lint's that does not exist
    listed = json.loads(zdr(with_broken, "rules", "--output-format", "json", cwd=project).stdout)
    assert next(r for r in listed if r["code"] == "BRK001")["url"] == ""
    assert all(r["url"].startswith("https://github.com/zdr-lint/zdr-lint/") for r in listed if r["code"].startswith("ZDR"))
