"""`zdr-lint suppressions`: every suppression of a zdr-lint finding, with its codes, reason, file and
line, and what it suppresses (the report's "Suppressions" section is the same list).

The findings come from a check with `# noqa` ignored (`--ignore-noqa`), so each one that a directive
would hide is known; each file's directives are read as the engine reads them
(zdr_lint.suppression) and every finding is matched to the directives that suppress it. Listed: the
directives that name a zdr-lint code or rule name, the file-level `# zdr-lint: noqa`, and blanket
`# noqa` / `# flake8: noqa` directives that suppress a zdr-lint finding (the others are other
tools' business).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from zdr_lint import notebook
from zdr_lint.formats._common import text_path
from zdr_lint.source import CannotCheck, decode_source, read_file_bytes
from zdr_lint.suppression import parse_suppressions


@dataclass
class Listed:
    path: str
    line: int
    cell: Optional[int]
    scope: str  # "line" | "file"
    directive: str  # `# noqa: ZDR002`
    codes: Optional[tuple]  # None: blanket
    reason: Optional[str]
    suppressed: Counter = field(default_factory=Counter)  # code -> findings it hides
    unused: tuple = ()  # zdr-lint codes it names that suppress nothing here

    @property
    def suppresses_nothing(self) -> bool:
        return not self.suppressed

    def as_json(self) -> dict:
        return {
            "filename": text_path(os.path.abspath(self.path)), "line": self.line, "cell": self.cell, "scope": self.scope,
            "directive": self.directive, "codes": list(self.codes) if self.codes is not None else None, "reason": self.reason,
            "suppressed": dict(sorted(self.suppressed.items())), "unused": list(self.unused), "suppresses_nothing": self.suppresses_nothing,
        }


def _text_and_lines(path: str, data: bytes) -> Optional[tuple]:
    """(text as the engine checks it, {(cell, line): line in text} or None for a plain file)."""
    if path.endswith(".ipynb"):
        try:
            text, where = notebook.join_cells(notebook.parse_notebook(data)[0])
        except notebook.NotebookError:
            return None
        return text, {place: i + 1 for i, place in enumerate(where)}
    try:
        return decode_source(data), None
    except CannotCheck:
        return None


def list_suppressions(files: list, findings: list, rules: dict, hidden_by: Optional[dict] = None) -> list:
    """The Listed directives of `files`, with the `findings` (of a check that ignored noqa) each hides.
    `hidden_by`, when given, is filled with id(finding) -> the Listed directives that suppress it."""
    ours = set(rules) | {rule.name for rule in rules.values()}
    code_of = {code: code for code in rules} | {rule.name: code for code, rule in rules.items()}
    by_path: dict = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    out = []
    for path in sorted(set(files), key=lambda p: (os.path.normpath(p), p)):
        try:
            data = read_file_bytes(path)
        except OSError:
            continue
        if b"noqa" not in data.lower():
            continue
        read = _text_and_lines(path, data)
        if read is None:
            continue
        text, lines = read
        suppressions = parse_suppressions(text, frozenset(ours))
        hidden: dict = {}
        suppressed_by: dict = {}  # id(directive) -> findings
        for f in by_path.get(path, ()):
            line = f.start.line if lines is None else lines.get((f.cell, f.start.line), 0)
            name = rules[f.code].name if f.code in rules else f.code
            for directive in suppressions.suppressing(f.code, name, line):
                hidden.setdefault(id(directive), Counter())[f.code] += 1
                suppressed_by.setdefault(id(directive), []).append(f)
        place = {v: k for k, v in lines.items()} if lines is not None else {}
        for directive in suppressions.directives():
            named = [token for token in directive.codes or () if token in ours]
            if not named and not (directive.codes is None and (directive.tool == "zdr-lint" or id(directive) in hidden)):
                continue
            suppressed = hidden.get(id(directive), Counter())
            unused = tuple(token for token in named if code_of[token] not in suppressed)
            cell, line = place.get(directive.line, (None, directive.line))
            listed = Listed(path, line, cell, directive.scope, directive.text, directive.codes, directive.reason, suppressed, unused)
            out.append(listed)
            if hidden_by is not None:
                for f in suppressed_by.get(id(directive), ()):
                    hidden_by.setdefault(id(f), []).append(listed)
    return out


def render_text(listed: list) -> str:
    lines = []
    for item in listed:
        where = f"{item.path}:cell {item.cell}:{item.line}" if item.cell is not None else f"{item.path}:{item.line}"
        reason = f" -- {item.reason}" if item.reason else "  (no reason)"
        if item.suppresses_nothing:
            state = "suppresses nothing"
        else:
            state = "suppresses " + ", ".join(f"{code} x{n}" if n > 1 else code for code, n in sorted(item.suppressed.items()))
            if item.unused:
                state += f"; unused: {', '.join(item.unused)}"
        lines.append(f"{where}: {item.directive}{reason}  [{state}]\n")
    count = len(listed)
    empty = sum(1 for item in listed if item.suppresses_nothing)
    unreasoned = sum(1 for item in listed if not item.reason)
    lines.append(f"{count} {'suppression' if count == 1 else 'suppressions'}: {unreasoned} without a reason, {empty} suppressing nothing.\n")
    return "".join(lines)


def render_json(listed: list) -> str:
    return json.dumps([item.as_json() for item in listed], indent=2) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def place_text(cell: Optional[int], line: int) -> str:
    """Where a directive is written: `12`, or `cell 2:3` in a notebook."""
    return f"cell {cell}:{line}" if cell is not None else str(line)


def hides_text(suppressed: dict, unused, nothing: bool) -> str:
    """What a directive suppresses: `ZDR001 ×2 (unused: ZDR003)`, or `nothing`."""
    if nothing:
        return "nothing"
    text = ", ".join(f"{code} ×{n}" for code, n in sorted(suppressed.items()))
    return text + (f" (unused: {', '.join(unused)})" if unused else "")


def render_markdown(listed: list) -> str:
    rows = ["| file | line | directive | reason | suppresses |", "|---|---|---|---|---|"]
    for item in listed:
        line = place_text(item.cell, item.line)
        hides = hides_text(item.suppressed, item.unused, item.suppresses_nothing)
        rows.append(f"| `{_cell(item.path)}` | {line} | `{_cell(item.directive)}` | {_cell(item.reason) if item.reason else '**none**'} | {hides} |")
    return "# zdr-lint suppressions\n\n" + "\n".join(rows) + "\n"
