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


CI_ROOTS = ("CI_PROJECT_DIR", "GITHUB_WORKSPACE")  # CI paths follow them: the tests set them when they mean to


def zdr(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in CI_ROOTS and k != "NO_COLOR"}
    environ.update(env or {})
    return subprocess.run([ZDR_LINT, *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=300)


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
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == project.resolve().as_uri() + "/"
    expected = concise(project)
    results = run["results"]
    assert len(results) == len(expected)
    for result, (path, line, col, code) in zip(results, expected):
        location = result["locations"][0]["physicalLocation"]
        assert result["ruleId"] == code and result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == code
        assert location["artifactLocation"] == {"uri": "pkg/app.py", "uriBaseId": "SRCROOT"}
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
    assert [g.split()[0:2] for g in grouped[1:-1] if g.strip()] == [[f"{l}:{c}", code] for _, l, c, code in expected]
    assert grouped[-1] == f"Found {len(expected)} findings in 1 file."
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


# --- paths from the repository root, whatever the working folder ------------------------------------
@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git work tree whose code (and settings) live in app/, as in a monorepo."""
    (tmp_path / ".git").mkdir()  # what a work tree has at its root (git itself is not needed)
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text("[tool.zdr-lint]\n")
    (app / "service.py").write_text(APP)
    return tmp_path


def test_github_file_is_relative_to_the_repository_root(repo: Path) -> None:
    lines = render(repo / "app", "github").splitlines()
    assert lines and all(",file=app/service.py," in line for line in lines)
    assert "::app/service.py:7:12: ZDR001 " in lines[0]
    # in a workflow, $GITHUB_WORKSPACE is the checkout: paths are relative to it
    workspace = zdr("check", "--output-format", "github", ".", cwd=repo / "app", env={"GITHUB_WORKSPACE": str(repo.parent)})
    assert f",file={repo.name}/app/service.py," in workspace.stdout


def test_sarif_and_gitlab_paths_are_relative_to_the_repository_root(repo: Path) -> None:
    run = json.loads(render(repo / "app", "sarif"))["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == repo.resolve().as_uri() + "/"
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {"app/service.py"}
    items = json.loads(render(repo / "app", "gitlab"))
    assert {i["location"]["path"] for i in items} == {"app/service.py"}
    in_job = json.loads(zdr("check", "--output-format", "gitlab", cwd=repo / "app", env={"CI_PROJECT_DIR": str(repo / "app")}).stdout)
    assert {i["location"]["path"] for i in in_job} == {"service.py"}


# --- notebooks in SARIF (and the other formats that know only files) -------------------------------
NOTEBOOK_CELLS = [
    {"cell_type": "markdown", "metadata": {}, "source": ["# Analysis\n"]},
    {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
     "source": ["import anthropic\n", "client = anthropic.Anthropic()\n"]},
    {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
     "source": ["# résumé uploads\n", "client.files.upload(file=open('a.pdf', 'rb'))\n"]},
]


def _notebook(project: Path) -> Path:
    path = project / "analysis.ipynb"
    path.write_text(json.dumps({"cells": NOTEBOOK_CELLS, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1, ensure_ascii=False), encoding="utf-8")
    (project / "pkg" / "app.py").unlink()
    return path


def test_sarif_for_a_notebook_names_the_cell_and_points_into_the_file(project: Path) -> None:
    """SARIF's region lines are lines of the artifact (the spec: "the line number of the line
    containing the first character in the region"), here the .ipynb file's own text: where the
    cell's line is written in its JSON. The cell is a logical location and result properties."""
    jsonschema = pytest.importorskip("jsonschema")
    path = _notebook(project)
    log = json.loads(render(project, "sarif"))
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    (result,) = log["runs"][0]["results"]
    location = result["locations"][0]
    assert location["logicalLocations"] == [{"name": "cell 3", "fullyQualifiedName": "cell 3", "kind": "cell"}]
    assert result["properties"]["cell"] == 3 and result["properties"]["cellLine"] == 2 and result["properties"]["cellColumn"] == 1
    region = location["physicalLocation"]["region"]
    file_line = path.read_text(encoding="utf-8").splitlines()[region["startLine"] - 1]
    assert file_line[region["startColumn"] - 1 :].startswith("client.files.upload(")
    assert region["endLine"] == region["startLine"]
    assert "(cell 3, line 2)" in result["message"]["text"]


def test_github_gitlab_rdjson_and_azure_point_into_the_notebook_file(project: Path) -> None:
    path = _notebook(project)
    text_lines = path.read_text(encoding="utf-8").splitlines()
    github = render(project, "github").splitlines()[0]
    line, col = (int(v) for v in re.search(r",line=(\d+),col=(\d+),", github).groups())
    assert text_lines[line - 1][col - 1 :].startswith("client.files.upload(")
    assert "::analysis.ipynb:cell 3:2:1: ZDR001 " in github
    gitlab = json.loads(render(project, "gitlab"))[0]
    assert gitlab["location"]["positions"]["begin"]["line"] == line
    rdjson = json.loads(render(project, "rdjson"))["diagnostics"][0]
    assert rdjson["location"]["range"]["start"]["line"] == line
    assert "linenumber=%d;" % line in render(project, "azure")


# --- rdjson, azure, json's name ------------------------------------------------------------------------
# reviewdog's DiagnosticResult, as its proto (proto/rdf/reviewdog.proto) defines it
RDJSON_SCHEMA = {
    "type": "object",
    "required": ["diagnostics"],
    "properties": {
        "source": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "url": {"type": "string"}}},
        "diagnostics": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["message", "location"],
                "additionalProperties": False,
                "properties": {
                    "message": {"type": "string"},
                    "severity": {"enum": ["UNKNOWN_SEVERITY", "ERROR", "WARNING", "INFO"]},
                    "code": {"type": "object", "required": ["value"], "properties": {"value": {"type": "string"}, "url": {"type": "string"}}},
                    "location": {
                        "type": "object",
                        "required": ["path"],
                        "properties": {
                            "path": {"type": "string"},
                            "range": {
                                "type": "object",
                                "required": ["start"],
                                "properties": {"start": {"$ref": "#/$defs/position"}, "end": {"$ref": "#/$defs/position"}},
                            },
                        },
                    },
                },
            },
        },
    },
    "$defs": {"position": {"type": "object", "properties": {"line": {"type": "integer", "minimum": 1}, "column": {"type": "integer", "minimum": 1}}}},
}


def test_rdjson_is_reviewdogs_format_with_utf8_byte_columns(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    app = project / "pkg" / "app.py"
    app.write_text(APP.replace("    return client.files.upload(", "    é = 1; return client.files.upload("))
    data = json.loads(render(project, "rdjson"))
    jsonschema.validate(data, RDJSON_SCHEMA)
    assert data["source"]["name"] == "zdr-lint"
    expected = concise(project)
    assert [(d["code"]["value"], d["location"]["range"]["start"]["line"]) for d in data["diagnostics"]] == [(c, l) for _, l, _, c in expected]
    first = data["diagnostics"][0]
    assert first["location"]["path"] == str(app)
    # concise counts code points (col 19); reviewdog counts UTF-8 bytes: "é" is two
    assert expected[0][2] == 19 and first["location"]["range"]["start"]["column"] == 20
    assert first["severity"] == "ERROR" and first["code"]["url"].startswith("https://")


def test_azure_logging_commands(project: Path) -> None:
    lines = render(project, "azure").splitlines()
    expected = concise(project)
    assert len(lines) == len(expected)
    app = (project / "pkg" / "app.py").resolve()
    for text, (_, line, col, code) in zip(lines, expected):
        assert text.startswith(f"##vso[task.logissue type=error;sourcepath={app};linenumber={line};columnnumber={col};code={code};]")
        assert "\n" not in text and text.split("]", 1)[1]


def test_json_has_ruffs_name_key(project: Path) -> None:
    data = json.loads(render(project, "json"))
    assert {(d["code"], d["name"]) for d in data} == {("ZDR001", "files-api"), ("ZDR003", "message-batches")}
    assert [json.loads(line) for line in render(project, "json-lines").splitlines()] == data


def test_statistics_honour_json(project: Path) -> None:
    result = zdr("check", "--statistics", "--output-format", "json", cwd=project)
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {"code": "ZDR001", "name": "files-api", "count": 3, "fixable": False, "fixable_count": 0},
        {"code": "ZDR003", "name": "message-batches", "count": 1, "fixable": False, "fixable_count": 0},
    ]
    text = zdr("check", "--statistics", cwd=project).stdout
    assert text.splitlines() == ["    3\tZDR001\tfiles-api", "    1\tZDR003\tmessage-batches"]
    refused = zdr("check", "--statistics", "--output-format", "sarif", cwd=project)
    assert refused.returncode == 2 and "--statistics" in refused.stderr and refused.stdout == ""


def test_grouped_aligns_its_columns_as_ruff(project: Path) -> None:
    app = project / "pkg" / "app.py"
    app.write_text(APP + "\n" * 90 + "client.files.list(); client.files.list()\n")
    block = render(project, "grouped").split("\n\n")[0].splitlines()
    rows = block[1:]
    codes_at = {row.index(" ZDR") for row in rows}
    assert len(codes_at) == 1, rows  # one column of codes
    assert rows[0] == "    7:12 " + rows[0][9:] and rows[-1].startswith("  107:22 ZDR001 ")
