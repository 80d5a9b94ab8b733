"""`grouped`: findings under a header per file, as ruff's grouped format prints them."""

from __future__ import annotations

from itertools import groupby


def format_grouped(findings: list, context) -> str:
    out = []
    for path, items in groupby(findings, key=lambda f: f.path):
        out.append(f"{path}:\n")
        for f in items:
            cell = f"cell {f.cell}:" if f.cell is not None else ""
            out.append(f"  {cell}{f.start.line}:{f.start.column + 1} {f.code} {f.message}\n")
        out.append("\n")
    return "".join(out)
