"""`# noqa` comments, read as ruff reads them (compared side by side with ruff 0.17.6: the table is
in tests/test_suppression.py).

- `# noqa` suppresses every finding on its line; `# noqa: ZDR001, ZDR005` (commas and/or spaces)
  only those codes. `noqa` is case-insensitive, codes are not (`ZDR001`, never `zdr001`); a rule
  name (`# noqa: files-api`) counts as its code, zdr-lint's one extension of ruff's grammar. Text
  after the codes is a comment (`# noqa: ZDR001 approved in JIRA-1`); so is text after a blanket
  `# noqa` that is not a colon (`# noqa - reason`).
- A directive that cannot be read suppresses nothing and is reported as ruff reports it (a warning
  naming the file and line): `# noqa:` with no codes, `# noqaZDR001`, `# noqa: zdr001`,
  `# noqa: ZDR001abc`. `# noqa: ZDR001ZDR002` and `# noqa: ZDR001,,ZDR002` still suppress both, with
  a warning.
- File level, on a line of its own: `# zdr-lint: noqa` (everything) or `# zdr-lint: noqa: ZDR002`
  (those codes), as `# ruff: noqa` is for ruff; `# flake8: noqa` too, because flake8 itself skips such
  a file (so zdr-lint's flake8 plugin never sees it) and ruff honours it; `# flake8: noqa: CODES` as
  ruff reads it. `# ruff: noqa: ZDR002` suppresses the ZDR codes it names, but a blanket
  `# ruff: noqa` is ruff's business: it is written to silence style checks in generated or vendored
  code, and must not silently hide ZDR findings. A file-level directive after code on the same line
  suppresses nothing and gets a warning, as in ruff.
- A finding inside a multi-line string (or a backslash-continued line) is suppressed by a noqa on the
  last line of that string or statement, where a comment can go.
- The text after the codes (or after a blanket `# noqa`) is the directive's reason:
  `# noqa: ZDR002 -- the cached system prompt holds no customer data`. Separators (`--`, `-`, `:`)
  before it are not part of it, nor is another tool's pragma after it (`# type: ignore`). A reason
  must hold a letter or a digit. `require-reason = true` makes a directive without one a finding
  (ZDR101, reported by the engine), and `zdr-lint suppressions` lists every directive with its reason.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Iterable, Optional

from zdr_lint.source import source_lines

CODE_EXAMPLE = "(e.g. `# noqa: ZDR001, ZDR005`)"
MISSING_CODES = f"expected a comma-separated list of codes {CODE_EXAMPLE}"
INVALID_SUFFIX = f"expected `:` followed by a comma-separated list of codes {CODE_EXAMPLE}"
INVALID_CODE = "expected a code of uppercase letters followed by digits only (e.g. `ZDR001`)"
MISSING_ITEM = "expected a rule code between commas"
MISSING_DELIMITER = "expected a comma or space between codes"
# The file-level prefixes: (prefix, case-sensitive, whether a blanket form counts, separators)
_FILE_PREFIXES = (("zdr-lint", True, True, ":"), ("flake8", False, True, ":="), ("ruff", True, False, ":"))


@dataclass
class Lexed:
    """One directive read from a comment: `codes` None for a blanket directive; `start`/`end` are
    offsets in the comment of the directive's text (from its `#` to the last code); `error` set when
    it cannot be read (then it suppresses nothing)."""

    codes: Optional[tuple]
    start: int
    end: int
    warnings: tuple = ()
    error: Optional[str] = None


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _lex_codes(comment: str, i: int, names: frozenset) -> tuple:
    """(codes, end offset of the last code, warnings, error) of the code list starting at `i`."""
    codes: list = []
    warnings: list = []
    end = i
    joined = False  # lexing a code written straight after another (`ZDR001ZDR002`)
    while i < len(comment):
        i = _skip_space(comment, i)
        if i >= len(comment):
            break
        char = comment[i]
        if char == ",":
            warnings.append(MISSING_ITEM)
            i += 1
            continue
        if "A" <= char <= "Z":
            j = i
            while j < len(comment) and "A" <= comment[j] <= "Z":
                j += 1
            k = j
            while k < len(comment) and comment[k].isdigit() and comment[k].isascii():
                k += 1
            if k == j:  # letters without digits: the free text after the codes (or a bad join)
                if joined:
                    return codes, end, warnings, INVALID_CODE
                break
            codes.append(comment[i:k])
            end = i = k
            if i >= len(comment):
                break
            char = comment[i]
            if char == ",":
                i += 1
                joined = False
            elif char.isspace() or char == "#":
                joined = False
            elif "A" <= char <= "Z":
                warnings.append(MISSING_DELIMITER)
                joined = True
            else:
                return codes, end, warnings, INVALID_CODE
            continue
        # zdr-lint's extension: a rule name is a code; any other word starts the free text
        j = i
        while j < len(comment) and not comment[j].isspace() and comment[j] not in ",#":
            j += 1
        if comment[i:j] in names:
            codes.append(comment[i:j])
            end = i = j
            if i < len(comment) and comment[i] == ",":
                i += 1
            continue
        break
    return codes, end, warnings, None


def _lex_directive(comment: str, start: int, i: int, names: frozenset) -> Lexed:
    """The directive whose `#` is at `start` and whose `noqa` ends at `i`."""
    if i >= len(comment) or comment[i] == "#":
        return Lexed(None, start, i)
    if comment[i] != ":":
        if not comment[i].isspace():
            return Lexed(None, start, i, error=INVALID_SUFFIX)  # `# noqaZDR001`
        after = _skip_space(comment, i)
        if after >= len(comment) or comment[after] != ":":
            return Lexed(None, start, i)  # `# noqa - reason`: a blanket directive and a comment
        i = after
    codes, end, warnings, error = _lex_codes(comment, i + 1, names)
    if error is None and not codes:
        error = MISSING_CODES
    return Lexed(tuple(codes), start, end, tuple(warnings), error)


def _is_noqa(text: str, i: int) -> bool:
    return text[i : i + 4].lower() == "noqa"


def lex_inline(comment: str, names: frozenset = frozenset()) -> Optional[Lexed]:
    """The `# noqa` directive in a comment token (`#` to the end of the line), or None."""
    for match in re.finditer("#", comment):
        i = _skip_space(comment, match.end())
        if _is_noqa(comment, i):
            return _lex_directive(comment, match.start(), i + 4, names)
    return None


def lex_file_level(comment: str, names: frozenset = frozenset()) -> Optional[tuple]:
    """(prefix, Lexed) of a file-level directive (`# zdr-lint: noqa...`, `# flake8: noqa...`,
    `# ruff: noqa...`) in a comment token, or None."""
    for match in re.finditer("#", comment):
        i = _skip_space(comment, match.end())
        for prefix, case_sensitive, _, separators in _FILE_PREFIXES:
            word = comment[i : i + len(prefix)]
            if word != prefix and (case_sensitive or word.lower() != prefix):
                continue
            j = _skip_space(comment, i + len(prefix))
            if j >= len(comment) or comment[j] not in separators:
                continue
            j = _skip_space(comment, j + 1)
            if _is_noqa(comment, j):
                return prefix, _lex_directive(comment, match.start(), j + 4, names)
    return None


@dataclass
class Directive:
    line: int  # 1-based
    codes: Optional[tuple]  # None: blanket
    start: int  # column range of the directive in the line, for --add-noqa and ZDR100
    end: int
    used: set = field(default_factory=set)
    reason: Optional[str] = None  # the text after the codes (None: no reason given)
    scope: str = "line"  # "line" | "file" (`# zdr-lint: noqa`, `# flake8: noqa`, `# ruff: noqa: CODES`)
    tool: str = ""  # a file-level directive's prefix: "zdr-lint", "flake8" or "ruff"

    @property
    def text(self) -> str:
        """How the directive reads, without its reason (`# noqa: ZDR002`, `# zdr-lint: noqa`)."""
        head = f"# {self.tool}: noqa" if self.scope == "file" else "# noqa"
        return head if self.codes is None else f"{head}: {', '.join(self.codes)}"


_PRAGMA_AFTER = re.compile(r"\s#\s*[\w.-]+\s*:")  # another tool's pragma: `  # type: ignore[x]`, `# pragma: no cover`


def reason_of(rest: str) -> Optional[str]:
    """The reason written after a directive's codes, or None."""
    after = _PRAGMA_AFTER.search(" " + rest)
    text = rest[: after.start()] if after else rest
    text = text.strip().lstrip("#-\u2013\u2014:;,").strip()
    return text if any(c.isalnum() for c in text) else None


@dataclass
class Suppressions:
    lines: dict = field(default_factory=dict)  # line -> Directive
    noqa_line_of: dict = field(default_factory=dict)  # line -> the line a noqa for it must be on
    warnings: list = field(default_factory=list)  # (line, message): directives that could not be read
    file_directives: list = field(default_factory=list)  # the file-level Directives that count, in order

    def noqa_line(self, line: int) -> int:
        return self.noqa_line_of.get(line, line)

    def directives(self) -> list:
        """Every directive that counts, file-level ones first, in line order."""
        return sorted(self.file_directives, key=lambda d: d.line) + [self.lines[k] for k in sorted(self.lines)]

    def suppressing(self, code: str, name: str, line: int) -> list:
        """The directives that suppress a finding of `code` on `line`, marked used: the file-level
        ones that name it (a line's own directive is then not needed, so not used), else the line's."""
        def covers(directive: Directive) -> bool:
            return directive.codes is None or code in directive.codes or name in directive.codes

        found = [d for d in self.file_directives if covers(d)]
        if not found:
            directive = self.lines.get(self.noqa_line(line))
            found = [directive] if directive is not None and covers(directive) else []
        for directive in found:
            directive.used.add(code)
        return found

    def suppresses(self, code: str, name: str, line: int) -> bool:
        return bool(self.suppressing(code, name, line))

def _string_lines_from_ast(tree: ast.AST, result: Suppressions) -> None:
    """Lines of multi-line strings. Only nodes spanning several lines can hold one, so a subtree on
    one line is not entered (a module of data rows is mostly such lines)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            if (node.end_lineno or node.lineno) > node.lineno and (isinstance(node, ast.JoinedStr) or isinstance(node.value, (str, bytes))):
                for line in range(node.lineno, node.end_lineno):
                    result.noqa_line_of[line] = node.end_lineno
            continue
        for child in ast.iter_child_nodes(node):
            if getattr(child, "end_lineno", None) is None or child.end_lineno > child.lineno:
                stack.append(child)


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
    names = frozenset(k for k in known if not k[:1].isupper())
    statement_start = None
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            _read_comment(tok.string, tok.start[0], tok.start[1], tok.line, result, names)
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


def _read_comment(comment: str, line: int, column: int, physical: str, result: Suppressions, names: frozenset) -> None:
    file_level = lex_file_level(comment, names)
    if file_level is not None:
        prefix, lexed = file_level
        own_line = not physical[:column].strip()
        for warning in lexed.warnings:
            result.warnings.append((line, f"missing or joined rule codes in `# {prefix}: noqa`: {warning}"))
        if lexed.error is not None:
            result.warnings.append((line, f"invalid `# {prefix}: noqa` directive: {lexed.error}"))
        elif not own_line:
            result.warnings.append((line, f"unexpected `# {prefix}: noqa` directive: file-level suppression comments must be on a line of their own; for this line only, write `# noqa: ...`"))
        elif lexed.codes is not None:
            result.file_directives.append(Directive(line, lexed.codes, column + lexed.start, column + lexed.end, reason=reason_of(comment[lexed.end:]), scope="file", tool=prefix))
        elif prefix != "ruff":  # a blanket `# ruff: noqa` is for ruff's rules (see the module doc)
            result.file_directives.append(Directive(line, None, column + lexed.start, column + lexed.end, reason=reason_of(comment[lexed.end:]), scope="file", tool=prefix))
        return
    lexed = lex_inline(comment, names)
    if lexed is None:
        return
    for warning in lexed.warnings:
        result.warnings.append((line, f"missing or joined rule codes in `# noqa`: {warning}"))
    if lexed.error is not None:
        result.warnings.append((line, f"invalid `# noqa` directive: {lexed.error}"))
        return
    result.lines[line] = Directive(line, lexed.codes, column + lexed.start, column + lexed.end, reason=reason_of(comment[lexed.end:]))


# --- Writing codes into a line's directive (--add-noqa, the editor's quick fix) ---------------------
def with_codes(line: str, comment_column: Optional[int], codes: Iterable[str], reason: str = "", known: frozenset = frozenset()) -> Optional[str]:
    """`line` (no line end) with `codes` suppressed by its noqa directive, or None when nothing
    changes. `comment_column` is where the line's comment starts (None: no comment). A blanket
    directive already suppresses everything; the codes of a directive are merged (its free text
    kept); a directive that cannot be read gets a valid one written before it, which is the one
    read; a line without one gets `  # noqa: CODES` (`-- REASON`)."""
    codes = list(dict.fromkeys(codes))
    names = frozenset(k for k in known if not k[:1].isupper())
    if comment_column is not None:
        comment = line[comment_column:]
        lexed = lex_inline(comment, names)
        if lexed is not None and lexed.error is None:
            if lexed.codes is None:
                return None
            missing = [c for c in codes if c not in lexed.codes]
            if not missing:
                return None
            head = comment_column + lexed.start
            return f"{line[:head]}# noqa: {', '.join(list(lexed.codes) + missing)}{line[comment_column + lexed.end:]}"
        if lexed is not None:
            head = comment_column + lexed.start
            return f"{line[:head]}# noqa: {', '.join(codes)} {line[head:]}"
    directive = "# noqa: " + ", ".join(codes) + (f" -- {reason}" if reason else "")
    stripped = line.rstrip(" \t")
    return f"{stripped}  {directive}" if stripped.strip() else None


def file_directive_with(line: str, codes: Iterable[str], known: frozenset = frozenset()) -> Optional[str]:
    """For a line holding a readable `# zdr-lint: noqa` file-level directive: the line with `codes`
    merged into it (its reason kept), or the line itself when it already covers them. None when the
    line holds no such directive."""
    if not line.startswith("#"):
        return None
    found = lex_file_level(line, frozenset(k for k in known if not k[:1].isupper()))
    if found is None or found[0] != "zdr-lint" or found[1].error is not None:
        return None
    lexed = found[1]
    if lexed.codes is None:
        return line  # a blanket file-level directive suppresses everything already
    missing = [c for c in dict.fromkeys(codes) if c not in lexed.codes]
    return f"{line[: lexed.end]}, {', '.join(missing)}{line[lexed.end:]}" if missing else line


def comment_columns(text: str) -> dict:
    """Line (1-based) -> column of the first comment token on it, for a whole module. Raises
    tokenize.TokenError / SyntaxError for text that does not tokenize."""
    out: dict = {}
    # newline="": lines end where the tokenizer ends them (\n, \r\n or a lone \r of old Mac files)
    for tok in tokenize.generate_tokens(io.StringIO(text, newline="").readline):
        if tok.type == tokenize.COMMENT:
            out.setdefault(tok.start[0], tok.start[1])
    return out


def comment_column(line: str) -> Optional[int]:
    """Where the comment of one line of code starts (None: no comment, or the line does not
    tokenize on its own)."""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(line + "\n").readline):
            if tok.type == tokenize.COMMENT:
                return tok.start[1]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return None


# --- Unused directives (ZDR100), as ruff's RUF100 reports them ----------------------------------------
def unused_codes(directive: Directive, enabled: frozenset, code_of: dict) -> Optional[str]:
    """`unused: ZDR001; non-enabled: ZDR003; duplicated: ZDR001` for a directive naming codes that
    suppressed nothing, or None. `code_of` maps the codes and names zdr-lint knows to codes: other
    tools' codes (`E501`) are not judged, as RUF100 leaves codes ruff does not know alone."""
    unused, disabled, duplicated, seen = [], [], [], set()
    for token in directive.codes or ():
        code = code_of.get(token)
        if code is None:
            continue
        if code in seen:
            duplicated.append(token)
            continue
        seen.add(code)
        if code in directive.used:
            continue
        (unused if code in enabled else disabled).append(token)
    parts = [f"{label}: {', '.join(tokens)}" for label, tokens in (("unused", unused), ("non-enabled", disabled), ("duplicated", duplicated)) if tokens]
    return "; ".join(parts) or None
