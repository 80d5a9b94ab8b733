"""The path of one file: read bytes -> prefilter -> second stage (ast) -> parse (libcst) -> semantic
model -> rules -> noqa -> findings. `Linter.lint_source` is the one way in for every front end.

Speed comes from doing less: a file without a trigger word is never decoded; a file whose `ast`
holds no candidate (an Anthropic import used with a resource or request word, or a spelling only
Anthropic uses) never reaches libcst; positions are computed only for files with findings.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import sys
import tokenize
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional, Sequence, Union

from zdr_lint import catalog
from zdr_lint.config import Settings, expand_selector, relative_path, resolve_selection
from zdr_lint.finding import Finding, Position
from zdr_lint.plugins import Registry, get_registry

if TYPE_CHECKING:  # typing only
    from concurrent.futures import ProcessPoolExecutor

    from zdr_lint.incremental import StatementCache
    from zdr_lint.project import ProjectIndex

CANNOT_CHECK = "ZDR000"
UNUSED_NOQA = "ZDR100"  # opt-in: reported by the engine after suppression, not by a rule hook
# Below this many files past the prefilter, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 8
# libcst visitors recurse once per nesting level; deeply nested generated code needs headroom.
RECURSION_LIMIT = 12000
# CPython's ast refuses nesting deeper than about 2,500 levels under the default limit; libcst's
# native parser crashes the process (not an exception) somewhere past 5,000. So `ast.parse` runs
# under the default limit and is the gate: what it refuses never reaches libcst.
AST_RECURSION_LIMIT = 1000


@contextlib.contextmanager
def recursion_limit(limit: int):
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def parse_ast(text: str, path: str) -> ast.Module:
    """CPython's ast of `text`; a file it refuses is a CannotCheck with the reason and position."""
    try:
        with recursion_limit(AST_RECURSION_LIMIT), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the checked code's SyntaxWarnings are not ours to print
            return ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise CannotCheck(f"syntax error: {exc.msg}", exc.lineno or 1, max((exc.offset or 1) - 1, 0)) from None
    except ValueError as exc:  # e.g. NUL bytes
        raise CannotCheck(f"syntax error: {exc}") from None
    except (RecursionError, MemoryError):
        raise CannotCheck("too deeply nested to check (Python's parser gives up)") from None


def source_lines(text: str, keepends: bool = False) -> list:
    """The lines of Python source as the tokenizer and `ast` number them: split at \n, \r\n and
    \r only (`str.splitlines` also splits at form feeds and other separators, which old modules
    hold, and would shift every line number after them)."""
    return io.StringIO(text, newline="").readlines() if keepends else [line.rstrip("\r\n") for line in io.StringIO(text, newline="")]


# --- Stage 1: the prefilter ----------------------------------------------------------------------
def passes_prefilter(data: Union[bytes, str], words: Sequence[bytes], groups: Iterable = ()) -> bool:
    """Plain substring tests on the lowercased bytes (about ten times faster than a regex here):
    any of `words`, or every word of any of `groups`."""
    lowered = data.lower()
    if isinstance(lowered, str):
        lowered = lowered.encode("utf-8", "surrogateescape")
    return lowered_passes(lowered, words, groups)


def lowered_passes(lowered: bytes, words: Sequence, groups: Iterable = ()) -> bool:
    """`words` are plain words or (gate, members) pairs from `gated_words`."""
    for word in words:
        if type(word) is tuple:
            gate, members = word
            if gate in lowered and any(m in lowered for m in members):
                return True
        elif word in lowered:
            return True
    present: dict = {}  # a group's first word (its rarest) is looked for once, whatever groups share it
    for group in groups:
        first = group[0]
        found = present.get(first)
        if found is None:
            found = present[first] = first in lowered
        if found and all(w in lowered for w in group[1:]):
            return True
    return False


def gated_words(words: Iterable[bytes]) -> tuple:
    """Each word costs a pass over every file's bytes: words that share a part (the dated tool types'
    `_20`, `mcp_servers` and `mcp_toolset`'s `mcp_`) are looked for behind it, one pass for the part
    and the words themselves only in the rare file that has it."""
    groups: dict = {}
    for word in words:
        if word.endswith(b"_20"):
            part = b"_20"
        elif b"_" in word:
            part = word[: word.index(b"_") + 1]
        else:
            part = word
        groups.setdefault(part, []).append(word)
    return tuple((part, tuple(members)) if len(members) > 1 else members[0] for part, members in sorted(groups.items()))


# --- Stage 2: candidates on CPython's ast ----------------------------------------------------------
_ANNOTATION_FIELDS = {ast.AnnAssign: ("annotation",), ast.arg: ("annotation",), ast.FunctionDef: ("returns",), ast.AsyncFunctionDef: ("returns",)}


def _completes_pair(word: str, seen: set) -> bool:
    """Add a paired string (or a partner) to those seen; True once some key has all its partners."""
    seen.add(word)
    paired = catalog.PAIRED_STRINGS
    return any(key in seen and any(partners <= seen for partners in paired[key]) for key in paired)


def has_candidate(tree: ast.AST, sdk_modules: frozenset, sdk_names: frozenset, import_pairs: frozenset = frozenset()) -> bool:
    """Could any rule fire? True for an Anthropic spelling in a string, or for a file that refers to
    the SDK (imports it, a configured client factory, or a name of the project index) and writes a
    resource or request word; a file that imports only a wrapper library (LangChain, LiteLLM, ...)
    must also name an Anthropic entry point of it or spell an Anthropic model id."""
    return _gate_walk(tree, sdk_modules, sdk_names, import_pairs, None)[0]


def gate_facts(tree: ast.AST, sdk_modules: frozenset, sdk_names: frozenset):
    """The ast stage's answer before the project index exists: True when the file is a candidate
    whatever the index holds, else (writes a resource or request word, its import keys), which
    `gate_decides` completes once the index's import pairs are known."""
    keys: set = set()
    candidate, words = _gate_walk(tree, sdk_modules, sdk_names, frozenset(), keys)
    return True if candidate else (words, frozenset(keys))


def gate_decides(facts, import_pairs: frozenset) -> bool:
    return facts is True or (facts[0] and not facts[1].isdisjoint(import_pairs))


def _gate_walk(tree: ast.AST, sdk_modules: frozenset, sdk_names: frozenset, import_pairs: frozenset, keys: Optional[set]) -> tuple:
    """(candidate, writes a resource or request word). With `keys`, the (module tail, name) keys of
    the file's imports are collected there instead of being looked up in `import_pairs`."""
    refers = wraps = anchored = words = False
    stack = [tree]
    unique = catalog.UNIQUE_STRING.fullmatch
    model_id = catalog.ANTHROPIC_MODEL_ID.search
    keyed = catalog.KEYED_STRINGS
    resource_words, anchors, wrapper_modules = catalog.RESOURCE_WORDS, catalog.WRAPPER_ANCHORS, catalog.WRAPPER_MODULES
    paired, partners, paired_seen = catalog.PAIRED_STRINGS, catalog.PAIR_PARTNERS, set()
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Constant:
            value = node.value
            if isinstance(value, str) and len(value) < 200:
                if unique(value) or any(s in value for s in catalog.UNIQUE_SUBSTRINGS) or value in catalog.PYDANTIC_AI_CACHE_KEYS:
                    return True, words
                if (value in paired or value in partners) and _completes_pair(value, paired_seen):
                    return True, words
                if not anchored and (value == catalog.SDK_ROOT or model_id(value)):
                    anchored = True
            continue
        if kind is ast.Expr and type(node.value) is ast.Constant:
            continue  # docstrings and bare strings
        if kind is ast.Attribute:
            if node.attr in resource_words:
                words = True
                anchored = anchored or node.attr in anchors
        elif kind is ast.keyword:
            if node.arg in catalog.UNIQUE_KEYWORDS or node.arg in keyed:
                return True, words
            if node.arg is None or node.arg in resource_words:
                words = True
            elif node.arg in paired and _completes_pair(node.arg, paired_seen):
                return True, words  # `dict(type="file", file_id=fid)`
        elif kind is ast.Name:
            if node.id in sdk_names:
                refers = True
            elif node.id in resource_words:  # a bare client class: `AnthropicBedrock(...)`
                words = True
                anchored = anchored or node.id in anchors
        elif kind is ast.Call and node.keywords:
            # a partner as a keyword counts with its key in the same call: `ToolParam(input_schema=s,
            # strict=True)`, not `zip(a, b, strict=True)` in a file that says "input_schema"
            named = {kw.arg for kw in node.keywords}
            if any(key in named and any(p <= named for p in paired[key]) for key in paired):
                return True, words
        elif kind is ast.Dict:
            if any(type(k) is ast.Constant and k.value in keyed for k in node.keys):
                return True, words
        elif kind is ast.Subscript:
            if type(node.slice) is ast.Constant and node.slice.value in keyed:
                return True, words
        elif kind is ast.Assign:
            if type(node.value) is ast.Constant and node.value.value in keyed:
                return True, words  # `KEY = "cache_control"`, then `{KEY: ...}`
        elif kind is ast.Import:
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in sdk_modules:
                    refers = True
                elif top in wrapper_modules:
                    wraps = True
                elif keys is not None:
                    keys.add(tuple(alias.name.split(".")[-2:]))
                elif import_pairs and tuple(alias.name.split(".")[-2:]) in import_pairs:
                    refers = True
        elif kind is ast.ImportFrom:
            top = node.module.split(".")[0] if node.module and node.level == 0 else None
            if top in sdk_modules:
                refers = True
            elif top in wrapper_modules:
                wraps = True
                anchored = anchored or any(alias.name in anchors for alias in node.names)
            if any(alias.name in sdk_names for alias in node.names):
                refers = True
            elif import_pairs or keys is not None:
                # `from app.llm import client`, `from .llm import client`, `from app import llm`
                tail = node.module.rsplit(".", 1)[-1] if node.module else None
                if keys is not None:
                    keys.update((tail, alias.name) for alias in node.names)
                elif any((tail, alias.name) in import_pairs for alias in node.names):
                    refers = True
        if words and (refers or (wraps and anchored)):
            return True, True
        skip = _ANNOTATION_FIELDS.get(kind)
        for name in node._fields:
            if skip and name in skip:
                continue
            child = getattr(node, name, None)
            if isinstance(child, list):
                stack.extend(c for c in child if isinstance(c, ast.AST))
            elif isinstance(child, ast.AST):
                stack.append(child)
    return False, words


# --- Large literal data ----------------------------------------------------------------------------
# libcst needs about 150x the source size in memory and ~15 s per MB: a generated 10 MB module of data
# would take minutes and gigabytes. A top-level statement that only binds literal data holding no word
# of the catalog cannot produce or carry a finding, so a large one is blanked (its lines kept, so every
# position stays right) before libcst sees the file.
LARGE_STATEMENT_CHARS = 2000
# In a file this large every literal-only statement goes, however small (generated data modules).
LARGE_FILE_CHARS = 256_000
_LITERAL_NODES = (ast.Constant, ast.Dict, ast.List, ast.Tuple, ast.Set, ast.UnaryOp, ast.unaryop, ast.expr_context, ast.Name)


def _plain_data(value: ast.AST) -> bool:
    words = catalog.RESOURCE_WORDS
    for node in ast.walk(value):
        if not isinstance(node, _LITERAL_NODES):
            return False
        if isinstance(node, ast.Name) and node.id not in ("True", "False", "None"):
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if text in words or text in catalog.KEYED_STRINGS or text == catalog.OUTPUT_CONFIG_FORMAT_KEY or text in catalog.PAIRED_STRINGS or catalog.UNIQUE_STRING.fullmatch(text):
                return False
    return True


def blank_large_data(text: str, tree: ast.Module) -> tuple:
    """(`text` with large literal-only top-level statements replaced by empty lines, their first lines)."""
    body = tree.body
    every_size = len(text) > LARGE_FILE_CHARS
    drop = []
    for i, stmt in enumerate(body):
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr)) or stmt.value is None:
            continue
        end = stmt.end_lineno or stmt.lineno
        if (i > 0 and (body[i - 1].end_lineno or 0) >= stmt.lineno) or (i + 1 < len(body) and body[i + 1].lineno <= end):
            continue  # shares a line with another statement
        if not every_size and end - stmt.lineno < 3 and (stmt.end_col_offset or 0) < LARGE_STATEMENT_CHARS:
            continue
        if _plain_data(stmt.value):
            drop.append((stmt.lineno, end))
    if not drop:
        return text, frozenset()
    lines = source_lines(text, keepends=True)
    for first, last in drop:
        for index in range(first - 1, min(last, len(lines))):
            line = lines[index]
            lines[index] = line[len(line.rstrip("\r\n")):]
    return "".join(lines), frozenset(first for first, _ in drop)


# --- Decoding ------------------------------------------------------------------------------------
class CannotCheck(Exception):
    def __init__(self, reason: str, line: int = 1, column: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


def decode_source(data: bytes) -> str:
    """Bytes to text, honouring a BOM and a PEP 263 coding cookie (UTF-8 otherwise)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise CannotCheck(f"cannot decode: {exc}") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        raise CannotCheck(
            f"cannot decode as {encoding}: {exc.reason} (byte 0x{data[exc.start]:02x}); declare the encoding with a PEP 263 coding comment",
            line,
            column,
        ) from None
    except LookupError:
        raise CannotCheck(f"unknown encoding {encoding!r} in the coding comment") from None


def module_name_for(path: str, root: Path) -> str:
    rel = relative_path(path, root)
    parts = rel.rsplit(".", 1)[0].split("/")
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(p for p in parts if p and p != "..")


# --- The linter ----------------------------------------------------------------------------------
@dataclass
class Linter:
    settings: Settings
    registry: Registry = field(default_factory=get_registry)
    project: Optional["ProjectIndex"] = None  # the project-wide first pass (zdr_lint.project)

    def __post_init__(self) -> None:
        self.enabled = resolve_selection(self.settings, self.registry.rules)
        self.client_factories = tuple(self.settings.client_factories) + self.registry.client_factories
        if self.project is not None:
            self.client_factories += tuple(sorted(self.project.client_names))
        # Configured factories are few and chosen by the user: each of their names is a trigger word,
        # and every component counts for the ast gate (`from . import llm` refers to `app.llm.client`).
        configured = tuple(self.settings.client_factories) + self.registry.client_factories
        factory_names = {name.rsplit(".", 1)[-1] for name in configured}
        self.sdk_names = frozenset(part for name in configured for part in name.split(".") if part)
        self.sdk_modules = catalog.SDK_MODULES | {name.split(".")[0] for name in configured}
        self.trigger_words = gated_words(set(catalog.TRIGGER_WORDS) | {n.lower().encode() for n in factory_names})
        # The project index can hold many names, some as common as `client`: a file must spell a
        # name together with its module to pass the prefilter, and import one to pass the gate.
        self.trigger_pairs = catalog.TRIGGER_PAIRS | (self.project.trigger_pairs() if self.project is not None else frozenset())
        self.import_pairs = self.project.import_pairs() if self.project is not None else frozenset()
        from zdr_lint.project import index_words

        self.index_words = index_words(self.client_factories)
        self.known_selectors = frozenset(self.registry.rules) | frozenset(r.name for r in self.registry.rules.values())
        from zdr_lint.discovery import make_spec

        self._per_file = [
            (make_spec([pattern]), frozenset().union(*(expand_selector(s, self.registry.rules) for s in selectors)))
            for pattern, selectors in self.settings.per_file_ignores
        ]

    def passes_prefilter(self, data: Union[bytes, str]) -> bool:
        return passes_prefilter(data, self.trigger_words, self.trigger_pairs)

    def lowered_passes_prefilter(self, lowered: bytes) -> bool:
        return lowered_passes(lowered, self.trigger_words, self.trigger_pairs)

    def is_candidate(self, tree: ast.AST, path: str) -> bool:
        return has_candidate(tree, self.sdk_modules, self.sdk_names, self.import_pairs) or self._forced(path)

    def is_candidate_by_facts(self, facts, path: str) -> bool:
        """is_candidate, from the facts the first scan gathered before the project index existed."""
        return gate_decides(facts, self.import_pairs) or self._forced(path)

    def _forced(self, path: str) -> bool:
        return self.project is not None and self.project.forces(path)

    # which rules run on a path
    def codes_for(self, path: str) -> frozenset:
        if not self._per_file:
            return self.enabled
        rel = relative_path(path, self.settings.project_root)
        codes = set(self.enabled)
        for spec, ignored in self._per_file:
            if spec.match_file(rel) or spec.match_file(os.path.basename(path)):
                codes -= ignored
        return frozenset(codes)

    def cannot_check(self, path: str, reason: str, line: int = 1, column: int = 0) -> Finding:
        rule = self.registry.rules[CANNOT_CHECK]
        return Finding(
            CANNOT_CHECK, reason, path, Position(line, column), Position(line, column),
            severity="error", category=rule.category, url=rule.url(),
        )

    def lint_file(self, path: str) -> list:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except IsADirectoryError:
            return [self.cannot_check(path, "is a directory, expected a file")]
        except OSError as exc:
            return [self.cannot_check(path, f"cannot read: {exc.strerror or exc}")]
        return self.lint_source(data, path)

    def lint_source(self, source: Union[bytes, str], path: str, cache: Optional["StatementCache"] = None) -> list:
        """Findings for one file's content; never raises (problems become ZDR000). `cache`: the
        document's previous statements (zdr_lint.incremental), for an editor re-checking edits."""
        codes = self.codes_for(path)
        if not codes:
            return []
        if path.endswith(".ipynb"):
            from zdr_lint import notebook

            return notebook.lint_notebook(self, source, path, codes)
        if not self.passes_prefilter(source):
            return self._noqa_only(source, path, codes)
        try:
            text = decode_source(source) if isinstance(source, bytes) else source
            return self.lint_text(text, path, codes, cache)
        except CannotCheck as exc:
            return self._if_enabled(codes, self.cannot_check(path, exc.reason, exc.line, exc.column))
        except RecursionError:
            return self._if_enabled(codes, self.cannot_check(path, "too deeply nested to check (RecursionError)"))
        except MemoryError:
            return self._if_enabled(codes, self.cannot_check(path, "too large to check (MemoryError)"))
        except Exception as exc:  # never a traceback: the file gets a ZDR000, the run goes on
            return self._if_enabled(codes, self.cannot_check(path, f"internal error: {type(exc).__name__}: {exc}"))

    @staticmethod
    def _if_enabled(codes: frozenset, finding: Finding) -> list:
        return [finding] if CANNOT_CHECK in codes else []

    def lint_text(self, text: str, path: str, codes: Optional[frozenset] = None, cache: Optional["StatementCache"] = None) -> list:
        codes = self.codes_for(path) if codes is None else codes
        tree = parse_ast(text, path)
        if not self.is_candidate(tree, path):
            return self._noqa_only(text, path, codes)
        parse_text, blanked = blank_large_data(text, tree)
        return self.lint_candidate(text, path, codes, parse_text, tree, blanked, cache)

    def lint_candidate(
        self, text: str, path: str, codes: frozenset, parse_text: Optional[str] = None,
        tree: Optional[ast.Module] = None, blanked: frozenset = frozenset(), cache: Optional["StatementCache"] = None,
    ) -> list:
        import libcst as cst

        from zdr_lint.semantics import SemanticModel

        with recursion_limit(max(sys.getrecursionlimit(), RECURSION_LIMIT)):
            try:
                source = text if parse_text is None else parse_text
                module = cache.parse(source, tree) if cache is not None and tree is not None else cst.parse_module(source)
            except cst.ParserSyntaxError as exc:
                raise CannotCheck(f"syntax error: {exc.message}", exc.raw_line, exc.raw_column) from None
            if self.project is not None:
                module_name, is_package = self.project.module_of(path)
            else:
                module_name, is_package = module_name_for(path, self.settings.project_root), path.endswith("__init__.py")
            model = SemanticModel(module, self.client_factories, module_name)
            model.project, model.is_package = self.project, is_package
            reports, failures = run_rules(model, [self.registry.rules[c] for c in sorted(codes) if c != CANNOT_CHECK])
            findings = self._to_findings(module, text, path, reports, codes, tree, model.collector.top_of, blanked, cache)
        for rule, exc in failures:
            findings.extend(self._if_enabled(codes, self.cannot_check(path, f"internal error in {rule.code}: {type(exc).__name__}: {exc}")))
        findings.sort(key=lambda f: f.sort_key)
        return findings

    def _to_findings(
        self, module, text: str, path: str, reports: list, codes: frozenset,
        tree: Optional[ast.Module] = None, top_of: Optional[dict] = None, blanked: frozenset = frozenset(),
        cache: Optional["StatementCache"] = None,
    ) -> list:
        if not reports:
            return self._noqa_only(text, path, codes)
        from zdr_lint.positions import locate
        from zdr_lint.suppression import parse_suppressions

        positions = locate(module, [r.node for r in reports], top_of or {}, tree, blanked, cache.positions_of if cache is not None else None)
        suppressions = parse_suppressions(text, self.known_selectors, tree)
        findings = []
        for report in reports:
            rule = self.registry.rules[report.code]
            where = positions[report.node]
            line = where.start.line
            if suppressions.suppresses(rule.code, rule.name, line):
                continue
            findings.append(
                Finding(
                    rule.code, report.message, path,
                    Position(where.start.line, where.start.column), Position(where.end.line, where.end.column),
                    severity=report.severity or rule.severity, confidence=report.confidence, category=rule.category,
                    url=rule.url(), noqa_line=suppressions.noqa_line(line),
                )
            )
        return findings + self._unused_noqa(suppressions, path, codes)

    def _noqa_only(self, source: Union[bytes, str], path: str, codes: frozenset) -> list:
        """ZDR100 in a file where no rule fired: every ZDR code its noqa directives name is unused.
        A file that never says "noqa" is not decoded or tokenized for it."""
        if UNUSED_NOQA not in codes or ("noqa" if isinstance(source, str) else b"noqa") not in source.lower():
            return []
        from zdr_lint.suppression import parse_suppressions

        try:
            text = decode_source(source) if isinstance(source, bytes) else source
        except CannotCheck:
            return []
        return self._unused_noqa(parse_suppressions(text, self.known_selectors), path, codes)

    def _unused_noqa(self, suppressions, path: str, codes: frozenset) -> list:
        """ZDR100: the enabled ZDR codes of each `# noqa: ...` that suppressed nothing on its line."""
        if UNUSED_NOQA not in codes:
            return []
        rules = self.registry.rules
        code_of = {code: code for code in rules} | {rule.name: code for code, rule in rules.items()}
        rule = rules[UNUSED_NOQA]
        findings = []
        for directive in suppressions.lines.values():
            named = [(token, code_of.get(token)) for token in directive.codes or ()]
            if any(code == UNUSED_NOQA for _, code in named):
                continue  # `# noqa: ZDR100` keeps the directive on purpose
            unused = [token for token, code in named if code in codes and code not in directive.used]
            if unused:
                findings.append(
                    Finding(
                        UNUSED_NOQA, f"unused noqa directive ({', '.join(unused)}): it suppresses nothing on this line; remove it",
                        path, Position(directive.line, directive.start), Position(directive.line, directive.end),
                        severity=rule.severity, category=rule.category, url=rule.url(), noqa_line=directive.line,
                    )
                )
        return findings


def run_rules(model, rule_classes: Iterable) -> tuple:
    """Run each rule's hooks; one rule's crash is that rule's failure, never the other rules'."""
    from zdr_lint.rules.base import Report
    from zdr_lint.wrappers import direct_uses

    seen: set = set()
    reports: list = []

    def sink(report: Report) -> None:
        key = (report.code, id(report.node))
        if key not in seen:
            seen.add(key)
            reports.append(report)

    failures = []
    collector = model.collector
    for rule_class in rule_classes:
        rule = rule_class(model, sink)
        hooks = rule_class.hooks()
        try:
            if "visit_Module" in hooks:
                rule.visit_Module()
            if "check_resource_call" in hooks:
                for rc in model.resource_calls():
                    rule.check_resource_call(rc)
            if "check_request" in hooks:
                for request in model.requests():
                    rule.check_request(request)
            if "visit_Call" in hooks:
                for node in collector.calls:
                    rule.visit_Call(node)
            if "visit_Dict" in hooks:
                for node in collector.dicts:
                    rule.visit_Dict(node)
            if "visit_Assign" in hooks:
                for node in collector.assigns:
                    rule.visit_Assign(node)
            if "check_direct_use" in hooks:
                for use in direct_uses(model):
                    rule.check_direct_use(use)
        except RecursionError as exc:
            failures.append((rule_class, exc))
        except Exception as exc:
            failures.append((rule_class, exc))
    return reports, failures


# --- Many files --------------------------------------------------------------------------------------
# The first scan (read, prefilter, ast stage) costs ~0.1 ms a file: below this many files a process
# pool's start-up costs more than the second core saves.
PARALLEL_SCAN_THRESHOLD = 1000
_worker_linter: Optional[Linter] = None
_worker_token: Optional[int] = None


def _pool(linter: Linter, jobs: int) -> "ProcessPoolExecutor":
    """Workers that lint with `linter`. A forked worker inherits it (building a Linter loads the
    plugins: ~60 ms); under spawn or forkserver each worker builds its own from the settings."""
    from concurrent.futures import ProcessPoolExecutor  # only runs that use a pool import it

    global _worker_linter, _worker_token
    _worker_linter, _worker_token = linter, id(linter)
    return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(linter.settings, linter.project, id(linter)))


def _init_worker(settings: Settings, project=None, token: Optional[int] = None) -> None:
    global _worker_linter, _worker_token
    if _worker_linter is None or token is None or token != _worker_token:
        _worker_linter, _worker_token = Linter(settings, project=project), token


def _lint_in_worker(path: str) -> list:
    assert _worker_linter is not None
    return _worker_linter.lint_file(path)


def _scan_in_worker(paths: list) -> list:
    assert _worker_linter is not None
    return [_scan_file(_worker_linter, path) for path in paths]


def lint_paths(linter: Linter, paths: Sequence[str], jobs: Optional[int] = None) -> list:
    """Findings for many files in a stable order (path, line, column, code), whatever `jobs` is.

    A first scan reads every file once and answers, per file: does it open the project index (it
    imports the SDK), does it pass the prefilter, and, for those that do, what does the ast stage
    say before the index exists (`gate_facts`). Then the index is built and the ast stage's answer
    completed with it; only the candidates are linted (in a process pool when there are enough)."""
    jobs = jobs or os.cpu_count() or 1
    parallel = jobs > 1 and not linter.registry.errors
    if linter.project is None:
        linter, candidates = _index_and_select(linter, paths, jobs if parallel else 1)
    else:
        candidates = [p for p in paths if _worth_linting(linter, p, None)]
    results = None
    if parallel and len(candidates) >= PARALLEL_THRESHOLD:
        chunk = max(1, len(candidates) // (jobs * 8))
        results = _in_pool(linter, min(jobs, len(candidates)), _lint_in_worker, candidates, chunk)
    if results is None:
        results = [linter.lint_file(path) for path in candidates]
    findings = [finding for result in results for finding in result]
    findings.sort(key=lambda f: f.sort_key)
    return findings


def _in_pool(linter: Linter, jobs: int, function, items: list, chunk: int = 1) -> Optional[list]:
    """`function` over `items` in worker processes, results in order; None when no pool can run
    (no /dev/shm in some containers, a worker killed by the system): the caller then does the
    work in this process, after one line on stderr, rather than stopping with a traceback."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        with _pool(linter, jobs) as pool:
            return list(pool.map(function, items, chunksize=chunk))
    except (OSError, BrokenProcessPool) as exc:
        global _warned_no_pool
        if not _warned_no_pool:
            _warned_no_pool = True
            print(f"zdr-lint: warning: no worker processes ({type(exc).__name__}: {exc}); checking in one process", file=sys.stderr)
        return None


_warned_no_pool = False


def _worth_linting(linter: Linter, path: str, lowered: Optional[bytes]) -> bool:
    """Notebooks and unreadable files always (lint_file reports the problem); a source file if it
    passes the prefilter, or says noqa while ZDR100 is on."""
    if path.endswith(".ipynb"):
        return True
    if lowered is None:
        from zdr_lint.project import read_lowered

        lowered = read_lowered(path)
        if lowered is None:
            return True
    return linter.lowered_passes_prefilter(lowered) or _says_noqa(linter, lowered)


def _says_noqa(linter: Linter, lowered: bytes) -> bool:
    return UNUSED_NOQA in linter.enabled and b"noqa" in lowered


# What the first scan says of a file: (opens the index, passes the prefilter, ast facts or None).
# Facts None for a passing file means "lint it whatever the index says" (a notebook, an unreadable or
# undecodable file, one that says noqa while ZDR100 is on: lint_file has the last word).
def _scan_file(linter: Linter, path: str) -> tuple:
    from zdr_lint.project import opens_index

    if path.endswith(".ipynb"):
        return False, True, None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return False, True, None
    lowered = data.lower()
    opens = opens_index(lowered, linter.index_words)
    if not linter.lowered_passes_prefilter(lowered):
        return opens, _says_noqa(linter, lowered), None
    if _says_noqa(linter, lowered):
        return opens, True, None
    try:
        tree = parse_ast(decode_source(data), path)
    except CannotCheck:
        return opens, True, None
    return opens, True, gate_facts(tree, linter.sdk_modules, linter.sdk_names)


def _index_and_select(linter: Linter, paths: Sequence[str], jobs: int) -> tuple:
    """The first scan (in a pool on a large tree), the project index, then the candidates."""
    from zdr_lint.project import build_index

    scanned = None
    if jobs > 1 and len(paths) >= PARALLEL_SCAN_THRESHOLD:
        batches = [list(paths[i:: jobs * 4]) for i in range(jobs * 4)]
        answers = _in_pool(linter, jobs, _scan_in_worker, batches)
        if answers is not None:
            found = dict(zip((p for batch in batches for p in batch), (r for batch in answers for r in batch)))
            scanned = [found[p] for p in paths]
    if scanned is None:
        scanned = [_scan_file(linter, path) for path in paths]
    opening = [p for p, (opens, _, _) in zip(paths, scanned) if opens]
    index = build_index(paths, linter.client_factories, jobs=jobs, opening=opening)
    linter = Linter(linter.settings, linter.registry, project=index)
    selected = []
    rescan = bool(index.trigger_pairs())  # a file that failed the catalog's words may spell an indexed name
    for path, (_, passes, facts) in zip(paths, scanned):
        if passes:
            if facts is None or linter.is_candidate_by_facts(facts, path):
                selected.append(path)
        elif rescan and _worth_linting(linter, path, None):
            selected.append(path)
    return linter, selected


def lint_source(source: Union[bytes, str], path: str, settings: Optional[Settings] = None) -> list:
    """Convenience entry: findings for one file's content with the given (or default) settings."""
    return Linter(settings or Settings()).lint_source(source, path)
