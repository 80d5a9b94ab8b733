"""Text of an open document: columns in the client's units, lines as LSP counts them, where each
finding sits, and, for a `.ipynb` file opened as JSON text, where each cell's line is written.

Plain Python, no pygls: the server and the tests use it.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from zdr_lint.engine import CANNOT_CHECK
from zdr_lint.finding import Finding
from zdr_lint.notebook import line_with_noqa

# LSP position encodings (lsprotocol's PositionEncodingKind values are these strings)
UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


# --- Columns: code points <-> the client's units ---------------------------------------------------
def to_client_column(line: str, column: int, encoding: str) -> int:
    """A code-point column of `line` in the negotiated encoding's code units."""
    prefix = line[: max(column, 0)]
    if encoding == UTF8:
        return len(prefix.encode("utf-8", "surrogatepass"))
    if encoding == UTF32:
        return len(prefix)
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2


def from_client_column(line: str, units: int, encoding: str) -> int:
    """The code-point column at `units` code units of the negotiated encoding."""
    if encoding == UTF32:
        return min(units, len(line))
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        if encoding == UTF8:
            count += len(char.encode("utf-8", "surrogatepass"))
        else:
            count += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def split_lines(text: str) -> list:
    """Lines as LSP counts them (\\n, \\r\\n and \\r end a line), without their line ends."""
    return re.split(r"\r\n|\r|\n", text)


# --- Where a finding sits in the document -------------------------------------------------------------
@dataclass(frozen=True)
class Placed:
    """A finding at 0-based (line, code-point column) positions of the document it is shown in."""

    finding: Finding
    start: tuple
    end: tuple
    noqa_line: Optional[int]  # 0-based line of the document for `# noqa`; None: no line action


def place_in_text(findings: Sequence[Finding], lines: list) -> list:
    placed = []
    for f in findings:
        start = (max(f.start.line - 1, 0), f.start.column)
        end = (max(f.end.line - 1, 0), f.end.column)
        if f.code == CANNOT_CHECK:
            row = min(start[0], max(len(lines) - 1, 0))
            start, end = (row, min(f.start.column, len(lines[row]) if lines else 0)), (row, len(lines[row]) if lines else 0)
        noqa = (f.noqa_line or f.start.line) - 1 if f.code != CANNOT_CHECK else None
        placed.append(Placed(f, start, end, noqa))
    return placed


# --- A .ipynb file opened as text: where each cell's source is written in the JSON -----------------
def _skip_ws(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _string_end(text: str, index: int) -> int:
    """Index after the JSON string literal starting at `index` (its opening quote)."""
    _, end = json.decoder.scanstring(text, index + 1)
    return end


def source_literals(text: str) -> list:
    """For each cell, the offsets of the JSON string literals of its `source` (in order)."""
    decoder = json.JSONDecoder()
    cells: list = []

    def walk_object(index: int, on_key: Callable[[str, int], Optional[int]]) -> int:
        index = _skip_ws(text, index)
        if text[index] != "{":
            raise ValueError("object expected")
        index = _skip_ws(text, index + 1)
        if text[index] == "}":
            return index + 1
        while True:
            key, index = json.decoder.scanstring(text, _skip_ws(text, index) + 1)
            index = _skip_ws(text, index)
            index = _skip_ws(text, index + 1)  # the colon
            handled = on_key(key, index)
            index = handled if handled is not None else decoder.raw_decode(text, index)[1]
            index = _skip_ws(text, index)
            if text[index] == "}":
                return index + 1
            index += 1  # the comma

    def walk_array(index: int, on_item: Callable[[int], int]) -> int:
        index = _skip_ws(text, index + 1)
        if text[index] == "]":
            return index + 1
        while True:
            index = _skip_ws(text, on_item(_skip_ws(text, index)))
            if text[index] == "]":
                return index + 1
            index += 1

    def on_cell_key(literals: list):
        def handle(key: str, index: int) -> Optional[int]:
            if key != "source":
                return None
            if text[index] == '"':
                literals.append(index)
                return _string_end(text, index)
            if text[index] == "[":
                def item(i: int) -> int:
                    literals.append(i)
                    return _string_end(text, i)

                return walk_array(index, item)
            return None

        return handle

    def on_cell(index: int) -> int:
        literals: list = []
        cells.append(literals)
        return walk_object(index, on_cell_key(literals))

    def on_top_key(key: str, index: int) -> Optional[int]:
        if key == "cells" and text[index] == "[":
            return walk_array(index, on_cell)
        return None

    walk_object(0, on_top_key)
    return cells


def raw_offset(text: str, literal: int, decoded: int) -> int:
    """Offset in `text` of the `decoded`-th character of the JSON string literal at `literal`."""
    index, count = literal + 1, 0
    while count < decoded and index < len(text) and text[index] != '"':
        if text[index] == "\\":
            if text[index + 1] == "u":
                high = int(text[index + 2 : index + 6], 16)
                index += 12 if 0xD800 <= high < 0xDC00 and text[index + 6 : index + 8] == "\\u" else 6
            else:
                index += 2
        else:
            index += 1
        count += 1
    return index


class NotebookText:
    """Maps (cell, line, column) of a notebook's cells to (line, column) of its JSON text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.literals = source_literals(text)
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        self.parts: list = []  # per cell: the decoded strings of its source literals
        for literals in self.literals:
            self.parts.append([json.decoder.scanstring(text, i + 1)[0] for i in literals])

    def _to_position(self, offset: int) -> tuple:
        row = bisect.bisect_right(self.line_starts, offset) - 1
        return (row, offset - self.line_starts[row])

    def locate(self, cell: int, line: int, column: int) -> Optional[tuple]:
        """0-based (row, column) in the JSON text, or None when the cell is not found."""
        if not 1 <= cell <= len(self.parts):
            return None
        parts = self.parts[cell - 1]
        decoded = "".join(parts)
        offset = 0
        for _ in range(line - 1):
            newline = decoded.find("\n", offset)
            if newline < 0:
                break
            offset = newline + 1
        offset += column
        for literal, part in zip(self.literals[cell - 1], parts):
            if offset <= len(part) and not (offset == len(part) and part.endswith("\n")):
                return self._to_position(raw_offset(self.text, literal, offset))
            offset -= len(part)
        if self.literals[cell - 1]:
            last = self.literals[cell - 1][-1]
            return self._to_position(raw_offset(self.text, last, len(parts[-1])))
        return None

    def noqa_edit(self, cell: int, line: int, code: str, known: frozenset) -> Optional[tuple]:
        """((row, col), (row, col), new JSON text) writing `# noqa: CODE` into the cell's line, or
        None when the line is not inside one JSON string or needs no change."""
        if not 1 <= cell <= len(self.parts):
            return None
        parts, literals = self.parts[cell - 1], self.literals[cell - 1]
        lines = "".join(parts).split("\n")
        if not 1 <= line <= len(lines):
            return None
        start = sum(len(text) + 1 for text in lines[: line - 1])
        old = lines[line - 1].rstrip("\r")
        new = line_with_noqa(old, [code], known)
        if new == old:
            return None
        position = 0
        for literal, part in zip(literals, parts):
            if position <= start and start + len(old) <= position + len(part):
                common = len(os.path.commonprefix([old, new]))
                first = raw_offset(self.text, literal, start - position + common)
                last = raw_offset(self.text, literal, start - position + len(old))
                return self._to_position(first), self._to_position(last), json.dumps(new[common:], ensure_ascii=False)[1:-1]
            position += len(part)
        return None

    def place(self, findings: Sequence[Finding]) -> list:
        placed = []
        for f in findings:
            if f.cell is None:
                placed.extend(place_in_text([f], split_lines(self.text)))
                continue
            start = self.locate(f.cell, f.start.line, f.start.column)
            end = self.locate(f.cell, f.end.line, f.end.column) if f.end.line == f.start.line else None
            if start is None:
                continue
            if end is None or end < start:
                end = start
            placed.append(Placed(f, start, end, None))
        return placed


