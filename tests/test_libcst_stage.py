"""The libcst stage, done with less work, must give what the plain way gives:
- a finding's position is rendered from its innermost statement alone (zdr_lint.positions): whatever
  the layout around it, every node lands where libcst's whole-module PositionProvider puts it;
- the parse (zdr_lint.cst_parse) skips libcst's re-validation of its own nodes: the same tree, and
  nodes built anywhere else are still validated;
- the cyclic garbage collector is paused while a file is checked (zdr_lint.source.gc_paused) and
  comes back as the host left it."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from zdr_lint import positions
from zdr_lint.collector import Collector
from zdr_lint.config import Settings
from zdr_lint.engine import Linter
from zdr_lint.incremental import StatementCache

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

LAYOUTS = {
    "nested blocks": (
        "class Service:\n"
        "    '''Doc.'''\n"
        "\n"
        "    # a comment between methods\n"
        "    @decorator(\n"
        "        arg=1,\n"
        "    )\n"
        "    async def run(self, x):\n"
        "        for item in x:\n"
        "            if item:\n"
        "                call(item, key={'type': 'web_search_20250305'})\n"
        "            elif item is None:\n"
        "                other(\n"
        "  'continuation line with its own indentation',\n"
        "                )\n"
        "            else:\n"
        "                pass\n"
        "        else:\n"
        "            done()\n"
        "        while True:\n"
        "            break\n"
        "        async with a as b, c:\n"
        "            await b.messages.create(model='x', betas=['files-api-2025-04-14'])\n"
    ),
    "try and match": (
        "def f(value):\n"
        "    try:\n"
        "        a = 1; b = client.beta.files.upload(file=value)\n"
        "    except (ValueError, KeyError) as error:\n"
        "        raise RuntimeError('x') from error\n"
        "    except Exception:\n"
        "        pass\n"
        "    else:\n"
        "        x = {'cache_control': {'type': 'ephemeral'}}\n"
        "    finally:\n"
        "        cleanup()\n"
        "    match value:\n"
        "        case {'type': kind}:\n"
        "            return kind\n"
        "        case [first, *rest] if first:\n"
        "            return first\n"
        "        case _:\n"
        "            return None\n"
    ),
    "strings and continuations": (
        "def g():\n"
        "    text = '''\n"
        "a string's lines keep their own indentation\n"
        "        even this one\n"
        "'''\n"
        "    total = first + \\\n"
        "  second\n"
        "    if x: y = call(1); z = call(2)\n"
        "    return f'{text!r:>{width}}' + \"é\" * 3 + call(3)\n"
    ),
    "tabs": "def h():\n\tif x:\n\t\tcall(1)\n\telse:\n\t\tcall({'a': 2})\n",
    "crlf": "def h():\r\n    if x:\r\n        call(1)\r\n    elif y:\r\n        call({'a': 2})\r\n",
    "except star": "def h():\n    try:\n        call(1)\n    except* ValueError:\n        call(2)\n",
    "comments and blank lines": (
        "import os\n\n\n# leading\ndef k():\n\n    # inside\n\n    x = 1  # trailing\n\n\n    return call(\n        x,  # arg\n    )\n"
    ),
}


def _whole(module: cst.Module) -> dict:
    return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


def _walked(text: str):
    module = cst.parse_module(text)
    collector = Collector()
    collector.walk(module)
    return module, collector


def _assert_every_node_placed(text: str) -> None:
    module, collector = _walked(text)
    whole = _whole(module)
    nodes = [node for node in whole if id(node) in collector.statement_of and collector.statement_of[id(node)] is not None]
    got = positions.locate(module, nodes, collector.statement_of, collector.enclosing, ast.parse(text), text)
    wrong = [(type(n).__name__, got[n], whole[n]) for n in nodes if got[n] != whole[n]]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_nested_statements_are_placed_as_in_the_whole_module(name: str) -> None:
    module, _ = _walked(LAYOUTS[name])
    assert module.body
    _assert_every_node_placed(LAYOUTS[name])


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_nodes_are_placed_as_in_the_whole_module(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        ast.parse(text)
    except SyntaxError:
        pytest.skip("not parsed by this Python")
    _assert_every_node_placed(text)


def test_only_the_innermost_statement_is_rendered(monkeypatch) -> None:
    """A call deep in a large class renders its own line, not the class."""
    methods = "".join(f"    def m{i}(self):\n        return {i}\n\n" for i in range(200))
    text = "class Big:\n" + methods + "    def last(self):\n        return client.beta.files.list()\n"
    module, collector = _walked(text)
    call = next(c for c in collector.calls if cst.ensure_type(c.func, cst.Attribute).attr.value == "list")
    rendered = []
    real = positions.render_statement
    monkeypatch.setattr(positions, "render_statement", lambda m, s, nested: rendered.append(s) or real(m, s, nested))
    where = positions.locate(module, [call], collector.statement_of, collector.enclosing, ast.parse(text), text)[call]
    assert (where.start.line, where.start.column) == (len(text.splitlines()), len("        return "))
    assert [type(s) for s in rendered] == [cst.SimpleStatementLine]


def test_the_language_server_cache_renders_nested_statements_again_only_after_an_edit() -> None:
    linter = Linter(Settings())
    head = "import anthropic\nclient = anthropic.Anthropic()\n"
    body = "class Tool:\n    def upload(self, f):\n        x = 1\n        return client.beta.files.upload(file=f)\n"
    cache = StatementCache()
    first = [(f.code, f.start, f.end) for f in linter.lint_source(head + body, "m.py", cache)]
    edited = head + "\n" + body  # a line typed above: the class moves, its statements are reused
    again = [(f.code, f.start, f.end) for f in linter.lint_source(edited, "m.py", cache)]
    fresh = [(f.code, f.start, f.end) for f in linter.lint_source(edited, "m.py")]
    assert first and again == fresh
    assert [f[1].line for f in again] == [f[1].line + 1 for f in first]


def test_parsing_without_validation_builds_the_same_tree_and_keeps_validation_elsewhere() -> None:
    from zdr_lint.cst_parse import parse_module

    text = LAYOUTS["nested blocks"] + LAYOUTS["try and match"]
    assert parse_module(text).deep_equals(cst.parse_module(text))
    assert parse_module(text).code == text
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")  # a node our own code builds is still checked
    with pytest.raises(cst.ParserSyntaxError):
        parse_module("def broken(:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("still checked after a failed parse")


def test_the_garbage_collector_comes_back_as_the_host_left_it() -> None:
    """Checking pauses the cyclic collector (zdr_lint.source.gc_paused); a flake8 run, the language
    server or any program that calls the engine finds it as it was, also after a refusal."""
    import gc

    linter = Linter(Settings())
    sources = ["import anthropic\nc = anthropic.Anthropic()\nc.beta.files.list()\n", "def broken(:\n", "x = 1\n"]
    was = gc.isenabled()
    try:
        for host_state in (True, False):
            (gc.enable if host_state else gc.disable)()
            for text in sources:
                linter.lint_source(text, "m.py")
                assert gc.isenabled() is host_state
    finally:
        (gc.enable if was else gc.disable)()
