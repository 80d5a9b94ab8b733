"""Files in syntax newer than the running Python's `ast` (PEP 701 f-strings on 3.11): libcst decides,
so their uses are found instead of a ZDR000. A plain syntax error, or deep nesting (where libcst's
native parser would crash the process), stays a ZDR000 with CPython's own message.

Not a fixture file: flake8 parses with the running Python's `ast` too and refuses such a file
(E999) before any plugin runs, so these cases go through the engine and the CLI only."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from zdr_lint.config import Settings
from zdr_lint.engine import Linter

LINTER = Linter(Settings())
OLD_AST = sys.version_info < (3, 12)

BACKSLASH_IN_FSTRING = (
    "import anthropic\n"
    "client = anthropic.Anthropic()\n"
    "betas = ['context-1m-2025-08-07']\n"
    "print(f\"- {'\\n- '.join(betas)}\")\n"
    "client.beta.models.list()\n"
)
REUSED_QUOTES = (
    "import anthropic\n"
    "client = anthropic.Anthropic()\n"
    "config = {'model': 'claude-opus-4-5'}\n"
    'print(f"{config["model"]}")\n'
    "client.messages.batches.list()\n"
)


def findings(source: str) -> list:
    return sorted((f.start.line, f.code) for f in LINTER.lint_source(source, "app.py"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [(BACKSLASH_IN_FSTRING, [(5, "ZDR005")]), (REUSED_QUOTES, [(5, "ZDR003")])],
    ids=["backslash-in-f-string", "reused-quotes"],
)
def test_uses_in_a_file_with_newer_f_strings_are_found(source: str, expected: list) -> None:
    assert findings(source) == expected


def test_the_cli_finds_them_too(tmp_path) -> None:
    (tmp_path / "app.py").write_text(BACKSLASH_IN_FSTRING, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "zdr_lint", "check", "--isolated", "--exit-zero", "--output-format", "json", "app.py"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert [(f["location"]["row"], f["code"]) for f in json.loads(done.stdout)] == [(5, "ZDR005")]


@pytest.mark.skipif(not OLD_AST, reason="this Python's ast parses PEP 701 f-strings")
def test_a_real_syntax_error_keeps_cpythons_message() -> None:
    source = "import anthropic\nprint 'hello'\nanthropic.Anthropic().files.list()\n"
    [finding] = LINTER.lint_source(source, "app.py")
    assert finding.code == "ZDR000" and finding.start.line == 2
    assert finding.message.startswith("syntax error: Missing parentheses in call to 'print'")


@pytest.mark.skipif(not OLD_AST, reason="this Python's ast parses PEP 701 f-strings")
def test_deep_nesting_never_reaches_libcst_through_the_fallback() -> None:
    nested = "[" * 120 + "1" + "]" * 120
    source = BACKSLASH_IN_FSTRING + f"x = {nested}\n"
    [finding] = LINTER.lint_source(source, "app.py")
    assert finding.code == "ZDR000"
    assert "backslash" in finding.message
