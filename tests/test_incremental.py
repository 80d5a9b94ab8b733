"""The language server re-parses only the top-level statements an edit touched (zdr_lint.incremental).
Whatever it reuses, the findings must be those of a check from scratch: same codes, messages and
positions, after every edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from zdr_lint.config import Settings
from zdr_lint.engine import Linter
from zdr_lint.incremental import StatementCache

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = sorted(p for p in FIXTURES.rglob("*.py") if p.name.startswith("positive_"))[:40]


def _findings(linter: Linter, text: str, cache=None) -> list:
    return [(f.code, f.message, f.start, f.end) for f in linter.lint_source(text, "module.py", cache)]


def _edits(text: str) -> list:
    """Edits an editor makes: a line typed in the middle, a comment, a changed literal, a deletion."""
    lines = text.splitlines(keepends=True)
    middle = len(lines) // 2
    return [
        "".join(lines[:middle] + ["\n"] + lines[middle:]),
        "".join(lines[:middle] + ["# a comment typed here\n"] + lines[middle:]),
        text.replace('"claude-', '"claude-x-', 1),
        "".join(lines[:1] + lines[2:]),
        text + "\n\nextra = 1\n",
    ]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_edits_give_the_findings_of_a_fresh_check(path: Path) -> None:
    linter = Linter(Settings())
    text = path.read_text(encoding="utf-8")
    cache = StatementCache()
    assert _findings(linter, text, cache) == _findings(linter, text)
    for edited in _edits(text):
        fresh = _findings(linter, edited)
        if any(code == "ZDR000" for code, *_ in fresh):
            continue  # an edit that breaks the syntax: the cache is not used (no ast)
        assert _findings(linter, edited, cache) == fresh


def test_an_edit_reparses_only_the_statements_it_touched() -> None:
    linter = Linter(Settings())
    blocks = [f"def f{n}(client: anthropic.Anthropic):\n    return client.messages.create(model='claude-x', cache_control={{'type': 'ephemeral'}})\n\n\n" for n in range(30)]
    text = "import anthropic\n\n\n" + "".join(blocks)
    cache = StatementCache()
    before = _findings(linter, text, cache)
    assert len(before) == 30
    edited = text.replace("def f7(client: anthropic.Anthropic):\n", "def f7(client: anthropic.Anthropic):\n    x = 1\n", 1)
    after = _findings(linter, edited, cache)
    assert cache.reused == 30  # the import and 29 functions; f7 alone was parsed again
    assert [f[2].line for f in after] == [f[2].line + (1 if f[2].line > 3 + 7 * 4 else 0) for f in before]


@pytest.mark.parametrize(
    "text",
    [
        "import anthropic; client = anthropic.Anthropic(); client.files.list()\n",
        "import anthropic\n\n@decorate\n# comment between\n@other\ndef f():\n    anthropic.Anthropic().files.list()\n    # trailing, indented\n# trailing\n",
        "import anthropic\r\nclient = anthropic.Anthropic()\r\nclient.files.list()\r\n",
        "import anthropic\nclient = anthropic.Anthropic()\nclient.files.list(\n    limit=1,\n)  # noqa: ZDR005\nclient.files.list()",
        "import anthropic\nx = (\n  1\n)\nif x:\n    anthropic.Anthropic().beta.files.list()\nelse:\n    pass\n",
        "import anthropic\nc = anthropic.Anthropic()\ndef f():\n  if c:\n    c.files.list(x=[\n      1])\ndef g():\n        if c:\n                c.beta.files.list()\n",
        "import anthropic\n\x0c\nc = anthropic.Anthropic()\n\x0c\ndef f():\n    c.files.list()\n",
        "import anthropic\nc = anthropic.Anthropic()\nc.files.list(a=1, \\\n  b=2)\nc.beta.files.list()\n",
    ],
    ids=["semicolons", "decorators-and-comments", "crlf", "noqa-and-no-final-newline", "compound", "mixed-indentation", "form-feeds", "backslash"],
)
def test_awkward_layouts(text: str) -> None:
    linter = Linter(Settings())
    cache = StatementCache()
    assert _findings(linter, text, cache) == _findings(linter, text)
    assert _findings(linter, text, cache) == _findings(linter, text)  # second time: everything reused
    assert cache.reused > 0


def test_form_feeds_do_not_shift_lines() -> None:
    """Old modules hold form feeds (page breaks): line numbers are the tokenizer's, with or without
    the cache, and a finding after one is on its own line."""
    linter = Linter(Settings())
    text = "import anthropic\n\x0c\nclient = anthropic.Anthropic()\n# \x0c page two\nclient.files.list()\n"
    fresh = _findings(linter, text)
    assert [(code, start.line) for code, _, start, _ in fresh] == [("ZDR001", 5)]
    assert _findings(linter, text, StatementCache()) == fresh


def test_form_feeds_before_blanked_data_keep_the_findings_in_place() -> None:
    """A large literal-only statement is blanked before libcst (zdr_lint.gate.blank_large_data); after a
    form feed it must still be the statement's own lines that are blanked."""
    linter = Linter(Settings())
    data = "TABLE = [\n" + "".join(f"    {i},\n" for i in range(10)) + "]\n"
    text = "import anthropic\n# \x0c\n" + data + "client = anthropic.Anthropic()\nclient.files.list()\n"
    expected_line = text.count("\n")  # the last line
    assert [(code, start.line) for code, _, start, _ in _findings(linter, text)] == [("ZDR001", expected_line)]
