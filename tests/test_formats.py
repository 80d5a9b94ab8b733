"""Output formats, read back as their consumers read them (SARIF schema, XML parser, JSON)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

BIN = Path(sys.executable).parent
ZDR_LINT = str(BIN / "zdr-lint")
SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-2.1.0.json"

APP = """\
import anthropic

client = anthropic.Anthropic()


def upload(path):
    return client.files.upload(file=open(path, "rb"))


def run_batch(requests):
    return client.messages.batches.create(requests=requests)


def again():
    client.files.list()
    client.files.list()
"""
CONCISE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>ZDR\d+) ")


def zdr(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI_PROJECT_DIR"}  # gitlab paths follow it
    return subprocess.run([ZDR_LINT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.zdr-lint]\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "app.py").write_text(APP)
    return tmp_path


def concise(project: Path) -> list:
    out = zdr("check", "--output-format", "concise", "-q", cwd=project).stdout
    found = []
    for line in out.splitlines():
        m = CONCISE.match(line)
        if m:
            found.append((m["path"], int(m["line"]), int(m["col"]), m["code"]))
    assert found
    return found


def render(project: Path, fmt: str) -> str:
    result = zdr("check", "--output-format", fmt, cwd=project)
    assert result.returncode == 1, result.stderr  # findings
    assert result.stderr == ""
    return result.stdout


def test_every_format_is_offered(project: Path) -> None:
    result = zdr("check", "--output-format", "nope", cwd=project)
    assert result.returncode == 2
    for name in ("full", "concise", "grouped", "json", "json-lines", "junit", "github", "gitlab", "pylint", "sarif"):
        assert name in result.stderr


def test_sarif_validates_against_the_official_schema(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(render(project, "sarif"))
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert log["version"] == "2.1.0"


def test_sarif_has_what_github_code_scanning_needs(project: Path) -> None:
    log = json.loads(render(project, "sarif"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    listed = json.loads(zdr("rules", "--output-format", "json", cwd=project).stdout)
    assert [r["id"] for r in rules] == [r["code"] for r in listed]
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert len(rule["shortDescription"]["text"]) <= 1024 and len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["markdown"].startswith("## What it does")
        assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert run["originalUriBaseIds"]["PROJECTROOT"]["uri"] == project.resolve().as_uri() + "/"
    expected = concise(project)
    results = run["results"]
    assert len(results) == len(expected)
    for result, (path, line, col, code) in zip(results, expected):
        location = result["locations"][0]["physicalLocation"]
        assert result["ruleId"] == code and result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == code
        assert location["artifactLocation"] == {"uri": "pkg/app.py", "uriBaseId": "PROJECTROOT"}
        assert (location["region"]["startLine"], location["region"]["startColumn"]) == (line, col)
        assert re.fullmatch(r"[0-9a-f]{16}:\d+", result["partialFingerprints"]["primaryLocationLineHash"])


def _hashes(project: Path, fmt: str) -> list:
    data = json.loads(render(project, fmt))
    if fmt == "sarif":
        return [(r["ruleId"], r["partialFingerprints"]["primaryLocationLineHash"]) for r in data["runs"][0]["results"]]
    return [(item["check_name"], item["fingerprint"]) for item in data]


@pytest.mark.parametrize("fmt", ["sarif", "gitlab"])
def test_fingerprints_survive_edits_above_and_tell_repeats_apart(project: Path, fmt: str) -> None:
    before = _hashes(project, fmt)
    assert len({h for _, h in before}) == len(before), "each finding has its own fingerprint"
    app = project / "pkg" / "app.py"
    app.write_text('"""A docstring added above."""\n\nimport os\n' + APP + "\n\ndef later():\n    pass\n")
    after = _hashes(project, fmt)
    assert after == before
    # editing the finding's own line is a different finding
    app.write_text(APP.replace("client.messages.batches.create(requests=requests)", "client.messages.batches.create(requests=list(requests))"))
    changed = _hashes(project, fmt)
    assert changed != before and len(set(changed) & set(before)) == len(before) - 1


def test_junit_parses_as_xml(project: Path) -> None:
    root = ET.fromstring(render(project, "junit").encode())
    cases = root.findall("./testsuite/testcase")
    expected = concise(project)
    assert root.tag == "testsuites" and int(root.get("failures")) == len(expected)
    assert [(c.get("classname"), int(c.get("line")), c.get("name")) for c in cases] == [
        (p, line, f"org.zdr-lint.{code}") for p, line, _, code in expected
    ]
    assert all(c.find("failure") is not None for c in cases)


def test_junit_without_findings_is_one_passing_case(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("print('hello')\n")
    result = zdr("check", "--output-format", "junit", cwd=tmp_path)
    assert result.returncode == 0
    root = ET.fromstring(result.stdout.encode())
    assert root.get("failures") == "0" and root.find(".//failure") is None


def test_github_annotations(project: Path) -> None:
    lines = render(project, "github").splitlines()
    expected = concise(project)
    assert len(lines) == len(expected)
    for text, (path, line, col, code) in zip(lines, expected):
        assert text.startswith(f"::error title=zdr-lint ({code}),file={path},line={line},col={col},")
        assert f"::{path}:{line}:{col}: {code} " in text


def test_gitlab_code_quality_report(project: Path) -> None:
    items = json.loads(render(project, "gitlab"))
    expected = concise(project)
    assert [(i["location"]["path"], i["location"]["positions"]["begin"]["line"], i["check_name"]) for i in items] == [
        (p, line, code) for p, line, _, code in expected
    ]
    assert all(i["severity"] in ("info", "minor", "major", "critical", "blocker") and i["description"] for i in items)


def test_json_lines_grouped_and_pylint(project: Path) -> None:
    expected = concise(project)
    objects = [json.loads(line) for line in render(project, "json-lines").splitlines()]
    assert [(o["location"]["row"], o["location"]["column"], o["code"]) for o in objects] == [(l, c, code) for _, l, c, code in expected]
    assert objects == json.loads(render(project, "json"))
    grouped = render(project, "grouped").splitlines()
    assert grouped[0] == "pkg/app.py:"
    assert [g.split()[0:2] for g in grouped[1:] if g.strip()] == [[f"{l}:{c}", code] for _, l, c, code in expected]
    assert render(project, "pylint").splitlines()[0].startswith(f"pkg/app.py:{expected[0][1]}: [{expected[0][3]}] ")


def test_output_file_gets_the_format_and_console_keeps_human_output(project: Path) -> None:
    result = zdr("check", "--output-format", "sarif", "--output-file", "report.sarif", cwd=project)
    assert result.returncode == 1
    log = json.loads((project / "report.sarif").read_text(encoding="utf-8"))
    assert len(log["runs"][0]["results"]) == len(concise(project))
    assert "pkg/app.py:7:12: ZDR001" in result.stdout and "Found" in result.stdout
    assert not result.stdout.lstrip().startswith("{")


def test_output_file_in_missing_folder_creates_it(project: Path) -> None:
    """As ruff does: the report's missing parent folders are created."""
    result = zdr("check", "--output-format", "json", "--output-file", "no/such/dir/report.json", cwd=project)
    assert result.returncode == 1, result.stderr
    assert [f["code"] for f in json.loads((project / "no/such/dir/report.json").read_text())]
