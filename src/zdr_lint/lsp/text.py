"""Text of an open document: columns in the client's units, lines as LSP counts them, where each
finding sits, and, for a `.ipynb` file opened as JSON text, where each cell's line is written.

Plain Python, no pygls: the server and the tests use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from zdr_lint.engine import CANNOT_CHECK
from zdr_lint.finding import Finding
from zdr_lint.notebook import NotebookSourceMap

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


# --- A .ipynb file opened as text: findings where each cell's line is written in the JSON ---------
class NotebookText(NotebookSourceMap):
    """A notebook's JSON text, with each finding placed where its cell's line is written."""

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


