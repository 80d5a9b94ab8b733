"""Positions for the nodes findings are reported at, without computing them for the whole module.

libcst's PositionProvider renders the whole module and records every node: the costliest step of a
check (hundreds of ms on a 1,000-line file, where the editor wants the answer). A finding needs the
positions of a few nodes only. The innermost statement that holds one (a line of simple statements,
or the compound statement whose header holds it) is rendered alone, and its lines are shifted to
where CPython's `ast` (already parsed by the second stage) says the statement starts: rendering a
large class or function to place one call in it costs as much as rendering the module.

A statement rendered alone starts at column 0. Its lines that the block structure indents lose the
enclosing blocks' indentation; the lines libcst keeps verbatim (inside brackets, after a backslash,
inside a string) keep theirs. Either way the rendered line is the end of the real one, so each line's
column shift is the difference of their lengths. Top-level statements start at column 0: no shift.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Optional

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from zdr_lint.collector import COMPOUND_STATEMENTS
from zdr_lint.source import source_lines

_AST_COMPOUND_KINDS = tuple({kind for kinds in COMPOUND_STATEMENTS.values() for kind in kinds})


@dataclass(frozen=True)
class Rendering:
    """One statement rendered alone: every node's position in it, and (for a nested statement) its
    text's lines, against which each line's column shift is measured."""

    positions: Mapping
    lines: Optional[list] = None


def render_statement(module: cst.Module, stmt: cst.CSTNode, nested: bool) -> Rendering:
    """`stmt` rendered as the only statement of `module` (its first line is line 1 unless it has
    leading blank lines or comments)."""
    alone = module.with_changes(body=[stmt], header=[], footer=[])
    positions = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
    return Rendering(positions, source_lines(alone.code) if nested else None)


def _whole_module(module: cst.Module) -> dict:
    return dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))


def _top_level_statements(module: cst.Module, tree: ast.Module, skipped_lines: frozenset) -> Optional[list]:
    """The `ast` statement that starts each of the libcst module's top-level statements."""
    statements = [s for s in tree.body if s.lineno not in skipped_lines]
    starts = []
    index = 0
    for stmt in module.body:
        if index >= len(statements):
            return None
        starts.append(statements[index])
        index += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
    return starts if index == len(statements) else None


def _cst_units(stmt: cst.CSTNode) -> list:
    """The statements directly inside a compound statement, in source order, as (libcst statement or
    None, how many `ast` statements it stands for). An `elif` is its own `If`, as in `ast`; the small
    statements of a one-line body (`if x: a; b`) are None: not rendered alone."""
    blocks: list = []
    elif_branch = None
    kind = type(stmt)
    if kind is cst.Match:
        blocks = [case.body for case in stmt.cases]
    elif kind in (cst.Try, cst.TryStar):
        blocks = [stmt.body, *(handler.body for handler in stmt.handlers)]
        blocks += [part.body for part in (stmt.orelse, stmt.finalbody) if part is not None]
    elif kind in COMPOUND_STATEMENTS:
        blocks = [stmt.body]
        orelse = getattr(stmt, "orelse", None)
        if isinstance(orelse, cst.If):
            elif_branch = orelse
        elif orelse is not None:
            blocks.append(orelse.body)
    units = []
    for block in blocks:
        if isinstance(block, cst.IndentedBlock):
            units += [(s, len(s.body) if type(s) is cst.SimpleStatementLine else 1) for s in block.body]
        else:
            units += [(None, 1)] * len(block.body)
    if elif_branch is not None:
        units.append((elif_branch, 1))
    return units


def _ast_children(stmt: ast.stmt) -> list:
    """The statements directly inside an `ast` compound statement, in source order."""
    if isinstance(stmt, ast.Match):
        return [s for case in stmt.cases for s in case.body]
    handlers = getattr(stmt, "handlers", None)
    if handlers is not None:
        return [*stmt.body, *(s for handler in handlers for s in handler.body), *stmt.orelse, *stmt.finalbody]
    return [*stmt.body, *getattr(stmt, "orelse", ())]


def _matches(node: cst.CSTNode, counterpart: ast.stmt) -> bool:
    kinds = COMPOUND_STATEMENTS.get(type(node))
    return isinstance(counterpart, kinds) if kinds is not None else not isinstance(counterpart, _AST_COMPOUND_KINDS)


def _nested_start(stmt: cst.CSTNode, chain: list, outer: ast.stmt) -> Optional[ast.stmt]:
    """The `ast` statement that starts `stmt`, walking down from `outer` (the counterpart of the
    top-level statement) along `chain` (libcst statements from the top-level one down to `stmt`)."""
    current = outer
    for parent, child in zip(chain, chain[1:]):
        index = 0
        for unit, width in _cst_units(parent):
            if unit is child:
                break
            index += width
        else:
            return None
        children = _ast_children(current)
        if index >= len(children) or not _matches(child, children[index]):
            return None
        current = children[index]
    return current if chain[-1] is stmt else None


def locate(
    module: cst.Module,
    nodes: Iterable[cst.CSTNode],
    statement_of: dict,
    enclosing: dict,
    tree: Optional[ast.Module] = None,
    text: Optional[str] = None,
    skipped_lines: frozenset = frozenset(),
    render: Optional[Callable] = None,
) -> dict:
    """{node: CodeRange} for `nodes`. `statement_of` maps id(node) to its innermost statement (one
    of collector.STATEMENT_TYPES), `enclosing` id(statement) to the statement around it (None at the top).
    `text` is the source libcst parsed. `render(module, stmt, top)` renders one statement (default
    `render_statement`; the language server's StatementCache keeps the renderings of the statements
    an edit did not touch)."""
    nodes = list(nodes)
    starts = _top_level_statements(module, tree, skipped_lines) if tree is not None else None
    if starts is None or text is None or any(id(n) not in statement_of for n in nodes):
        return _whole_module(module)
    start_of_top = {id(stmt): start for stmt, start in zip(module.body, starts)}
    real_lines: Optional[list] = None
    by_statement: dict = {}
    for node in nodes:
        stmt = statement_of[id(node)]
        by_statement.setdefault(id(stmt), (stmt, []))[1].append(node)
    result = {}
    for stmt, wanted in by_statement.values():
        chain = [stmt]
        while enclosing.get(id(chain[-1])) is not None:
            chain.append(enclosing[id(chain[-1])])
        chain.reverse()
        top = chain[0]
        outer = start_of_top.get(id(top))
        start = _nested_start(stmt, chain, outer) if outer is not None else None
        if start is None:
            return _whole_module(module)
        nested = len(chain) > 1
        rendering = render(module, stmt, top) if render is not None else render_statement(module, stmt, nested)
        shift = start.lineno - rendering.positions[stmt].start.line
        if nested and real_lines is None:
            real_lines = source_lines(text)
        for node in wanted:
            where = rendering.positions[node]
            start_column, end_column = where.start.column, where.end.column
            if nested:
                start_shift = _column_shift(rendering.lines, real_lines, where.start.line, shift)
                end_shift = _column_shift(rendering.lines, real_lines, where.end.line, shift)
                if start_shift is None or end_shift is None:
                    return _whole_module(module)  # the text is not what the rendering says: never guess
                start_column, end_column = start_column + start_shift, end_column + end_shift
                if node is stmt:  # an `elif` renders alone as `if`: where it starts, `ast` says
                    start_column = start.col_offset  # (bytes, but only indentation precedes a statement)
            result[node] = CodeRange(
                CodePosition(where.start.line + shift, start_column),
                CodePosition(where.end.line + shift, end_column),
            )
    return result


def _column_shift(rendered: list, real: list, line: int, shift: int) -> Optional[int]:
    """How far right of its rendered column a node on rendered `line` really is: the real line is the
    rendered one with the enclosing indentation (or an `el` of `elif`) before it, or the same text."""
    if not 0 < line <= len(rendered) or not 0 < line + shift <= len(real):
        return None
    ours, theirs = rendered[line - 1], real[line + shift - 1]
    return len(theirs) - len(ours) if theirs.endswith(ours) else None
