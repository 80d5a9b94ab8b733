"""The baseline, end to end through the `zdr-lint` command: `--write-baseline` records today's findings
in sorted, stable JSON; `--baseline` (or `baseline = "..."`) reports only new ones, keeps matching
through edits elsewhere, moved blocks and renamed files, and lists the entries that no longer match
so `--write-baseline` can drop them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_zdr

APP = '''\
import anthropic

client = anthropic.Anthropic()


def upload(path):
    return client.files.upload(file=open(path, "rb"))


def nightly(requests):
    return client.messages.batches.create(requests=requests)


SYSTEM = [{"type": "text", "text": "s", "cache_control": {"type": "ephemeral"}}]
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    return tmp_path


def zdr(project: Path, *args: str):
    return run_zdr("check", "--no-cache", *args, cwd=project)


def codes(result) -> list:
    return [(Path(f["filename"]).name, f["code"]) for f in json.loads(result.stdout)]


def test_write_then_check_reports_nothing_old(project):
    written = zdr(project, "--write-baseline", "zdr-baseline.json", ".")
    assert written.returncode == 0 and "Wrote 3 baseline entries to zdr-baseline.json." in written.stdout.decode()
    data = json.loads((project / "zdr-baseline.json").read_text(encoding="utf-8"))
    assert data["zdr-lint-baseline"] == 1 and data["profile"] == "zdr" and data["policy"]["caching"] == "scope"
    assert [(e["path"], e["code"], e["what"]) for e in data["entries"]] == [
        ("app.py", "ZDR001", "Files API upload"), ("app.py", "ZDR002", "prompt caching (cache_control block)"), ("app.py", "ZDR003", "Message Batches API create"),
    ]
    result = zdr(project, "--baseline", "zdr-baseline.json", ".")
    assert result.returncode == 0
    assert result.stdout.decode() == "All checks passed!\n3 findings are in the baseline (not shown).\n"


def test_the_file_is_stable_and_reviewable(project):
    zdr(project, "--write-baseline", "b.json", ".")
    first = (project / "b.json").read_bytes()
    zdr(project, "--write-baseline", "b.json", ".")
    assert (project / "b.json").read_bytes() == first
    assert first.endswith(b"\n") and json.dumps(json.loads(first), indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n" == first


def test_the_fingerprint_is_sarifs_line_hash(project):
    zdr(project, "--write-baseline", "b.json", ".")
    entries = json.loads((project / "b.json").read_text(encoding="utf-8"))["entries"]
    sarif = json.loads(zdr(project, "--output-format", "sarif", ".").stdout)["runs"][0]["results"]
    assert sorted(e["fingerprint"] for e in entries) == sorted(r["partialFingerprints"]["primaryLocationLineHash"] for r in sarif)


def test_edits_elsewhere_and_a_moved_block_keep_matching_and_a_new_use_is_reported(project):
    zdr(project, "--write-baseline", "b.json", ".")
    moved = APP.replace(
        '\n\ndef nightly(requests):\n    return client.messages.batches.create(requests=requests)\n', ""
    ).replace("client = anthropic.Anthropic()\n", 'client = anthropic.Anthropic()  # one client\n"""The module\'s doc, added later."""\n\n\ndef nightly(requests):\n    return client.messages.batches.create(requests=requests)\n')
    moved += "\n\ndef models():\n    return client.files.list()\n"
    (project / "app.py").write_text(moved, encoding="utf-8")
    result = zdr(project, "--baseline", "b.json", "--output-format", "json", ".")
    assert codes(result) == [("app.py", "ZDR001")]
    assert json.loads(result.stdout)[0]["location"]["row"] == moved.splitlines().index("    return client.files.list()") + 1
    assert result.returncode == 1 and "no longer match" not in result.stderr.decode()


def test_a_renamed_file_keeps_its_entries(project):
    zdr(project, "--write-baseline", "b.json", ".")
    (project / "app.py").rename(project / "service.py")
    result = zdr(project, "--baseline", "b.json", ".")
    assert result.returncode == 0, result.stdout.decode()
    assert "3 findings are in the baseline" in result.stdout.decode()


def test_entries_that_no_longer_match_are_listed_and_dropped(project):
    zdr(project, "--write-baseline", "b.json", ".")
    (project / "app.py").write_text(APP.replace('"cache_control": {"type": "ephemeral"}', '"x": 1'), encoding="utf-8")
    result = zdr(project, "--baseline", "b.json", ".")
    err = result.stderr.decode()
    assert result.returncode == 0
    assert "1 baseline entry no longer matches a finding (run --write-baseline b.json to drop them):" in err
    assert "app.py: ZDR002 prompt caching (cache_control block) [" in err
    written = zdr(project, "--write-baseline", "b.json", ".")
    assert "Wrote 2 baseline entries to b.json (1 that no longer match dropped)." in written.stdout.decode()
    assert [e["code"] for e in json.loads((project / "b.json").read_text(encoding="utf-8"))["entries"]] == ["ZDR001", "ZDR003"]


def test_a_partial_run_leaves_the_other_files_entries_alone(project):
    (project / "other.py").write_text("import anthropic\nanthropic.Anthropic().skills.list()\n", encoding="utf-8")
    zdr(project, "--write-baseline", "b.json", ".")
    (project / "app.py").write_text("x = 1\n", encoding="utf-8")
    result = zdr(project, "--baseline", "b.json", "other.py")
    assert result.returncode == 0 and "no longer match" not in result.stderr.decode()
    zdr(project, "--write-baseline", "b.json", "other.py")
    kept = {e["path"] for e in json.loads((project / "b.json").read_text(encoding="utf-8"))["entries"]}
    assert kept == {"app.py", "other.py"}


def test_the_baseline_setting_is_relative_to_its_settings_file(project):
    (project / "pyproject.toml").write_text('[tool.zdr-lint]\nbaseline = "ci/zdr-baseline.json"\n', encoding="utf-8")
    written = zdr(project, "--write-baseline", "ci/zdr-baseline.json", ".")
    assert written.returncode == 0 and (project / "ci" / "zdr-baseline.json").is_file()
    (project / "pkg").mkdir()
    (project / "pkg" / "new.py").write_text("import anthropic\nanthropic.Anthropic().skills.list()\n", encoding="utf-8")
    result = run_zdr("check", "--no-cache", "--output-format", "json", ".", cwd=project / "pkg")
    assert codes(result) == [("new.py", "ZDR010")]
    report = run_zdr("check", "--no-cache", "--output-format", "sarif", "..", cwd=project / "pkg")
    assert json.loads(report.stdout)["runs"][0]["properties"]["baseline"].endswith("ci/zdr-baseline.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "baseline file not found"), (b"{not json", "not a zdr-lint baseline (invalid JSON"), (b'{"entries": []}', "not a zdr-lint baseline (expected")],
)
def test_a_bad_baseline_is_one_line(project, content, message):
    if content is not None:
        (project / "b.json").write_bytes(content)
    result = zdr(project, "--baseline", "b.json", ".")
    err = result.stderr.decode()
    assert result.returncode == 2 and err.count("\n") == 1 and message in err and "--baseline: " in err


def test_the_baseline_is_written_through_a_symlink(project):
    (project / "store").mkdir()
    (project / "store" / "real.json").write_text("{}", encoding="utf-8")
    (project / "b.json").symlink_to(project / "store" / "real.json")
    zdr(project, "--write-baseline", "b.json", ".")
    assert (project / "b.json").is_symlink()
    assert len(json.loads((project / "store" / "real.json").read_text(encoding="utf-8"))["entries"]) == 3


def test_identical_lines_are_counted(project):
    """Two identical uses in the baseline and a third written above them: one is new."""
    twice = APP + "\n\ndef again(path):\n    return client.files.upload(file=open(path, \"rb\"))\n"
    (project / "app.py").write_text(twice, encoding="utf-8")
    zdr(project, "--write-baseline", "b.json", ".")
    thrice = twice.replace("\n\ndef upload(path):", '\n\ndef first(path):\n    return client.files.upload(file=open(path, "rb"))\n\n\ndef upload(path):')
    (project / "app.py").write_text(thrice, encoding="utf-8")
    result = zdr(project, "--baseline", "b.json", "--output-format", "json", ".")
    assert codes(result) == [("app.py", "ZDR001")] and "no longer match" not in result.stderr.decode()
