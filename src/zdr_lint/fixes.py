"""Fixes: the edit that gives a finding its ZDR-safe spelling, and applying edits to a file.

Which trigger has a fix, and whether it is safe, is the classifier's data (`catalog.REMEDIES`, read
through `Verdict.remedy`); this module only writes the edit, as ruff's fixes are written:
- "pin-direct" (safe): add `"allowed_callers": ["direct"]` to a `web_search_2026*` / `web_fetch_2026*`
  tool dict literal, in the dict's own layout (one line, or one entry a line with or without a
  trailing comma) and quote style. A dict that already sets `allowed_callers` to a literal list gets
  that list replaced, which changes what the code chose, so that fix is unsafe.
- "drop" (unsafe): remove a keyword argument (`diagnostics=`, `cache_control=`, `thread=`) or a
  `"cache_control"` key from the call or dict literal that holds it, commas and line layout kept.
An edit is the smallest replacement inside the enclosing call or dict, found by rendering the
changed node with libcst (which keeps every byte it does not change) and trimming what did not
change. `apply` writes edits into a file's bytes: the encoding, a BOM and line endings are kept, and
the result must parse (CPython's ast) or nothing is changed.
"""

from __future__ import annotations

import ast
import functools
import io
import tokenize
import warnings
from typing import Iterable, Optional

import libcst as cst

from zdr_lint.finding import Edit, Fix, Finding, Position
from zdr_lint.source import decode_source, read_file_bytes, source_lines

SAFE, UNSAFE = "safe", "unsafe"
ALLOWED_CALLERS, DIRECT = "allowed_callers", "direct"
MAX_ROUNDS = 10  # as ruff: fix, check again, fix what the new text offers, up to this many times


class FixError(Exception):
    """Edits that cannot be applied (they overlap, or the result would not parse)."""


# --- building the edit of one finding -----------------------------------------------------------------
def parent_map(calls: Iterable[cst.Call], dicts: Iterable[cst.Dict]) -> dict:
    """id(argument or dict element) -> the call or dict literal holding it."""
    parents: dict = {}
    for call in calls:
        for arg in call.args:
            parents[id(arg)] = call
    for node in dicts:
        for element in node.elements:
            parents[id(element)] = node
    return parents


def changed_parent(node: cst.CSTNode, parent: cst.CSTNode, remedy) -> Optional[tuple]:
    """(the parent as the remedy changes it, applicability, title), or None when it cannot be fixed here."""
    if remedy.action == "drop" and isinstance(node, (cst.Arg, cst.DictElement)):
        if isinstance(parent, cst.Dict) and node in parent.elements:
            return _dict_without(parent, parent.elements.index(node)), remedy.applicability, remedy.title
        if isinstance(parent, cst.Call) and node in parent.args and node.keyword is not None:
            return _call_without(parent, parent.args.index(node)), remedy.applicability, remedy.title
        return None
    if remedy.action == "pin-direct" and isinstance(parent, cst.Dict):
        return _pinned(parent, remedy)
    return None


def _dict_without(node: cst.Dict, index: int) -> cst.Dict:
    elements = list(node.elements)
    removed = elements.pop(index)
    if elements and index == len(elements):  # the last one: its neighbour takes its comma (or none)
        elements[-1] = elements[-1].with_changes(comma=removed.comma)
    if not elements:
        return node.with_changes(elements=[], lbrace=cst.LeftCurlyBrace(), rbrace=cst.RightCurlyBrace())
    return node.with_changes(elements=elements)


def _call_without(node: cst.Call, index: int) -> cst.Call:
    args = list(node.args)
    removed = args.pop(index)
    if args and index == len(args):
        args[-1] = args[-1].with_changes(comma=removed.comma, whitespace_after_arg=removed.whitespace_after_arg)
    if not args:
        return node.with_changes(args=[], whitespace_before_args=cst.SimpleWhitespace(""))
    return node.with_changes(args=args)


def _quote(node: cst.Dict) -> str:
    for element in node.elements:
        key = getattr(element, "key", None)
        if isinstance(key, cst.SimpleString) and key.prefix == "" and key.quote in ("'", '"'):
            return key.quote
    return '"'


def _pinned(node: cst.Dict, remedy) -> Optional[tuple]:
    q = _quote(node)
    direct = cst.parse_expression(f"[{q}{DIRECT}{q}]")
    for i, element in enumerate(node.elements):
        key = getattr(element, "key", None)
        if isinstance(key, cst.SimpleString) and key.evaluated_value == ALLOWED_CALLERS:
            if not isinstance(element.value, (cst.List, cst.Tuple)):
                return None  # a name or a call: what it holds is not ours to replace
            elements = list(node.elements)
            elements[i] = element.with_changes(value=direct)
            return node.with_changes(elements=elements), UNSAFE, f"Replace `{ALLOWED_CALLERS}` with [{q}{DIRECT}{q}] (code execution can no longer call the tool)"
    element = cst.DictElement(cst.SimpleString(f"{q}{ALLOWED_CALLERS}{q}"), direct, whitespace_after_colon=cst.SimpleWhitespace(" "))
    return node.with_changes(elements=_appended(node, element)), remedy.applicability, remedy.title


def _appended(node: cst.Dict, element: cst.DictElement) -> list:
    """The dict's elements with `element` last, laid out as the others are."""
    elements = list(node.elements)
    if not elements:
        return [element]
    last = elements[-1]
    separator = elements[-2].comma.whitespace_after if len(elements) > 1 and isinstance(elements[-2].comma, cst.Comma) else node.lbrace.whitespace_after
    if isinstance(separator, cst.SimpleWhitespace) and not separator.value:
        separator = cst.SimpleWhitespace(" ")
    if isinstance(last.comma, cst.Comma):  # a trailing comma: keep one after the new last element
        elements[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=separator))
        element = element.with_changes(comma=cst.Comma(whitespace_after=last.comma.whitespace_after))
    else:
        elements[-1] = last.with_changes(comma=cst.Comma(whitespace_after=separator))
    return elements + [element]


def build_fix(module: cst.Module, node: cst.CSTNode, parent: cst.CSTNode, where, remedy, text: str) -> Optional[Fix]:
    """The Fix of a finding reported at `node` (an argument or dict element of `parent`, which starts
    at `where`, a libcst CodeRange), or None when no safe-to-write edit exists. `text` is the file's."""
    changed = changed_parent(node, parent, remedy)
    if changed is None:
        return None
    new_node, applicability, title = changed
    old, new = module.code_for_node(parent), module.code_for_node(new_node)
    if old == new or _at(text, where.start.line, where.start.column, old) is False:
        return None  # the node's text is not where the positions say: write nothing rather than guess
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(f"({new}\n)", mode="eval")
    except SyntaxError:
        return None
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = _advance(where.start.line, where.start.column, old[:prefix])
    end = _advance(where.start.line, where.start.column, old[: len(old) - suffix])
    edit = Edit(new[prefix: len(new) - suffix], Position(*start), Position(*end))
    return Fix(applicability, title, (edit,))


def _advance(line: int, column: int, text: str) -> tuple:
    """Where `text`, written from (line, column), ends: lines break as the tokenizer breaks them."""
    parts = source_lines(text, keepends=True)
    if not parts:
        return line, column
    if len(parts) == 1 and not parts[0].endswith(("\n", "\r")):
        return line, column + len(parts[0])
    breaks = sum(1 for p in parts if p.endswith(("\n", "\r")))
    last = parts[-1]
    return line + breaks, (0 if last.endswith(("\n", "\r")) else len(last))


def _at(text: str, line: int, column: int, expected: str) -> bool:
    starts = _line_starts(text)
    if not 0 < line < len(starts):
        return False
    offset = starts[line - 1] + column
    return text[offset: offset + len(expected)] == expected


@functools.lru_cache(maxsize=4)
def _line_starts(text: str) -> tuple:
    """Offset of each line of `text`, and its end: one split per file, however many fixes it has
    (a string keeps its hash, so finding the file's table again costs nothing)."""
    starts = [0]
    for line in source_lines(text, keepends=True):
        starts.append(starts[-1] + len(line))
    return tuple(starts)


# --- applying fixes ---------------------------------------------------------------------------------------
def applicable(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    return fix is not None and (fix.applicability == SAFE or (unsafe and fix.applicability == UNSAFE))


def apply_to_text(text: str, fixes: Iterable[Fix]) -> tuple:
    """(text with the fixes' edits, how many fixes were applied). A fix whose edits overlap one
    already taken is left for the next round (its finding is checked again on the new text)."""
    starts = _line_starts(text)

    def offset(position: Position) -> int:
        if not 0 < position.line <= len(starts):
            raise FixError(f"an edit starts outside the file (line {position.line})")
        return starts[position.line - 1] + position.column

    taken: list = []  # (start, end, content)
    applied = 0
    for fix in fixes:
        spans = [(offset(e.start), offset(e.end), e.content) for e in fix.edits]
        if any(a < y and x < b or (a == b == x == y) for a, b, _ in spans for x, y, _ in taken):
            continue
        taken.extend(spans)
        applied += 1
    out = text
    for start, end, content in sorted(taken, key=lambda s: (s[0], s[1]), reverse=True):
        out = out[:start] + content + out[end:]
    return out, applied


def encode_like(data: bytes, text: str) -> bytes:
    """`text` in the encoding `data` was decoded from (its PEP 263 cookie or UTF-8), BOM kept."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)


def must_parse(text: str, path: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as exc:
        raise FixError(f"the fixed code would not parse ({exc}): nothing changed") from None


# --- fixing files (`check --fix`, `--diff`) ----------------------------------------------------------
class FixedFile:
    """One file's fixes: its bytes before and after, how many fixes went in, what remains."""

    def __init__(self, path: str, before: bytes, after: bytes, fixed: int, remaining: list) -> None:
        self.path, self.before, self.after, self.fixed, self.remaining = path, before, after, fixed, remaining

    def diff(self) -> str:
        """A unified diff of the change, as `ruff check --diff` prints one (the path on both sides)."""
        import difflib

        old = source_lines(decode_source(self.before), keepends=True)
        new = source_lines(decode_source(self.after), keepends=True)
        lines = list(difflib.unified_diff(old, new, fromfile=self.path, tofile=self.path))
        return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


def fix_file(path: str, findings: list, linter, unsafe: bool) -> Optional[FixedFile]:
    """Apply the applicable fixes of one file's findings, check again and repeat (up to MAX_ROUNDS),
    in memory: the FixedFile, or None when nothing applies. Raises FixError (the file is left alone)
    when an edit cannot be placed or the result would not parse."""
    if not any(applicable(f, unsafe) for f in findings):
        return None
    try:
        before = read_file_bytes(path)
    except OSError as exc:
        raise FixError(f"cannot read it: {exc.strerror or exc}") from None
    data, text, fixed, current = before, decode_source(before), 0, findings
    for _ in range(MAX_ROUNDS):
        todo = [f.fix for f in current if applicable(f, unsafe)]
        if not todo:
            break
        text, applied = apply_to_text(text, todo)
        if not applied:
            break
        must_parse(text, path)
        fixed += applied
        data = encode_like(before, text)
        current = linter.lint_source(data, path)
    return FixedFile(path, before, data, fixed, current) if data != before else None
