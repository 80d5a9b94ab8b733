"""Jupyter notebooks: code cells joined into one module, with a map back to (cell, line).

- Cells are counted from 1 over all cells, markdown included, as ruff counts them; a finding's
  `cell` is that number and its lines and columns are relative to the cell.
- IPython syntax is masked, never a parse error: line magics (`%pip install x`), shell escapes
  (`!ls`), help (`?obj`, `obj?`), captured output (`files = !ls`, `t = %timeit -o f()`) become
  harmless Python at the same indentation; a cell magic (`%%bash`, `%%writefile`) masks its cell,
  except the magics whose body is Python (`%%time`, `%%timeit`, `%%capture`, ...), which mask only
  their first line.
- A malformed notebook (not JSON, no `cells` list, a cell without `source`) is one ZDR000.

`lint_cells` takes cell texts from anywhere (a `.ipynb` file, or the cells of a notebook document
opened in an editor), so the CLI and the language server share it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Optional, Sequence, Union

from zdr_lint.finding import Finding, Position
from zdr_lint.source import CannotCheck
from zdr_lint.suppression import parse_suppressions

# Cell magics whose body is Python: only the `%%magic` line is masked.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3", "memit", "tee"})

_ASSIGNED_MAGIC = re.compile(r"^(\s*[\w.\[\], ]+?\s*=\s*)[!%]")
_HELP_SUFFIX = re.compile(r"^[\w.\[\]()]+\?\??\s*$")


class NotebookError(Exception):
    """The notebook's JSON is not a notebook we can read; the message says why."""

    def __init__(self, reason: str, line: int = 1, column: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


@dataclass(frozen=True)
class Cell:
    number: int  # 1-based, over all cells
    kind: str  # "code", "markdown", "raw"
    source: str


def source_text(source: object, number: int) -> str:
    """A cell's `source`: a list of strings (one a line, as nbformat writes) or one string."""
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        return "".join(source)
    raise NotebookError(f"invalid notebook: cell {number} has a 'source' that is neither a string nor a list of strings")


def parse_notebook(source: Union[bytes, str]) -> tuple:
    """(cells, the notebook as a dict). Raises NotebookError."""
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise NotebookError(f"invalid notebook: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        data = json.loads(source)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"invalid notebook: not valid JSON: {exc.msg}", exc.lineno, max(exc.colno - 1, 0)) from None
    if not isinstance(data, dict):
        raise NotebookError("invalid notebook: the top level is not a JSON object")
    if "cells" not in data:
        if "worksheets" in data:
            raise NotebookError("invalid notebook: nbformat 3 (worksheets) is not supported; convert it with `jupyter nbconvert --to notebook`")
        raise NotebookError("invalid notebook: no 'cells' list")
    if not isinstance(data["cells"], list):
        raise NotebookError("invalid notebook: 'cells' is not a list")
    cells = []
    for number, raw in enumerate(data["cells"], start=1):
        if not isinstance(raw, dict):
            raise NotebookError(f"invalid notebook: cell {number} is not a JSON object")
        if "source" not in raw:
            raise NotebookError(f"invalid notebook: cell {number} has no 'source'")
        kind = raw.get("cell_type", "code")
        cells.append(Cell(number, kind if isinstance(kind, str) else "code", source_text(raw["source"], number)))
    return cells, data


def is_python_notebook(data: dict) -> bool:
    """False when the notebook's kernel language is known and is not Python (R, Julia, ...)."""
    metadata = data.get("metadata") if isinstance(data, dict) else None
    if not isinstance(metadata, dict):
        return True
    info = metadata.get("language_info")
    language = info.get("name") if isinstance(info, dict) else None
    if language is None:
        spec = metadata.get("kernelspec")
        language = spec.get("language") if isinstance(spec, dict) else None
    return not isinstance(language, str) or language.lower() in ("python", "python3", "ipython", "")


# --- Masking IPython syntax ------------------------------------------------------------------------
def mask_line(line: str) -> str:
    """One line of a code cell, with IPython-only syntax replaced by Python of the same indentation."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if not stripped or stripped.startswith("#"):
        return line
    if stripped[0] in "%!?":
        return indent + "pass"
    if _HELP_SUFFIX.match(stripped):
        return indent + "pass"
    match = _ASSIGNED_MAGIC.match(line)
    if match and not match.group(1).rstrip().endswith(("==", "!=", "<=", ">=")):
        return match.group(1) + "None"
    return line


def mask_cell(source: str) -> list:
    """The cell's lines (without line ends), IPython syntax masked, same number of lines."""
    lines = source.splitlines() or [""]
    first = lines[0].lstrip()
    if first.startswith("%%"):
        name = first[2:].split(None, 1)[0] if len(first) > 2 else ""
        if name in PYTHON_CELL_MAGICS:
            return [""] + [mask_line(line) for line in lines[1:]]
        return [""] * len(lines)
    masked = []
    continued = False
    for line in lines:
        if continued:  # the rest of a magic written over several lines with `\`
            masked.append("")
            continued = line.rstrip().endswith("\\")
            continue
        masked.append(mask_line(line))
        continued = masked[-1] != line and line.rstrip().endswith("\\")
    return masked


def join_cells(cells: Sequence[Cell]) -> tuple:
    """(module text, line map): line map[i] is (cell number, 1-based line in the cell) of line i+1."""
    lines: list = []
    where: list = []
    for cell in cells:
        if cell.kind != "code":
            continue
        for index, line in enumerate(mask_cell(cell.source), start=1):
            lines.append(line)
            where.append((cell.number, index))
    return "\n".join(lines) + "\n", where


# --- Linting -------------------------------------------------------------------------------------
def _in_cell(where: list, line: int) -> tuple:
    if not where:
        return (None, line)
    return where[min(max(line, 1), len(where)) - 1]


def map_finding(finding: Finding, where: list) -> Finding:
    """A finding on the joined module, moved to its cell's coordinates."""
    cell, start_line = _in_cell(where, finding.start.line)
    end_cell, end_line = _in_cell(where, finding.end.line)
    end = Position(end_line, finding.end.column) if end_cell == cell else Position(start_line, finding.start.column)
    noqa = finding.noqa_line
    if noqa is not None:
        noqa_cell, noqa_in_cell = _in_cell(where, noqa)
        noqa = noqa_in_cell if noqa_cell == cell else start_line
    return finding.with_changes(cell=cell, start=Position(start_line, finding.start.column), end=end, noqa_line=noqa)


def lint_cells(linter, cells: Sequence[Cell], path: str, codes: frozenset) -> list:
    """Findings for a notebook's cells, each naming its cell. Never raises (problems are ZDR000)."""
    text, where = join_cells(cells)
    if not where or not linter.passes_prefilter(text):
        return []
    try:
        findings = linter.lint_text(text, path, codes)
    except CannotCheck as exc:
        findings = linter._if_enabled(codes, linter.cannot_check(path, exc.reason, exc.line, exc.column))
    except RecursionError:
        findings = linter._if_enabled(codes, linter.cannot_check(path, "too deeply nested to check (RecursionError)"))
    except MemoryError:
        findings = linter._if_enabled(codes, linter.cannot_check(path, "too large to check (MemoryError)"))
    except Exception as exc:  # as the engine does: a ZDR000, never a traceback
        findings = linter._if_enabled(codes, linter.cannot_check(path, f"internal error: {type(exc).__name__}: {exc}"))
    mapped = [map_finding(f, where) for f in findings]
    mapped.sort(key=lambda f: f.sort_key)
    return mapped


def lint_notebook(linter, source: Union[bytes, str], path: str, codes: frozenset) -> list:
    """Findings for a `.ipynb` file's content (bytes or text)."""
    try:
        cells, data = parse_notebook(source)
    except NotebookError as exc:
        return linter._if_enabled(codes, linter.cannot_check(path, exc.reason, exc.line, exc.column))
    if not is_python_notebook(data):
        return []
    return lint_cells(linter, cells, path, codes)


# --- Writing `# noqa` into cells (for --add-noqa) ----------------------------------------------------
def line_with_noqa(line: str, codes: Sequence[str], known: frozenset = frozenset()) -> str:
    """`line` (no line end) with `codes` added to its `# noqa: ...`, or a new `  # noqa: CODES`.
    A blanket `# noqa` already suppresses everything: the line comes back unchanged."""
    directive = parse_suppressions(line + "\n", known).lines.get(1)
    if directive is None:
        return f"{line.rstrip()}  # noqa: {', '.join(sorted(set(codes)))}"
    if directive.codes is None:
        return line
    merged = list(directive.codes) + [c for c in sorted(set(codes)) if c not in directive.codes]
    return f"{line[: directive.start]}# noqa: {', '.join(merged)}{line[directive.end:]}"


def detect_indent(text: str) -> Union[int, str, None]:
    """The indentation of a JSON file: spaces (a number), a tab, or None (all on one line)."""
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            prefix = line[: len(line) - len(stripped)]
            return "\t" if prefix.startswith("\t") else len(prefix)
    return None


def add_noqa_to_notebook(source: Union[bytes, str], findings: Sequence[Finding], known: frozenset = frozenset()) -> Optional[str]:
    """The notebook text with a `# noqa: CODE` for each finding on its cell's line, or None when
    nothing changes. The rest of the notebook keeps its keys, order, indentation and line end."""
    text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
    try:
        cells, data = parse_notebook(text)
    except NotebookError:
        return None
    wanted: dict = {}
    for finding in findings:
        if finding.cell is None or finding.code == "ZDR000":
            continue
        line = finding.noqa_line if finding.noqa_line is not None else finding.start.line
        wanted.setdefault((finding.cell, line), set()).add(finding.code)
    changed = False
    for (number, line), codes in sorted(wanted.items()):
        if not 1 <= number <= len(data["cells"]):
            continue
        raw = data["cells"][number - 1]
        was_list = isinstance(raw["source"], list)
        lines = cells[number - 1].source.splitlines(keepends=True)
        if not 1 <= line <= len(lines):
            continue
        current = lines[line - 1]
        body = current.rstrip("\r\n")
        updated = line_with_noqa(body, sorted(codes), known) + current[len(body):]
        if updated != current:
            lines[line - 1] = updated
            cells[number - 1] = Cell(number, cells[number - 1].kind, "".join(lines))
            raw["source"] = lines if was_list else "".join(lines)
            changed = True
    if not changed:
        return None
    out = json.dumps(data, indent=detect_indent(text), ensure_ascii="\\u" in text and not _has_non_ascii(text))
    newline = "\r\n" if "\r\n" in text else "\n"
    if newline != "\n":
        out = out.replace("\n", newline)
    if text.endswith(("\n", "\r\n")):
        out += newline
    return out


def _has_non_ascii(text: str) -> bool:
    return any(ord(ch) > 127 for ch in text)
