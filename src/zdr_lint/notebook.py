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
import os
import re
from dataclasses import dataclass
from typing import Callable, Optional, Sequence, Union

from zdr_lint.finding import Finding, Position
from zdr_lint.source import CannotCheck
from zdr_lint.suppression import comment_column, with_codes

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
    updated = with_codes(line, comment_column(line), sorted(set(codes)), known=known)
    return line if updated is None else updated


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


# --- Where each cell's source is written in the notebook's JSON text (editors, SARIF) ---------------
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


class NotebookSourceMap:
    """Maps (cell, line, column) of a notebook's cells to (line, column) of its JSON text. Raises
    ValueError (or IndexError) for text that is not a notebook's JSON."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.literals = source_literals(text)
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        self.parts: list = []  # per cell: the decoded strings of its source literals
        for literals in self.literals:
            self.parts.append([json.decoder.scanstring(text, i + 1)[0] for i in literals])

    def _to_position(self, offset: int) -> tuple:
        import bisect

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
