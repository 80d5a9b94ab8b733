"""`# noqa` comments, with ruff's semantics.

- `# noqa` suppresses every finding on its line; `# noqa: ZDR001, ZDR005` only those codes (a rule
  name such as `files-api` works too).
- `# zdr-lint: noqa` on a line of its own suppresses the whole file; `# zdr-lint: noqa: ZDR002`
  only those codes.
- A finding inside a multi-line string (or a backslash-continued line) is suppressed by a noqa on the
  last line of that string or statement, where a comment can go.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Optional

from zdr_lint.source import source_lines

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[\w\-]+(?:[\s,]+[\w\-]+)*))?", re.IGNORECASE)
_FILE_NOQA = re.compile(r"#\s*zdr-lint\s*:\s*noqa(?::\s*(?P<codes>[\w\-]+(?:[\s,]+[\w\-]+)*))?", re.IGNORECASE)
_CODE_LIKE = re.compile(r"[A-Z]+[0-9]+")


@dataclass
class Directive:
    line: int  # 1-based
    codes: Optional[tuple]  # None: blanket
    start: int  # column range of the comment text matched, for --add-noqa and ZDR100
    end: int
    used: set = field(default_factory=set)


@dataclass
class Suppressions:
    lines: dict = field(default_factory=dict)  # line -> Directive
    file_codes: Optional[set] = None  # codes suppressed file-wide; empty set = all
    file_all: bool = False
    noqa_line_of: dict = field(default_factory=dict)  # line -> the line a noqa for it must be on

    def noqa_line(self, line: int) -> int:
        return self.noqa_line_of.get(line, line)

    def suppresses(self, code: str, name: str, line: int) -> bool:
        if self.file_all or (self.file_codes and (code in self.file_codes or name in self.file_codes)):
            return True
        directive = self.lines.get(self.noqa_line(line))
        if directive is None:
            return False
        if directive.codes is None or code in directive.codes or name in directive.codes:
            directive.used.add(code)
            return True
        return False


def _codes(text: Optional[str], known: frozenset) -> Optional[tuple]:
    if not text:
        return None
    out = []
    for token in re.split(r"[\s,]+", text.strip()):
        if not token:
            continue
        if token in known or _CODE_LIKE.fullmatch(token):
            out.append(token)
        else:
            break  # free text after the codes
    return tuple(out) if out else None


def _string_lines_from_ast(tree: ast.AST, result: Suppressions) -> None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and (node.end_lineno or node.lineno) > node.lineno:
            if isinstance(node, ast.JoinedStr) or isinstance(node.value, (str, bytes)):
                for line in range(node.lineno, node.end_lineno):
                    result.noqa_line_of[line] = node.end_lineno


def parse_suppressions(text: str, known: frozenset = frozenset(), tree: Optional[ast.AST] = None) -> Suppressions:
    """Read the comments of `text` (decoded source); `known` holds rule codes and names.

    Tokenizing is the costly part (seconds on a multi-megabyte file), so a file that never says
    "noqa" is not tokenized: its multi-line strings come from the `ast` tree when one is given."""
    result = Suppressions()
    if tree is not None and "noqa" not in text.lower():
        _string_lines_from_ast(tree, result)
        _continuations(text, result)
        return result
    try:
        # newline="": lines end where the tokenizer ends them (\n, \r\n, or a lone \r of old Mac files)
        tokens = list(tokenize.generate_tokens(io.StringIO(text, newline="").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        tokens = []
    statement_start = None
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            _read_comment(tok.string, tok.start[0], tok.start[1], tok.line, result, known)
        elif tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_END", -1):
            first = tok.start[0]
            if tok.type != tokenize.STRING:
                first = statement_start or first
            for line in range(first, tok.end[0]):
                result.noqa_line_of[line] = tok.end[0]
        if tok.type == getattr(tokenize, "FSTRING_START", -2):
            statement_start = tok.start[0]
    _continuations(text, result)
    return result


def _continuations(text: str, result: Suppressions) -> None:
    """Backslash continuations: the comment goes on the last physical line of the statement."""
    if "\\\n" not in text and "\\\r" not in text:
        return
    lines = source_lines(text)
    run_start = None
    for number, line in enumerate(lines, start=1):
        if line.endswith("\\"):
            run_start = run_start or number
        elif run_start is not None:
            for continued in range(run_start, number):
                result.noqa_line_of.setdefault(continued, number)
            run_start = None


def _read_comment(comment: str, line: int, column: int, physical: str, result: Suppressions, known: frozenset) -> None:
    file_match = _FILE_NOQA.match(comment)
    if file_match:
        if physical.strip() == comment.strip():  # own line only, as ruff requires
            codes = _codes(file_match.group("codes"), known)
            if codes is None:
                result.file_all = True
            else:
                result.file_codes = (result.file_codes or set()) | set(codes)
        return
    match = _NOQA.search(comment)
    if match:
        result.lines[line] = Directive(
            line, _codes(match.group("codes"), known), column + match.start(), column + match.end()
        )
