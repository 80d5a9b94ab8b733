"""Positions for the nodes findings are reported at, without computing them for the whole module.

libcst's PositionProvider renders the whole module and records every node: the costliest step of a
check (hundreds of ms on a 1,000-line file, where the editor wants the answer). A finding needs the
positions of a few nodes only. Each top-level statement that holds one is rendered alone, and its
lines are shifted to where CPython's `ast` (already parsed by the second stage) says the statement
starts. Top-level statements start at column 0, so columns need no shift.
"""

from __future__ import annotations

import ast
from typing import Callable, Iterable, Optional

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider


def _whole_module(module: cst.Module) -> dict:
    return dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))


def _statement_lines(module: cst.Module, tree: ast.Module, skipped_lines: frozenset) -> Optional[list]:
    """The first line of each of the libcst module's top-level statements, from the ast."""
    statements = [s for s in tree.body if s.lineno not in skipped_lines]
    lines = []
    index = 0
    for stmt in module.body:
        if index >= len(statements):
            return None
        lines.append(statements[index].lineno)
        index += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
    return lines if index == len(statements) else None


def statement_positions(module: cst.Module, stmt: cst.CSTNode):
    """Positions of every node of one top-level statement, rendered alone (its first line is line 1
    unless it has leading blank lines)."""
    alone = module.with_changes(body=[stmt], header=[], footer=[])
    return MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)


def locate(
    module: cst.Module,
    nodes: Iterable[cst.CSTNode],
    top_of: dict,
    tree: Optional[ast.Module] = None,
    skipped_lines: frozenset = frozenset(),
    positions_of: Optional[Callable] = None,
) -> dict:
    """{node: CodeRange} for `nodes`. `top_of` maps id(node) to its top-level statement.
    `positions_of(module, stmt)` renders one statement (default `statement_positions`; the language
    server's StatementCache keeps the answers for the statements an edit did not touch)."""
    positions_of = positions_of or statement_positions
    nodes = list(nodes)
    lines = _statement_lines(module, tree, skipped_lines) if tree is not None else None
    if lines is None or any(id(n) not in top_of for n in nodes):
        return _whole_module(module)
    line_of = {id(stmt): line for stmt, line in zip(module.body, lines)}
    by_statement: dict = {}
    for node in nodes:
        by_statement.setdefault(id(top_of[id(node)]), (top_of[id(node)], []))[1].append(node)
    result = {}
    for stmt, wanted in by_statement.values():
        if id(stmt) not in line_of:
            return _whole_module(module)
        relative = positions_of(module, stmt)
        shift = line_of[id(stmt)] - relative[stmt].start.line
        for node in wanted:
            where = relative[node]
            result[node] = CodeRange(
                CodePosition(where.start.line + shift, where.start.column),
                CodePosition(where.end.line + shift, where.end.column),
            )
    return result
