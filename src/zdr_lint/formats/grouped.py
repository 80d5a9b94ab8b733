"""`grouped`: findings under a header per file, as ruff's grouped format prints them: the line (with
the cell in a notebook) right-aligned and the column left-aligned, so codes form one column. The
command prints the summary line after it, as for `full` and `concise`."""

from __future__ import annotations

from itertools import groupby

from zdr_lint.formats.text import Painter, fix_mark


def format_grouped(findings: list, context) -> str:
    paint = Painter.of(context)
    out = []
    for path, items in groupby(findings, key=lambda f: f.path):
        items = list(items)
        rows = [(f"cell {f.cell}:" if f.cell is not None else "") + str(f.start.line) for f in items]
        columns = [str(f.start.column + 1) for f in items]
        row_width, column_width = max(map(len, rows)), max(map(len, columns))
        out.append(f"{paint.underline(path)}:\n")
        for f, row, column in zip(items, rows, columns):
            out.append(f"  {row:>{row_width}}{paint.punctuation(':')}{column:<{column_width}} {paint.code(f.code)}{fix_mark(f, context)} {f.message}\n")
        out.append("\n")
    return "".join(out)
