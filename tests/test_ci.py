"""The GitHub Action (action.yml), the example workflow (docs/ci/github-code-scanning.yml) and the
GitLab job (docs/ci/gitlab-ci.yml): they parse, the workflow names only inputs the action declares,
and the commands they run work.

The action's steps run here as the runner runs a composite action's `shell: bash` steps (`bash
--noprofile --norc -eo pipefail`), with the runner's expressions (`${{ inputs.paths }}`, ...)
filled in and $GITHUB_OUTPUT / $RUNNER_TEMP set; an expression this test does not know fails it.
The install step builds zdr-lint from this checkout into a new virtual environment, offline: pip
finds the runtime dependencies on PYTHONPATH and a recent setuptools there, where on a runner it
downloads them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, ZDR_LINT, dependency_site, setuptools_site

yaml = pytest.importorskip("yaml")
pytest.importorskip("virtualenv")
pytest.importorskip("packaging")

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
WORKFLOW = yaml.safe_load((REPO / "docs" / "ci" / "github-code-scanning.yml").read_text(encoding="utf-8"))
GITLAB = yaml.safe_load((REPO / "docs" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8"))
SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-2.1.0.json"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

APP = "import anthropic\n\nclient = anthropic.Anthropic()\nclient.files.upload(file=open('a.pdf', 'rb'))\n"
BATCH = "import anthropic\n\nanthropic.Anthropic().messages.batches.create(requests=[])\n"


def expand(text: str, context: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("steps.") and ".outputs." in name:
            return context.get(name, "")  # an output a step did not set is empty, as on the runner
        assert name in context, f"action.yml uses ${{{{ {name} }}}}, which this test does not provide"
        return context[name]

    return EXPRESSION.sub(value, str(text))


def zdr_lint_step(workflow: dict) -> dict:
    steps = workflow["jobs"]["zdr-lint"]["steps"]
    return next(step for step in steps if str(step.get("uses", "")).startswith("zdr-lint/zdr-lint@"))


def action_checkout(dest: Path) -> Path:
    """This working tree as the runner checks the action out (the files git does not ignore), so
    the build's byproducts land in the copy, not here."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True, timeout=60).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, dest / name)
    return dest


class Runner:
    """Runs the action's steps one after another, as a composite action runs."""

    def __init__(self, tmp: Path, env: dict, workspace: Path, action_path: Path = REPO) -> None:
        self.tmp, self.env, self.workspace = tmp, env, workspace
        self.context: dict = {"github.action_path": str(action_path)}

    def run_step(self, step: dict, inputs: dict) -> subprocess.CompletedProcess:
        assert step.get("shell") == "bash" and "run" in step
        context = dict(self.context)
        context.update({f"inputs.{name}": str(inputs[name]) for name in inputs})
        output = self.tmp / f"github-output-{step['id']}"
        output.write_text("")
        env = dict(self.env, GITHUB_OUTPUT=str(output), RUNNER_TEMP=str(self.tmp), GITHUB_WORKSPACE=str(self.workspace))
        env.update({key: expand(value, context) for key, value in (step.get("env") or {}).items()})
        cwd = self.workspace / expand(step.get("working-directory", "."), context)
        script = self.tmp / f"step-{step['id']}.sh"
        script.write_text(step["run"])
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env,
                                capture_output=True, text=True, timeout=900)
        for line in output.read_text().splitlines():
            key, _, value = line.partition("=")
            self.context[f"steps.{step['id']}.outputs.{key}"] = value
        return result

    def outputs(self) -> dict:
        return {name: expand(spec["value"], self.context) for name, spec in ACTION["outputs"].items()}


def inputs_with(given: dict) -> dict:
    declared = ACTION["inputs"]
    unknown = set(given) - set(declared)
    assert not unknown, f"not inputs of the action: {unknown}"
    values = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    values.update({k: str(v) for k, v in given.items()})
    return values


@pytest.fixture(scope="module")
def runner_env(tmp_path_factory) -> dict:
    """The job's environment: `python3` is this interpreter's base Python (so the dependencies on
    PYTHONPATH match its ABI), pip has no index."""
    base = tmp_path_factory.mktemp("runner")
    bin_dir = base / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(os.path.realpath(sys.executable))
    pythonpath = os.pathsep.join([str(dependency_site(base / "deps")), str(setuptools_site(base / "setuptools"))])
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON", "GITHUB_", "NO_COLOR"))}
    environ.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONPATH=pythonpath, HOME=str(base),
        PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0", PIP_NO_CACHE_DIR="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return environ


@pytest.fixture(scope="module")
def installed(tmp_path_factory, runner_env: dict) -> dict:
    """The action's install step, once: the context the check step then runs in."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and this repository's checkout to copy the action from")
    tmp = tmp_path_factory.mktemp("install")
    runner = Runner(tmp, runner_env, tmp, action_checkout(tmp_path_factory.mktemp("action")))
    (install,) = [s for s in ACTION["runs"]["steps"] if s["id"] == "install"]
    result = runner.run_step(install, inputs_with({}))
    assert result.returncode == 0, result.stdout + result.stderr
    executable = runner.context["steps.install.outputs.zdr-lint"]
    assert Path(executable).is_file() and str(tmp) in executable
    return runner.context


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checked-out repository with findings in two files."""
    repo = tmp_path / "checkout"
    (repo / ".git").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[tool.zdr-lint]\n")
    (repo / "app.py").write_text(APP)
    (repo / "jobs").mkdir()
    (repo / "jobs" / "nightly.py").write_text(BATCH)
    return repo


def run_action(installed: dict, runner_env: dict, workspace: Path, given: dict) -> tuple:
    runner = Runner(workspace.parent, runner_env, workspace)
    runner.context.update(installed)
    (check,) = [s for s in ACTION["runs"]["steps"] if s["id"] == "check"]
    result = runner.run_step(check, inputs_with(given))
    return result, runner.outputs()


# --- the files ----------------------------------------------------------------------------------------
def test_the_action_is_a_composite_action_installing_from_its_own_checkout() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {"paths", "args", "output-format", "sarif-file", "fail-on"}
    assert all(spec.get("description") for spec in ACTION["inputs"].values())
    install = ACTION["runs"]["steps"][0]
    assert "${{ github.action_path }}" in str(install["env"].values()) and '"$ACTION_PATH"' in install["run"]
    for step in ACTION["runs"]["steps"]:  # inputs reach the scripts through env, never pasted into the shell
        assert not EXPRESSION.search(step["run"]), step["name"]


def test_the_workflow_names_only_inputs_the_action_declares() -> None:
    step = zdr_lint_step(WORKFLOW)
    assert set(step["with"]) <= set(ACTION["inputs"])
    permissions = WORKFLOW["permissions"]
    assert permissions["security-events"] == "write" and permissions["contents"] == "read"
    steps = WORKFLOW["jobs"]["zdr-lint"]["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert steps.index(upload) > steps.index(step)
    assert upload["if"] == "always()"  # uploaded when the check fails too
    assert upload["with"]["sarif_file"] == step["with"]["sarif-file"]


def test_the_gitlab_job_keeps_a_code_quality_report() -> None:
    job = GITLAB["zdr-lint"]
    command = next(line for line in job["script"] if line.startswith("zdr-lint "))
    report = job["artifacts"]["reports"]["codequality"]
    assert job["artifacts"]["when"] == "always"
    assert "--output-format gitlab" in command and f"--output-file {report}" in command


# --- the commands they run ------------------------------------------------------------------------------
def test_the_workflows_step_writes_sarif_and_fails_on_findings(installed: dict, runner_env: dict, workspace: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    step = zdr_lint_step(WORKFLOW)
    result, outputs = run_action(installed, runner_env, workspace, step["with"])
    assert result.returncode == 1, result.stderr
    assert outputs == {"exit-code": "1", "sarif-file": step["with"]["sarif-file"]}
    assert "app.py:4:1: ZDR001" in result.stdout  # the log keeps the human output
    sarif = json.loads((workspace / step["with"]["sarif-file"]).read_text(encoding="utf-8"))
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"])
    assert uris == ["app.py", "jobs/nightly.py"]


def test_github_annotations_by_default(installed: dict, runner_env: dict, workspace: Path) -> None:
    result, outputs = run_action(installed, runner_env, workspace, {"paths": ". ../app.py", "working-directory": "jobs"})
    assert result.returncode == 1 and outputs["exit-code"] == "1"
    lines = result.stdout.splitlines()
    assert any(line.startswith("::error title=zdr-lint (ZDR003),file=jobs/nightly.py,line=3,") for line in lines), lines
    assert any(",file=app.py,line=4," in line for line in lines)


def test_fail_on_never_reports_without_failing(installed: dict, runner_env: dict, workspace: Path) -> None:
    result, outputs = run_action(installed, runner_env, workspace, {"fail-on": "never", "args": "--select ZDR003"})
    assert result.returncode == 0 and outputs["exit-code"] == "0"
    assert "ZDR003" in result.stdout and "ZDR001" not in result.stdout
    (workspace / "pyproject.toml").write_text("[tool.zdr-lint\n")  # a problem still fails
    broken, _ = run_action(installed, runner_env, workspace, {"fail-on": "never"})
    assert broken.returncode == 2 and "pyproject.toml" in broken.stderr


def test_fail_on_a_severity(installed: dict, runner_env: dict, workspace: Path) -> None:
    # the policy "docs" leaves structured outputs as warnings: `fail-on: error` passes, `warning` fails
    (workspace / "schema.py").write_text(
        "import anthropic\nanthropic.Anthropic().messages.create(model='m', max_tokens=1, messages=[], output_config={'format': {'type': 'json_schema'}})\n"
    )
    given = {"paths": "schema.py", "args": "--policy docs"}
    passed, outputs = run_action(installed, runner_env, workspace, dict(given, **{"fail-on": "error"}))
    assert passed.returncode == 0 and outputs["exit-code"] == "0" and "ZDR004" in passed.stdout
    failed, _ = run_action(installed, runner_env, workspace, dict(given, **{"fail-on": "warning"}))
    assert failed.returncode == 1


def test_fail_on_values_that_do_not_exist_are_refused(installed: dict, runner_env: dict, workspace: Path) -> None:
    result, _ = run_action(installed, runner_env, workspace, {"fail-on": "critical"})
    assert result.returncode == 2 and "::error title=zdr-lint::fail-on must be 'findings', 'error', 'warning', 'info' or 'never'" in result.stdout


def test_the_gitlab_jobs_command_writes_the_report(workspace: Path) -> None:
    job = GITLAB["zdr-lint"]
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_WORKSPACE",)}
    env["CI_PROJECT_DIR"] = str(workspace)
    for line in job["script"]:
        if not line.startswith("zdr-lint "):
            continue  # the pip install line: the install is what the action test exercises
        argv = [ZDR_LINT, *line.split()[1:]]
        result = subprocess.run(argv, cwd=workspace, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 1, result.stderr
    report = json.loads((workspace / job["artifacts"]["reports"]["codequality"]).read_text(encoding="utf-8"))
    assert sorted(item["location"]["path"] for item in report) == ["app.py", "jobs/nightly.py"]
    for item in report:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(item)
        assert item["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert item["location"]["positions"]["begin"]["line"] >= 1

