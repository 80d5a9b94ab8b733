"""The CLI as a user runs it: the installed `zdr-lint` command in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, run_zdr

# ruff's JSON output shape, plus zdr-lint's category / confidence / severity / cell.
JSON_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "message", "filename", "location", "end_location", "fix", "noqa_row", "url", "category", "confidence"],
        "properties": {
            "code": {"type": "string", "pattern": "^ZDR[0-9]{3}$"},
            "message": {"type": "string", "minLength": 10},
            "filename": {"type": "string"},
            "location": {"$ref": "#/$defs/loc"},
            "end_location": {"$ref": "#/$defs/loc"},
            "fix": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/fix"}]},
            "noqa_row": {"type": "integer", "minimum": 1},
            "url": {"type": "string", "pattern": "^https://"},
            "category": {"type": "string"},
            "confidence": {"enum": ["high", "medium"]},
            "severity": {"enum": ["error", "warning", "info"]},
            "cell": {"type": ["integer", "null"]},
            "profile": {"enum": ["zdr", "hipaa", None]},
            "policy": {
                "oneOf": [
                    {"type": "null"},
                    {"type": "object", "required": ["topic", "position"], "additionalProperties": False,
                     "properties": {"topic": {"type": "string"}, "position": {"enum": ["scope", "docs"]}}},
                ]
            },
        },
    },
    "$defs": {
        # ruff's fix: applicability, the edits (content and 1-based locations), a title
        "fix": {
            "type": "object",
            "required": ["applicability", "edits", "message"],
            "additionalProperties": False,
            "properties": {
                "applicability": {"enum": ["safe", "unsafe"]},
                "message": {"type": "string", "minLength": 5},
                "edits": {
                    "type": "array", "minItems": 1,
                    "items": {
                        "type": "object", "required": ["content", "location", "end_location"], "additionalProperties": False,
                        "properties": {"content": {"type": "string"}, "location": {"$ref": "#/$defs/loc"}, "end_location": {"$ref": "#/$defs/loc"}},
                    },
                },
            },
        },
        "loc": {
            "type": "object",
            "required": ["row", "column"],
            "properties": {"row": {"type": "integer", "minimum": 1}, "column": {"type": "integer", "minimum": 1}},
        }
    },
}

APP = """\
import anthropic

client = anthropic.Anthropic()
client.files.upload(file=open("a.pdf", "rb"))
client.messages.create(
    model="claude-sonnet-4-5",
    max_tokens=10,
    messages=[],
    cache_control={"type": "ephemeral"},
)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "clean.py").write_text("import anthropic\nanthropic.Anthropic().messages.create(model='m', max_tokens=1, messages=[])\n")
    return tmp_path


def test_version():
    result = run_zdr("--version")
    assert result.returncode == 0
    assert result.stdout.decode().startswith("zdr-lint ")


def test_module_entry_point_works_too():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "zdr_lint", "--version"], capture_output=True)
    assert result.returncode == 0 and b"zdr-lint" in result.stdout


def test_readme_example_prints_real_findings():
    result = run_zdr("check", "--isolated", "examples/", cwd=REPO)
    out = result.stdout.decode()
    assert result.returncode == 1
    for code in ("ZDR001", "ZDR002", "ZDR003", "ZDR004", "ZDR005", "ZDR007", "ZDR011"):
        assert code in out


def test_readme_sample_output_is_what_the_command_prints():
    """The README's sample is the real output of its command, run where the README says."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ (zdr-lint check --output-format grouped examples/)\n(.*?)```", readme, re.S)
    assert block, "the README's sample block is gone"
    result = run_zdr(*block.group(1).split()[1:], cwd=REPO)
    assert result.returncode == 1
    assert result.stdout.decode() == block.group(2), "update the README's sample: run the command in the repository root"


def test_check_reports_findings_and_exit_1(project):
    result = run_zdr("check", "--isolated", ".", cwd=project)
    out = result.stdout.decode()
    assert result.returncode == 1
    assert "app.py:4:1: ZDR001 Files API upload: uploaded files are kept until deleted" in out
    assert "app.py:9:5: ZDR002 prompt caching (cache_control=)" in out
    assert "clean.py" not in out
    assert "Found 2 findings in 1 file." in out


def test_clean_tree_exits_0(project):
    result = run_zdr("check", "--isolated", "clean.py", cwd=project)
    assert result.returncode == 0
    assert "All checks passed!" in result.stdout.decode()


def test_json_output_matches_ruffs_schema(project):
    result = run_zdr("check", "--isolated", "--output-format", "json", ".", cwd=project)
    data = json.loads(result.stdout)
    jsonschema.validate(data, JSON_SCHEMA)
    assert [(d["code"], d["location"]["row"], d["location"]["column"]) for d in data] == [("ZDR001", 4, 1), ("ZDR002", 9, 5)]
    assert data[0]["end_location"] == {"row": 4, "column": 46}
    assert data[0]["filename"] == str(project / "app.py")
    # the cache_control keyword can be dropped, as an unsafe fix: the whole line goes
    assert data[0]["fix"] is None
    assert data[1]["fix"] == {
        "applicability": "unsafe",
        "edits": [{"content": "", "location": {"row": 9, "column": 1}, "end_location": {"row": 10, "column": 1}}],
        "message": data[1]["fix"]["message"],
    }
    assert (data[1]["profile"], data[1]["policy"]) == ("zdr", {"topic": "caching", "position": "scope"})


def test_exit_zero(project):
    assert run_zdr("check", "--isolated", "--exit-zero", ".", cwd=project).returncode == 0


def test_select_ignore_by_code_prefix_and_name(project):
    def codes(*flags):
        out = run_zdr("check", "--isolated", "--output-format", "json", *flags, ".", cwd=project).stdout
        return sorted({d["code"] for d in json.loads(out)})

    assert codes("--select", "ZDR001") == ["ZDR001"]
    assert codes("--select", "files-api") == ["ZDR001"]
    assert codes("--select", "ZDR00") == ["ZDR001", "ZDR002"]
    assert codes("--ignore", "prompt-caching") == ["ZDR001"]
    assert codes("--select", "ZDR001", "--extend-select", "ZDR002") == ["ZDR001", "ZDR002"]
    assert codes("--per-file-ignores", "app.py:ZDR001") == ["ZDR002"]


def test_unknown_rule_code_is_a_one_line_error_with_suggestion(project):
    result = run_zdr("check", "--isolated", "--select", "ZDR0001", ".", cwd=project)
    err = result.stderr.decode()
    assert result.returncode == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "unknown rule selector 'ZDR0001'" in err and "did you mean" in err


def test_settings_from_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.zdr-lint]\nignore = ["ZDR002"]\nextend-exclude = ["skip"]\n')
    (project / "skip").mkdir()
    (project / "skip" / "x.py").write_text(APP)
    result = run_zdr("check", ".", cwd=project)
    out = result.stdout.decode()
    assert "ZDR001" in out and "ZDR002" not in out and "skip" not in out
    # command-line flags override the file
    out = run_zdr("check", "--select", "ZDR002", ".", cwd=project).stdout.decode()
    assert "ZDR002" in out and "ZDR001" not in out


def test_excludes_match_names_below_the_paths_given_as_ruff_does(project):
    """A default exclude (`.venv`) and a glob (`gen_*.py`) drop what the walk finds; a directory
    given on the command line is walked even when its own path holds an excluded name."""
    (project / "pyproject.toml").write_text('[tool.zdr-lint]\nextend-exclude = ["gen_*.py"]\n')
    vendored = project / ".venv" / "lib"
    vendored.mkdir(parents=True)
    (vendored / "x.py").write_text(APP)
    (project / "gen_client.py").write_text(APP)
    out = run_zdr("check", "--output-format", "concise", ".", cwd=project).stdout.decode()
    assert ".venv" not in out and "gen_client" not in out and "app.py" in out
    out = run_zdr("check", "--output-format", "concise", ".venv/lib", cwd=project).stdout.decode()
    assert ".venv/lib/x.py" in out


def test_settings_from_zdr_lint_toml_and_config_flag(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("cfg") / "zdr-lint.toml"
    other.write_text('select = ["ZDR002"]\n')
    out = run_zdr("check", "--config", str(other), ".", cwd=project).stdout.decode()
    assert "ZDR002" in out and "ZDR001" not in out
    (project / "zdr-lint.toml").write_text('ignore = ["ZDR001"]\n')
    out = run_zdr("check", ".", cwd=project).stdout.decode()
    assert "ZDR002" in out and "ZDR001" not in out
    out = run_zdr("check", "--isolated", ".", cwd=project).stdout.decode()
    assert "ZDR001" in out


def test_unknown_setting_names_the_closest_key(project):
    (project / "pyproject.toml").write_text('[tool.zdr-lint]\nselcet = ["ZDR001"]\n')
    result = run_zdr("check", ".", cwd=project)
    err = result.stderr.decode()
    assert result.returncode == 2
    assert err == "zdr-lint: error: pyproject.toml: [tool.zdr-lint] selcet: unknown setting (did you mean 'select'?)\n"
    assert "Traceback" not in err


def test_broken_pyproject_is_a_one_line_error(project):
    (project / "pyproject.toml").write_text("[tool.zdr-lint\nselect = [\n")
    result = run_zdr("check", ".", cwd=project)
    err = result.stderr.decode()
    assert result.returncode == 2
    assert "pyproject.toml" in err and err.count("\n") == 1 and "Traceback" not in err


def test_stdin_with_filename(project):
    result = run_zdr("check", "--isolated", "-", "--stdin-filename", "svc/app.py", stdin=APP.encode(), cwd=project)
    out = result.stdout.decode()
    assert result.returncode == 1
    assert "svc/app.py:4:1: ZDR001" in out


def test_noqa_comments(project):
    (project / "app.py").write_text(
        APP.replace('open("a.pdf", "rb"))', 'open("a.pdf", "rb"))  # noqa: ZDR001')
    )
    out = run_zdr("check", "--isolated", "app.py", cwd=project).stdout.decode()
    assert "ZDR001" not in out and "ZDR002" in out
    (project / "app.py").write_text("# zdr-lint: noqa: ZDR002\n" + APP)
    out = run_zdr("check", "--isolated", "app.py", cwd=project).stdout.decode()
    assert "ZDR001" in out and "ZDR002" not in out
    (project / "app.py").write_text("# zdr-lint: noqa\n" + APP)
    assert run_zdr("check", "--isolated", "app.py", cwd=project).returncode == 0


def test_statistics(project):
    out = run_zdr("check", "--isolated", "--statistics", ".", cwd=project).stdout.decode()
    assert "1\tZDR001\tfiles-api" in out and "1\tZDR002\tprompt-caching" in out


def test_results_are_in_the_same_order_whatever_the_job_count(tmp_path):
    for i in range(20):
        (tmp_path / f"m{i:02}.py").write_text(APP)
    one = run_zdr("check", "--isolated", "-j", "1", "--output-format", "concise", ".", cwd=tmp_path).stdout
    two = run_zdr("check", "--isolated", "-j", "2", "--output-format", "concise", ".", cwd=tmp_path).stdout
    assert one == two and one.count(b"ZDR001") == 20


def test_gitignore_is_respected_by_default(project):
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / ".gitignore").write_text("generated/\n")
    (project / "generated").mkdir()
    (project / "generated" / "g.py").write_text(APP)
    out = run_zdr("check", "--isolated", ".", cwd=project).stdout.decode()
    assert "generated" not in out
    out = run_zdr("check", "--isolated", "--no-respect-gitignore", ".", cwd=project).stdout.decode()
    assert "generated" in out


def test_rule_command_prints_the_docs():
    result = run_zdr("rule", "ZDR001")
    out = result.stdout.decode()
    assert result.returncode == 0
    for section in ("# files-api (ZDR001)", "## What it does", "## Which ZDR exception", "## Example", "## Use instead", "## References"):
        assert section in out
    assert run_zdr("rule", "files-api").stdout == result.stdout
    data = json.loads(run_zdr("rule", "ZDR007", "--output-format", "json").stdout)
    assert data["name"] == "web-search" and "third-party" in data["explanation"]
    everything = run_zdr("rule", "--all").stdout.decode()
    assert all(f"(ZDR{n:03})" in everything for n in range(0, 13))


def test_rule_command_unknown_code():
    result = run_zdr("rule", "ZDR999")
    assert result.returncode == 2 and "unknown rule 'ZDR999'" in result.stderr.decode()


def test_rules_listing():
    out = run_zdr("rules").stdout.decode()
    assert all(f"ZDR{n:03}" in out for n in range(0, 13))
    data = json.loads(run_zdr("rules", "--output-format", "json").stdout)
    assert {r["code"] for r in data} >= {f"ZDR{n:03}" for n in range(0, 13)}


def test_a_closed_pipe_is_not_a_traceback(tmp_path):
    import subprocess

    from conftest import ZDR_LINT

    for i in range(30):
        (tmp_path / f"m{i:02}.py").write_text(APP)
    result = subprocess.run(f"'{ZDR_LINT}' check --isolated -j1 . | head -c 10", shell=True, cwd=tmp_path, capture_output=True)
    assert len(result.stdout) == 10
    assert b"Traceback" not in result.stderr and b"BrokenPipe" not in result.stderr


def test_without_worker_processes_the_run_goes_on_in_one_process(project, monkeypatch, capsys):
    """Some containers cannot start worker processes (no /dev/shm): one warning line, the same
    findings, no traceback."""
    from zdr_lint import runner
    from zdr_lint.config import Settings
    from zdr_lint.engine import Linter

    for n in range(12):
        (project / f"m{n}.py").write_text(APP)
    paths = sorted(str(p) for p in project.glob("*.py"))
    serial = runner.lint_paths(Linter(Settings(project_root=project)), paths, jobs=1)

    def no_pool(*args, **kwargs):
        raise PermissionError(13, "Permission denied: '/dev/shm'")

    monkeypatch.setattr(runner, "_pool", no_pool)
    monkeypatch.setattr(runner, "_warned_no_pool", False)
    monkeypatch.setattr(runner, "PARALLEL_SCAN_THRESHOLD", 2)
    parallel = runner.lint_paths(Linter(Settings(project_root=project)), paths, jobs=2)
    assert [f.sort_key for f in parallel] == [f.sort_key for f in serial] and len(serial) >= 24
    err = capsys.readouterr().err
    assert err.count("no worker processes") == 1 and "Traceback" not in err
