"""Re-parse only what an edit touched. The language server keeps one `StatementCache` per open
document: the module's source is cut at its top-level statements (CPython's `ast`, already parsed
by the second stage, says where they start and end), each piece is looked up by its text, and only
the pieces not seen in the previous version go through libcst. An edit inside one function costs
the parse of that function, not of the module (libcst parses ~70 ms per 1,000 lines).

The statements are then put together into one `cst.Module`, which the semantic model walks as it
would walk a whole parse: the same top-level statements, in the same order. Comments and blank lines
between statements belong to the next piece; a piece's leading comments land in its own module's
header, which no rule reads, and positions are taken per statement from the `ast` lines anyway.
"""

from __future__ import annotations

import ast
from typing import Optional

from zdr_lint._lazy import libcst as cst
from zdr_lint.cst_parse import parse_module
from zdr_lint.source import source_lines


def _pieces(lines: list, tree: ast.Module) -> Optional[list]:
    """The source cut after each top-level statement's last line (statements sharing a line, as
    `a = 1; b = 2`, stay in one piece); None when the ast and the text disagree."""
    pieces = []
    start = 0  # index of the first line of the current piece
    body = tree.body
    for i, stmt in enumerate(body):
        end = stmt.end_lineno
        if end is None or end > len(lines):
            return None
        if i + 1 < len(body) and body[i + 1].lineno <= end:
            continue  # the next statement starts on this statement's last line
        pieces.append("".join(lines[start:end]))
        start = end
    return pieces


class StatementCache:
    """libcst statements of a document's previous version, by the source text of their piece."""

    def __init__(self) -> None:
        self._statements: dict = {}  # piece text -> tuple of libcst statements
        self._config: Optional["cst.Module"] = None  # a parsed piece whose indent and newline the module takes
        # per statement (by id; `_statements` keeps each alive): the piece module it was parsed in,
        # whose indentation renders it, and the renderings of its statements once a finding asked for them
        self._home: dict = {}
        self._renderings: dict = {}
        self.reused = 0  # pieces taken from the previous version in the last parse (for tests, benchmarks)

    def parse(self, text: str, tree: ast.Module) -> "cst.Module":
        """`text` parsed by libcst, reusing the unchanged top-level statements. Raises
        `cst.ParserSyntaxError` as `cst.parse_module` does."""
        pieces = _pieces(source_lines(text, keepends=True), tree)
        if not pieces:
            self._statements = {}
            return parse_module(text)
        try:
            return self._assemble(text, pieces)
        except cst.ParserSyntaxError:
            # a piece libcst refuses alone: the whole parse says where, with the module's own lines
            self._statements, self._home, self._renderings = {}, {}, {}
            return parse_module(text)

    def _assemble(self, text: str, pieces: list) -> "cst.Module":
        previous, current = self._statements, {}
        home, renderings = {}, {}
        body: list = []
        reused = 0
        first_module = None
        for piece in pieces:
            statements = previous.get(piece) or current.get(piece)
            if statements is None:
                module = parse_module(piece)
                statements = tuple(module.body)
                first_module = first_module or module
                for stmt in statements:
                    home[id(stmt)] = module
            else:
                reused += 1
                for stmt in statements:
                    home[id(stmt)] = self._home.get(id(stmt))
                    if id(stmt) in self._renderings:
                        renderings[id(stmt)] = self._renderings[id(stmt)]
            current[piece] = statements
            body.extend(statements)
        # whole dicts assigned at once: a reader on another thread never sees a half-built one
        self._statements, self._home, self._renderings, self.reused = current, home, renderings, reused
        config = first_module or self._config or parse_module(pieces[0])
        self._config = config
        return cst.Module(
            body=body,
            header=[],
            footer=[],
            encoding=config.encoding,
            default_indent=config.default_indent,
            default_newline=config.default_newline,
            has_trailing_newline=text.endswith(("\n", "\r")),
        )

    def render(self, module: "cst.Module", stmt: "cst.CSTNode", top: "cst.CSTNode"):
        """`stmt` rendered alone (see zdr_lint.positions.locate), kept while its top-level statement
        `top` is unchanged; rendered in the piece `top` was parsed from, whose indentation its blocks
        assume."""
        from zdr_lint.positions import render_statement  # libcst metadata, loaded on first use (server start-up)

        kept = self._renderings.get(id(top))
        found = kept.get(id(stmt)) if kept is not None else None
        if found is None:
            found = render_statement(self._home.get(id(top)) or module, stmt, nested=stmt is not top)
            if id(top) in self._home:
                self._renderings.setdefault(id(top), {})[id(stmt)] = found
        return found
