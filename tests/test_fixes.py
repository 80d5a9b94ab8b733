"""Fixes, end to end through the `zdr-lint` command: `--fix` writes the safe ones, `--unsafe-fixes`
the others too, `--diff` shows them without writing; a fix keeps every other byte of the file
(encoding, BOM, line endings), never leaves code that does not parse, and a second run changes
nothing. JSON's `fix` field carries the same edit, in ruff's shape."""

from __future__ import annotations

import ast
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import REPO, run_zdr

PINNED = '"allowed_callers": ["direct"]'
TOOLS = '''\
import anthropic

client = anthropic.Anthropic()
TOOLS = [
    {"type": "web_search_20260209", "name": "web_search"},
    {
        'type': 'web_fetch_20260309',
        'name': 'web_fetch',
    },
    {"type": "web_fetch_20260209", "name": "fetch_more",
     "max_uses": 3},
]
client.messages.create(model="claude-sonnet-5-5", max_tokens=64, messages=[], tools=TOOLS)
'''
FIXED = '''\
import anthropic

client = anthropic.Anthropic()
TOOLS = [
    {"type": "web_search_20260209", "name": "web_search", "allowed_callers": ["direct"]},
    {
        'type': 'web_fetch_20260309',
        'name': 'web_fetch',
        'allowed_callers': ['direct'],
    },
    {"type": "web_fetch_20260209", "name": "fetch_more",
     "max_uses": 3,
     "allowed_callers": ["direct"]},
]
client.messages.create(model="claude-sonnet-5-5", max_tokens=64, messages=[], tools=TOOLS)
'''
UNSAFE = '''\
import anthropic

client = anthropic.Anthropic()
client.beta.messages.create(
    model="claude-sonnet-5-5",
    max_tokens=64,
    system=[{"type": "text", "text": "s", "cache_control": {"type": "ephemeral"}}],
    messages=[],
    diagnostics={"cache": True},
    thread={"type": "create"},
)
'''
UNSAFE_FIXED = '''\
import anthropic

client = anthropic.Anthropic()
client.beta.messages.create(
    model="claude-sonnet-5-5",
    max_tokens=64,
    system=[{"type": "text", "text": "s"}],
    messages=[],
)
'''
# the web tools' own codes (ZDR007, ZDR008) are not what the fix removes: judge them by the docs here
WEB_DOCS = ("--policy", "web-search=docs,web-fetch=docs")


def check(folder: Path, *flags: str):
    return run_zdr("check", "--isolated", "--no-cache", *flags, ".", cwd=folder)


def test_fix_writes_the_safe_fixes_in_each_dicts_layout_and_quotes(tmp_path):
    (tmp_path / "tools.py").write_text(TOOLS, encoding="utf-8")
    result = check(tmp_path, "--fix", *WEB_DOCS)
    assert (tmp_path / "tools.py").read_text(encoding="utf-8") == FIXED
    assert result.returncode == 0, result.stdout.decode()
    assert "Found 3 findings (3 fixed, 0 remaining)." in result.stdout.decode()
    again = check(tmp_path, "--fix", *WEB_DOCS)
    assert (tmp_path / "tools.py").read_text(encoding="utf-8") == FIXED
    assert again.returncode == 0 and "All checks passed!" in again.stdout.decode()


def test_check_marks_what_fix_would_fix(tmp_path):
    (tmp_path / "tools.py").write_text(TOOLS, encoding="utf-8")
    (tmp_path / "unsafe.py").write_text(UNSAFE, encoding="utf-8")
    out = check(tmp_path, "--output-format", "concise", *WEB_DOCS).stdout.decode()
    assert "tools.py:5:6: ZDR006 [*] dynamic filtering of the web search tool" in out
    assert "unsafe.py:9:5: ZDR002 cache diagnostics" in out and "ZDR002 [*]" not in out
    assert "[*] 3 fixable with the `--fix` option (3 hidden fixes can be enabled with the `--unsafe-fixes` option)." in out
    out = check(tmp_path, "--output-format", "concise", "--unsafe-fixes", *WEB_DOCS).stdout.decode()
    assert "unsafe.py:9:5: ZDR002 [*] cache diagnostics" in out and "[*] 6 fixable with the `--fix` option." in out


def test_unsafe_fixes_only_with_the_flag(tmp_path):
    path = tmp_path / "unsafe.py"
    path.write_text(UNSAFE, encoding="utf-8")
    result = check(tmp_path, "--fix")
    assert path.read_text(encoding="utf-8") == UNSAFE
    assert "No fixes available (3 hidden fixes can be enabled with the `--unsafe-fixes` option)." in result.stdout.decode()
    result = check(tmp_path, "--fix", "--unsafe-fixes", "--output-format", "concise")
    assert path.read_text(encoding="utf-8") == UNSAFE_FIXED
    out = result.stdout.decode()
    assert "Found 4 findings (3 fixed, 1 remaining)." in out and "unsafe.py:4:1: ZDR005" in out
    assert result.returncode == 1  # the beta call remains


def test_diff_shows_the_fix_and_writes_nothing(tmp_path):
    path = tmp_path / "tools.py"
    path.write_text(TOOLS, encoding="utf-8")
    before = path.stat()
    result = check(tmp_path, "--diff")
    assert path.read_text(encoding="utf-8") == TOOLS and path.stat().st_mtime_ns == before.st_mtime_ns
    diff = result.stdout.decode()
    assert diff.startswith("--- tools.py\n+++ tools.py\n@@ ")
    assert f'-    {{"type": "web_search_20260209", "name": "web_search"}},\n+    {{"type": "web_search_20260209", "name": "web_search", {PINNED}}},\n' in diff
    assert "+        'allowed_callers': ['direct'],\n" in diff
    assert result.returncode == 1 and "Would fix 3 findings." in result.stderr.decode()
    (tmp_path / "tools.py").write_text(FIXED, encoding="utf-8")
    clean = check(tmp_path, "--diff")
    assert clean.returncode == 0 and clean.stdout == b"" and "No fixes available." in clean.stderr.decode()


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), id="bom"),
        pytest.param(lambda text: ("# -*- coding: latin-1 -*-\n" + text).encode("latin-1"), id="latin-1"),
        pytest.param(lambda text: text.replace("    ", "\t").replace("\n", "  \n", 1).encode("utf-8"), id="tabs-and-trailing-space"),
    ],
)
def test_a_fix_keeps_the_other_bytes(tmp_path, encode):
    source = TOOLS.replace("client = anthropic.Anthropic()", "client = anthropic.Anthropic()  # café, naïve")
    expected = FIXED.replace("client = anthropic.Anthropic()", "client = anthropic.Anthropic()  # café, naïve")
    path = tmp_path / "tools.py"
    path.write_bytes(encode(source))
    assert check(tmp_path, "--fix", *WEB_DOCS).returncode == 0
    assert path.read_bytes() == encode(expected)


def test_the_json_fix_is_the_edit_fix_writes(tmp_path):
    """Applying the JSON `fix` edits (1-based rows and columns, as ruff's) gives what --fix writes."""
    (tmp_path / "tools.py").write_text(TOOLS, encoding="utf-8")
    data = json.loads(check(tmp_path, "--output-format", "json", "--exit-zero", *WEB_DOCS).stdout)
    lines = TOOLS.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits = [e for f in data for e in (f["fix"] or {}).get("edits", [])]
    assert [f["fix"]["applicability"] for f in data] == ["safe", "safe", "safe"]
    text = TOOLS
    for edit in sorted(edits, key=lambda e: (e["location"]["row"], e["location"]["column"]), reverse=True):
        start = starts[edit["location"]["row"] - 1] + edit["location"]["column"] - 1
        end = starts[edit["end_location"]["row"] - 1] + edit["end_location"]["column"] - 1
        text = text[:start] + edit["content"] + text[end:]
    assert text == FIXED


def test_an_allowed_callers_list_is_replaced_only_as_an_unsafe_fix(tmp_path):
    source = 'tools = [{"type": "web_search_20260209", "name": "w", "allowed_callers": ["code_execution_20260120"]}]\n'
    path = tmp_path / "tools.py"
    path.write_text(source, encoding="utf-8")
    check(tmp_path, "--fix")
    assert path.read_text(encoding="utf-8") == source
    check(tmp_path, "--fix", "--unsafe-fixes")
    assert path.read_text(encoding="utf-8") == f'tools = [{{"type": "web_search_20260209", "name": "w", {PINNED}}}]\n'


def test_a_file_that_cannot_be_written_is_one_error_and_left_as_it_was(tmp_path):
    path = tmp_path / "tools.py"
    path.write_text(TOOLS, encoding="utf-8")
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        result = check(tmp_path, "--fix")
        err = result.stderr.decode()
        assert result.returncode == 2 and "read-only file" in err and "Traceback" not in err
        assert path.read_text(encoding="utf-8") == TOOLS
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_symlink_is_fixed_in_its_target_and_stays_a_link(tmp_path):
    target = tmp_path / "real" / "tools.py"
    target.parent.mkdir()
    target.write_text(TOOLS, encoding="utf-8")
    link = tmp_path / "tools.py"
    link.symlink_to(target)
    run_zdr("check", "--isolated", "--no-cache", "--fix", "tools.py", cwd=tmp_path)
    assert link.is_symlink() and target.read_text(encoding="utf-8") == FIXED


def test_every_fixture_still_parses_after_every_fix_and_a_second_run_changes_nothing(tmp_path):
    """The whole fixture corpus (real shapes of every rule) through --fix --unsafe-fixes."""
    corpus = tmp_path / "fixtures"
    shutil.copytree(REPO / "fixtures", corpus, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    before = {p: p.read_bytes() for p in corpus.rglob("*.py")}
    first = run_zdr("check", "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", ".", cwd=corpus)
    assert first.returncode == 0, first.stderr.decode()
    changed = [p for p, data in before.items() if p.read_bytes() != data]
    assert len(changed) >= 5, "the corpus holds fixable uses in several files"
    for path in changed:
        ast.parse(path.read_bytes(), filename=str(path))
    after = {p: p.read_bytes() for p in corpus.rglob("*.py")}
    second = run_zdr("check", "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", ".", cwd=corpus)
    assert second.returncode == 0 and "(0 fixed," in second.stdout.decode()
    assert {p: p.read_bytes() for p in corpus.rglob("*.py")} == after
    remaining = json.loads(run_zdr("check", "--no-cache", "--output-format", "json", "--exit-zero", "--unsafe-fixes", ".", cwd=corpus).stdout)
    assert [f for f in remaining if f["fix"] is not None] == []


def test_stdin_cannot_be_fixed(tmp_path):
    result = run_zdr("check", "--fix", "-", cwd=tmp_path, stdin=TOOLS.encode())
    assert result.returncode == 2 and "work on files" in result.stderr.decode()
    assert os.listdir(tmp_path) == []
