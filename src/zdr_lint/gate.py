"""Stage 2: on CPython's `ast`, could any rule fire? Only a file that holds a candidate reaches libcst.
Also here: large literal-only data is blanked before libcst sees a file (what reaches stage 3)."""

from __future__ import annotations

import ast
import re
from typing import Optional

from zdr_lint import catalog
from zdr_lint.source import CannotCheck, source_lines

_ANNOTATION_FIELDS = {ast.AnnAssign: ("annotation",), ast.arg: ("annotation",), ast.FunctionDef: ("returns",), ast.AsyncFunctionDef: ("returns",)}


def _completes_pair(word: str, seen: set) -> bool:
    """Add a paired string (or a partner) to those seen; True once some key has all its partners."""
    seen.add(word)
    paired = catalog.PAIRED_STRINGS
    return any(key in seen and any(partners <= seen for partners in paired[key]) for key in paired)


def _identifier(node: ast.AST) -> Optional[str]:
    if type(node) is ast.Call:
        node = node.func
    if type(node) is ast.Name:
        return node.id
    if type(node) is ast.Attribute:
        return node.attr
    return None


def _anthropic_by_shape(node: ast.Attribute) -> bool:
    """An attribute chain that can only be Anthropic's (zdr_lint.shape): `X.beta.files`,
    `X.messages.batches`, or a resource of a receiver named for Anthropic (`anthropic_client.files`)."""
    inner = node.value
    if type(inner) is ast.Attribute and (inner.attr, node.attr) in catalog.SHAPE_PREFIXES:
        return True
    name = _identifier(inner)
    return bool(name) and bool(catalog.ANTHROPIC_NAME.search(name)) and not catalog.OTHER_PROVIDER_NAME.search(name)


def has_candidate(tree: ast.AST, sdk_modules: frozenset, sdk_names: frozenset, import_pairs: frozenset = frozenset(), package: Optional[str] = None) -> bool:
    """Could any rule fire? True for an Anthropic spelling in a string, or for a file that refers to
    the SDK (imports it, a configured client factory, or a name of the project index) and writes a
    resource or request word; a file that imports only a wrapper library (LangChain, LiteLLM, ...)
    must also name an Anthropic entry point of it or spell an Anthropic model id. `package`: the
    top-level package of the file itself: a wrapper library's own modules importing it (`import
    litellm` inside litellm) are the library, not a user of it."""
    return _gate_walk(tree, sdk_modules, sdk_names, import_pairs, None, package)[0]


def gate_facts(tree: ast.AST, sdk_modules: frozenset, sdk_names: frozenset, package: Optional[str] = None):
    """The ast stage's answer before the project index exists: True when the file is a candidate
    whatever the index holds, else (writes a resource or request word, its import keys), which
    `gate_decides` completes once the index's import pairs are known."""
    keys: set = set()
    candidate, words = _gate_walk(tree, sdk_modules, sdk_names, frozenset(), keys, package)
    return True if candidate else (words, frozenset(keys))


def gate_decides(facts, import_pairs: frozenset) -> bool:
    return facts is True or (facts[0] and not facts[1].isdisjoint(import_pairs))


def _gate_walk(tree: ast.AST, sdk_modules: frozenset, sdk_names: frozenset, import_pairs: frozenset, keys: Optional[set], package: Optional[str] = None) -> tuple:
    """(candidate, writes a resource or request word). With `keys`, the (module tail, name) keys of
    the file's imports are collected there instead of being looked up in `import_pairs`."""
    refers = wraps = anchored = words = False
    messages_call = shape_keyword = model_seen = False
    shape_words = catalog.SHAPE_NAMED_WORDS
    stack = [tree]
    unique = catalog.UNIQUE_STRING.fullmatch
    model_id = catalog.ANTHROPIC_MODEL_ID.search
    keyed = catalog.KEYED_STRINGS
    resource_words, anchors, wrapper_modules = catalog.RESOURCE_WORDS, catalog.WRAPPER_ANCHORS, catalog.WRAPPER_MODULES - {package}
    paired, partners, paired_seen = catalog.PAIRED_STRINGS, catalog.PAIR_PARTNERS, set()
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Constant:
            value = node.value
            if isinstance(value, str) and len(value) < 200:
                if unique(value) or any(s in value for s in catalog.UNIQUE_SUBSTRINGS) or value in catalog.PYDANTIC_AI_CACHE_KEYS:
                    return True, words
                if ("@" in value or "vertex_ai/" in value) and catalog.match_platform_model_id(value):
                    return True, words  # a Vertex Claude id (`claude-...@20250514`)
                if (value in paired or value in partners) and _completes_pair(value, paired_seen):
                    return True, words
                if not model_seen and (value == catalog.SDK_ROOT or model_id(value)):
                    anchored = model_seen = True
            continue
        if kind is ast.Expr and type(node.value) is ast.Constant:
            continue  # docstrings and bare strings
        if kind is ast.Attribute:
            if node.attr in resource_words:
                words = True
                anchored = anchored or node.attr in anchors
                if node.attr in shape_words and _anthropic_by_shape(node):
                    return True, words
                messages_call = messages_call or node.attr == "messages"
        elif kind is ast.keyword:
            if node.arg in catalog.UNIQUE_KEYWORDS or node.arg in keyed:
                return True, words
            shape_keyword = shape_keyword or node.arg in catalog.SHAPE_GATE_KEYWORDS
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
        if messages_call and (shape_keyword or model_seen):
            return True, True  # `X.messages.create(max_tokens=..., model="claude-...")` on a client made elsewhere
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


# --- Syntax newer than the running Python ------------------------------------------------------------
# CPython's `ast` knows only its own version's grammar: on 3.11 an f-string that reuses its quotes or
# holds a backslash (PEP 701, Python 3.12) is a syntax error, though the file is valid Python. libcst
# parses those, so such a file goes to libcst whole (no ast gate: it is a candidate) instead of
# becoming a ZDR000. The ast stage also keeps libcst from deep nesting, where its native parser
# crashes the process: a refusal for nesting, a NUL byte, or a file whose brackets nest deeper than
# MAX_FALLBACK_NESTING (counted on the raw text, strings included: an over-count only keeps a file
# out) stays a ZDR000.
MAX_FALLBACK_NESTING = 100
_NESTING_REFUSALS = ("nested", "too complex", "stack overflow", "recursion")
_BRACKETS = re.compile(r"[()\[\]{}]")


def libcst_may_decide(text: str, refusal: CannotCheck) -> bool:
    """May a file CPython's ast refused go to libcst? Only for a plain syntax error in shallow code."""
    reason = refusal.reason
    if not reason.startswith("syntax error:") or any(word in reason for word in _NESTING_REFUSALS) or "\0" in text:
        return False
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "([{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_FALLBACK_NESTING:
                    return False
        elif depth:
            depth -= 1
    return True


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
            if len(text) < 200 and catalog.match_platform_model_id(text):
                return False  # a mapping of Bedrock / Vertex model ids is a finding (ZDR011)
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

